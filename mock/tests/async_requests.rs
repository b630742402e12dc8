//! Async inference: the lifecycle, signed webhooks to the mock's own sink, validation,
//! webhook failure and cancel.

mod common;

use common::{send_json, start};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::time::{Duration, Instant};

/// Polls an async request until its webhook status settles (or 5 s pass).
async fn wait_done(m: &common::Mock, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let v: Value = send_json(m.get(&format!("/async_request/{id}"))).await;
        let ws = v["webhook_status"].as_str().unwrap_or("");
        if !["PENDING", ""].contains(&ws)
            && !["QUEUED", "IN_PROGRESS"].contains(&v["status"].as_str().unwrap())
        {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "async request never finished: {v}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_request_succeeds_and_sends_signed_webhook() {
    let m = start().await;
    let input = json!({"prompt": "hi", "mock_queue_ms": 300, "mock_run_ms": 300});
    let sink = format!("{}/__mock/webhook-sink", m.url);
    let r = m
        .post(
            "/environments/production/async_predict",
            json!({"model_input": input, "webhook_endpoint": sink, "priority": 1,
                   "inference_retry_config": {"max_attempts": 3}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["request_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(id.len(), 32);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));

    let v: Value = send_json(m.get(&format!("/async_request/{id}"))).await;
    assert_eq!(v["status"], "QUEUED");
    assert_eq!(v["webhook_status"], "PENDING");
    assert_eq!(v["model_id"], "mock-model");
    let q: Value = m
        .get("/production/async_queue_status")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(q["num_queued_requests"], 1);
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let v: Value = send_json(m.get(&format!("/async_request/{id}"))).await;
        if v["status"] == "IN_PROGRESS" {
            break;
        }
        assert!(Instant::now() < deadline, "never IN_PROGRESS: {v}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let q: Value = m
        .get("/async_queue_status")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
    let sink = format!("{}/__mock/webhook-sink", m.url);
    let r = m
        .post(
            "/async_predict",
            json!({"model_input": {"fail": true, "mock_queue_ms": 0, "mock_run_ms": 0},
                   "webhook_endpoint": sink}),
        )
        .send()
        .await
        .unwrap();
    let id = r.json::<Value>().await.unwrap()["request_id"]
        .as_str()
        .unwrap()
        .to_string();
    let v = wait_done(&m, &id).await;
    assert_eq!(v["status"], "FAILED");
    assert_eq!(v["errors"][0]["code"], "MODEL_PREDICT_ERROR");
    let hooks = m.mock_json("/__mock/webhooks").await;
    assert_eq!(hooks[0]["json"]["data"], Value::Null);
    assert_eq!(hooks[0]["json"]["errors"][0]["code"], "MODEL_PREDICT_ERROR");

    // A sink answering 500 makes the webhook fail (after two attempts).
    let failing = format!("{sink}?mock_fault=status:500");
    let r = m
        .post(
            "/async_predict",
            json!({"model_input": {"mock_queue_ms": 0, "mock_run_ms": 0}, "webhook_endpoint": failing}),
        )
        .send()
        .await
        .unwrap();
    let id = r.json::<Value>().await.unwrap()["request_id"]
        .as_str()
        .unwrap()
        .to_string();
    let v = wait_done(&m, &id).await;
    assert_eq!(
        (v["status"].as_str(), v["webhook_status"].as_str()),
        (Some("SUCCEEDED"), Some("FAILED"))
    );

    // No webhook.
    let r = m
        .post("/async_predict", json!({"model_input": {"mock_run_ms": 0}}))
        .send()
        .await
        .unwrap();
    let id = r.json::<Value>().await.unwrap()["request_id"]
        .as_str()
        .unwrap()
        .to_string();
    let v: Value = send_json(m.get(&format!("/async_request/{id}"))).await;
    assert_eq!(v["webhook_status"], "NO_WEBHOOK_PROVIDED");

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
        let r = m.post("/async_predict", body.clone()).send().await.unwrap();
        assert_eq!(r.status(), 400, "{body}");
        assert_eq!(
            r.json::<Value>().await.unwrap()["error_code"],
            "client_error"
        );
    }
    let r = m
        .get("/async_request/0123456789abcdef0123456789abcdef")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.json::<Value>().await.unwrap()["error"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_only_while_queued() {
    let m = start().await;
    let r = m
        .post(
            "/async_predict",
            json!({"model_input": {"mock_queue_ms": 3000}}),
        )
        .send()
        .await
        .unwrap();
    let id = r.json::<Value>().await.unwrap()["request_id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/async_request/{id}");
    let v: Value = send_json(m.delete(&path)).await;
    assert_eq!(v["canceled"], true);
    assert_eq!(v["request_id"], id.as_str());
    assert!(v["message"].is_string());
    let v: Value = send_json(m.get(&format!("/async_request/{id}"))).await;
    assert_eq!(v["status"], "CANCELED");
    let v: Value = send_json(m.delete(&path)).await;
    assert_eq!(v["canceled"], false);

    let r = m
        .post(
            "/async_predict",
            json!({"model_input": {"mock_queue_ms": 0, "mock_run_ms": 3000}}),
        )
        .send()
        .await
        .unwrap();
    let id = r.json::<Value>().await.unwrap()["request_id"]
        .as_str()
        .unwrap()
        .to_string();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let path = format!("/async_request/{id}");
    let v: Value = send_json(m.delete(&path)).await;
    assert_eq!(v["canceled"], false);
    let r = m
        .client
        .delete(format!("{}/async_request/nope", m.url))
        .bearer_auth("test-key")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}
