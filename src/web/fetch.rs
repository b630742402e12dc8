//! Sending one request with the global `fetch` (or a caller's injected fetch-like function).

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::abort::CallGuard;
use super::glue;
use super::timer::glue_delay;
use crate::core::error::Error;

/// Which fetch to call.
#[derive(Clone)]
pub enum Fetch {
    /// `globalThis.fetch`, resolved at call time.
    Global,
    /// A function with fetch's signature given by the caller (undici, a test double, a proxy).
    Injected(Function),
}

/// A fully built request. `headers` are already validated; the body is sent as is.
pub struct HttpRequest<'a> {
    /// `GET`, `POST`, ...
    pub method: &'a str,
    /// The absolute URL.
    pub url: &'a str,
    /// The headers, a plain JS object of strings.
    pub headers: &'a JsValue,
    /// Whether `headers` is shared and must be copied into each request.
    pub copy: bool,
    /// The body (a JS string), or `undefined`.
    pub body: &'a JsValue,
    /// Whether the request carries the call's signal. Without it a stop still ends the call
    /// at once, but the request itself runs on until its headers arrive (then its body is
    /// cancelled): for calls with nothing but the default deadline, where a signal is all
    /// cost (Node's fetch spends tens of microseconds per request on one).
    pub signal: bool,
}

impl Fetch {
    /// Sends `req` once, in one crossing to JS (see `glue.rs`), and resolves with the
    /// outcome's kind, its details left in the guard's JS state. The guard's signal goes with
    /// the request; a stop (abort or timeout) ends the wait even if the fetch ignores the
    /// signal. `headers_timeout` stops the call when the headers take longer, `idle_timeout`
    /// when an error body goes silent that long; `json` also reads and parses a 2xx body.
    pub async fn send(
        &self,
        req: &HttpRequest<'_>,
        guard: &CallGuard,
        headers_timeout: Option<f64>,
        idle_timeout: Option<f64>,
        json: bool,
    ) -> Result<u32, Error> {
        let fetch = match self {
            Fetch::Global => &JsValue::UNDEFINED,
            Fetch::Injected(f) => f.as_ref(),
        };
        let promise = glue::call_send(
            guard.js(),
            fetch,
            req.url,
            req.method,
            req.headers,
            req.copy,
            req.body,
            glue_delay(headers_timeout),
            glue_delay(idle_timeout),
            json,
            req.signal,
        );
        match JsFuture::from(promise).await {
            Ok(kind) => Ok(kind.as_f64().unwrap_or(5.0) as u32),
            Err(e) => Err(guard.error_for(&e)),
        }
    }
}
