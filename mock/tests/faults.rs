//! Fault injection: status shapes and retry hints, connection faults, stream corruption, and
//! scripted `fail:N` sequences.

mod common;

use common::{body, chat_body, chunks, data_json, events, start};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// A predict request with a fault header.
fn predict(m: &common::Mock, fault: &str) -> reqwest::RequestBuilder {
    m.post("/predict", json!({})).header("x-mock-fault", fault)
}

/// A chat stream request with a fault header.
fn chat(m: &common::Mock, fault: &str) -> reqwest::RequestBuilder {
    let mut b = chat_body("one two three four five six", true);
    b["max_tokens"] = json!(8);
    m.post("/v1/chat/completions", b)
        .header("x-mock-fault", fault)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_faults_in_every_shape_with_retry_hints() {
    let m = start().await;
    let r = predict(
        &m,
        "status:429:openai:retry-after-ms=150:x-should-retry=true",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after-ms"], "150");
    assert_eq!(r.headers()["x-should-retry"], "true");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["type"], "rate_limit_error");
    assert!(v["error"]["message"].is_string() && v["error"].get("param").is_some());

    let r = predict(&m, "status:503").send().await.unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["x-baseten-error-source"], "04");
    assert_eq!(r.headers()["x-baseten-error-code"], "600");
    let v: Value = r.json().await.unwrap();
    assert!(v["error"].is_string());
    assert_eq!(v["error_code"], "model_not_ready");

    let r = predict(&m, "status:422:fastapi:retry-after=2")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["retry-after"], "2");
    assert!(r.json::<Value>().await.unwrap()["detail"].is_string());

    let r = predict(&m, "status:500:text").send().await.unwrap();
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    assert_eq!(r.text().await.unwrap(), "Internal Server Error");

    let r = predict(&m, "status:502:html:retry-after-date=30")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "text/html");
    assert!(r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .ends_with(" GMT"));
    assert!(r.text().await.unwrap().contains("<h1>502 Bad Gateway</h1>"));

    let r = predict(
        &m,
        "status:429:openai:code=insufficient_quota:x-should-retry=false",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.headers()["x-should-retry"], "false");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "insufficient_quota");
    assert_eq!(v["error"]["type"], "insufficient_quota");

    // The query-parameter form (for browsers that must not send custom headers).
    let r = m
        .post(
            "/predict?mock_fault=status:504:truss:code=timeout",
            json!({}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 504);
    assert_eq!(r.json::<Value>().await.unwrap()["error_code"], "timeout");

    let r = predict(&m, "explode").send().await.unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_faults_reset_stall_and_disconnect() {
    let m = start().await;
    let err = predict(&m, "reset").send().await.unwrap_err();
    assert!(!err.is_status() && !err.is_timeout(), "{err}");

    let started = Instant::now();
    let r = m
        .post("/predict", json!({"a": 1}))
        .header("x-mock-fault", "stall-headers:200")
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"a": 1}));

    let r = chat(&m, "stall-body:60").send().await.unwrap();
    let got = chunks(r).await.unwrap();
    assert!(got[1].0.duration_since(got[0].0) >= Duration::from_millis(55));

    let r = chat(&m, "disconnect-mid-stream").send().await.unwrap();
    let seen = chunks(r).await.expect_err("the body must break");
    let text = String::from_utf8_lossy(&seen);
    assert!(text.contains("\"role\":\"assistant\""), "some chunks first");
    assert!(!text.contains("[DONE]") && !text.contains("finish_reason\":\""));

    // A full JSON body can be disconnected half-way too.
    let r = m
        .post("/predict", json!({"long": "x".repeat(100)}))
        .header("x-mock-fault", "disconnect-mid-stream")
        .send()
        .await
        .unwrap();
    assert!(r.bytes().await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_values_a_server_should_not_send() {
    let m = start().await;
    let send = |fault: &'static str| predict(&m, fault).send();
    for v in ["soon", "-5", "120"] {
        let fault: &'static str = Box::leak(format!("status:429:retry-after={v}").into_boxed_str());
        let r = send(fault).await.unwrap();
        assert_eq!(r.status(), 429);
        assert_eq!(r.headers()["retry-after"], v);
    }
    let r = send("status:429:retry-after-date=-5").await.unwrap();
    let date = r.headers()["retry-after"].to_str().unwrap().to_string();
    assert!(date.ends_with(" GMT"), "{date}");
    let r = send("status:429:retry-after-date=120").await.unwrap();
    assert_ne!(r.headers()["retry-after"].to_str().unwrap(), date);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_bodies_stall_or_break_after_the_headers() {
    let m = start().await;
    // Status and headers at once, half the error body, then the stall, then the rest.
    let started = Instant::now();
    let r = predict(&m, "status:503:retry-after=2,stall-body:300")
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_millis(250));
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "2");
    let length: usize = r.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let got = chunks(r).await.unwrap();
    assert!(got[0].0.duration_since(started) < Duration::from_millis(250));
    assert!(String::from_utf8_lossy(&got[0].1).starts_with("{\"error\":\"Mock"));
    assert!(got.last().unwrap().0.duration_since(got[0].0) >= Duration::from_millis(280));
    let all: Vec<u8> = got.into_iter().flat_map(|(_, c)| c).collect();
    assert_eq!(all.len(), length);
    assert_eq!(
        serde_json::from_slice::<Value>(&all).unwrap()["error_code"],
        "model_not_ready"
    );

    // Status and headers promising a length, half the body, then the connection drops.
    let r = predict(&m, "status:503:openai:retry-after=2,disconnect-mid-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "2");
    let length: usize = r.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let seen = chunks(r).await.expect_err("the body must break");
    assert!(
        !seen.is_empty() && seen.len() < length,
        "{} of {length}",
        seen.len()
    );

    // Scripted: the first request gets both faults, the second succeeds.
    let send = || {
        m.post("/predict", json!({"ok": 1}))
            .header(
                "x-mock-fault",
                "fail:1:503:retry-after=2,fail:1:disconnect-mid-stream",
            )
            .header("x-mock-fault-key", "cut-body")
            .send()
    };
    assert!(chunks(send().await.unwrap()).await.is_err());
    assert_eq!(
        send().await.unwrap().json::<Value>().await.unwrap(),
        json!({"ok": 1})
    );

    // An empty error body keeps its status.
    let r = predict(&m, "status:502,empty-body").send().await.unwrap();
    assert_eq!(r.status(), 502);
    assert!(r.bytes().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_corruption_faults() {
    let m = start().await;
    let all = body(chat(&m, "malformed-json").send().await.unwrap()).await;
    let ev = events(&all);
    assert!(ev.contains(&"data: {not json".to_string()));
    assert_eq!(ev.last().unwrap(), "data: [DONE]");

    let all = body(chat(&m, "error-event").send().await.unwrap()).await;
    let ev = events(&all);
    assert_eq!(
        ev.last().unwrap(),
        "event: error\ndata: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"
    );
    assert!(ev.len() > 2);

    let all = body(chat(&m, "error-payload").send().await.unwrap()).await;
    let last = data_json(&all).pop().unwrap();
    assert_eq!(last["error"]["message"], "boom");

    let all = body(chat(&m, "truncate").send().await.unwrap()).await;
    let text = String::from_utf8_lossy(&all);
    assert!(text.contains("\"content\":\"one \""), "{text}");
    assert!(!text.contains("[DONE]") && !text.contains("\"finish_reason\":\""));

    let all = body(chat(&m, "no-done").send().await.unwrap()).await;
    let text = String::from_utf8_lossy(&all);
    assert!(text.contains("\"finish_reason\":\"length\"") && !text.contains("[DONE]"));

    let all = body(chat(&m, "invalid-utf8").send().await.unwrap()).await;
    assert!(std::str::from_utf8(&all).is_err());
    assert!(all.windows(2).any(|w| w == [0xff, 0xfe]));

    let all = body(chat(&m, "huge-line:100000").send().await.unwrap()).await;
    let text = String::from_utf8(all).unwrap();
    assert!(text
        .lines()
        .any(|l| l.len() == 100_000 && l.starts_with("data: {")));

    let all = body(chat(&m, "keepalive").send().await.unwrap()).await;
    let ev = events(&all);
    assert!(ev.iter().any(|e| e.starts_with(": ping - ")));
    assert!(ev.iter().any(|e| e.starts_with("event: ping\n")));
    assert_eq!(ev.last().unwrap(), "data: [DONE]");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn body_labelling_faults() {
    let m = start().await;
    let r = m
        .post("/predict", json!({"a": 1}))
        .header("x-mock-fault", "empty-body")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().is_empty());
    let r = m
        .post("/predict", json!({"a": 1}))
        .header("x-mock-fault", "wrong-content-type")
        .send()
        .await
        .unwrap();
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"a": 1}));
    let r = m
        .post("/predict", json!({"a": 1}))
        .header("x-mock-fault", "malformed-json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.text().await.unwrap(), "{not json");
    // Predict streams (raw bytes) take stream faults as well.
    let r = m
        .post(
            "/predict",
            json!({"stream": true, "n": 6, "interval_ms": 0}),
        )
        .header("x-mock-fault", "truncate")
        .send()
        .await
        .unwrap();
    assert_eq!(r.text().await.unwrap(), "chunk 0\nchunk 1\nchunk 2\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripted_fail_sequence_per_key() {
    let m = start().await;
    let send = |key: &'static str| {
        m.post("/production/predict", json!({"ok": true}))
            .header("x-mock-fault", "fail:2:503:openai:retry-after-ms=10")
            .header("x-mock-fault-key", key)
            .send()
    };
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(send("seq-a").await.unwrap().status().as_u16());
    }
    assert_eq!(statuses, vec![503, 503, 200, 200]);
    assert_eq!(
        send("seq-b").await.unwrap().status(),
        503,
        "keys count separately"
    );
    let log = m.mock_json("/__mock/requests?key=seq-a").await;
    assert_eq!(log.as_array().unwrap().len(), 4);

    // Query form, and a fail sequence of a non-status fault.
    let url = "/predict?mock_fault=fail:1:reset&mock_fault_key=seq-c";
    assert!(m.post(url, json!({})).send().await.is_err());
    assert_eq!(m.post(url, json!({})).send().await.unwrap().status(), 200);

    // Reset clears the counters.
    m.client
        .post(format!("{}/__mock/reset", m.url))
        .send()
        .await
        .unwrap();
    assert_eq!(send("seq-a").await.unwrap().status(), 503);
}
