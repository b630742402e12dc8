//! The Rust declarations of `call.js`, the JavaScript half of the request path: a call's stop
//! state (its `AbortController`, why it stopped, the body reader to cancel, the waits to
//! reject), its timers, and one attempt of a request (init object, fetch, status, request id
//! and, for a JSON call, the body read and parsed). Each step is one crossing from wasm instead
//! of one per property, promise and closure; Rust keeps the decisions (retries, error
//! classification, redaction).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/call.js")]
extern "C" {
    /// A new call (its own `AbortController`). Throws where `AbortController` is missing.
    #[wasm_bindgen(catch, js_name = callNew)]
    pub fn call_new() -> Result<JsValue, JsValue>;
    /// Stops the call when `signal` fires; `false` (nothing linked) when it already has.
    #[wasm_bindgen(js_name = callLink)]
    pub fn call_link(s: &JsValue, signal: &JsValue) -> bool;
    /// Stops the call for `why` (the first reason wins).
    #[wasm_bindgen(js_name = callStop)]
    pub fn call_stop(s: &JsValue, why: u32, ms: f64);
    /// Why the call stopped (0: it did not).
    #[wasm_bindgen(js_name = callWhy)]
    pub fn call_why(s: &JsValue) -> u32;
    /// The timeout, in ms, that stopped the call.
    #[wasm_bindgen(js_name = callMs)]
    pub fn call_ms(s: &JsValue) -> f64;
    /// The call's `AbortSignal`.
    #[wasm_bindgen(js_name = callSignal)]
    pub fn call_signal(s: &JsValue) -> web_sys::AbortSignal;
    /// Stops the call for `why` after `delay` ms; the handle is for `clearTimeout` (see `timer::Timeout`).
    #[wasm_bindgen(js_name = callArm)]
    pub fn call_arm(s: &JsValue, delay: f64, why: u32, ms: f64) -> JsValue;
    /// Cancels the reader when the call stops.
    #[wasm_bindgen(js_name = callWatch)]
    pub fn call_watch(s: &JsValue, reader: &JsValue);
    /// Resolves after `ms`, or rejects as soon as the call stops.
    #[wasm_bindgen(js_name = callSleep)]
    pub fn call_sleep(s: &JsValue, ms: f64) -> js_sys::Promise;
    /// Unlinks the caller's signals and, unless `finished`, stops the call.
    #[wasm_bindgen(js_name = callEnd)]
    pub fn call_end(s: &JsValue, finished: bool);
    /// `JSON.stringify(v)`, or a [`super::codes::to_json`] code.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(v: &JsValue) -> JsValue;
    /// A plain headers object from `[name, value, ...]`.
    #[wasm_bindgen(js_name = headersObject)]
    pub fn headers_object(flat: Vec<String>) -> JsValue;
    /// One attempt of `request` (a `SendRequest`, see [`super::fetch::HttpRequest::to_js`]);
    /// resolves with a [`super::codes::sent`] code, the details left on the call state.
    #[wasm_bindgen(js_name = callSend)]
    pub fn call_send(s: &JsValue, request: &JsValue) -> js_sys::Promise;
    /// Reads and parses the 2xx body of a JSON call left unread at its headers, on the call
    /// state `s` (a new one), `request_id` the response's: resolves with a
    /// [`super::codes::sent`] code (`VALUE`, `NOT_JSON` or `BODY_FAILED`), the details on `s`.
    #[wasm_bindgen(js_name = callReadJson)]
    pub fn call_read_json(
        s: &JsValue,
        res: &web_sys::Response,
        request_id: Option<String>,
    ) -> js_sys::Promise;
    /// The text of an error body: at most 64 KiB, read under the idle timeout `idle_ms` (< 0:
    /// none); rejects only when the call stops.
    #[wasm_bindgen(js_name = callBodyText)]
    pub fn call_body_text(s: &JsValue, res: &web_sys::Response, idle_ms: f64) -> js_sys::Promise;
    /// The last attempt's value (kind 0), text (2, 4) or error (3).
    #[wasm_bindgen(js_name = sentValue)]
    pub fn sent_value(s: &JsValue) -> JsValue;
    /// The last attempt's body text.
    #[wasm_bindgen(js_name = sentText)]
    pub fn sent_text(s: &JsValue) -> String;
    /// The last attempt's status.
    #[wasm_bindgen(js_name = sentStatus)]
    pub fn sent_status(s: &JsValue) -> u16;
    /// The last attempt's request id.
    #[wasm_bindgen(js_name = sentRequestId)]
    pub fn sent_request_id(s: &JsValue) -> Option<String>;
    /// The last attempt's content type (kind 2).
    #[wasm_bindgen(js_name = sentContentType)]
    pub fn sent_content_type(s: &JsValue) -> String;
    /// The last attempt's response (kinds 1 and 4).
    #[wasm_bindgen(js_name = sentResponse)]
    pub fn sent_response(s: &JsValue) -> web_sys::Response;
    /// A header of the last attempt's response.
    #[wasm_bindgen(js_name = sentHeader)]
    pub fn sent_header(s: &JsValue, name: &str) -> Option<String>;
}
