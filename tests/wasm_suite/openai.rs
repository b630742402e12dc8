//! The OpenAI-compatible calls against the mock: chat (plain and streamed), completions,
//! embeddings, models; stream semantics, abort and the idle timeout.

use baseten_edge::js::client::Baseten;
use js_sys::{Array, Function, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

use super::support::*;

fn chat_body(stream: bool, extra: &str) -> JsValue {
    json(&format!(
        r#"{{"model":"mock-model","messages":[{{"role":"user","content":"ping pong"}}],"stream":{stream}{extra}}}"#
    ))
}

fn create(c: &Baseten, body: JsValue, opts: JsValue) -> Promise {
    c.chat().completions().create(body, opt(opts))
}

fn with_headers(pairs: &[(&str, &str)]) -> JsValue {
    let h: Vec<(&str, JsValue)> = pairs
        .iter()
        .map(|(k, v)| (*k, JsValue::from_str(v)))
        .collect();
    obj(&[("headers", obj(&h))])
}

/// Drains an async iterable, returning the values (or the error that ended it).
async fn drain(stream: &JsValue) -> (Vec<JsValue>, Option<JsValue>) {
    let mut out = Vec::new();
    loop {
        match next(stream).await {
            Ok(r) if get(&r, "done") == JsValue::TRUE => return (out, None),
            Ok(r) => out.push(get(&r, "value")),
            Err(e) => return (out, Some(e)),
        }
    }
}

#[wasm_bindgen_test]
async fn chat_without_stream_returns_the_completion() {
    let c = client(&[]);
    let out = ok(create(&c, chat_body(false, ""), JsValue::UNDEFINED)).await;
    assert_eq!(s(&out, "object"), "chat.completion");
    let choice = Array::from(&get(&out, "choices")).get(0);
    assert!(s(&get(&choice, "message"), "content").contains("ping pong"));
    assert_eq!(
        s(&last_request().await, "path"),
        "/environments/production/sync/v1/chat/completions"
    );
}

#[wasm_bindgen_test]
async fn chat_stream_yields_chunks_then_usage_and_matches_the_plain_answer() {
    let c = client(&[]);
    let plain = ok(create(&c, chat_body(false, ""), JsValue::UNDEFINED)).await;
    let expected = s(
        &get(&Array::from(&get(&plain, "choices")).get(0), "message"),
        "content",
    );
    let stream = ok(create(
        &c,
        chat_body(true, r#","stream_options":{"include_usage":true}"#),
        with_headers(&[("x-mock-token-rate", "0")]),
    ))
    .await;
    assert_eq!(
        last_header("accept").await.as_deref(),
        Some("text/event-stream")
    );
    let (chunks, error) = drain(&stream).await;
    assert!(error.is_none(), "{}", describe(&error.unwrap()));
    assert!(
        chunks.len() >= 4,
        "role, tokens, finish, usage: got {}",
        chunks.len()
    );
    let first = Array::from(&get(&chunks[0], "choices")).get(0);
    assert_eq!(s(&get(&first, "delta"), "role"), "assistant");
    let mut text = String::new();
    for ch in &chunks {
        for choice in Array::from(&get(ch, "choices")).iter() {
            if let Some(t) = get(&get(&choice, "delta"), "content").as_string() {
                text.push_str(&t);
            }
        }
    }
    assert_eq!(text, expected);
    let last = chunks.last().unwrap();
    assert_eq!(
        Array::from(&get(last, "choices")).length(),
        0,
        "usage chunk has choices: []"
    );
    assert!(get(&get(last, "usage"), "total_tokens").as_f64().unwrap() > 0.0);
}

#[wasm_bindgen_test]
async fn text_stream_and_final_completion() {
    let c = client(&[]);
    let stream = ok(create(
        &c,
        chat_body(true, ""),
        with_headers(&[("x-mock-token-rate", "0")]),
    ))
    .await;
    let text_stream = call0_value(&stream, "textStream");
    let (parts, error) = drain(&text_stream).await;
    assert!(error.is_none());
    assert!(parts.len() >= 2);
    let joined: String = parts.iter().map(|p| p.as_string().unwrap()).collect();
    assert!(joined.contains("ping pong"), "{joined}");

    let stream = ok(create(&c, chat_body(true, r#","tools":[{"type":"function","function":{"name":"get_weather","parameters":{}}}],"stream_options":{"include_usage":true}"#), with_headers(&[("x-mock-token-rate", "0")]))).await;
    let done = call0(&stream, "finalChatCompletion").await.unwrap();
    assert_eq!(s(&done, "object"), "chat.completion");
    let choice = Array::from(&get(&done, "choices")).get(0);
    assert_eq!(s(&choice, "finish_reason"), "tool_calls");
    let call = Array::from(&get(&get(&choice, "message"), "tool_calls")).get(0);
    assert_eq!(s(&get(&call, "function"), "name"), "get_weather");
    let args = s(&get(&call, "function"), "arguments");
    assert!(
        js_sys::JSON::parse(&args).is_ok(),
        "arguments assembled into JSON: {args}"
    );
    assert!(get(&done, "usage").is_object());
}

fn call0_value(target: &JsValue, method: &str) -> JsValue {
    let f: Function = get(target, method).unchecked_into();
    f.call0(target).unwrap()
}

#[wasm_bindgen_test]
async fn broken_streams_are_typed_errors_never_success() {
    let c = client(&[]);
    let cases = [
        ("error-event", "StreamError"),
        ("error-payload", "StreamError"),
        ("truncate", "TruncatedStreamError"),
        ("malformed-json", "DecodeError"),
        ("invalid-utf8", "DecodeError"),
    ];
    for (fault, name) in cases {
        let stream = ok(create(
            &c,
            chat_body(true, ""),
            with_headers(&[("x-mock-fault", fault), ("x-mock-token-rate", "0")]),
        ))
        .await;
        let (_, error) = drain(&stream).await;
        let e = error.unwrap_or_else(|| panic!("{fault}: the stream must fail"));
        assert_eq!(s(&e, "name"), name, "{fault}: {}", describe(&e));
        assert_eq!(
            get(&e, "requestId"),
            get(&stream, "requestId"),
            "{fault}: errors carry the stream's request id"
        );
        assert_eq!(get(&stream, "status").as_f64(), Some(200.0));
    }
    // Keepalives are skipped; a finish_reason without [DONE] is a success.
    for fault in ["keepalive", "no-done"] {
        let stream = ok(create(
            &c,
            chat_body(true, ""),
            with_headers(&[("x-mock-fault", fault), ("x-mock-token-rate", "0")]),
        ))
        .await;
        let (chunks, error) = drain(&stream).await;
        assert!(error.is_none(), "{fault}: {}", describe(&error.unwrap()));
        assert!(chunks.len() >= 2);
    }
}

#[wasm_bindgen_test]
async fn abort_mid_stream_and_idle_timeout() {
    let c = client(&[]);
    let ctl = abort_controller();
    let mut opts = with_headers(&[("x-mock-token-rate", "10")]);
    js_sys::Reflect::set(&opts, &"signal".into(), &ctl.signal()).unwrap();
    let stream = ok(create(
        &c,
        chat_body(true, r#","max_tokens":50"#),
        opts.clone(),
    ))
    .await;
    next(&stream).await.unwrap();
    let f: Function = get(&stream, "next").unchecked_into();
    let pending: Promise = f.call0(&stream).unwrap().unchecked_into();
    ctl.abort();
    err(pending, "AbortError").await;

    opts = with_headers(&[("x-mock-fault", "stall-body:2000")]);
    js_sys::Reflect::set(&opts, &"idleTimeoutMs".into(), &150.into()).unwrap();
    let stream = ok(create(&c, chat_body(true, ""), opts)).await;
    let (_, error) = drain(&stream).await;
    let e = error.expect("idle timeout");
    assert_eq!(s(&e, "name"), "TimeoutError");
    assert_eq!(s(&e, "code"), "idle_timeout");
}

#[wasm_bindgen_test]
async fn embeddings_models_completions_and_a_custom_base() {
    let c = Baseten::new(Some(obj(&[
        ("apiKey", KEY.into()),
        ("openaiBaseUrl", format!("{}/v1", mock()).into()),
    ])))
    .unwrap();
    let e = ok(c
        .embeddings()
        .create(json(r#"{"model":"m","input":["a","b"]}"#), None))
    .await;
    assert_eq!(Array::from(&get(&e, "data")).length(), 2);
    assert_eq!(s(&last_request().await, "path"), "/v1/embeddings");
    let m = ok(c.models().list(None)).await;
    assert_eq!(s(&Array::from(&get(&m, "data")).get(0), "id"), "mock-model");
    let out = ok(c
        .completions()
        .create(json(r#"{"model":"m","prompt":"once upon"}"#), None))
    .await;
    assert!(get(&out, "choices").is_object());
    let stream = ok(c.completions().create(
        json(r#"{"model":"m","prompt":"once upon","stream":true}"#),
        opt(with_headers(&[("x-mock-token-rate", "0")])),
    ))
    .await;
    let text_stream = call0_value(&stream, "textStream");
    let (parts, error) = drain(&text_stream).await;
    assert!(error.is_none() && !parts.is_empty());
    let _ = JsFuture::from(Promise::resolve(&JsValue::NULL)).await;
}

#[wasm_bindgen_test]
async fn abort_before_the_response_and_after_the_end() {
    let c = client(&[]);
    let ctl = abort_controller();
    let opts = with_headers(&[("x-mock-fault", "stall-headers:3000")]);
    js_sys::Reflect::set(&opts, &"signal".into(), &ctl.signal()).unwrap();
    let pending = create(&c, chat_body(true, ""), opts);
    sleep(100).await;
    ctl.abort();
    err(pending, "AbortError").await;

    // The headers timeout is its own typed error.
    let opts = with_headers(&[("x-mock-fault", "stall-headers:3000")]);
    js_sys::Reflect::set(&opts, &"headersTimeoutMs".into(), &100.into()).unwrap();
    let e = err(create(&c, chat_body(true, ""), opts), "TimeoutError").await;
    assert_eq!(s(&e, "code"), "headers_timeout");

    // After the end, abort() is harmless and the stream stays done.
    let stream = ok(create(
        &c,
        chat_body(true, ""),
        with_headers(&[("x-mock-token-rate", "0")]),
    ))
    .await;
    let (_, error) = drain(&stream).await;
    assert!(error.is_none());
    let f: Function = get(&stream, "abort").unchecked_into();
    f.call0(&stream).unwrap();
    let r = next(&stream).await.expect("no error after the end");
    assert_eq!(get(&r, "done"), JsValue::TRUE);
    let done = call0(&stream, "finalChatCompletion")
        .await
        .expect("the assembled completion stays available");
    assert_eq!(s(&done, "object"), "chat.completion");
}
