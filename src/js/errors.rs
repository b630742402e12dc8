//! Core errors as JavaScript `Error` objects with `name`, `status`, `requestId`, `code`,
//! `retryable`, `attempts` and the raw `body`.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

use super::helpers::make_error;
use crate::core::error::Error;

/// Converts `err` into a JS `Error`. Callers redact the API key first (see `call::Client::fail`).
pub fn to_js(err: &Error) -> JsValue {
    let props = Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&props, &JsValue::from_str(k), &v);
    };
    let opt_str = |v: &Option<String>| v.as_deref().map(JsValue::from_str).unwrap_or(JsValue::NULL);
    set("kind", JsValue::from_str(err.kind.as_str()));
    set(
        "status",
        err.status
            .map(|s| JsValue::from(s as u32))
            .unwrap_or(JsValue::NULL),
    );
    set("requestId", opt_str(&err.request_id));
    set("code", opt_str(&err.code));
    set("body", opt_str(&err.body));
    set("retryable", JsValue::from_bool(err.retryable()));
    set("attempts", JsValue::from(err.attempts));
    make_error(err.kind.js_name(), &err.message, &props)
}
