//! The embedding server's routes as the mock serves them: `predict_tokens`, and the 413 for more
//! than 128 inputs in one request on every embedding route.

mod common;

use common::{send, start, status_json};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn predict_tokens_one_list_per_input() {
    let m = start().await;
    for path in [
        "/sync/predict_tokens",
        "/environments/production/sync/predict_tokens",
    ] {
        let body = json!({"inputs": [["Ada met Bob"], ["hello"]], "raw_scores": false});
        let (status, v) = status_json(m.post(path, body)).await;
        assert_eq!(status, 200, "{path}: {v}");
        let lists = v.as_array().expect("an array");
        assert_eq!(lists.len(), 2);
        assert_eq!(lists[0].as_array().unwrap().len(), 3);
        assert_eq!(lists[0][2]["token"], "Bob");
        assert_eq!(lists[0][2]["start"], 8);
        assert!(lists[0][0]["results"]["ENTITY"].as_f64().unwrap() > 0.5);
        assert_eq!(lists[1][0]["token"], "hello");
    }
    let r = send(m.post("/sync/predict_tokens", json!({"inputs": "x"}))).await;
    assert_eq!(r.status(), 400);
    let r = send(m.get("/sync/predict_tokens")).await;
    assert_eq!(r.status(), 405);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_128_inputs_is_a_413_everywhere() {
    let m = start().await;
    let many: Vec<String> = (0..129).map(|i| format!("t{i}")).collect();
    let seqs: Vec<Vec<String>> = many.iter().map(|t| vec![t.clone()]).collect();
    let cases = [
        ("/v1/embeddings", json!({"model": "e", "input": many})),
        ("/sync/rerank", json!({"query": "q", "texts": many})),
        ("/sync/predict", json!({"inputs": many})),
        ("/sync/predict_tokens", json!({"inputs": seqs})),
    ];
    for (path, body) in cases {
        let (status, v) = status_json(m.post(path, body)).await;
        assert_eq!(status, 413, "{path}");
        assert_eq!(
            v["error"], "batch size 129 > maximum allowed batch size 128",
            "{path}"
        );
    }
    let ok: Vec<String> = many[..128].to_vec();
    let (status, _) = status_json(m.post("/sync/predict", json!({"inputs": ok}))).await;
    assert_eq!(status, 200);
}
