//! The Rust/JavaScript boundary: every integer code is the same on both sides.

use baseten_edge::web::codes::{all_codes, rust_codes};
use baseten_edge::web::fetch::{Fetch, HttpRequest};
use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

/// The keys of a JS object, in order.
fn keys(v: &JsValue) -> Vec<String> {
    Object::keys(v.unchecked_ref::<Object>())
        .iter()
        .filter_map(|k| k.as_string())
        .collect()
}

#[wasm_bindgen_test]
fn boundary_codes_agree() {
    let js = all_codes();
    let rust = rust_codes();
    let rust_tables: Vec<&str> = rust.iter().map(|(t, _)| *t).collect();
    assert_eq!(keys(&js), rust_tables, "the same tables on both sides");
    for (table, codes) in &rust {
        let js_table = Reflect::get(&js, &JsValue::from_str(table)).unwrap();
        let rust_names: Vec<&str> = codes.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            keys(&js_table),
            rust_names,
            "{table}: the same names, in order"
        );
        for (name, code) in codes {
            let got = Reflect::get(&js_table, &JsValue::from_str(name))
                .unwrap()
                .as_f64();
            assert_eq!(got, Some(*code), "{table}.{name}");
        }
    }
}

#[wasm_bindgen_test]
fn the_request_object_has_the_keys_call_js_reads() {
    let headers = js_sys::Object::new().into();
    let request = HttpRequest {
        method: "POST",
        url: "http://127.0.0.1:9/",
        headers: &headers,
        copy: false,
        body: &JsValue::UNDEFINED,
        signal: false,
        api: &JsValue::UNDEFINED,
    };
    let built = keys(&request.to_js(&Fetch::Global, None, Some(5.0), true));
    // The `@property` names of call.js's SendRequest typedef, in order.
    let src = include_str!("../../src/web/call.js");
    let typedef = src
        .split("@typedef {object} SendRequest")
        .nth(1)
        .and_then(|rest| rest.split("*/").next())
        .expect("call.js has the SendRequest typedef");
    let read: Vec<String> = typedef
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("* @property {"))
        .filter_map(|l| l.split_once("} ").map(|(_, rest)| rest))
        .filter_map(|rest| rest.split_whitespace().next().map(String::from))
        .collect();
    assert_eq!(read.len(), 11, "the typedef read: {read:?}");
    assert_eq!(built, read, "HttpRequest::to_js builds what callSend reads");
}
