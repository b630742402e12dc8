//! The `APIPromise` every single-request method returns (openai-node's response helpers:
//! `asResponse()`, `withResponse()`), and [`LazyBody`], the body of a call left unread at its
//! headers because nothing had asked for its value yet.
//!
//! A call splits at "headers received and accepted" (retries done, the status 2xx) and "body
//! parsed". When the value was asked for before the headers came (`await`, `then`,
//! `withResponse()`: the common case), both happen in one step as before (`call.js` reads the
//! body with the headers). Otherwise the call ends at the headers and resolves with a
//! [`LazyBody`], which `api_promise.js` asks to parse only if the value is ever wanted, so
//! `asResponse()` hands over a body nobody has read. A body read that late is no longer under
//! the call's deadline, only under its signals.

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Response};

use super::call::{body_error, promise, Accept, CallOpts, Requester, Sent, Started};
use super::event_reader::{EventReader, StreamKind};
use crate::core::error::{Error, ErrorKind, Result};
use crate::web::abort::CallGuard;
use crate::web::codes::sent;
use crate::web::glue;
use crate::web::stream::ResponseStream;

#[wasm_bindgen(module = "/src/js/api_promise.js")]
extern "C" {
    /// A new control object for one call's `APIPromise`.
    #[wasm_bindgen(js_name = apiCtl)]
    fn api_ctl() -> JsValue;
    /// Whether nothing has asked for the call's parsed value yet.
    #[wasm_bindgen(js_name = apiLazy)]
    fn api_lazy(ctl: &JsValue) -> bool;
    /// Leaves `body` (a [`LazyBody`]) on the control object and returns what the call's future
    /// resolves with to say so.
    #[wasm_bindgen(js_name = apiDeferred)]
    fn api_deferred(ctl: &JsValue, body: JsValue) -> JsValue;
    /// The `APIPromise` of a call whose future is `head`.
    #[wasm_bindgen(js_name = apiPromise)]
    fn api_promise(ctl: &JsValue, head: &Promise) -> Promise;
}

/// What a call's answer becomes.
#[derive(Clone, Copy)]
pub enum Then {
    /// The parsed JSON, as is.
    Json,
    /// `{ requestId }` from `async_predict`'s answer.
    #[cfg(feature = "full")]
    AsyncPredict,
    /// A `ChatCompletionStream` of the SSE body.
    ChatStream,
    /// A Response, with `output_text` added (the Responses API).
    Response,
    /// A `ResponseStream` of the SSE body.
    ResponseStream,
    /// A `ByteStream` of the body.
    #[cfg(feature = "full")]
    ByteStream,
}

impl Then {
    fn value(self, answer: JsValue) -> Result<JsValue> {
        match self {
            #[cfg(feature = "full")]
            Then::AsyncPredict => super::native::async_predict_result(&answer),
            Then::Response => super::responses::add_output_text(&answer),
            _ => Ok(answer),
        }
    }

    fn stream(self, client: Rc<Requester>, body: ResponseStream) -> JsValue {
        match self {
            #[cfg(feature = "full")]
            Then::ByteStream => super::byte_stream::ByteStream::into_js(client, body),
            Then::ResponseStream => EventReader::into_js(client, body, StreamKind::Responses),
            _ => EventReader::into_js(client, body, StreamKind::Chat),
        }
    }

    fn is_stream(self) -> bool {
        match self {
            Then::ChatStream | Then::ResponseStream => true,
            #[cfg(feature = "full")]
            Then::ByteStream => true,
            _ => false,
        }
    }
}

/// Runs `op` like [`super::call::spawn`], handing it the control object to put in its
/// `CallOpts::api`, and returns the call's `APIPromise`.
#[inline(always)]
pub fn spawn_api<F, Fut>(client: &Rc<Requester>, op: F) -> Promise
where
    F: FnOnce(Rc<Requester>, JsValue) -> Fut,
    Fut: Future<Output = Result<JsValue>> + 'static,
{
    let ctl = api_ctl();
    let head = promise(client.clone(), op(client.clone(), ctl.clone()));
    api_promise(&ctl, &head)
}

/// A JSON call of an `APIPromise`: its answer made into `then`'s value, or a [`LazyBody`] when
/// the value had not been asked for by the time the headers came.
pub async fn json_call(
    client: &Rc<Requester>,
    method: &str,
    url: &str,
    body: Option<&JsValue>,
    call: &CallOpts,
    then: Then,
) -> Result<JsValue> {
    let sent = client.send(method, url, body, Accept::Json, call).await?;
    match sent.into_value() {
        Ok(answer) => then.value(answer),
        Err(unread) => Ok(defer(client, unread, call, then)),
    }
}

/// A streaming call of an `APIPromise`, its headers accepted: the stream, or a [`LazyBody`]
/// when nothing has asked for it yet (so `asResponse()` gets the body unread).
pub fn stream_result(
    client: Rc<Requester>,
    started: Started,
    call: &CallOpts,
    then: Then,
) -> JsValue {
    match &call.api {
        Some(ctl) if api_lazy(ctl) => {
            let lazy = LazyBody::new(client, started, call, then);
            api_deferred(ctl, lazy.into())
        }
        _ => then.stream(client, started.into_stream()),
    }
}

/// A [`LazyBody`] for a JSON call whose body was left unread (`callSend` leaves one unread only
/// for a call with an `APIPromise`, so `call.api` is set).
fn defer(client: &Rc<Requester>, unread: Sent, call: &CallOpts, then: Then) -> JsValue {
    let lazy = LazyBody::new(client.clone(), unread.started(), call, then);
    match &call.api {
        Some(ctl) => api_deferred(ctl, lazy.into()),
        None => JsValue::UNDEFINED,
    }
}

/// The body of a call left unread at its headers: `parse()` reads it when the call's value is
/// first asked for. Internal: held by the call's `APIPromise`.
#[wasm_bindgen(skip_typescript)]
pub struct LazyBody {
    client: Rc<Requester>,
    /// Taken by the one `parse()`.
    unread: Cell<Option<Unread>>,
}

/// What [`LazyBody::parse`] reads.
struct Unread {
    response: Response,
    request_id: Option<String>,
    idle_ms: Option<f64>,
    signals: Vec<AbortSignal>,
    then: Then,
}

impl LazyBody {
    /// Ends the call at its headers: its deadline is cleared and its state released (without
    /// aborting: the body stays readable); the caller's signals still stop a later read.
    fn new(client: Rc<Requester>, started: Started, call: &CallOpts, then: Then) -> LazyBody {
        let Started {
            response,
            mut guard,
            deadline,
            idle_ms,
            request_id,
        } = started;
        drop(deadline);
        guard.finish();
        let unread = Unread {
            response,
            request_id,
            idle_ms,
            signals: call.signals().to_vec(),
            then,
        };
        LazyBody {
            client,
            unread: Cell::new(Some(unread)),
        }
    }
}

impl Unread {
    async fn run(self, client: Rc<Requester>) -> Result<JsValue> {
        let Unread {
            response,
            request_id,
            idle_ms,
            signals,
            then,
        } = self;
        let mut guard = CallGuard::linked(signals.iter().cloned())?;
        if then.is_stream() {
            let body = ResponseStream::new(&response, guard, None, idle_ms, request_id);
            return Ok(then.stream(client, body));
        }
        let read = glue::call_read_json(guard.js(), &response, request_id);
        let kind = JsFuture::from(read)
            .await
            .map_err(|e| guard.error_for(&e))?;
        let kind = kind.as_f64().map_or(sent::BODY_FAILED, |k| k as u32);
        if kind != sent::VALUE {
            return Err(body_error(kind, &guard));
        }
        guard.finish();
        then.value(glue::sent_value(guard.js()))
    }
}

#[wasm_bindgen]
impl LazyBody {
    /// Reads and parses the body (once; a second call rejects): the call's value, or its
    /// typed, redacted error.
    pub fn parse(&self) -> Promise {
        let client = self.client.clone();
        let unread = self.unread.take();
        promise(self.client.clone(), async move {
            match unread {
                Some(unread) => unread.run(client).await,
                None => Err(Error::new(ErrorKind::Aborted, "the body was already read")),
            }
        })
    }
}
