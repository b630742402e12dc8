//! `ByteStream`: a streamed response body as an async iterable of `Uint8Array` chunks, with
//! `text()`, `toReadableStream()` and `abort()`. Returned by `predictStream` and `sync` streams.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::call::Requester;
use super::serial::Serial;
use super::streams::{iter_result, make_async_iterable};
use crate::core::error::{Error, ErrorKind};
use crate::web::abort::Stopper;
use crate::web::stream::ResponseStream;

/// A streamed response body. Iterate it with `for await`; breaking out aborts the request.
#[wasm_bindgen]
pub struct ByteStream {
    client: Rc<Requester>,
    body: Rc<RefCell<Option<ResponseStream>>>,
    stopper: Stopper,
    serial: Serial,
    request_id: Option<String>,
    status: u16,
}

impl ByteStream {
    /// Wraps a started streaming response as a JS async iterable.
    pub fn into_js(client: Rc<Requester>, body: ResponseStream) -> JsValue {
        let request_id = body.request_id().map(str::to_string);
        let status = body.status();
        let stream = ByteStream {
            client,
            stopper: body.stopper(),
            body: Rc::new(RefCell::new(Some(body))),
            serial: Serial::default(),
            request_id,
            status,
        };
        make_async_iterable(stream.into())
    }
}

/// Takes the next chunk, leaving the body in place for the next call (never holding a borrow
/// across the await: the body is moved out while it is read).
async fn next_chunk(
    cell: Rc<RefCell<Option<ResponseStream>>>,
) -> Result<Option<js_sys::Uint8Array>, Error> {
    let Some(mut body) = cell.borrow_mut().take() else {
        return Ok(None);
    };
    let chunk = body.next().await.map_err(|e| body.tag(e));
    if matches!(chunk, Ok(Some(_))) {
        *cell.borrow_mut() = Some(body);
    }
    chunk
}

#[wasm_bindgen]
impl ByteStream {
    /// The async-iterator step: `{ value: Uint8Array, done: false }`, then `{ done: true }`.
    #[wasm_bindgen(unchecked_return_type = "Promise<IteratorResult<Uint8Array, undefined>>")]
    pub fn next(&self) -> js_sys::Promise {
        let cell = self.body.clone();
        let client = self.client.clone();
        self.serial.run(async move {
            match next_chunk(cell).await {
                Ok(Some(chunk)) => Ok(iter_result(&chunk, false)),
                Ok(None) => Ok(iter_result(&JsValue::UNDEFINED, true)),
                Err(e) => Err(client.fail(e)),
            }
        })
    }

    /// Stops the stream and aborts the request (called by `for await` on `break`).
    #[wasm_bindgen(
        js_name = "return",
        unchecked_return_type = "Promise<IteratorResult<Uint8Array, undefined>>"
    )]
    pub fn return_(&self) -> js_sys::Promise {
        self.abort();
        self.body.borrow_mut().take();
        js_sys::Promise::resolve(&iter_result(&JsValue::UNDEFINED, true))
    }

    /// Aborts the request; a pending or later `next()` rejects with an `AbortError`.
    pub fn abort(&self) {
        self.stopper.stop();
    }

    /// The rest of the body as one string, decoded as strict UTF-8 (invalid bytes are a
    /// `DecodeError`).
    #[wasm_bindgen(unchecked_return_type = "Promise<string>")]
    pub fn text(&self) -> js_sys::Promise {
        let cell = self.body.clone();
        let client = self.client.clone();
        self.serial.run(async move {
            let mut bytes = Vec::new();
            loop {
                match next_chunk(cell.clone()).await {
                    Ok(Some(chunk)) => bytes.extend_from_slice(&chunk.to_vec()),
                    Ok(None) => break,
                    Err(e) => return Err(client.fail(e)),
                }
            }
            String::from_utf8(bytes)
                .map(|s| JsValue::from_str(&s))
                .map_err(|_| {
                    client.fail(Error::new(ErrorKind::Decode, "the body is not valid UTF-8"))
                })
        })
    }

    /// The response's request id (`X-BASETEN-REQUEST-ID`, else `x-request-id`).
    #[wasm_bindgen(getter, js_name = requestId)]
    pub fn request_id(&self) -> Option<String> {
        self.request_id.clone()
    }

    /// The response's HTTP status.
    #[wasm_bindgen(getter)]
    pub fn status(&self) -> u16 {
        self.status
    }
}
