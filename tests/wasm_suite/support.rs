//! Helpers: options objects, awaiting promises, reading properties, fetching mock introspection.

use baseten_edge::js::client::Baseten;
use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

pub const KEY: &str = "test-key";

/// The mock's base URL, fixed when the tests were built (`BASETEN_MOCK_URL`, set by
/// scripts/test.sh after it starts the mock).
pub fn mock() -> String {
    env!("BASETEN_MOCK_URL").to_string()
}

/// A JS object from `(key, value)` pairs.
pub fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

/// Parses JSON text into a JS value.
pub fn json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap()
}

/// `JSON.stringify(v)`.
pub fn stringify(v: &JsValue) -> String {
    js_sys::JSON::stringify(v).unwrap().as_string().unwrap()
}

/// A client for the mock with the test key and `extra` options.
pub fn client(extra: &[(&str, JsValue)]) -> Baseten {
    let mut pairs = vec![
        ("apiKey", JsValue::from_str(KEY)),
        ("baseUrl", JsValue::from_str(&mock())),
    ];
    pairs.extend(extra.iter().cloned());
    Baseten::new(Some(obj(&pairs)))
        .unwrap_or_else(|e| panic!("client: {}", stringify(&get(&e, "message"))))
}

/// `v[k]`.
pub fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(k)).unwrap()
}

/// `v[k]` as a string (panics if it is not one).
pub fn s(v: &JsValue, k: &str) -> String {
    get(v, k)
        .as_string()
        .unwrap_or_else(|| panic!("{k} is not a string in {}", describe(v)))
}

/// A short description of a value or error for assertion messages.
pub fn describe(v: &JsValue) -> String {
    if v.is_instance_of::<js_sys::Error>() {
        format!("{}: {}", s(v, "name"), s(v, "message"))
    } else {
        js_sys::JSON::stringify(v)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    }
}

/// Awaits a promise that must resolve.
pub async fn ok(p: Promise) -> JsValue {
    JsFuture::from(p)
        .await
        .unwrap_or_else(|e| panic!("expected success, got {}", describe(&e)))
}

/// Awaits a promise that must reject, and checks the error's `name`.
pub async fn err(p: Promise, name: &str) -> JsValue {
    match JsFuture::from(p).await {
        Ok(v) => panic!("expected {name}, got success {}", describe(&v)),
        Err(e) => {
            assert!(e.is_instance_of::<js_sys::Error>(), "not an Error: {e:?}");
            assert_eq!(s(&e, "name"), name, "{}", describe(&e));
            e
        }
    }
}

/// GETs a mock introspection route (`/__mock/...`) with the global fetch.
pub async fn mock_get(path: &str) -> JsValue {
    let fetch: Function = Reflect::get(&js_sys::global(), &"fetch".into())
        .unwrap()
        .unchecked_into();
    let url = format!("{}{path}", mock());
    let resp = JsFuture::from(
        fetch
            .call1(&JsValue::UNDEFINED, &url.into())
            .unwrap()
            .unchecked_into::<Promise>(),
    )
    .await
    .unwrap();
    let json: Function = get(&resp, "json").unchecked_into();
    JsFuture::from(json.call0(&resp).unwrap().unchecked_into::<Promise>())
        .await
        .unwrap()
}

/// The most recent request the mock recorded.
pub async fn last_request() -> JsValue {
    mock_get("/__mock/last").await
}

/// A header of the last recorded request (names are lowercase).
pub async fn last_header(name: &str) -> Option<String> {
    get(&get(&last_request().await, "headers"), name).as_string()
}

/// A fresh `AbortController`.
pub fn abort_controller() -> web_sys::AbortController {
    web_sys::AbortController::new().unwrap()
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let p = Promise::new(&mut |resolve, _| {
        let set_timeout: Function = Reflect::get(&js_sys::global(), &"setTimeout".into())
            .unwrap()
            .unchecked_into();
        set_timeout
            .call2(&JsValue::UNDEFINED, &resolve, &ms.into())
            .unwrap();
    });
    JsFuture::from(p).await.unwrap();
}

/// Calls `iterable.next()` and awaits it.
pub async fn next(stream: &JsValue) -> Result<JsValue, JsValue> {
    let f: Function = get(stream, "next").unchecked_into();
    JsFuture::from(f.call0(stream).unwrap().unchecked_into::<Promise>()).await
}

/// Calls a method with no arguments and awaits the promise it returns.
pub async fn call0(target: &JsValue, method: &str) -> Result<JsValue, JsValue> {
    let f: Function = get(target, method).unchecked_into();
    JsFuture::from(f.call0(target).unwrap().unchecked_into::<Promise>()).await
}

/// The bytes of a `Uint8Array` as text.
#[cfg(feature = "full")]
pub fn utf8(v: &JsValue) -> String {
    String::from_utf8(v.clone().unchecked_into::<js_sys::Uint8Array>().to_vec()).unwrap()
}

/// An options object as the typed optional argument a method takes.
pub fn opt<T: wasm_bindgen::JsCast>(v: JsValue) -> Option<T> {
    Some(v.unchecked_into())
}
