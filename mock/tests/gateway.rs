//! Gateway behaviour: auth, CORS, ids, URL prefixes, predict (echo and streams), the sync
//! passthrough and the introspection routes.

mod common;

use common::{chunks, header, json_body, send, send_json, start, status_json};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_accepts_both_schemes_and_refuses_others() {
    let m = start().await;
    let predict = || {
        m.without_key(Method::POST, "/production/predict")
            .body("{}")
    };
    for value in [
        "Bearer test-key",
        "Api-Key test-key",
        "bearer test-key",
        "API-KEY test-key",
    ] {
        let r = send(predict().header("authorization", value)).await;
        assert_eq!(r.status(), 200, "{value}");
    }
    for value in [
        None,
        Some("Bearer wrong-secret"),
        Some("Basic test-key"),
        Some("test-key"),
    ] {
        let mut rb = predict();
        if let Some(v) = value {
            rb = rb.header("authorization", v);
        }
        let r = send(rb).await;
        assert_eq!(r.status(), 401);
        assert_eq!(header(&r, "content-type"), "application/json");
        let text = r.text().await.unwrap();
        assert!(!text.contains("wrong-secret"), "key echoed: {text}");
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["error_code"], "unauthorized");
        assert!(v["error"].as_str().unwrap().starts_with("Invalid API key"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_preflight_and_headers_on_every_response() {
    let m = start().await;
    let preflight = m
        .without_key(Method::OPTIONS, "/any/path/at/all")
        .header("origin", "http://example.test")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, x-mock-fault",
        );
    let r = send(preflight).await;
    assert_eq!(r.status(), 204);
    assert_eq!(header(&r, "access-control-allow-origin"), "*");
    assert_eq!(
        header(&r, "access-control-allow-methods"),
        "GET,POST,PUT,PATCH,DELETE,OPTIONS"
    );
    let allow = header(&r, "access-control-allow-headers").to_lowercase();
    assert!(allow.contains("authorization") && allow.contains("content-type"));
    assert!(allow.contains("x-mock-fault"));
    assert_eq!(header(&r, "access-control-max-age"), "600");

    let mut ids = Vec::new();
    for _ in 0..2 {
        let r = send(m.without_key(Method::GET, "/nope")).await;
        assert_eq!(r.status(), 401);
        assert_eq!(header(&r, "access-control-allow-origin"), "*");
        let expose = header(&r, "access-control-expose-headers");
        assert!(expose.contains("X-BASETEN-REQUEST-ID") && expose.contains("retry-after-ms"));
        ids.push(header(&r, "x-baseten-request-id").to_string());
    }
    assert_ne!(ids[0], ids[1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn predict_echoes_under_every_prefix() {
    let m = start().await;
    let body = json!({"prompt": "hi", "nested": {"a": [1, 2, 3]}});
    let cases = [
        ("/environments/staging", "environments/staging"),
        ("/production", "production"),
        ("/development", "development"),
        ("/deployment/abc", "deployment/abc"),
        ("", ""),
    ];
    for (path, prefix) in cases {
        for endpoint in ["predict", "run_remote"] {
            let r = send(m.post(&format!("{path}/{endpoint}"), body.clone())).await;
            assert_eq!(r.status(), 200, "{path}/{endpoint}");
            assert_eq!(header(&r, "x-mock-prefix"), prefix);
            assert_eq!(header(&r, "content-type"), "application/json");
            assert_eq!(json_body(r).await, body);
        }
    }
    let (status, v) = status_json(m.post_text("/production/predict", "{not json")).await;
    assert_eq!(status, 400);
    assert!(v["error"].is_string());
    let r = send(m.post("/production/nope", json!({}))).await;
    assert_eq!(r.status(), 404);
    let r = send(m.get("/production/predict")).await;
    assert_eq!(r.status(), 405);
    let wake = status_json(m.post("/production/wake", json!({}))).await;
    assert_eq!(wake, (202, json!({})));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn predict_streams_paced_raw_chunks() {
    let m = start().await;
    let started = Instant::now();
    let r = send(m.post(
        "/production/predict",
        json!({"stream": true, "n": 4, "interval_ms": 60}),
    ))
    .await;
    assert_eq!(header(&r, "content-type"), "application/octet-stream");
    assert!(r.headers().get("content-length").is_none());
    let got = chunks(r).await.unwrap();
    assert!(
        got.len() >= 4,
        "expected separate chunks, got {}",
        got.len()
    );
    let all: Vec<u8> = got.iter().flat_map(|(_, c)| c.clone()).collect();
    assert_eq!(all, b"chunk 0\nchunk 1\nchunk 2\nchunk 3\n");
    assert!(got[0].0.duration_since(started) < Duration::from_millis(2000));
    assert!(got.last().unwrap().0.duration_since(got[0].0) >= Duration::from_millis(170));

    let r = send(m.post(
        "/predict",
        json!({"stream": true, "text": "abcdef", "n": 3, "interval_ms": 0, "sse": true}),
    ))
    .await;
    assert!(header(&r, "content-type").starts_with("text/event-stream"));
    assert_eq!(
        r.text().await.unwrap(),
        "data: ab\n\ndata: cd\n\ndata: ef\n\n"
    );

    // Truss gathers a stream into one JSON value for `Accept: application/json`.
    let gathered = m
        .post("/predict", json!({"stream": true, "text": "abcd", "n": 2}))
        .header("accept", "application/json");
    assert_eq!(send_json(gathered).await, json!("abcd"));

    let r = send(m.post("/predict", json!({"stream": true, "n": 0}))).await;
    assert_eq!(r.status(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_passthrough_routes() {
    let m = start().await;
    let sync =
        |method, path: &str| m.request(method, &format!("/environments/production/sync{path}"));
    let r = send(sync(Method::GET, "/health?probe=1")).await;
    assert_eq!(header(&r, "x-mock-query"), "probe=1");
    assert_eq!(json_body(r).await, json!({"status": "ok"}));

    let item = || sync(Method::GET, "/items/7");
    assert_eq!(
        status_json(item()).await,
        (404, json!({"detail": "Item not found"}))
    );
    let created = sync(Method::POST, "/items/7").json(&json!({"n": 1}));
    assert_eq!(
        status_json(created).await,
        (201, json!({"id": "7", "item": {"n": 1}}))
    );
    // The environment is optional.
    let replaced = m
        .request(Method::PUT, "/sync/items/7")
        .json(&json!({"n": 2}));
    assert_eq!(send(replaced).await.status(), 200);
    assert_eq!(send_json(item()).await["item"], json!({"n": 2}));
    assert_eq!(
        send_json(sync(Method::DELETE, "/items/7")).await,
        json!({"id": "7", "deleted": true})
    );
    assert_eq!(send(item()).await.status(), 404);
    let invalid = sync(Method::POST, "/items/8").body("{oops");
    assert_eq!(send(invalid).await.status(), 422);
    assert_eq!(
        status_json(sync(Method::GET, "/nothing/here")).await,
        (404, json!({"detail": "Not Found"}))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn introspection_records_requests() {
    let m = start().await;
    let tagged = m
        .post("/predict?x=1", json!({"a": 1}))
        .header("x-mock-fault-key", "k1")
        .header("x-custom", "yes");
    send(tagged).await;
    send(m.post("/predict", json!({}))).await;
    let list = m.mock_json("/__mock/requests?key=k1").await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["method"], "POST");
    assert_eq!(list[0]["path"], "/predict");
    assert_eq!(list[0]["query"], "x=1");
    assert_eq!(list[0]["headers"]["x-custom"], "yes");
    assert_eq!(list[0]["body"], r#"{"a":1}"#);
    assert!(list[0]["received_at_ms"].as_u64().unwrap() > 0);
    let all = m.mock_json("/__mock/requests").await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    assert_eq!(m.mock_json("/__mock/last").await["query"], "");
    m.reset().await;
    assert_eq!(m.mock_json("/__mock/requests").await, json!([]));
}
