//! The Baseten-native methods: predict, streamed predict, async predict and helpers, wake,
//! sync routes; auth schemes, URL forms, error shapes, configuration errors, abort, timeouts.

use baseten_edge::js::client::Baseten;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use super::support::*;

fn fault<T: wasm_bindgen::JsCast>(spec: &str) -> Option<T> {
    opt(obj(&[(
        "headers",
        obj(&[("x-mock-fault", JsValue::from_str(spec))]),
    )]))
}

#[wasm_bindgen_test]
async fn predict_echoes_json_with_bearer_auth() {
    let c = client(&[]);
    let out = ok(c.predict(json(r#"{"prompt":"hi","n":[1,2]}"#), None)).await;
    assert_eq!(stringify(&out), r#"{"prompt":"hi","n":[1,2]}"#);
    let id = s(&out, "_request_id");
    assert_eq!(
        id,
        s(&last_request().await, "id"),
        "the result carries its request id"
    );
    assert_eq!(
        last_header("authorization").await.as_deref(),
        Some("Bearer test-key")
    );
    assert_eq!(
        last_header("accept").await.as_deref(),
        Some("application/json")
    );
    assert_eq!(
        s(&last_request().await, "path"),
        "/environments/production/predict"
    );
}

#[wasm_bindgen_test]
async fn api_key_scheme_is_sent_when_asked() {
    let c = client(&[("authScheme", "api-key".into())]);
    ok(c.predict(json(r#"{"a":1}"#), None)).await;
    assert_eq!(
        last_header("authorization").await.as_deref(),
        Some("Api-Key test-key")
    );
}

#[wasm_bindgen_test]
async fn environment_forms_reach_their_paths() {
    let cases: [(&str, JsValue, &str); 4] = [
        (
            "environment",
            "staging".into(),
            "/environments/staging/predict",
        ),
        ("deployment", "dep123".into(), "/deployment/dep123/predict"),
        ("development", JsValue::TRUE, "/development/predict"),
        ("production", JsValue::TRUE, "/production/predict"),
    ];
    for (k, v, path) in cases {
        let c = client(&[(k, v)]);
        ok(c.predict(json("{}"), None)).await;
        assert_eq!(s(&last_request().await, "path"), path);
    }
}

#[wasm_bindgen_test]
async fn wrong_key_is_an_authentication_error_that_never_shows_the_key() {
    let secret = "sk-SECRET-never-show-1234";
    let c = Baseten::new(Some(obj(&[
        ("apiKey", secret.into()),
        ("baseUrl", mock().into()),
    ])))
    .unwrap();
    let e = err(c.predict(json("{}"), None), "AuthenticationError").await;
    assert_eq!(get(&e, "status").as_f64(), Some(401.0));
    assert!(get(&e, "requestId")
        .as_string()
        .is_some_and(|id| !id.is_empty()));
    assert_eq!(get(&e, "retryable"), JsValue::FALSE);
    let all = format!(
        "{} {} {} {}",
        s(&e, "message"),
        stringify(&e),
        get(&e, "stack").as_string().unwrap_or_default(),
        get(&e, "body").as_string().unwrap_or_default()
    );
    assert!(!all.contains(secret), "the key leaked: {all}");
}

#[wasm_bindgen_test]
async fn predict_stream_yields_chunks_in_order() {
    let c = client(&[]);
    let stream =
        ok(c.predict_stream(json(r#"{"stream":true,"n":4,"interval_ms":20}"#), None)).await;
    assert_eq!(get(&stream, "status").as_f64(), Some(200.0));
    let mut text = String::new();
    let mut chunks = 0;
    loop {
        let r = next(&stream).await.unwrap();
        if get(&r, "done").as_bool() == Some(true) {
            break;
        }
        chunks += 1;
        text.push_str(&utf8(&get(&r, "value")));
    }
    assert_eq!(text, "chunk 0\nchunk 1\nchunk 2\nchunk 3\n");
    assert!(chunks >= 2, "paced chunks arrive separately, got {chunks}");
    assert_eq!(
        last_header("accept").await.as_deref(),
        Some("*/*"),
        "streams must not ask for JSON"
    );
    let r = next(&stream).await.unwrap();
    assert_eq!(get(&r, "done").as_bool(), Some(true), "done stays done");
}

#[wasm_bindgen_test]
async fn predict_stream_text_helper_decodes_everything() {
    let c = client(&[]);
    let stream = ok(c.predict_stream(
        json(r#"{"stream":true,"n":3,"interval_ms":5,"text":"héllo wörld ✓"}"#),
        None,
    ))
    .await;
    assert_eq!(
        call0(&stream, "text").await.unwrap().as_string().unwrap(),
        "héllo wörld ✓"
    );
}

#[wasm_bindgen_test]
async fn async_predict_then_wait_until_succeeded() {
    let c = client(&[]);
    let input = json(r#"{"x":1,"mock_queue_ms":50,"mock_run_ms":50}"#);
    let r = ok(c.async_predict(
        input,
        opt(obj(&[
            ("priority", 1.into()),
            ("maxTimeInQueueSeconds", 60.into()),
        ])),
    ))
    .await;
    let id = s(&r, "requestId");
    assert_eq!(id.len(), 32);
    let body = s(&last_request().await, "body");
    assert!(
        body.contains(r#""priority":1"#) && body.contains(r#""model_input":{"#),
        "{body}"
    );
    let status = ok(c.wait_for_async_request(
        id.clone().into(),
        opt(obj(&[("pollIntervalMs", 20.into())])),
    ))
    .await;
    assert_eq!(s(&status, "status"), "SUCCEEDED");
    assert_eq!(s(&status, "request_id"), id);
}

#[wasm_bindgen_test]
async fn async_request_status_and_cancel() {
    let c = client(&[]);
    let r = ok(c.async_predict(json(r#"{"mock_queue_ms":5000}"#), None)).await;
    let id = s(&r, "requestId");
    let st = ok(c.async_request(id.clone().into(), None)).await;
    assert_eq!(s(&st, "status"), "QUEUED");
    assert_eq!(
        s(&last_request().await, "path"),
        format!("/async_request/{id}")
    );
    let q = ok(c.async_queue_status(opt(JsValue::UNDEFINED))).await;
    assert!(
        get(&q, "num_queued_requests").as_f64().unwrap() >= 1.0,
        "{}",
        describe(&q)
    );
    let cancel = ok(c.cancel_async_request(id.clone().into(), None)).await;
    assert_eq!(get(&cancel, "canceled"), JsValue::TRUE);
    assert_eq!(s(&last_request().await, "method"), "DELETE");
    let st = ok(c.async_request(id.into(), None)).await;
    assert_eq!(s(&st, "status"), "CANCELED");
}

#[wasm_bindgen_test]
async fn async_predict_options_are_checked_before_sending() {
    let c = client(&[]);
    for bad in [
        obj(&[("priority", 3.into())]),
        obj(&[("maxTimeInQueueSeconds", 5.into())]),
        obj(&[("inferenceRetryConfig", obj(&[("maxAttempts", 11.into())]))]),
        obj(&[("webhookEndpoint", "ftp://x".into())]),
    ] {
        err(c.async_predict(json("{}"), opt(bad)), "ConfigurationError").await;
    }
    err(c.async_predict(json("[1,2]"), None), "ConfigurationError").await;
    err(
        c.async_request("../../predict".into(), None),
        "ConfigurationError",
    )
    .await;
}

#[wasm_bindgen_test]
async fn wait_can_be_aborted() {
    let c = client(&[]);
    let r = ok(c.async_predict(json(r#"{"mock_queue_ms":5000}"#), None)).await;
    let ctl = abort_controller();
    let p = c.wait_for_async_request(
        s(&r, "requestId").into(),
        opt(obj(&[
            ("signal", ctl.signal().into()),
            ("pollIntervalMs", 50.into()),
        ])),
    );
    sleep(120).await;
    ctl.abort();
    err(p, "AbortError").await;
}

#[wasm_bindgen_test]
async fn wake_resolves() {
    let c = client(&[]);
    let v = ok(c.wake(opt(JsValue::UNDEFINED))).await;
    assert!(v.is_undefined());
    let last = last_request().await;
    assert_eq!(s(&last, "method"), "POST");
    assert_eq!(s(&last, "path"), "/environments/production/wake");
}

#[wasm_bindgen_test]
async fn sync_routes_with_every_method() {
    let c = client(&[]);
    let h = ok(c.sync(
        "GET".into(),
        "/health".into(),
        Some(JsValue::UNDEFINED),
        None,
    ))
    .await;
    assert_eq!(s(&h, "status"), "ok");
    let put = ok(c.sync(
        "put".into(),
        "items/w1".into(),
        Some(json(r#"{"a":1}"#)),
        None,
    ))
    .await;
    assert_eq!(stringify(&get(&put, "item")), r#"{"a":1}"#);
    assert_eq!(
        s(&last_request().await, "path"),
        "/environments/production/sync/items/w1"
    );
    let got = ok(c.sync(
        "GET".into(),
        "items/w1?x=1 2".into(),
        Some(JsValue::UNDEFINED),
        None,
    ))
    .await;
    assert_eq!(stringify(&get(&got, "item")), r#"{"a":1}"#);
    ok(c.sync(
        "DELETE".into(),
        "items/w1".into(),
        Some(JsValue::UNDEFINED),
        None,
    ))
    .await;
    let e = err(
        c.sync(
            "GET".into(),
            "items/w1".into(),
            Some(JsValue::UNDEFINED),
            None,
        ),
        "NotFoundError",
    )
    .await;
    assert_eq!(s(&e, "message"), "Item not found");
    err(
        c.sync(
            "GET".into(),
            "../predict".into(),
            Some(JsValue::UNDEFINED),
            None,
        ),
        "ConfigurationError",
    )
    .await;
    err(
        c.sync(
            "GE T".into(),
            "health".into(),
            Some(JsValue::UNDEFINED),
            None,
        ),
        "ConfigurationError",
    )
    .await;
}

#[wasm_bindgen_test]
async fn error_shapes_become_typed_errors() {
    let c = client(&[]);
    let e = err(
        c.predict(json("{}"), fault("status:429:openai")),
        "RateLimitError",
    )
    .await;
    assert_eq!(get(&e, "retryable"), JsValue::TRUE);
    assert!(get(&e, "code").as_string().is_some(), "{}", describe(&e));
    assert!(get(&e, "body").as_string().unwrap().contains("error"));
    let e = err(
        c.predict(json("{}"), fault("status:500:truss")),
        "InternalServerError",
    )
    .await;
    assert!(get(&e, "code").as_string().is_some());
    err(
        c.predict(json("{}"), fault("status:404:fastapi")),
        "NotFoundError",
    )
    .await;
    err(
        c.predict(json("{}"), fault("status:400:text")),
        "BadRequestError",
    )
    .await;
    let e = err(
        c.predict(json("{}"), fault("status:502:html")),
        "InternalServerError",
    )
    .await;
    assert!(
        !s(&e, "message").contains('<'),
        "HTML is summarised: {}",
        s(&e, "message")
    );
    err(
        c.predict(json("{}"), fault("status:403")),
        "PermissionDeniedError",
    )
    .await;
    err(
        c.predict(json("{}"), fault("status:413")),
        "PayloadTooLargeError",
    )
    .await;
    err(
        c.predict(json("{}"), fault("status:422:fastapi")),
        "UnprocessableEntityError",
    )
    .await;
    let e = err(c.predict(json("{}"), fault("status:402")), "APIError").await;
    assert_eq!(get(&e, "status").as_f64(), Some(402.0));
}

#[wasm_bindgen_test]
async fn bad_configuration_is_refused_before_any_request() {
    let cases = [
        obj(&[("apiKey", KEY.into()), ("modelId", "abc.evil.com".into())]),
        obj(&[("apiKey", KEY.into()), ("modelId", "abc/../x".into())]),
        obj(&[
            ("apiKey", "k\r\nX-Evil: 1".into()),
            ("modelId", "abc".into()),
        ]),
        obj(&[
            ("apiKey", KEY.into()),
            ("modelId", "abc".into()),
            ("headers", obj(&[("x-a", "1\r\nX-Evil: 1".into())])),
        ]),
        obj(&[
            ("apiKey", KEY.into()),
            ("modelId", "abc".into()),
            ("chainId", "def".into()),
        ]),
        obj(&[
            ("apiKey", KEY.into()),
            ("modelId", "abc".into()),
            ("environment", "x".into()),
            ("development", JsValue::TRUE),
        ]),
        obj(&[
            ("apiKey", KEY.into()),
            ("baseUrl", "http://user@127.0.0.1:1".into()),
        ]),
        obj(&[
            ("apiKey", KEY.into()),
            ("modelId", "abc".into()),
            ("authScheme", "basic".into()),
        ]),
        obj(&[("modelId", "abc".into())]),
    ];
    for opts in cases {
        let e = Baseten::new(Some(opts)).err().expect("must be refused");
        assert_eq!(s(&e, "name"), "ConfigurationError", "{}", describe(&e));
        assert!(!s(&e, "message").contains("X-Evil"));
    }
}

/// The Node transport's options reach the wasm only where the package's Node entry did not take
/// them (browsers, workerd, Deno's entry): refused, naming the Node transport; `transport:
/// "fetch"` is taken, and requests go through the global fetch.
#[wasm_bindgen_test]
async fn the_node_transports_options_are_refused_and_transport_fetch_taken() {
    let node_only: [(&str, JsValue); 4] = [
        ("transport", "node".into()),
        ("h2c", JsValue::TRUE),
        ("h2c", JsValue::FALSE),
        ("ca", "-----BEGIN CERTIFICATE-----".into()),
    ];
    for (key, value) in node_only {
        let opts = obj(&[
            ("apiKey", KEY.into()),
            ("baseUrl", mock().into()),
            (key, value),
        ]);
        let e = Baseten::new(Some(opts)).err().expect("must be refused");
        assert_eq!(s(&e, "name"), "ConfigurationError", "{}", describe(&e));
        assert_eq!(
            s(&e, "message"),
            format!("options.{key} must be left out: it needs the Node transport (Node, with no fetch option)")
        );
    }
    let c = client(&[("transport", "fetch".into())]);
    let out = ok(c.predict(json(r#"{"n":1}"#), None)).await;
    assert_eq!(stringify(&out), r#"{"n":1}"#);
}

#[wasm_bindgen_test]
async fn model_host_urls_are_built_from_the_id() {
    // No request leaves: an injected fetch records the URL and fails.
    let seen = std::rc::Rc::new(std::cell::RefCell::new(String::new()));
    let s2 = seen.clone();
    let f = wasm_bindgen::closure::Closure::<dyn FnMut(String, JsValue) -> js_sys::Promise>::new(
        move |url: String, _init: JsValue| {
            *s2.borrow_mut() = url;
            js_sys::Promise::reject(&JsValue::from_str("offline"))
        },
    );
    let c = Baseten::new(Some(obj(&[
        ("apiKey", KEY.into()),
        ("modelId", "abc123".into()),
        ("fetch", f.as_ref().clone()),
    ])))
    .unwrap();
    let e = err(c.predict(json("{}"), None), "APIConnectionError").await;
    assert!(s(&e, "message").contains("offline"));
    assert_eq!(
        *seen.borrow(),
        "https://model-abc123.api.baseten.co/environments/production/predict"
    );
}

#[wasm_bindgen_test]
async fn abort_mid_stream_rejects_the_pending_read() {
    let c = client(&[]);
    let ctl = abort_controller();
    let stream = ok(c.predict_stream(
        json(r#"{"stream":true,"n":20,"interval_ms":100}"#),
        opt(obj(&[("signal", ctl.signal().into())])),
    ))
    .await;
    let first = next(&stream).await.unwrap();
    assert_eq!(get(&first, "done"), JsValue::FALSE);
    let pending = {
        let f: js_sys::Function = get(&stream, "next").into();
        let p: js_sys::Promise = f.call0(&stream).unwrap().into();
        p
    };
    ctl.abort();
    err(pending, "AbortError").await;
}

#[wasm_bindgen_test]
async fn an_aborted_signal_fails_at_once() {
    let c = client(&[]);
    let ctl = abort_controller();
    ctl.abort();
    err(
        c.predict(json("{}"), opt(obj(&[("signal", ctl.signal().into())]))),
        "AbortError",
    )
    .await;
}

#[wasm_bindgen_test]
async fn return_aborts_and_ends_the_stream() {
    let c = client(&[]);
    let stream =
        ok(c.predict_stream(json(r#"{"stream":true,"n":20,"interval_ms":100}"#), None)).await;
    next(&stream).await.unwrap();
    let r = call0(&stream, "return").await.unwrap();
    assert_eq!(get(&r, "done"), JsValue::TRUE);
    let r = next(&stream).await;
    assert!(r.is_err() || get(&r.unwrap(), "done") == JsValue::TRUE);
}

#[wasm_bindgen_test]
async fn timeouts_are_typed() {
    let c = client(&[]);
    let e = err(
        c.predict(
            json("{}"),
            opt(obj(&[
                ("timeoutMs", 150.into()),
                (
                    "headers",
                    obj(&[("x-mock-fault", "stall-headers:3000".into())]),
                ),
            ])),
        ),
        "TimeoutError",
    )
    .await;
    assert_eq!(s(&e, "code"), "deadline");
    let stream = ok(c.predict_stream(
        json(r#"{"stream":true,"n":5,"interval_ms":1000}"#),
        opt(obj(&[("idleTimeoutMs", 150.into())])),
    ))
    .await;
    let mut seen = None;
    for _ in 0..6 {
        match next(&stream).await {
            Ok(r) if get(&r, "done") == JsValue::TRUE => break,
            Ok(_) => {}
            Err(e) => {
                seen = Some(e);
                break;
            }
        }
    }
    let e = seen.expect("the idle timeout must fire");
    assert_eq!(s(&e, "name"), "TimeoutError");
    assert_eq!(s(&e, "code"), "idle_timeout");
}

#[wasm_bindgen_test]
async fn an_abort_cancels_the_wait_between_retries() {
    let c = client(&[]);
    let ctl = abort_controller();
    let opts = obj(&[
        ("signal", ctl.signal().into()),
        (
            "headers",
            obj(&[("x-mock-fault", "status:503:retry-after-ms=5000".into())]),
        ),
    ]);
    let t0 = js_sys::Date::now();
    let pending = c.predict(json("{}"), opt(opts));
    sleep(150).await;
    ctl.abort();
    let e = err(pending, "AbortError").await;
    assert!(
        js_sys::Date::now() - t0 < 2000.0,
        "the 5 s retry wait was cut short"
    );
    assert_eq!(get(&e, "attempts").as_f64(), Some(1.0));
}
