//! Sending one request with the global `fetch` (or a caller's injected fetch-like function).

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::abort::CallGuard;
use super::codes::sent;
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
    /// The control object of the call's `APIPromise` (`api_promise.js`), or `undefined`: each
    /// response is left on it, and a 2xx JSON body is read only if its value was asked for.
    pub api: &'a JsValue,
}

impl HttpRequest<'_> {
    /// The request as the `SendRequest` object `callSend` takes (`call.js`), built once per
    /// call: every attempt sends the same one.
    pub fn to_js(
        &self,
        fetch: &Fetch,
        headers_timeout: Option<f64>,
        idle_timeout: Option<f64>,
        json: bool,
    ) -> JsValue {
        let o = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| {
            let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), v);
        };
        match fetch {
            Fetch::Injected(f) => set("fetch", f),
            Fetch::Global => set("fetch", &JsValue::UNDEFINED),
        }
        set("url", &JsValue::from_str(self.url));
        set("method", &JsValue::from_str(self.method));
        set("headers", self.headers);
        set("copyHeaders", &JsValue::from_bool(self.copy));
        set("body", self.body);
        set("headersMs", &JsValue::from_f64(glue_delay(headers_timeout)));
        set("idleMs", &JsValue::from_f64(glue_delay(idle_timeout)));
        set("json", &JsValue::from_bool(json));
        set("withSignal", &JsValue::from_bool(self.signal));
        set("api", self.api);
        o.into()
    }
}

/// Sends `request` (from [`HttpRequest::to_js`]) once, in one crossing to JS (see `call.js`),
/// and resolves with the outcome's [`super::codes::sent`] code, its details left in the
/// guard's JS state. The guard's signal goes with the request; a stop (abort or timeout) ends
/// the wait even if the fetch ignores the signal.
pub async fn send(request: &JsValue, guard: &CallGuard) -> Result<u32, Error> {
    let promise = glue::call_send(guard.js(), request);
    match JsFuture::from(promise).await {
        Ok(kind) => Ok(kind.as_f64().map_or(sent::NOT_RESPONSE, |k| k as u32)),
        Err(e) => Err(guard.error_for(&e)),
    }
}
