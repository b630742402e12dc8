//! Gateway behaviour: auth, CORS, ids, URL prefixes, predict (echo and streams), the sync
//! passthrough and the introspection routes.

mod common;

use common::{chunks, start};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_accepts_both_schemes_and_refuses_others() {
    let m = start().await;
    let url = format!("{}/production/predict", m.url);
    for value in [
        "Bearer test-key",
        "Api-Key test-key",
        "bearer test-key",
        "API-KEY test-key",
    ] {
        let r = m
            .client
            .post(&url)
            .header("authorization", value)
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{value}");
    }
    for value in [
        None,
        Some("Bearer wrong-secret"),
        Some("Basic test-key"),
        Some("test-key"),
    ] {
        let mut rb = m.client.post(&url).body("{}");
        if let Some(v) = value {
            rb = rb.header("authorization", v);
        }
        let r = rb.send().await.unwrap();
        assert_eq!(r.status(), 401);
        assert_eq!(r.headers()["content-type"], "application/json");
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
    let r = m
        .client
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/any/path/at/all", m.url),
        )
        .header("origin", "http://example.test")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, x-mock-fault",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let h = r.headers();
    assert_eq!(h["access-control-allow-origin"], "*");
    assert_eq!(
        h["access-control-allow-methods"],
        "GET,POST,PUT,PATCH,DELETE,OPTIONS"
    );
    let allow = h["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(allow.contains("authorization") && allow.contains("content-type"));
    assert!(allow.contains("x-mock-fault"));
    assert_eq!(h["access-control-max-age"], "600");

    let mut ids = Vec::new();
    for _ in 0..2 {
        let r = m
            .client
            .get(format!("{}/nope", m.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        assert_eq!(r.headers()["access-control-allow-origin"], "*");
        let expose = r.headers()["access-control-expose-headers"]
            .to_str()
            .unwrap();
        assert!(expose.contains("X-BASETEN-REQUEST-ID") && expose.contains("retry-after-ms"));
        ids.push(
            r.headers()["x-baseten-request-id"]
                .to_str()
                .unwrap()
                .to_string(),
        );
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
            let r = m
                .post(&format!("{path}/{endpoint}"), body.clone())
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{path}/{endpoint}");
            assert_eq!(r.headers()["x-mock-prefix"], prefix);
            assert_eq!(r.headers()["content-type"], "application/json");
            assert_eq!(r.json::<Value>().await.unwrap(), body);
        }
    }
    let r = m
        .client
        .post(format!("{}/production/predict", m.url))
        .bearer_auth("test-key")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.json::<Value>().await.unwrap()["error"].is_string());
    let r = m.post("/production/nope", json!({})).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = m.get("/production/predict").send().await.unwrap();
    assert_eq!(r.status(), 405);
    let r = m.post("/production/wake", json!({})).send().await.unwrap();
    assert_eq!(r.status(), 202);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn predict_streams_paced_raw_chunks() {
    let m = start().await;
    let started = Instant::now();
    let r = m
        .post(
            "/production/predict",
            json!({"stream": true, "n": 4, "interval_ms": 60}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/octet-stream");
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

    let r = m
        .post(
            "/predict",
            json!({"stream": true, "text": "abcdef", "n": 3, "interval_ms": 0, "sse": true}),
        )
        .send()
        .await
        .unwrap();
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    assert_eq!(
        r.text().await.unwrap(),
        "data: ab\n\ndata: cd\n\ndata: ef\n\n"
    );

    // Truss gathers a stream into one JSON value for `Accept: application/json`.
    let r = m
        .post("/predict", json!({"stream": true, "text": "abcd", "n": 2}))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap(), json!("abcd"));

    let r = m
        .post("/predict", json!({"stream": true, "n": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_passthrough_routes() {
    let m = start().await;
    let base = format!("{}/environments/production/sync", m.url);
    let r = m
        .client
        .get(format!("{base}/health?probe=1"))
        .bearer_auth("test-key")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-mock-query"], "probe=1");
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"status": "ok"}));

    let r = m
        .client
        .get(format!("{base}/items/7"))
        .bearer_auth("test-key")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"detail": "Item not found"})
    );
    let r = m
        .client
        .post(format!("{base}/items/7"))
        .bearer_auth("test-key")
        .json(&json!({"n": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"id": "7", "item": {"n": 1}})
    );
    let r = m
        .client
        .put(format!("{}/sync/items/7", m.url))
        .bearer_auth("test-key")
        .json(&json!({"n": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = m
        .client
        .get(format!("{base}/items/7"))
        .bearer_auth("test-key")
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["item"], json!({"n": 2}));
    let r = m
        .client
        .delete(format!("{base}/items/7"))
        .bearer_auth("test-key")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"id": "7", "deleted": true})
    );
    let r = m
        .client
        .get(format!("{base}/items/7"))
        .bearer_auth("test-key")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = m
        .client
        .post(format!("{base}/items/8"))
        .bearer_auth("test-key")
        .body("{oops")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = m
        .client
        .get(format!("{base}/nothing/here"))
        .bearer_auth("test-key")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"detail": "Not Found"})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn introspection_records_requests() {
    let m = start().await;
    m.post("/predict?x=1", json!({"a": 1}))
        .header("x-mock-fault-key", "k1")
        .header("x-custom", "yes")
        .send()
        .await
        .unwrap();
    m.post("/predict", json!({})).send().await.unwrap();
    let list = m.mock_json("/__mock/requests?key=k1").await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["method"], "POST");
    assert_eq!(list[0]["path"], "/predict");
    assert_eq!(list[0]["query"], "x=1");
    assert_eq!(list[0]["headers"]["x-custom"], "yes");
    assert_eq!(list[0]["body"], r#"{"a":1}"#);
    assert!(list[0]["received_at_ms"].as_u64().unwrap() > 0);
    assert_eq!(
        m.mock_json("/__mock/requests")
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(m.mock_json("/__mock/last").await["query"], "");
    let r = m
        .client
        .post(format!("{}/__mock/reset", m.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(m.mock_json("/__mock/requests").await, json!([]));
}
