//! Reading a response body chunk by chunk from its `ReadableStream` (a JSON call's whole body
//! is read in JS, see `call.js`).

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStreamDefaultReader, Response};

use super::abort::CallGuard;
use crate::core::error::Error;

/// Reads a body chunk by chunk. Dropping it releases nothing by itself: the call's guard
/// aborts the request when the stream is abandoned.
pub struct BodyReader {
    reader: Option<ReadableStreamDefaultReader>,
}

impl BodyReader {
    /// A reader over `response`'s body (an empty one when the response has none).
    pub fn new(response: &Response, guard: &CallGuard) -> BodyReader {
        let reader = response.body().map(|b| {
            b.get_reader()
                .unchecked_into::<ReadableStreamDefaultReader>()
        });
        if let Some(r) = &reader {
            guard.watch_reader(r);
        }
        BodyReader { reader }
    }

    /// The next chunk, or `None` at the end of the body. After a stop (abort, timeout) the
    /// guard's error is returned, never a silent end.
    pub async fn next(&mut self, guard: &CallGuard) -> Result<Option<Uint8Array>, Error> {
        let Some(reader) = &self.reader else {
            return Ok(None);
        };
        let result = JsFuture::from(reader.read()).await;
        if let Some(reason) = guard.reason() {
            self.reader = None;
            return Err(super::abort::stop_error(reason));
        }
        let result = result.map_err(|e| {
            let err = guard.error_for(&e);
            Error::new(
                err.kind,
                format!(
                    "the connection broke before the body was complete: {}",
                    err.message
                ),
            )
            .with_code("body_interrupted")
        })?;
        let done = Reflect::get(&result, &JsValue::from_str("done"))
            .map(|d| d.is_truthy())
            .unwrap_or(true);
        if done {
            self.reader = None;
            return Ok(None);
        }
        let value =
            Reflect::get(&result, &JsValue::from_str("value")).unwrap_or(JsValue::UNDEFINED);
        Ok(Some(value.unchecked_into()))
    }
}
