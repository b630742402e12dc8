//! OpenAI-compatible routes: chat (text and tool calls, streamed and not), completions,
//! embeddings, models, rerank, under both `/v1` and `P/sync/v1`.

mod common;

use common::{
    body, chat_body, chunks, data_json, events, header, send, send_json, start, start_with,
    status_json,
};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_completion_non_stream() {
    let m = start().await;
    for path in [
        "/v1/chat/completions",
        "/environments/production/sync/v1/chat/completions",
    ] {
        let (status, v) = status_json(m.post(path, chat_body("hi", false))).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(v["object"], "chat.completion");
        assert_eq!(v["model"], "m");
        assert!(v["id"].as_str().unwrap().starts_with("chatcmpl-"));
        let c = &v["choices"][0];
        assert_eq!(c["message"]["role"], "assistant");
        assert_eq!(c["finish_reason"], "stop");
        let text = c["message"]["content"].as_str().unwrap();
        assert!(text.starts_with("Hello! You said: hi Hello!"), "{text}");
        assert_eq!(text.split(' ').count(), 16);
        assert_eq!(v["usage"]["completion_tokens"], 16);
        assert_eq!(v["usage"]["prompt_tokens"], 1);
        assert_eq!(v["usage"]["total_tokens"], 17);
    }
    let mut b = chat_body("one two three four five", false);
    b["max_completion_tokens"] = json!(3);
    let v = send_json(m.post("/v1/chat/completions", b)).await;
    assert_eq!(v["choices"][0]["message"]["content"], "Hello! You said:");
    assert_eq!(v["choices"][0]["finish_reason"], "length");

    for bad in [
        json!({"messages": []}),
        json!({"messages": "x"}),
        json!({"messages": [{"role": "user", "content": "x"}], "max_tokens": 0}),
        json!([1]),
    ] {
        let (status, v) = status_json(m.post("/v1/chat/completions", bad.clone())).await;
        assert_eq!(status, 400, "{bad}");
        assert!(v["error"]["message"].is_string());
    }
    let r = send(m.post("/v1/nope", json!({}))).await;
    assert_eq!(r.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_stream_event_sequence_with_usage_and_pacing() {
    let m = start_with(20.0).await; // 50 ms per token
    let mut b = chat_body("hello world", true);
    b["max_tokens"] = json!(6);
    b["stream_options"] = json!({"include_usage": true});
    b["some_unknown_field"] = json!({"ignored": true});
    let started = Instant::now();
    let r = send(m.post("/v1/chat/completions", b)).await;
    assert!(header(&r, "content-type").starts_with("text/event-stream"));
    let got = chunks(r).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(280), "not paced");
    assert!(
        got.len() >= 6,
        "events should arrive as separate chunks ({})",
        got.len()
    );
    let all: Vec<u8> = got.into_iter().flat_map(|(_, c)| c).collect();
    let ev = events(&all);
    assert_eq!(ev.last().unwrap(), "data: [DONE]");
    let chunks = data_json(&all);
    assert_eq!(chunks.len(), 1 + 6 + 1 + 1);
    assert_eq!(
        chunks[0]["choices"][0]["delta"],
        json!({"role": "assistant", "content": ""})
    );
    assert_eq!(chunks[0]["object"], "chat.completion.chunk");
    let text: String = chunks[1..7]
        .iter()
        .map(|c| c["choices"][0]["delta"]["content"].as_str().unwrap())
        .collect();
    assert_eq!(text, "Hello! You said: hello world Hello!");
    assert_eq!(chunks[7]["choices"][0]["delta"], json!({}));
    // max_tokens 6 cut the cycled 5-word reply: "length", as a real server says.
    assert_eq!(chunks[7]["choices"][0]["finish_reason"], "length");
    assert_eq!(chunks[8]["choices"], json!([]));
    assert_eq!(chunks[8]["usage"]["completion_tokens"], 6);
    let ids: Vec<&Value> = chunks.iter().map(|c| &c["id"]).collect();
    assert!(ids.iter().all(|id| *id == ids[0]));

    // Header override: no pacing; no usage chunk when not asked for.
    let started = Instant::now();
    let mut b = chat_body("x", true);
    b["max_tokens"] = json!(50);
    let unpaced = m
        .post("/v1/chat/completions", b)
        .header("x-mock-token-rate", "0");
    let all = body(send(unpaced).await).await;
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "header override ignored"
    );
    let chunks = data_json(&all);
    assert_eq!(chunks.len(), 52);
    assert!(chunks.iter().all(|c| c.get("usage").is_none()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_tool_calls_streamed_and_not() {
    let m = start().await;
    let tools = json!([{"type": "function", "function": {"name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}}}}},
        {"type": "function", "function": {"name": "other"}}]);
    let mut b = chat_body("Paris", true);
    b["tools"] = tools.clone();
    b["stream_options"] = json!({"include_usage": true});
    let r = send(m.post("/v1/chat/completions", b.clone())).await;
    let chunks = data_json(&body(r).await);
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    let first = &chunks[1]["choices"][0]["delta"]["tool_calls"][0];
    assert_eq!(first["index"], 0);
    assert!(first["id"].as_str().unwrap().starts_with("call_"));
    assert_eq!(first["type"], "function");
    assert_eq!(first["function"]["name"], "get_weather");
    assert_eq!(first["function"]["arguments"], "");
    let frags: Vec<&Value> = chunks
        .iter()
        .skip(2)
        .filter_map(|c| c["choices"][0]["delta"]["tool_calls"].get(0))
        .collect();
    assert!(frags.len() >= 3, "arguments should be split across chunks");
    assert!(frags
        .iter()
        .all(|f| f["index"] == 0 && f.get("id").is_none()));
    let args: String = frags
        .iter()
        .map(|f| f["function"]["arguments"].as_str().unwrap())
        .collect();
    assert_eq!(
        serde_json::from_str::<Value>(&args).unwrap(),
        json!({"city": "Paris", "days": 1})
    );
    let finish = chunks
        .iter()
        .find_map(|c| c["choices"][0]["finish_reason"].as_str())
        .unwrap();
    assert_eq!(finish, "tool_calls");

    b["stream"] = json!(false);
    b["tool_choice"] = json!({"type": "function", "function": {"name": "other"}});
    let v = send_json(m.post("/v1/chat/completions", b.clone())).await;
    let call = &v["choices"][0]["message"]["tool_calls"][0];
    assert_eq!(call["function"]["name"], "other");
    assert_eq!(call["function"]["arguments"], "{}");
    assert_eq!(v["choices"][0]["finish_reason"], "tool_calls");

    // After a tool result the assistant answers with text.
    b["messages"] = json!([{"role": "user", "content": "Paris"},
        {"role": "assistant", "content": null, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "x", "content": "sunny"}]);
    b["max_tokens"] = json!(5);
    let v = send_json(m.post("/v1/chat/completions", b)).await;
    assert_eq!(
        v["choices"][0]["message"]["content"],
        "Got the tool result: sunny"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_completions() {
    let m = start().await;
    let v = send_json(m.post(
        "/v1/completions",
        json!({"model": "m", "prompt": "Once", "max_tokens": 3}),
    ))
    .await;
    assert_eq!(v["object"], "text_completion");
    assert_eq!(v["choices"][0]["text"], "Hello! You said:");
    assert_eq!(v["choices"][0]["finish_reason"], "length");
    let streamed = json!({"model": "m", "prompt": "Once", "stream": true,
                          "stream_options": {"include_usage": true}});
    let all = body(send(m.post("/deployment/d1/sync/v1/completions", streamed)).await).await;
    assert!(all.ends_with(b"data: [DONE]\n\n"));
    let chunks = data_json(&all);
    assert!(chunks.iter().all(|c| c["object"] == "text_completion"));
    assert_eq!(chunks.len(), 16 + 2);
    assert_eq!(chunks[16]["choices"][0]["finish_reason"], "stop");
    assert_eq!(chunks[17]["usage"]["completion_tokens"], 16);
    let r = send(m.post("/v1/completions", json!({"model": "m"}))).await;
    assert_eq!(r.status(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embeddings_models_and_rerank() {
    let m = start().await;
    let v = send_json(m.post("/v1/embeddings", json!({"model": "e", "input": "hello"}))).await;
    assert_eq!(v["object"], "list");
    assert_eq!(v["model"], "e");
    assert_eq!(v["data"][0]["object"], "embedding");
    assert_eq!(v["data"][0]["embedding"].as_array().unwrap().len(), 64);
    let again = send_json(m.post(
        "/v1/embeddings",
        json!({"model": "e", "input": ["x", "hello"], "dimensions": 4}),
    ))
    .await;
    assert_eq!(again["data"][1]["index"], 1);
    assert_eq!(again["data"][1]["embedding"].as_array().unwrap().len(), 4);
    assert_eq!(again["usage"]["prompt_tokens"], 2);
    let b64 = send_json(m.post(
        "/sync/v1/embeddings",
        json!({"input": "hello", "encoding_format": "base64"}),
    ))
    .await;
    assert_eq!(b64["data"][0]["embedding"].as_str().unwrap().len(), 344);
    let r = send(m.post("/v1/embeddings", json!({"input": []}))).await;
    assert_eq!(r.status(), 400);

    let v = send_json(m.get("/v1/models")).await;
    assert_eq!(v["data"][0]["id"], "mock-model");
    assert_eq!(v["data"][0]["owned_by"], "baseten-mock");

    for path in ["/rerank", "/production/sync/rerank"] {
        let query = json!({"query": "red apple", "texts": ["blue sky", "a red apple"],
                           "return_text": true});
        let v = send_json(m.post(path, query)).await;
        assert_eq!(v[0]["index"], 1, "{path}");
        assert_eq!(v[0]["text"], "a red apple");
        assert!(v[0]["score"].as_f64().unwrap() > v[1]["score"].as_f64().unwrap());
    }
}
