//! Core errors as instances of the JavaScript error classes (`gen/errors.js`, generated from
//! `ErrorKind`): `name`, `kind`, `status`, `requestId`, `code`, `retryable`, `attempts` and the
//! raw `body`.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::core::error::Error;

// Naming this type is also what makes wasm-bindgen ship `error_base.js` (it copies only the
// files a Rust extern block names), which `gen/errors.js` imports: keep it in every build.
#[wasm_bindgen(module = "/src/js/error_base.js")]
extern "C" {
    /// The parent of every error class.
    pub type BasetenError;
}

#[wasm_bindgen(module = "/src/js/gen/errors.js")]
extern "C" {
    /// `new <class of kind>(message, fields)`.
    #[wasm_bindgen(js_name = makeError)]
    fn make_error(kind: &str, message: &str, fields: &Object) -> BasetenError;
}

/// Converts `err` into a JS error. Callers redact the API key first (see `call::Requester::fail`).
pub fn to_js(err: &Error) -> JsValue {
    let fields = Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&fields, &JsValue::from_str(k), &v);
    };
    let opt_str = |v: &Option<String>| v.as_deref().map(JsValue::from_str).unwrap_or(JsValue::NULL);
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
    make_error(err.kind.as_str(), &err.message, &fields).into()
}
