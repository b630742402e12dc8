//! Fault injection: status shapes and retry hints, connection faults, stream corruption, and
//! scripted `fail:N` sequences.

mod common;

use common::{
    body, chat_body, chunks, content_length, data_json, events, header, json_body, send, send_json,
    start, status_json,
};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// A predict request for `input` with a fault header.
fn predict_with(m: &common::Mock, input: Value, fault: &str) -> reqwest::RequestBuilder {
    m.post("/predict", input).header("x-mock-fault", fault)
}

/// A predict request with a fault header.
fn predict(m: &common::Mock, fault: &str) -> reqwest::RequestBuilder {
    predict_with(m, json!({}), fault)
}

/// The answer to a predict request with a fault header.
async fn faulted(m: &common::Mock, fault: &str) -> reqwest::Response {
    send(predict(m, fault)).await
}

/// A chat stream request with a fault header.
fn chat(m: &common::Mock, fault: &str) -> reqwest::RequestBuilder {
    let mut b = chat_body("one two three four five six", true);
    b["max_tokens"] = json!(8);
    m.post("/v1/chat/completions", b)
        .header("x-mock-fault", fault)
}

/// The whole body of a chat stream with a fault header.
async fn chat_bytes(m: &common::Mock, fault: &str) -> Vec<u8> {
    body(send(chat(m, fault)).await).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_faults_in_every_shape_with_retry_hints() {
    let m = start().await;
    let r = faulted(
        &m,
        "status:429:openai:retry-after-ms=150:x-should-retry=true",
    )
    .await;
    assert_eq!(r.status(), 429);
    assert_eq!(header(&r, "retry-after-ms"), "150");
    assert_eq!(header(&r, "x-should-retry"), "true");
    let v = json_body(r).await;
    assert_eq!(v["error"]["type"], "rate_limit_error");
    assert!(v["error"]["message"].is_string() && v["error"].get("param").is_some());

    let r = faulted(&m, "status:503").await;
    assert_eq!(r.status(), 503);
    assert_eq!(header(&r, "x-baseten-error-source"), "04");
    assert_eq!(header(&r, "x-baseten-error-code"), "600");
    let v = json_body(r).await;
    assert!(v["error"].is_string());
    assert_eq!(v["error_code"], "model_not_ready");

    let r = faulted(&m, "status:422:fastapi:retry-after=2").await;
    assert_eq!(header(&r, "retry-after"), "2");
    assert!(json_body(r).await["detail"].is_string());

    let r = faulted(&m, "status:500:text").await;
    assert!(header(&r, "content-type").starts_with("text/plain"));
    assert_eq!(r.text().await.unwrap(), "Internal Server Error");

    let r = faulted(&m, "status:502:html:retry-after-date=30").await;
    assert_eq!(header(&r, "content-type"), "text/html");
    assert!(header(&r, "retry-after").ends_with(" GMT"));
    assert!(r.text().await.unwrap().contains("<h1>502 Bad Gateway</h1>"));

    let r = faulted(
        &m,
        "status:429:openai:code=insufficient_quota:x-should-retry=false",
    )
    .await;
    assert_eq!(header(&r, "x-should-retry"), "false");
    let v = json_body(r).await;
    assert_eq!(v["error"]["code"], "insufficient_quota");
    assert_eq!(v["error"]["type"], "insufficient_quota");

    // The query-parameter form (for browsers that must not send custom headers).
    let (status, v) = status_json(m.post(
        "/predict?mock_fault=status:504:truss:code=timeout",
        json!({}),
    ))
    .await;
    assert_eq!(status, 504);
    assert_eq!(v["error_code"], "timeout");

    let r = faulted(&m, "explode").await;
    assert_eq!(r.status(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_faults_reset_stall_and_disconnect() {
    let m = start().await;
    let err = predict(&m, "reset").send().await.unwrap_err();
    assert!(!err.is_status() && !err.is_timeout(), "{err}");

    let started = Instant::now();
    let echo = send_json(predict_with(&m, json!({"a": 1}), "stall-headers:200")).await;
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(echo, json!({"a": 1}));

    let got = chunks(send(chat(&m, "stall-body:60")).await).await.unwrap();
    assert!(got[1].0.duration_since(got[0].0) >= Duration::from_millis(55));

    let r = send(chat(&m, "disconnect-mid-stream")).await;
    let seen = chunks(r).await.expect_err("the body must break");
    let text = String::from_utf8_lossy(&seen);
    assert!(text.contains("\"role\":\"assistant\""), "some chunks first");
    assert!(!text.contains("[DONE]") && !text.contains("finish_reason\":\""));

    // A full JSON body can be disconnected half-way too.
    let long = json!({"long": "x".repeat(100)});
    let r = send(predict_with(&m, long, "disconnect-mid-stream")).await;
    assert!(r.bytes().await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_values_a_server_should_not_send() {
    let m = start().await;
    for v in ["soon", "-5", "120"] {
        let r = faulted(&m, &format!("status:429:retry-after={v}")).await;
        assert_eq!(r.status(), 429);
        assert_eq!(header(&r, "retry-after"), v);
    }
    let r = faulted(&m, "status:429:retry-after-date=-5").await;
    let date = header(&r, "retry-after").to_string();
    assert!(date.ends_with(" GMT"), "{date}");
    let r = faulted(&m, "status:429:retry-after-date=120").await;
    assert_ne!(header(&r, "retry-after"), date);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_bodies_stall_or_break_after_the_headers() {
    let m = start().await;
    // Status and headers at once, half the error body, then the stall, then the rest.
    let started = Instant::now();
    let r = faulted(&m, "status:503:retry-after=2,stall-body:300").await;
    assert!(started.elapsed() < Duration::from_millis(250));
    assert_eq!(r.status(), 503);
    assert_eq!(header(&r, "retry-after"), "2");
    let length = content_length(&r);
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
    let r = faulted(&m, "status:503:openai:retry-after=2,disconnect-mid-stream").await;
    assert_eq!(r.status(), 503);
    assert_eq!(header(&r, "retry-after"), "2");
    let length = content_length(&r);
    let seen = chunks(r).await.expect_err("the body must break");
    assert!(
        !seen.is_empty() && seen.len() < length,
        "{} of {length}",
        seen.len()
    );

    // Scripted: the first request gets both faults, the second succeeds.
    let scripted = || {
        predict_with(
            &m,
            json!({"ok": 1}),
            "fail:1:503:retry-after=2,fail:1:disconnect-mid-stream",
        )
        .header("x-mock-fault-key", "cut-body")
    };
    assert!(chunks(send(scripted()).await).await.is_err());
    assert_eq!(send_json(scripted()).await, json!({"ok": 1}));

    // An empty error body keeps its status.
    let r = faulted(&m, "status:502,empty-body").await;
    assert_eq!(r.status(), 502);
    assert!(r.bytes().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_corruption_faults() {
    let m = start().await;
    let all = chat_bytes(&m, "malformed-json").await;
    let ev = events(&all);
    assert!(ev.contains(&"data: {not json".to_string()));
    assert_eq!(ev.last().unwrap(), "data: [DONE]");

    let all = chat_bytes(&m, "error-event").await;
    let ev = events(&all);
    assert_eq!(
        ev.last().unwrap(),
        "event: error\ndata: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"
    );
    assert!(ev.len() > 2);

    let all = chat_bytes(&m, "error-payload").await;
    let last = data_json(&all).pop().unwrap();
    assert_eq!(last["error"]["message"], "boom");

    let all = chat_bytes(&m, "truncate").await;
    let text = String::from_utf8_lossy(&all);
    assert!(text.contains("\"content\":\"one \""), "{text}");
    assert!(!text.contains("[DONE]") && !text.contains("\"finish_reason\":\""));

    let all = chat_bytes(&m, "no-done").await;
    let text = String::from_utf8_lossy(&all);
    assert!(text.contains("\"finish_reason\":\"length\"") && !text.contains("[DONE]"));

    let all = chat_bytes(&m, "invalid-utf8").await;
    assert!(std::str::from_utf8(&all).is_err());
    assert!(all.windows(2).any(|w| w == [0xff, 0xfe]));

    let all = chat_bytes(&m, "huge-line:100000").await;
    let text = String::from_utf8(all).unwrap();
    assert!(text
        .lines()
        .any(|l| l.len() == 100_000 && l.starts_with("data: {")));

    let all = chat_bytes(&m, "keepalive").await;
    let ev = events(&all);
    assert!(ev.iter().any(|e| e.starts_with(": ping - ")));
    assert!(ev.iter().any(|e| e.starts_with("event: ping\n")));
    assert_eq!(ev.last().unwrap(), "data: [DONE]");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn body_labelling_faults() {
    let m = start().await;
    let echo = |fault| predict_with(&m, json!({"a": 1}), fault);
    let r = send(echo("empty-body")).await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().is_empty());
    let r = send(echo("wrong-content-type")).await;
    assert!(header(&r, "content-type").starts_with("text/html"));
    assert_eq!(json_body(r).await, json!({"a": 1}));
    let r = send(echo("malformed-json")).await;
    assert_eq!(r.text().await.unwrap(), "{not json");
    // Predict streams (raw bytes) take stream faults as well.
    let stream = json!({"stream": true, "n": 6, "interval_ms": 0});
    let r = send(predict_with(&m, stream, "truncate")).await;
    assert_eq!(r.text().await.unwrap(), "chunk 0\nchunk 1\nchunk 2\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripted_fail_sequence_per_key() {
    let m = start().await;
    let status = |key: &'static str| {
        let req = m
            .post("/production/predict", json!({"ok": true}))
            .header("x-mock-fault", "fail:2:503:openai:retry-after-ms=10")
            .header("x-mock-fault-key", key);
        async move { send(req).await.status().as_u16() }
    };
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(status("seq-a").await);
    }
    assert_eq!(statuses, vec![503, 503, 200, 200]);
    assert_eq!(status("seq-b").await, 503, "keys count separately");
    let log = m.mock_json("/__mock/requests?key=seq-a").await;
    assert_eq!(log.as_array().unwrap().len(), 4);

    // Query form, and a fail sequence of a non-status fault.
    let url = "/predict?mock_fault=fail:1:reset&mock_fault_key=seq-c";
    assert!(m.post(url, json!({})).send().await.is_err());
    assert_eq!(send(m.post(url, json!({}))).await.status(), 200);

    // Reset clears the counters.
    m.reset().await;
    assert_eq!(status("seq-a").await, 503);
}
