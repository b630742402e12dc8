//! Batch calls (performance-client semantics) and webhook verification against the mock.

use baseten_edge::js::webhook::verify_webhook;
use js_sys::Array;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use super::support::*;

fn texts(n: usize) -> JsValue {
    let a = Array::new();
    for i in 0..n {
        a.push(&JsValue::from_str(&format!("text number {i}")));
    }
    a.into()
}

#[wasm_bindgen_test]
async fn embed_batches_keep_input_order_and_report_progress() {
    let c = client(&[("openaiBaseUrl", format!("{}/v1", mock()).into())]);
    let calls = Rc::new(RefCell::new(Vec::<(u32, u32)>::new()));
    let seen = calls.clone();
    let progress = Closure::<dyn FnMut(u32, u32)>::new(move |d, t| seen.borrow_mut().push((d, t)));
    let opts = obj(&[
        ("model", "mock-model".into()),
        ("batchSize", 4.into()),
        ("maxConcurrentRequests", 3.into()),
        ("onProgress", progress.as_ref().clone()),
    ]);
    let out = ok(c.embed(texts(10), opt(opts))).await;
    let data = Array::from(&get(&out, "data"));
    assert_eq!(data.length(), 10);
    for (i, item) in data.iter().enumerate() {
        assert_eq!(get(&item, "index").as_f64(), Some(i as f64));
        assert!(Array::is_array(&get(&item, "embedding")));
    }
    // The same text embeds the same wherever it sits in the batch plan.
    let single = ok(c.embed(
        Array::of1(&"text number 7".into()).into(),
        opt(obj(&[("model", "mock-model".into())])),
    ))
    .await;
    let one = get(&Array::from(&get(&single, "data")).get(0), "embedding");
    assert_eq!(stringify(&one), stringify(&get(&data.get(7), "embedding")));
    assert_eq!(
        Array::from(&get(&out, "individualRequestTimesMs")).length(),
        3,
        "10 texts / batch 4"
    );
    assert!(get(&out, "totalTimeMs").as_f64().unwrap() > 0.0);
    assert_eq!(*calls.borrow(), vec![(1, 3), (2, 3), (3, 3)]);
}

#[wasm_bindgen_test]
async fn rerank_and_classify_in_input_order() {
    let c = client(&[]);
    let docs = Array::of3(
        &"the cat sat".into(),
        &"a dog ran".into(),
        &"cat and dog".into(),
    );
    let out = ok(c.rerank(
        "cat".into(),
        docs.clone().into(),
        opt(obj(&[
            ("batchSize", 2.into()),
            ("returnText", JsValue::TRUE),
        ])),
    ))
    .await;
    let data = Array::from(&get(&out, "data"));
    assert_eq!(data.length(), 3);
    for (i, item) in data.iter().enumerate() {
        assert_eq!(get(&item, "index").as_f64(), Some(i as f64));
        assert_eq!(get(&item, "text"), docs.get(i as u32));
    }
    assert!(s(&last_request().await, "path").ends_with("/sync/rerank"));
    let out = ok(c.classify(docs.into(), opt(obj(&[("batchSize", 2.into())])))).await;
    let data = Array::from(&get(&out, "data"));
    assert_eq!(data.length(), 3);
    assert_eq!(s(&Array::from(&data.get(0)).get(0), "label"), "positive");
    assert!(s(&last_request().await, "path").ends_with("/sync/predict"));
}

#[wasm_bindgen_test]
async fn batch_post_fails_fast_or_collects_errors() {
    let c = client(&[]);
    let payloads = Array::new();
    for i in 0..6 {
        payloads.push(&json(&format!(r#"{{"i":{i}}}"#)));
    }
    let out = ok(c.batch_post(
        "items/batch".into(),
        payloads.clone().into(),
        opt(obj(&[("maxConcurrentRequests", 2.into())])),
    ))
    .await;
    let data = Array::from(&get(&out, "data"));
    for (i, d) in data.iter().enumerate() {
        assert_eq!(stringify(&get(&d, "item")), format!(r#"{{"i":{i}}}"#));
    }
    // A permanent 404 from the first request: fail fast with that error...
    let bad = obj(&[(
        "headers",
        obj(&[("x-mock-fault", "status:404:fastapi".into())]),
    )]);
    err(c.batch_post("items/x".into(), payloads.clone().into(), opt(bad))).await;
    // ...or collect it per request.
    let key = format!("bp{}", (js_sys::Math::random() * 1e9) as u64);
    let opts = obj(&[
        ("collectErrors", JsValue::TRUE),
        ("maxConcurrentRequests", 1.into()),
        ("maxRetries", 0.into()),
        (
            "headers",
            obj(&[
                ("x-mock-fault", "fail:2:404:fastapi".into()),
                ("x-mock-fault-key", key.into()),
            ]),
        ),
    ]);
    let out = ok(c.batch_post("items/y".into(), payloads.into(), opt(opts))).await;
    let errors = Array::from(&get(&out, "errors"));
    assert_eq!(s(&errors.get(0), "name"), "NotFoundError");
    assert_eq!(s(&errors.get(1), "name"), "NotFoundError");
    assert!(errors.get(2).is_null());
    assert!(Array::from(&get(&out, "data")).get(0).is_null());
}

async fn err(p: js_sys::Promise) -> JsValue {
    super::support::err(p, "NotFoundError").await
}

#[wasm_bindgen_test]
async fn retries_spend_the_budget_and_hedges_race() {
    let c = client(&[]);
    let key = format!("rb{}", (js_sys::Math::random() * 1e9) as u64);
    // Every request fails twice with 503: with a budget of one retry, only one request can recover.
    let payloads: Array = (0..4).map(|i| json(&format!(r#"{{"i":{i}}}"#))).collect();
    let opts = obj(&[
        ("collectErrors", JsValue::TRUE),
        ("maxConcurrentRequests", 1.into()),
        ("retryBudget", 0.25.into()),
        (
            "headers",
            obj(&[
                ("x-mock-fault", "fail:1:503:retry-after-ms=10".into()),
                ("x-mock-fault-key", key.clone().into()),
            ]),
        ),
    ]);
    let out = ok(c.batch_post("items/rb".into(), payloads.into(), opt(opts))).await;
    let errors = Array::from(&get(&out, "errors"));
    assert!(
        errors.iter().all(|e| e.is_null()),
        "the first request used the single retry and the rest met no fault"
    );
    let log = mock_get(&format!("/__mock/requests?key={key}")).await;
    assert_eq!(Array::from(&log).length(), 5, "4 requests + 1 retry");

    // Hedging: the first copy stalls, the hedge answers; the call finishes long before the stall.
    let key = format!("hd{}", (js_sys::Math::random() * 1e9) as u64);
    let t0 = js_sys::Date::now();
    let opts = obj(&[
        ("hedgeDelayMs", 60.into()),
        ("hedgeBudget", 1.into()),
        (
            "headers",
            obj(&[
                ("x-mock-fault", "fail:1:stall-headers:3000".into()),
                ("x-mock-fault-key", key.clone().into()),
            ]),
        ),
    ]);
    let out = ok(c.batch_post(
        "items/hd".into(),
        Array::of1(&json(r#"{"h":1}"#)).into(),
        opt(opts),
    ))
    .await;
    assert_eq!(
        stringify(&get(&Array::from(&get(&out, "data")).get(0), "item")),
        r#"{"h":1}"#
    );
    assert!(js_sys::Date::now() - t0 < 2000.0, "the hedge won");
    assert_eq!(
        Array::from(&mock_get(&format!("/__mock/requests?key={key}")).await).length(),
        2
    );
}

#[wasm_bindgen_test]
async fn batch_options_are_checked() {
    let c = client(&[]);
    for bad in [
        obj(&[("batchSize", 0.into())]),
        obj(&[("maxConcurrentRequests", 5000.into())]),
        obj(&[("hedgeDelayMs", 10.into())]),
        obj(&[("retryBudget", (-1).into())]),
    ] {
        super::support::err(
            c.batch_post("x".into(), Array::new().into(), opt(bad)),
            "ConfigurationError",
        )
        .await;
    }
    super::support::err(c.embed(texts(2), None), "ConfigurationError").await;
}

#[wasm_bindgen_test]
async fn webhooks_signed_by_the_mock_verify() {
    let c = client(&[]);
    let sink = format!("{}/__mock/webhook-sink", mock());
    let r = ok(c.async_predict(
        json(r#"{"w":1,"mock_queue_ms":10,"mock_run_ms":10}"#),
        opt(obj(&[("webhookEndpoint", sink.into())])),
    ))
    .await;
    let id = s(&r, "requestId");
    ok(c.wait_for_async_request(
        id.clone().into(),
        opt(obj(&[("pollIntervalMs", 20.into())])),
    ))
    .await;
    let mut hook = JsValue::UNDEFINED;
    for _ in 0..50 {
        let hooks = Array::from(&mock_get("/__mock/webhooks").await);
        if let Some(h) = hooks
            .iter()
            .find(|h| get(h, "body").as_string().is_some_and(|b| b.contains(&id)))
        {
            hook = h;
            break;
        }
        sleep(20).await;
    }
    assert!(hook.is_object(), "the mock delivered the webhook");
    let body = s(&hook, "body");
    let sig = get(&get(&hook, "headers"), "x-baseten-signature")
        .as_string()
        .expect("signed");
    let payload = verify_webhook(
        body.clone().into(),
        sig.clone().into(),
        "whsec-test".into(),
        None,
    )
    .expect("verifies");
    assert_eq!(s(&payload, "request_id"), id);
    let rotated = Array::of2(&"old-secret".into(), &"whsec-test".into());
    verify_webhook(
        body.clone().into(),
        sig.clone().into(),
        rotated.into(),
        None,
    )
    .expect("any secret may match");
    let bytes = js_sys::Uint8Array::from(body.as_bytes());
    verify_webhook(bytes.into(), sig.clone().into(), "whsec-test".into(), None).expect("bytes too");
    let cases: [(String, Option<String>, &str, &str); 4] = [
        (
            body.replacen('1', "2", 1),
            Some(sig.clone()),
            "whsec-test",
            "signature_mismatch",
        ),
        (
            body.clone(),
            Some(sig.clone()),
            "other",
            "signature_mismatch",
        ),
        (body.clone(), None, "whsec-test", "missing_signature"),
        (
            body.clone(),
            Some("v1=zz".into()),
            "whsec-test",
            "malformed_signature",
        ),
    ];
    for (b, h, secret, code) in cases {
        let header = h.map_or(JsValue::NULL, JsValue::from);
        let e = verify_webhook(b.into(), header, secret.into(), None).expect_err(code);
        assert_eq!(s(&e, "name"), "WebhookVerificationError");
        assert_eq!(s(&e, "code"), code);
    }
    let late = obj(&[("now", (js_sys::Date::now() + 3_600_000.0).into())]);
    let e =
        verify_webhook(body.into(), sig.into(), "whsec-test".into(), opt(late)).expect_err("stale");
    assert_eq!(s(&e, "code"), "timestamp_out_of_tolerance");
}
