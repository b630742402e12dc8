//! Async inference: the lifecycle, signed webhooks to the mock's own sink, validation,
//! webhook failure and cancel.

mod common;

use common::{send, send_json, start, status_json, Mock};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::time::{Duration, Instant};

/// Submits an async request (`POST path`, answered 201); its request id.
async fn submit(m: &Mock, path: &str, body: Value) -> String {
    let (status, v) = status_json(m.post(path, body)).await;
    assert_eq!(status, 201, "{v}");
    v["request_id"].as_str().expect("a request id").to_string()
}

/// The status of an async request (`GET /async_request/{id}`).
async fn status_of(m: &Mock, id: &str) -> Value {
    send_json(m.get(&format!("/async_request/{id}"))).await
}

/// Polls an async request until `done` holds for its status (or 5 s pass); that status.
async fn poll_until(m: &Mock, id: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let v = status_of(m, id).await;
        if done(&v) {
            return v;
        }
        assert!(Instant::now() < deadline, "never {what}: {v}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Polls an async request until it and its webhook are settled.
async fn wait_done(m: &Mock, id: &str) -> Value {
    poll_until(m, id, "finished", |v| {
        let ws = v["webhook_status"].as_str().unwrap_or("");
        !["PENDING", ""].contains(&ws)
            && !["QUEUED", "IN_PROGRESS"].contains(&v["status"].as_str().unwrap())
    })
    .await
}

/// The mock's own webhook sink.
fn sink(m: &Mock) -> String {
    format!("{}/__mock/webhook-sink", m.url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_request_succeeds_and_sends_signed_webhook() {
    let m = start().await;
    let input = json!({"prompt": "hi", "mock_queue_ms": 300, "mock_run_ms": 300});
    let body = json!({"model_input": input, "webhook_endpoint": sink(&m), "priority": 1,
                      "inference_retry_config": {"max_attempts": 3}});
    let id = submit(&m, "/environments/production/async_predict", body).await;
    assert_eq!(id.len(), 32);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));

    let v = status_of(&m, &id).await;
    assert_eq!(v["status"], "QUEUED");
    assert_eq!(v["webhook_status"], "PENDING");
    assert_eq!(v["model_id"], "mock-model");
    let q = send_json(m.get("/production/async_queue_status")).await;
    assert_eq!(q["num_queued_requests"], 1);
    poll_until(&m, &id, "IN_PROGRESS", |v| v["status"] == "IN_PROGRESS").await;
    let q = send_json(m.get("/async_queue_status")).await;
    assert_eq!(q["num_in_progress_requests"], 1);

    let v = wait_done(&m, &id).await;
    assert_eq!(v["status"], "SUCCEEDED");
    assert_eq!(v["webhook_status"], "SUCCEEDED");
    assert!(v["created_at"].as_str().unwrap().ends_with('Z'));

    let hooks = m.mock_json("/__mock/webhooks").await;
    assert_eq!(hooks.as_array().unwrap().len(), 1);
    let hook = &hooks[0];
    assert_eq!(hook["signature_valid"], true);
    assert_eq!(hook["request_id"], id.as_str());
    let raw = hook["body"].as_str().unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(b"whsec-test").unwrap();
    mac.update(raw.as_bytes());
    let expected = format!("v1={}", hex::encode(mac.finalize().into_bytes()));
    assert_eq!(hook["signature"], expected.as_str());
    let payload: Value = serde_json::from_str(raw).unwrap();
    assert_eq!(payload["type"], "async_request_completed");
    assert_eq!(payload["request_id"], id.as_str());
    assert_eq!(payload["deployment_id"], "mock-deployment");
    assert_eq!(payload["data"]["output"], input);
    assert_eq!(payload["errors"], json!([]));
    assert!(payload["time"].as_str().unwrap().contains('T'));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_failure_validation_and_webhook_failure() {
    let m = start().await;
    let failing_model = json!({"model_input": {"fail": true, "mock_queue_ms": 0, "mock_run_ms": 0},
                               "webhook_endpoint": sink(&m)});
    let id = submit(&m, "/async_predict", failing_model).await;
    let v = wait_done(&m, &id).await;
    assert_eq!(v["status"], "FAILED");
    assert_eq!(v["errors"][0]["code"], "MODEL_PREDICT_ERROR");
    let hooks = m.mock_json("/__mock/webhooks").await;
    assert_eq!(hooks[0]["json"]["data"], Value::Null);
    assert_eq!(hooks[0]["json"]["errors"][0]["code"], "MODEL_PREDICT_ERROR");

    // A sink answering 500 makes the webhook fail (after two attempts).
    let failing_sink = format!("{}?mock_fault=status:500", sink(&m));
    let body = json!({"model_input": {"mock_queue_ms": 0, "mock_run_ms": 0},
                      "webhook_endpoint": failing_sink});
    let id = submit(&m, "/async_predict", body).await;
    let v = wait_done(&m, &id).await;
    assert_eq!(
        (v["status"].as_str(), v["webhook_status"].as_str()),
        (Some("SUCCEEDED"), Some("FAILED"))
    );

    // No webhook.
    let id = submit(
        &m,
        "/async_predict",
        json!({"model_input": {"mock_run_ms": 0}}),
    )
    .await;
    assert_eq!(
        status_of(&m, &id).await["webhook_status"],
        "NO_WEBHOOK_PROVIDED"
    );

    let bad = [
        json!({}),
        json!({"model_input": "text"}),
        json!({"model_input": {}, "priority": 3}),
        json!({"model_input": {}, "max_time_in_queue_seconds": 5}),
        json!({"model_input": {}, "max_time_in_queue_seconds": 259_201}),
        json!({"model_input": {}, "inference_retry_config": {"max_attempts": 11}}),
        json!({"model_input": {}, "inference_retry_config": {"initial_delay_ms": 10_001}}),
        json!({"model_input": {}, "inference_retry_config": {"max_delay_ms": 60_001}}),
        json!({"model_input": {}, "webhook_endpoint": "ftp://x"}),
        json!([1, 2]),
    ];
    for body in bad {
        let (status, v) = status_json(m.post("/async_predict", body.clone())).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(v["error_code"], "client_error");
    }
    let (status, v) = status_json(m.get("/async_request/0123456789abcdef0123456789abcdef")).await;
    assert_eq!(status, 404);
    assert!(v["error"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_only_while_queued() {
    let m = start().await;
    let cancel = |id: &str| send_json(m.delete(&format!("/async_request/{id}")));
    let queued = json!({"model_input": {"mock_queue_ms": 3000}});
    let id = submit(&m, "/async_predict", queued).await;
    let v = cancel(&id).await;
    assert_eq!(v["canceled"], true);
    assert_eq!(v["request_id"], id.as_str());
    assert!(v["message"].is_string());
    assert_eq!(status_of(&m, &id).await["status"], "CANCELED");
    assert_eq!(cancel(&id).await["canceled"], false);

    let running = json!({"model_input": {"mock_queue_ms": 0, "mock_run_ms": 3000}});
    let id = submit(&m, "/async_predict", running).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(cancel(&id).await["canceled"], false);
    let r = send(m.delete("/async_request/nope")).await;
    assert_eq!(r.status(), 404);
}
