//! The Responses API route (`POST /v1/responses`, `P/sync/v1/responses`): streamed and not,
//! text, function calls, reasoning, incomplete, bridged streams and faults. Streams are read by
//! the client's own core (`ResponseStreamRules` + `ResponseAccumulator`).

mod common;

use baseten_edge::core::error::{Error, ErrorKind};
use baseten_edge::core::responses::{with_output_text, ResponseAccumulator, ResponseStreamRules};
use common::{body, events, send, send_json, start, status_json};
use serde_json::{json, Value};

const PATHS: [&str; 2] = [
    "/v1/responses",
    "/environments/production/sync/v1/responses",
];

/// Event kinds, the assembled response, and the end, as the client's core reads the body.
fn read(bytes: &[u8]) -> (Vec<String>, Value, Result<(), Error>) {
    let mut rules = ResponseStreamRules::new();
    let mut acc = ResponseAccumulator::new();
    let mut kinds = Vec::new();
    rules.push(bytes);
    let mut end = Ok(());
    loop {
        match rules.next_event() {
            Some(Ok(e)) => {
                acc.push_event(&e).unwrap();
                kinds.push(e.kind);
            }
            Some(Err(e)) => {
                end = Err(e);
                break;
            }
            None => match rules.finish() {
                Ok(Some(e)) => {
                    acc.push_event(&e).unwrap();
                    kinds.push(e.kind);
                }
                Ok(None) => break,
                Err(e) => {
                    end = Err(e);
                    break;
                }
            },
        }
    }
    (kinds, serde_json::from_str(&acc.to_json()).unwrap(), end)
}

fn req(text: &str, stream: bool) -> Value {
    json!({"model": "m", "input": text, "stream": stream})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_streamed_response() {
    let m = start().await;
    for path in PATHS {
        let (status, v) = status_json(m.post(path, req("hi", false))).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(v["object"], "response");
        assert_eq!(v["status"], "completed");
        assert!(v["id"].as_str().unwrap().starts_with("resp_"));
        assert_eq!(v["output"][0]["type"], "message");
        let text = v["output"][0]["content"][0]["text"].as_str().unwrap();
        assert!(text.starts_with("Hello! You said: hi Hello!"), "{text}");
        assert_eq!(v["usage"]["input_tokens"], 1);
        assert_eq!(v["usage"]["output_tokens"], 16);
        assert!(
            v.get("output_text").is_none(),
            "the client adds output_text"
        );
        let with: Value = serde_json::from_str(&with_output_text(&v.to_string()).unwrap()).unwrap();
        assert_eq!(with["output_text"], text);
    }
    // Input items: the last user message; a trailing function_call_output is echoed.
    let v = send_json(m.post(
        PATHS[0],
        json!({"model": "m", "max_output_tokens": 4, "input": [
        {"role": "user", "content": [{"type": "input_text", "text": "one two"}]},
        {"type": "function_call_output", "call_id": "c", "output": "sunny"},
    ], "tools": [{"type": "function", "name": "f"}]}),
    ))
    .await;
    assert_eq!(v["output"][0]["content"][0]["text"], "Got the tool result:");
    assert_eq!(v["status"], "incomplete");
    assert_eq!(v["incomplete_details"]["reason"], "max_output_tokens");
    for bad in [
        json!({"model": "m"}),
        json!({"input": 3}),
        json!({"input": "x", "max_output_tokens": 0}),
        json!({"input": "x", "stream": "yes"}),
        json!({"input": "x", "tools": {}}),
    ] {
        let (status, v) = status_json(m.post(PATHS[0], bad.clone())).await;
        assert_eq!(status, 400, "{bad}");
        assert!(v["error"]["message"].is_string());
    }
    let r = send(m.get(PATHS[0])).await;
    assert_eq!(r.status(), 405);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamed_text_has_event_lines_and_matches_the_json_answer() {
    let m = start().await;
    let full = send_json(m.post(PATHS[0], req("hello there", false))).await;
    let expected = full["output"][0]["content"][0]["text"]
        .as_str()
        .unwrap()
        .to_string();
    for path in PATHS {
        let r = send(m.post(path, req("hello there", true))).await;
        assert_eq!(r.status(), 200);
        assert!(common::header(&r, "content-type").starts_with("text/event-stream"));
        let bytes = body(r).await;
        for e in events(&bytes) {
            let (line, data) = e.split_once('\n').expect("event line then data");
            let kind = line.strip_prefix("event: ").expect("an event line");
            let v: Value = serde_json::from_str(data.strip_prefix("data: ").unwrap()).unwrap();
            assert_eq!(v["type"], kind);
        }
        let (kinds, resp, end) = read(&bytes);
        assert_eq!(end, Ok(()));
        assert_eq!(kinds.first().map(String::as_str), Some("response.created"));
        assert_eq!(kinds.last().map(String::as_str), Some("response.completed"));
        assert_eq!(
            kinds
                .iter()
                .filter(|k| *k == "response.output_text.delta")
                .count(),
            16
        );
        assert_eq!(resp["output_text"], expected.as_str());
        assert_eq!(resp["usage"]["output_tokens"], 16);
        assert!(!String::from_utf8_lossy(&bytes).contains("[DONE]"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bridged_streams_have_no_event_lines_and_end_with_done() {
    let m = start().await;
    let mut knob = req("hi", true);
    knob["mock_bridge"] = json!(true);
    let by_name = json!({"model": "org/bridge-model", "input": "hi", "stream": true});
    for b in [knob, by_name] {
        let bytes = body(send(m.post(PATHS[1], b)).await).await;
        let evs = events(&bytes);
        assert!(
            evs.iter().all(|e| e.starts_with("data: ")),
            "no event lines"
        );
        assert_eq!(evs.last().map(String::as_str), Some("data: [DONE]"));
        let (kinds, resp, end) = read(&bytes);
        assert_eq!(end, Ok(()));
        assert_eq!(kinds.last().map(String::as_str), Some("response.completed"));
        assert!(resp["output_text"]
            .as_str()
            .unwrap()
            .starts_with("Hello! You said: hi"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn function_calls_reasoning_and_incomplete() {
    let m = start().await;
    let tools = json!([{"type": "function", "name": "get_weather", "parameters": {"type": "object",
        "properties": {"city": {"type": "string"}, "days": {"type": "integer"}}}}]);
    let mut b = req("Paris", true);
    b["tools"] = tools.clone();
    let (kinds, resp, end) = read(&body(send(m.post(PATHS[0], b)).await).await);
    assert_eq!(end, Ok(()));
    assert!(
        kinds
            .iter()
            .filter(|k| *k == "response.function_call_arguments.delta")
            .count()
            > 1
    );
    let call = &resp["output"][0];
    assert_eq!(call["type"], "function_call");
    assert_eq!(call["name"], "get_weather");
    assert!(call["call_id"].as_str().unwrap().starts_with("call_"));
    let args: Value = serde_json::from_str(call["arguments"].as_str().unwrap()).unwrap();
    assert_eq!(args, json!({"city": "Paris", "days": 1}));
    // Chat-shaped tools work too; tool_choice "none" gives text.
    let mut b = req("x", false);
    b["tools"] = json!([{"type": "function", "function": {"name": "g"}}]);
    assert_eq!(
        send_json(m.post(PATHS[0], b.clone())).await["output"][0]["name"],
        "g"
    );
    b["tool_choice"] = json!("none");
    assert_eq!(
        send_json(m.post(PATHS[0], b)).await["output"][0]["type"],
        "message"
    );

    for model in ["deepseek-reasoner", "qwen-THINKING"] {
        let b = json!({"model": model, "input": "why", "stream": true});
        let (kinds, resp, end) = read(&body(send(m.post(PATHS[0], b)).await).await);
        assert_eq!(end, Ok(()));
        assert!(kinds.iter().any(|k| k == "response.reasoning_text.delta"));
        assert!(kinds
            .iter()
            .any(|k| k == "response.reasoning_summary_text.delta"));
        assert_eq!(resp["output"][0]["type"], "reasoning");
        assert!(resp["output"][0]["summary"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("The user said why"));
        assert!(resp["output"][0]["content"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("Thinking about: why"));
        assert_eq!(resp["output"][1]["type"], "message");
        assert!(!resp["output_text"].as_str().unwrap().contains("Thinking"));
    }

    let mut b = req("one two three four", true);
    b["max_output_tokens"] = json!(3);
    let (kinds, resp, end) = read(&body(send(m.post(PATHS[0], b)).await).await);
    assert_eq!(end, Ok(()), "incomplete is a normal end");
    assert_eq!(
        kinds.last().map(String::as_str),
        Some("response.incomplete")
    );
    assert_eq!(resp["status"], "incomplete");
    assert_eq!(resp["incomplete_details"]["reason"], "max_output_tokens");
    assert_eq!(resp["output_text"], "Hello! You said:");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_error_failed_and_truncated() {
    let m = start().await;
    for bridge in [false, true] {
        let mut b = req("a b c d e f", true);
        b["mock_bridge"] = json!(bridge);
        let run = |fault: &'static str| {
            let b = b.clone();
            let m = &m;
            async move {
                read(&body(send(m.post(PATHS[0], b).header("x-mock-fault", fault)).await).await)
            }
        };
        let (kinds, _, end) = run("error-event").await;
        let e = end.unwrap_err();
        assert_eq!(
            (e.kind, e.code.as_deref()),
            (ErrorKind::Stream, Some("server_error"))
        );
        assert_eq!(e.message, "boom");
        assert!(
            kinds.iter().any(|k| k == "response.output_text.delta"),
            "mid-stream"
        );
        assert!(!kinds.iter().any(|k| k == "response.completed"));

        let (_, _, end) = run("response-failed").await;
        let e = end.unwrap_err();
        assert_eq!(
            (e.kind, e.code.as_deref()),
            (ErrorKind::Stream, Some("server_error"))
        );
        assert!(e.body.unwrap().contains("response.failed"));

        for fault in ["truncate", "truncate,no-done"] {
            let (kinds, _, end) = run(fault).await;
            let e = end.unwrap_err();
            assert_eq!(
                (e.kind, e.code.as_deref()),
                (ErrorKind::Truncated, Some("incomplete_stream")),
                "{fault}"
            );
            assert!(kinds.iter().any(|k| k == "response.output_text.delta"));
        }
        let (_, _, end) = run("malformed-json").await;
        assert_eq!(end.unwrap_err().kind, ErrorKind::Decode);
        let (_, resp, end) = run("keepalive").await;
        assert_eq!(end, Ok(()));
        assert_eq!(
            resp["output_text"],
            "Hello! You said: a b c d e f Hello! You said: a b c d"
        );
        if bridge {
            let (_, _, end) = run("no-done").await;
            assert_eq!(end, Ok(()), "[DONE] is optional after the terminal event");
        }
    }
}
