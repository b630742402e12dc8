//! `verifyWebhook`: checks the signature of a Baseten async webhook (HMAC-SHA256 over the raw
//! body, any of several `v1=` values and secrets, constant-time) and its `time` tolerance.
//! Synchronous and pure (RustCrypto's hmac and sha2 run in the wasm, not WebCrypto), so it
//! works the same in workerd, Node, Deno and browsers.

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use super::errors;
use super::options::{string_arg, string_or_strings, Opts};
use crate::core::error::{Error, ErrorKind, Result};
use crate::core::options::webhook;
use crate::core::webhook::{
    verify_webhook_text as verify, VerifyOptions, DEFAULT_TOLERANCE_SECONDS,
};
use crate::web::timer::now_ms;

fn body_bytes(raw: &JsValue) -> Result<Vec<u8>> {
    if let Some(s) = raw.as_string() {
        return Ok(s.into_bytes());
    }
    if raw.is_instance_of::<Uint8Array>() || raw.is_instance_of::<js_sys::ArrayBuffer>() {
        return Ok(Uint8Array::new(raw).to_vec());
    }
    if js_sys::ArrayBuffer::is_view(raw) {
        let view: &js_sys::Object = raw.unchecked_ref();
        let get = |k: &str| js_sys::Reflect::get(view, &k.into()).ok();
        if let (Some(buf), Some(off), Some(len)) =
            (get("buffer"), get("byteOffset"), get("byteLength"))
        {
            let (off, len) = (
                off.as_f64().unwrap_or(0.0) as u32,
                len.as_f64().unwrap_or(0.0) as u32,
            );
            return Ok(Uint8Array::new_with_byte_offset_and_length(&buf, off, len).to_vec());
        }
    }
    Err(Error::config(
        "rawBody must be a string, a Uint8Array or an ArrayBuffer (the exact bytes received)",
    ))
}

/// `options.now` (a `Date` or epoch milliseconds), when given; an invalid `Date` is refused.
/// Shared by verifyWebhook and verifyProxyToken.
pub(super) fn read_now(o: &Opts, field: &crate::core::options::Field) -> Result<Option<f64>> {
    match o.get(field).and_then(|v| v.dyn_into::<js_sys::Date>().ok()) {
        Some(date) if date.get_time().is_finite() => Ok(Some(date.get_time())),
        Some(_) => Err(Error::config("options.now is an invalid Date")),
        None => Ok(o.number(field)),
    }
}

fn run(
    raw_body: &JsValue,
    header: Option<String>,
    secrets: &JsValue,
    options: &JsValue,
) -> Result<JsValue> {
    let o = Opts::new(options, webhook::TABLE)?;
    // `Infinity` turns the time check off; `now` may be a Date or milliseconds.
    let tolerance_seconds = match o.get(webhook::TOLERANCE_SECONDS).and_then(|v| v.as_f64()) {
        Some(t) if t == f64::INFINITY => t,
        _ => o
            .number(webhook::TOLERANCE_SECONDS)
            .unwrap_or(DEFAULT_TOLERANCE_SECONDS),
    };
    let now = read_now(&o, webhook::NOW)?;
    let opts = VerifyOptions {
        tolerance_seconds,
        now_ms: now.unwrap_or_else(now_ms),
    };
    let secrets = string_or_strings(secrets, "secrets")?;
    let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let body = body_bytes(raw_body)?;
    let text = verify(&body, header.as_deref().unwrap_or(""), &refs, &opts)?;
    js_sys::JSON::parse(text).map_err(|_| {
        Error::new(
            ErrorKind::WebhookVerification,
            "the webhook body is not JSON",
        )
    })
}

/// Verifies a Baseten async webhook. `rawBody` is the exact body received (string or bytes),
/// `signatureHeader` the `X-BASETEN-SIGNATURE` value, `secrets` one secret or several (during
/// rotation). Returns the parsed webhook payload; throws a `WebhookVerificationError` whose
/// `code` says why (`missing_signature`, `malformed_signature`, `signature_mismatch`,
/// `invalid_body`, `timestamp_out_of_tolerance`), or a `ConfigurationError` (`no_secret`).
/// `options.now` (epoch ms) and `options.toleranceSeconds` (300) govern the `time` check.
#[wasm_bindgen(js_name = verifyWebhook, unchecked_return_type = "BasetenWebhook")]
pub fn verify_webhook(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer | ArrayBufferView")]
    raw_body: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] signature_header: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | string[]")] secrets: JsValue,
    options: Option<super::types::VerifyWebhookOptionsArg>,
) -> std::result::Result<JsValue, JsValue> {
    let header = if signature_header.is_null() || signature_header.is_undefined() {
        Ok(None)
    } else {
        string_arg(&signature_header, "signatureHeader").map(Some)
    };
    header
        .and_then(|header| {
            run(
                &raw_body,
                header,
                &secrets,
                &options.map(JsValue::from).unwrap_or_default(),
            )
        })
        .map_err(|e| errors::to_js(&e))
}
