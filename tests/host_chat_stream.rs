//! Host tests of the OpenAI stream rules and of the accumulator.

mod common;

use baseten_edge::core::chat_stream::{Accumulator, ChatChunk, ChatStreamRules};
use baseten_edge::core::error::{Error, ErrorKind};
use baseten_edge::core::json::{parse, Value};
use baseten_edge::core::sse::{SseDecoder, SseEvent};
use common::feed::feed;

#[derive(Debug, PartialEq)]
struct Outcome {
    chunks: Vec<ChatChunk>,
    end: Result<(), Error>,
}

/// Feeds `pieces` to a fresh stream, taking chunks after each push, then finishes.
fn run<'a>(pieces: impl IntoIterator<Item = &'a [u8]>) -> Outcome {
    let (chunks, end) = feed(&mut ChatStreamRules::new(), pieces);
    Outcome { chunks, end }
}

/// Runs whole, split at every offset and byte by byte; all must agree.
fn all_splits(input: &[u8]) -> Outcome {
    let whole = run([input]);
    for at in 0..=input.len() {
        let (a, b) = input.split_at(at);
        assert_eq!(run([a, b]), whole, "split at {at}");
    }
    assert_eq!(run(input.chunks(1)), whole, "byte by byte");
    whole
}

fn text(o: &Outcome) -> String {
    o.chunks.iter().map(|c| c.text.as_str()).collect()
}

fn kind(o: &Outcome) -> Option<ErrorKind> {
    o.end.as_ref().err().map(|e| e.kind)
}

/// `v[key]` as a string.
fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// `v[key]` as a number.
fn num_at(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/sse/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const C1: &str =
    r#"{"id":"c1","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}"#;
const C2: &str = r#"{"id":"c1","choices":[{"index":0,"delta":{"content":"lo"}}]}"#;
const STOP: &str = r#"{"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#;

fn sse(datas: &[&str]) -> String {
    datas.iter().map(|d| format!("data: {d}\n\n")).collect()
}

#[test]
fn recorded_streams() {
    for (name, expected, chunks, finish) in [
        (
            "litellm_chat_stream.sse",
            "Hello from the LiteLLM mock. This is a canned reply.",
            20,
            "stop",
        ),
        (
            "llamacpp_chat_stream.sse",
            "Hello! I'm here to help with",
            10,
            "length",
        ),
        (
            "llmock_chat_stream.sse",
            "Simulated success from gpt-4o-mini.",
            7,
            "stop",
        ),
    ] {
        let o = all_splits(&fixture(name));
        assert_eq!(o.end, Ok(()), "{name}");
        assert_eq!(text(&o), expected, "{name}");
        assert_eq!(o.chunks.len(), chunks, "{name}");
        let finishes: Vec<_> = o
            .chunks
            .iter()
            .filter_map(|c| c.finish_reason.as_deref())
            .collect();
        assert_eq!(finishes, [finish], "{name}");
        for c in &o.chunks {
            assert!(c.value().unwrap().get("choices").is_some());
        }
    }
}

#[test]
fn done_ends_the_stream_and_everything_after_is_ignored() {
    let mut input = sse(&[C1, C2, "[DONE]", "not json", r#"{"error":"late"}"#]).into_bytes();
    input.extend_from_slice(b"data: \xff\xfe garbage");
    let o = all_splits(&input);
    assert_eq!(o.end, Ok(()));
    assert_eq!(text(&o), "Hello");
    // [DONE] without a finish_reason is a complete stream.
    let mut stream = ChatStreamRules::new();
    stream.push(sse(&[C1, "[DONE]"]).as_bytes());
    assert!(stream.next_chunk().unwrap().is_ok());
    assert!(stream.next_chunk().is_none());
    assert!(stream.is_done());
    stream.push(sse(&[C2]).as_bytes());
    assert!(stream.next_chunk().is_none());
    assert_eq!(stream.finish(), Ok(None));
    // Blank space around [DONE] is tolerated.
    assert_eq!(all_splits(b"data:  [DONE] \n\ndata: x\n\n").end, Ok(()));
}

#[test]
fn error_event_is_a_stream_error() {
    let input = format!(
        "{}event: error\ndata: {}\n\n",
        sse(&[C1]),
        r#"{"error":{"message":"model crashed","type":"server_error","param":null,"code":"oom"}}"#
    );
    let o = all_splits(input.as_bytes());
    assert_eq!(text(&o), "Hel");
    let e = o.end.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Stream);
    assert_eq!(e.message, "model crashed");
    assert_eq!(e.code.as_deref(), Some("oom"));
    assert!(e.body.unwrap().contains("server_error"));

    // The error object itself as the event's data; a plain-text error.
    let o = all_splits(
        b"event: error\ndata: {\"message\":\"overloaded\",\"type\":\"overloaded_error\"}\n\n",
    );
    let e = o.end.unwrap_err();
    assert_eq!(
        (e.kind, e.message.as_str()),
        (ErrorKind::Stream, "overloaded")
    );
    assert_eq!(e.code.as_deref(), Some("overloaded_error"));
    let e = all_splits(b"event: error\ndata: upstream went away\n\n")
        .end
        .unwrap_err();
    assert_eq!(
        (e.kind, e.message.as_str()),
        (ErrorKind::Stream, "upstream went away")
    );
    let e = all_splits(b"event: error\ndata\n\n").end.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Stream);
}

#[test]
fn error_payload_is_a_stream_error() {
    let cases: [(&str, &str, Option<&str>); 5] = [
        (
            r#"{"error":{"message":"boom","type":"internal_error","param":null,"code":500}}"#,
            "boom",
            Some("500"),
        ),
        (
            r#"{"error": {"message": "bad", "type": "invalid_request_error", "code": null}}"#,
            "bad",
            Some("invalid_request_error"),
        ),
        (
            r#"{"error":"Internal Server Error"}"#,
            "Internal Server Error",
            None,
        ),
        (
            r#"{"error":"model is not ready","error_code":"model_not_ready"}"#,
            "model is not ready",
            Some("model_not_ready"),
        ),
        (
            r#"{"error":{}}"#,
            "the server reported an error in the stream",
            None,
        ),
    ];
    for (payload, message, code) in cases {
        let o = all_splits(sse(&[C1, C2, payload, STOP]).as_bytes());
        assert_eq!(text(&o), "Hello", "{payload}");
        let e = o.end.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Stream, "{payload}");
        assert_eq!(e.message, message, "{payload}");
        assert_eq!(e.code.as_deref(), code, "{payload}");
        assert_eq!(e.body.as_deref(), Some(payload));
    }
    // `"error": null` is not an error.
    let ok = r#"{"error":null,"choices":[{"delta":{"content":"!"},"finish_reason":"stop"}]}"#;
    let o = all_splits(sse(&[C1, ok]).as_bytes());
    assert_eq!((text(&o).as_str(), o.end), ("Hel!", Ok(())));
}

#[test]
fn pings_and_empty_data_are_skipped() {
    let input = format!(
        ": ping - Tue, 24 Nov 2026\n\nevent: ping\ndata: {{}}\n\ndata:\n\ndata:  \n\n{}: OPENROUTER PROCESSING\n\n{}",
        sse(&[C1]),
        sse(&[C2, STOP, "[DONE]"])
    );
    let o = all_splits(input.as_bytes());
    assert_eq!(o.end, Ok(()));
    assert_eq!(o.chunks.len(), 3);
    assert_eq!(text(&o), "Hello");
}

#[test]
fn invalid_json_is_a_decode_error() {
    let o = all_splits(sse(&[C1, r#"{"choices":[{"delta":{"content":"x"}}"#, STOP]).as_bytes());
    assert_eq!(text(&o), "Hel");
    let e = o.end.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Decode);
    assert_eq!(e.code.as_deref(), Some("invalid_json"));
    assert!(e.body.unwrap().starts_with("{\"choices\""));
    assert_eq!(
        kind(&all_splits(b"data: hello\n\n")),
        Some(ErrorKind::Decode)
    );
}

#[test]
fn invalid_utf8_is_a_decode_error() {
    let mut input = sse(&[C1]).into_bytes();
    input.extend_from_slice(b"data: {\"x\":\"\xc3\x28\"}\n\n");
    let o = all_splits(&input);
    assert_eq!(text(&o), "Hel");
    let e = o.end.unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Decode, Some("invalid_utf8"))
    );
}

#[test]
fn end_without_done_or_finish_reason_is_truncated() {
    for input in [
        sse(&[C1, C2]),
        format!("{}data: {{\"choices\":[{{\"del", sse(&[C1])),
        format!("{}data: {C2}\n", sse(&[C1])),
        // [DONE] needs its blank line too: without it the stream is cut.
        format!("{}data: [DONE]\n", sse(&[C1])),
        String::new(),
        ": ping\n\n".to_owned(),
        // A null finish_reason does not count, nor does an empty one.
        sse(&[r#"{"choices":[{"delta":{"content":"x"},"finish_reason":null}]}"#]),
        sse(&[r#"{"choices":[{"delta":{"content":"x"},"finish_reason":""}]}"#]),
    ] {
        let o = all_splits(input.as_bytes());
        let e = o.end.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Truncated, "{input}");
        assert_eq!(e.message, "stream ended before completion");
        assert_eq!(e.code.as_deref(), Some("incomplete_stream"));
    }
}

#[test]
fn finish_reason_without_done_is_success() {
    let o = all_splits(sse(&[C1, C2, STOP]).as_bytes());
    assert_eq!((text(&o).as_str(), o.end), ("Hello", Ok(())));
    // Even when the input is then cut inside an event (a lost usage chunk, say).
    let input = format!("{}data: {{\"usage\":{{\"prompt", sse(&[C1, C2, STOP]));
    let o = all_splits(input.as_bytes());
    assert_eq!((text(&o).as_str(), o.end), ("Hello", Ok(())));
    let input = format!("{}data: [DONE]", sse(&[C1, C2, STOP]));
    assert_eq!(all_splits(input.as_bytes()).end, Ok(()));
    // Or cut inside a character of a comment: a cut like any other.
    let mut input = sse(&[C1, C2, STOP]).into_bytes();
    input.extend_from_slice(b": \xe2\x82");
    assert_eq!(all_splits(&input).end, Ok(()));
    let mut input = sse(&[C1]).into_bytes();
    input.extend_from_slice(b": \xe2\x82");
    assert_eq!(
        all_splits(&input).end.map_err(|e| e.kind),
        Err(ErrorKind::Truncated)
    );
}

#[test]
fn named_events_pass_through() {
    let o = all_splits(b"event: response.delta\ndata: {\"choices\":[{\"text\":\"x\",\"finish_reason\":\"stop\"}]}\n\n");
    assert_eq!(o.end, Ok(()));
    assert_eq!(o.chunks[0].event.as_deref(), Some("response.delta"));
    assert_eq!(o.chunks[0].text, "x");
}

#[test]
fn text_extraction_can_be_turned_off() {
    let mut stream = ChatStreamRules::new();
    stream.set_extract_text(false);
    stream.push(sse(&[C1, STOP]).as_bytes());
    let a = stream.next_chunk().unwrap().unwrap();
    assert_eq!((a.text.as_str(), a.data.as_str()), ("", C1));
    let b = stream.next_chunk().unwrap().unwrap();
    assert_eq!(b.finish_reason.as_deref(), Some("stop"));
    assert!(stream.finish_reason_seen());
    assert_eq!(stream.finish(), Ok(None));
}

#[test]
fn events_from_a_decoder_of_your_own() {
    let mut stream = ChatStreamRules::new();
    let ev = |data: &str| SseEvent {
        data: data.to_owned(),
        ..SseEvent::default()
    };
    assert_eq!(
        stream.check_complete().unwrap_err().kind,
        ErrorKind::Truncated
    );
    assert_eq!(stream.on_event(ev(C1)).unwrap().unwrap().text, "Hel");
    assert_eq!(stream.on_event(ev("")), Ok(None));
    assert_eq!(
        stream
            .on_event(ev(STOP))
            .unwrap()
            .unwrap()
            .finish_reason
            .as_deref(),
        Some("stop")
    );
    assert_eq!(stream.check_complete(), Ok(()));
    assert_eq!(stream.on_event(ev("[DONE]")), Ok(None));
    assert!(stream.is_done());
    assert_eq!(stream.on_event(ev("junk")), Ok(None));
    // A small decoder limit reaches the stream as a decode error.
    let mut stream = ChatStreamRules::with_decoder(SseDecoder::with_max_event_size(64));
    stream.push(sse(&[C1]).as_bytes());
    let e = stream.next_chunk().unwrap().unwrap_err();
    assert_eq!(e.code.as_deref(), Some("event_too_large"));
    assert!(stream.next_chunk().is_none());
}

#[test]
fn accumulator_assembles_tool_calls_and_usage() {
    let chunks = [
        r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1795538131,"model":"m","system_fingerprint":null,"choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null}"#,
        r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1795538131,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"finish_reason":null}],"usage":null}"#,
        r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1795538131,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"get_time","arguments":"{}"}},{"index":0,"function":{"arguments":"\"Paris\"}"}}]},"finish_reason":null}],"usage":null}"#,
        r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1795538131,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":1,"id":"call_b","function":{"name":"get_time"}}]},"finish_reason":"tool_calls"}],"usage":null}"#,
        r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1795538131,"model":"m","system_fingerprint":"fp_1","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21}}"#,
    ];
    let mut acc = Accumulator::new();
    for c in chunks {
        acc.push_json(c).unwrap();
    }
    assert_eq!(acc.chunks(), 5);
    let expected = r#"{"id":"chatcmpl-1","object":"chat.completion","created":1795538131,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},{"id":"call_b","type":"function","function":{"name":"get_time","arguments":"{}"}}]},"logprobs":null,"finish_reason":"tool_calls"}],"system_fingerprint":"fp_1","usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21}}"#;
    assert_eq!(acc.to_json(), expected);
    // The output is valid JSON of the non-streaming shape.
    let v = parse(&acc.to_json()).unwrap();
    let call = &v.get("choices").unwrap().as_array().unwrap()[0]
        .get("message")
        .unwrap()
        .get("tool_calls")
        .unwrap()
        .as_array()
        .unwrap()[0];
    assert_eq!(
        call.get("function")
            .unwrap()
            .get("arguments")
            .unwrap()
            .as_str(),
        Some("{\"city\":\"Paris\"}")
    );
}

#[test]
fn accumulator_on_recorded_streams() {
    let o = all_splits(&fixture("litellm_chat_stream.sse"));
    let mut acc = Accumulator::new();
    for c in &o.chunks {
        acc.push(&c.value().unwrap());
    }
    let v = acc.to_value();
    assert_eq!(str_at(&v, "object"), Some("chat.completion"));
    assert_eq!(
        str_at(&v, "id"),
        Some("chatcmpl-0fbf4514-edb8-405f-af9e-dc2455d2db41")
    );
    assert_eq!(str_at(&v, "model"), Some("mock-gpt"));
    assert_eq!(num_at(&v, "created"), Some(1_795_538_131.0));
    let choice = &v.get("choices").unwrap().as_array().unwrap()[0];
    let message = choice.get("message").unwrap();
    assert_eq!(str_at(message, "role"), Some("assistant"));
    assert_eq!(
        str_at(message, "content"),
        Some("Hello from the LiteLLM mock. This is a canned reply.")
    );
    assert_eq!(str_at(choice, "finish_reason"), Some("stop"));
    let usage = v.get("usage").unwrap();
    assert_eq!(num_at(usage, "total_tokens"), Some(22.0));
    assert!(usage.get("completion_tokens_details").is_some());

    // llmock: usage null on every chunk but the last, `choices: []` on the usage chunk.
    let o = all_splits(&fixture("llmock_chat_stream.sse"));
    let mut acc = Accumulator::new();
    for c in &o.chunks {
        acc.push_json(&c.data).unwrap();
    }
    let v = acc.to_value();
    assert_eq!(
        v.get("usage")
            .and_then(|u| u.get("completion_tokens"))
            .and_then(Value::as_f64),
        Some(8.0)
    );
    assert!(v.get("system_fingerprint").unwrap().is_null());
    assert_eq!(v.get("choices").unwrap().as_array().unwrap().len(), 1);
}

#[test]
fn accumulator_details() {
    let mut acc = Accumulator::new();
    for c in [
        r#"{"id":"a","model":"m","choices":[{"index":1,"delta":{"role":"assistant","reasoning_content":"th"}},{"index":0,"delta":{"role":"assistant","content":"x"}}]}"#,
        r#"{"id":"b","choices":[{"index":1,"delta":{"reasoning_content":"ink","content":"y"},"logprobs":{"content":[{"token":"y"}]}}],"extra":1}"#,
        r#"{"choices":[{"index":1,"delta":{},"logprobs":{"content":[{"token":"z"}]},"finish_reason":"stop"},{"index":0,"finish_reason":"length"}],"extra":2}"#,
        r#"[1,2]"#,
    ] {
        acc.push_json(c).unwrap();
    }
    assert!(acc.push_json("{").is_err());
    let expected = r#"{"id":"b","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"x"},"logprobs":null,"finish_reason":"length"},{"index":1,"message":{"role":"assistant","content":"y","reasoning_content":"think"},"logprobs":{"content":[{"token":"y"},{"token":"z"}]},"finish_reason":"stop"}],"extra":2}"#;
    assert_eq!(acc.to_json(), expected);

    // A /completions stream.
    let mut acc = Accumulator::new();
    for c in [
        r#"{"id":"cmpl-1","object":"text_completion","created":1,"model":"m","choices":[{"index":0,"text":"Hel","logprobs":null,"finish_reason":null}]}"#,
        r#"{"id":"cmpl-2","object":"text_completion","created":1,"model":"m","choices":[{"index":0,"text":"lo","logprobs":null,"finish_reason":"length"}]}"#,
    ] {
        acc.push_json(c).unwrap();
    }
    let expected = r#"{"id":"cmpl-2","object":"text_completion","created":1,"model":"m","choices":[{"index":0,"text":"Hello","logprobs":null,"finish_reason":"length"}]}"#;
    assert_eq!(acc.to_json(), expected);

    // Nothing pushed: still the right shape.
    assert_eq!(
        Accumulator::new().to_json(),
        r#"{"object":"chat.completion","choices":[]}"#
    );
}

/// Measures a 20,000-chunk stream in 1 KiB pieces, as the JS benchmarks will:
/// `cargo test --release --test host_chat_stream -- --ignored --nocapture`.
#[test]
#[ignore]
fn timing_20k_chunks() {
    let one = r#"{"id":"chatcmpl-0fbf4514-edb8-405f-af9e-dc2455d2db41","object":"chat.completion.chunk","created":1795538131,"model":"mock-gpt","choices":[{"index":0,"delta":{"content":"tok "},"logprobs":null,"finish_reason":null}]}"#;
    let mut body = String::new();
    for _ in 0..20_000 {
        body.push_str("data: ");
        body.push_str(one);
        body.push_str("\n\n");
    }
    body.push_str(&sse(&[STOP, "[DONE]"]));
    for extract in [true, false] {
        let start = std::time::Instant::now();
        let mut stream = ChatStreamRules::new();
        stream.set_extract_text(extract);
        let mut n = 0;
        for piece in body.as_bytes().chunks(1024) {
            stream.push(piece);
            while let Some(c) = stream.next_chunk() {
                n += c.unwrap().text.len();
            }
        }
        assert_eq!(stream.finish(), Ok(None));
        println!(
            "20,000 chunks ({:.1} MB), text {extract}: {:?} ({n} text bytes)",
            body.len() as f64 / 1e6,
            start.elapsed()
        );
    }
    let start = std::time::Instant::now();
    let mut acc = Accumulator::new();
    for line in body.lines().filter_map(|l| l.strip_prefix("data: ")) {
        if line != "[DONE]" {
            acc.push_json(line).unwrap();
        }
    }
    let out = acc.to_json();
    println!(
        "accumulating them: {:?} ({} bytes out)",
        start.elapsed(),
        out.len()
    );
}

#[test]
fn a_json_or_html_answer_to_a_streaming_request_is_not_an_event_stream() {
    use baseten_edge::core::chat_stream::{is_event_stream_type, not_an_event_stream};
    for ct in [
        "text/event-stream",
        "text/event-stream; charset=utf-8",
        "",
        "text/plain",
        "application/octet-stream",
    ] {
        assert!(is_event_stream_type(ct), "{ct:?} is read as events");
    }
    for ct in [
        "application/json",
        "Application/JSON; charset=utf-8",
        "application/problem+json",
        "text/html; charset=utf-8",
    ] {
        assert!(!is_event_stream_type(ct), "{ct:?} is not an event stream");
    }
    // The server's own error, in the body of a 200.
    let body = r#"{"error":{"message":"model not found","code":"model_not_found"}}"#;
    let e = not_an_event_stream("application/json", body.to_string());
    assert_eq!(e.kind, ErrorKind::Stream);
    assert_eq!(e.message, "model not found");
    assert_eq!(e.code.as_deref(), Some("model_not_found"));
    assert_eq!(e.body.as_deref(), Some(body));
    // A server that ignored `stream: true`, or an HTML page: a decode error naming the type.
    for (ct, body) in [
        (
            "application/json",
            r#"{"id":"x","object":"chat.completion","choices":[]}"#,
        ),
        ("text/html", "<html><title>Bad gateway</title></html>"),
    ] {
        let e = not_an_event_stream(ct, body.to_string());
        assert_eq!(e.kind, ErrorKind::Decode, "{ct}");
        assert_eq!(e.code.as_deref(), Some("not_event_stream"));
        assert!(e.message.contains(ct), "{}", e.message);
        assert_eq!(e.body.as_deref(), Some(body));
    }
}

#[test]
fn reasoning_is_assembled_under_the_name_the_server_used() {
    // Baseten's Model APIs: `reasoning_content`; vLLM-style servers: `reasoning`. Each is
    // concatenated under its own name, apart from the answer's `content`.
    for field in ["reasoning_content", "reasoning"] {
        let mut acc = Accumulator::new();
        for c in [
            r#"{"id":"r","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}"#
                .to_string(),
            format!(r#"{{"choices":[{{"index":0,"delta":{{"{field}":"Let me "}}}}]}}"#),
            format!(r#"{{"choices":[{{"index":0,"delta":{{"{field}":"think."}}}}]}}"#),
            format!(r#"{{"choices":[{{"index":0,"delta":{{"{field}":null,"content":"Hi"}}}}]}}"#),
            r#"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#.to_string(),
        ] {
            acc.push_json(&c).unwrap();
        }
        let expected = format!(
            r#"{{"id":"r","object":"chat.completion","choices":[{{"index":0,"message":{{"role":"assistant","content":"Hi","{field}":"Let me think."}},"logprobs":null,"finish_reason":"stop"}}]}}"#
        );
        assert_eq!(acc.to_json(), expected, "{field}");
    }
}
