//! The Responses API against the mock, in Node and in Chromium: the Response with output_text,
//! a stream's events in order with its text and final Response, tee(), and the stream rules'
//! typed errors (the fault matrix has the rest).

use baseten_edge::js::client::Baseten;
use js_sys::{Array, Function, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

use super::support::*;

fn body(stream: bool, extra: &str) -> JsValue {
    json(&format!(
        r#"{{"model":"mock-model","input":"ping pong","max_output_tokens":5,"stream":{stream}{extra}}}"#
    ))
}

fn create(c: &Baseten, body: JsValue, opts: JsValue) -> Promise {
    c.responses().create(body, opt(opts))
}

/// The events of a stream, as their types, and the error that ended it, if any.
async fn types(stream: &JsValue) -> (Vec<String>, String, Option<JsValue>) {
    let (mut kinds, mut text) = (Vec::new(), String::new());
    loop {
        match next(stream).await {
            Ok(r) if get(&r, "done") == JsValue::TRUE => return (kinds, text, None),
            Ok(r) => {
                let e = get(&r, "value");
                if s(&e, "type") == "response.output_text.delta" {
                    text.push_str(&s(&e, "delta"));
                }
                kinds.push(s(&e, "type"));
            }
            Err(e) => return (kinds, text, Some(e)),
        }
    }
}

#[wasm_bindgen_test]
async fn the_response_has_output_text_and_the_stream_the_same_text() {
    let c = client(&[]);
    let plain = ok(create(&c, body(false, ""), JsValue::UNDEFINED)).await;
    assert_eq!(s(&plain, "object"), "response");
    assert_eq!(s(&plain, "output_text"), "Hello! You said: ping pong");
    assert_eq!(
        s(&last_request().await, "path"),
        "/environments/production/sync/v1/responses"
    );

    let stream = ok(create(&c, body(true, ""), JsValue::UNDEFINED)).await;
    let (kinds, text, error) = types(&stream).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(kinds.first().map(String::as_str), Some("response.created"));
    assert_eq!(kinds.last().map(String::as_str), Some("response.completed"));
    assert_eq!(text, "Hello! You said: ping pong");
    let final_ = call0(&stream, "finalResponse")
        .await
        .expect("the final Response");
    assert_eq!(s(&final_, "output_text"), text);
    assert_eq!(s(&final_, "status"), "completed");
}

#[wasm_bindgen_test]
async fn tee_gives_two_streams_of_every_event() {
    let c = client(&[]);
    let stream = ok(create(&c, body(true, ""), JsValue::UNDEFINED)).await;
    // tee() answers at once, with an array (not a promise).
    let tee: Function = get(&stream, "tee").dyn_into().expect("tee is a method");
    let pair = Array::from(&tee.call0(&stream).expect("tee"));
    let (a, b) = (pair.get(0), pair.get(1));
    let (kinds_a, text_a, err_a) = types(&a).await;
    let (kinds_b, text_b, err_b) = types(&b).await;
    assert!(err_a.is_none() && err_b.is_none());
    assert_eq!(kinds_a, kinds_b);
    assert_eq!(text_a, text_b);
    assert_eq!(text_a, "Hello! You said: ping pong");
}

#[wasm_bindgen_test]
async fn incomplete_is_an_end_and_a_cut_stream_an_error() {
    let c = client(&[]);
    let short = body(true, r#","max_output_tokens":2"#);
    let stream = ok(create(&c, short, JsValue::UNDEFINED)).await;
    let final_ = call0(&stream, "finalResponse")
        .await
        .expect("incomplete resolves");
    assert_eq!(s(&final_, "status"), "incomplete");
    assert_eq!(
        s(&get(&final_, "incomplete_details"), "reason"),
        "max_output_tokens"
    );

    let faulty = obj(&[(
        "headers",
        obj(&[("x-mock-fault", JsValue::from_str("truncate"))]),
    )]);
    let stream = ok(create(&c, body(true, ""), faulty)).await;
    let (kinds, _, error) = types(&stream).await;
    let error = error.expect("a cut stream is never a success");
    assert_eq!(s(&error, "name"), "TruncatedStreamError");
    assert_eq!(kinds.first().map(String::as_str), Some("response.created"));
}
