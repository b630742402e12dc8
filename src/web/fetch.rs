//! Sending one request with the global `fetch` (or a caller's injected fetch-like function).

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

use super::abort::CallGuard;
use crate::core::error::{Error, ErrorKind};

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, looked up by name so it works where there is no `window`.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(url: &str, init: &Object) -> Result<Promise, JsValue>;
}

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
    /// Header names and values.
    pub headers: &'a [(String, String)],
    /// The body, if any.
    pub body: Option<&'a str>,
}

impl Fetch {
    /// Sends `req` and waits for the response headers. The guard's signal goes with the
    /// request; a stop (abort or timeout) ends the wait even if the fetch ignores the signal.
    pub async fn send(&self, req: &HttpRequest<'_>, guard: &CallGuard) -> Result<Response, Error> {
        let init = Object::new();
        let set = |k: &str, v: &JsValue| {
            let _ = Reflect::set(&init, &JsValue::from_str(k), v);
        };
        set("method", &JsValue::from_str(req.method));
        let headers = Object::new();
        for (name, value) in req.headers {
            let _ = Reflect::set(
                &headers,
                &JsValue::from_str(name),
                &JsValue::from_str(value),
            );
        }
        set("headers", &headers);
        if let Some(body) = req.body {
            set("body", &JsValue::from_str(body));
        }
        set("signal", &guard.signal());

        let started = match self {
            Fetch::Global => global_fetch(req.url, &init),
            Fetch::Injected(f) => f
                .call2(&JsValue::UNDEFINED, &JsValue::from_str(req.url), &init)
                .map(|p| Promise::resolve(&p)),
        };
        let promise = started.map_err(|e| guard.error_for(&e))?;
        let raced = Promise::race(&js_sys::Array::of2(&promise, &guard.stopped()));
        let value = JsFuture::from(raced)
            .await
            .map_err(|e| guard.error_for(&e))?;
        if !Reflect::get(&value, &JsValue::from_str("status"))
            .map(|s| s.as_f64().is_some())
            .unwrap_or(false)
        {
            return Err(Error::new(
                ErrorKind::Connection,
                "fetch resolved to something that is not a Response",
            ));
        }
        Ok(value.unchecked_into())
    }
}
