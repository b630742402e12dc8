//! Host tests of the Responses stream rules, the Response accumulator and `with_output_text`.

mod common;

use baseten_edge::core::error::{Error, ErrorKind};
use baseten_edge::core::json::{parse, Value};
use baseten_edge::core::responses::{
    with_output_text, ResponseAccumulator, ResponseEvent, ResponseStreamRules,
};
use baseten_edge::core::sse::SseEvent;
use common::feed::feed;
use common::rng::Rng;

#[derive(Debug, PartialEq)]
struct Outcome {
    events: Vec<ResponseEvent>,
    end: Result<(), Error>,
}

impl Outcome {
    fn kinds(&self) -> Vec<&str> {
        self.events.iter().map(|e| e.kind.as_str()).collect()
    }

    fn err(&self) -> &Error {
        self.end.as_ref().expect_err("an error")
    }

    /// The response assembled by the fast path (`push_event`), checked equal to the slow one.
    fn response(&self) -> Value {
        let mut fast = ResponseAccumulator::new();
        let mut slow = ResponseAccumulator::new();
        for e in &self.events {
            fast.push_event(e).expect("valid JSON");
            slow.push_json(&e.data).expect("valid JSON");
        }
        assert_eq!(fast.to_json(), slow.to_json(), "fast vs slow accumulation");
        assert_eq!(fast.events(), slow.events());
        fast.to_value()
    }
}

fn run<'a>(pieces: impl IntoIterator<Item = &'a [u8]>) -> Outcome {
    let (events, end) = feed(&mut ResponseStreamRules::new(), pieces);
    Outcome { events, end }
}

fn random_pieces<'a>(rng: &mut Rng, input: &'a [u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = input;
    while !rest.is_empty() {
        let n = 1 + rng.below(rest.len().min(13));
        let (a, b) = rest.split_at(n.min(rest.len()));
        out.push(a);
        rest = b;
    }
    out
}

/// Runs whole, byte by byte, and in 20 random cuts into pieces; all must agree.
fn all_ways(input: &str) -> Outcome {
    let input = input.as_bytes();
    let whole = run([input]);
    assert_eq!(run(input.chunks(1)), whole, "byte by byte");
    let mut rng = Rng(input.len() as u64 + 7);
    for round in 0..20 {
        assert_eq!(run(random_pieces(&mut rng, input)), whole, "pieces {round}");
    }
    whole
}

/// `event: TYPE` + `data: JSON`, the type read from the JSON.
fn ev(data: &str) -> String {
    let v = parse(data).expect("test JSON");
    let kind = v.get("type").and_then(Value::as_str).unwrap_or("");
    format!("event: {kind}\ndata: {data}\n\n")
}

/// `data: JSON` alone, as bridging gateways send.
fn bare(data: &str) -> String {
    format!("data: {data}\n\n")
}

fn s<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(v, |v, k| match k.parse::<usize>() {
            Ok(i) => v.as_array()?.get(i),
            Err(_) => v.get(k),
        })?
        .as_str()
}

const CREATED: &str = r#"{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress","model":"m","output":[],"usage":null}}"#;
const ITEM_ADDED: &str = r#"{"type":"response.output_item.added","output_index":0,"item":{"id":"msg_1","type":"message","role":"assistant","status":"in_progress","content":[]}}"#;
const PART_ADDED: &str = r#"{"type":"response.content_part.added","item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":"","annotations":[]}}"#;

fn delta(text: &str) -> String {
    let mut d = String::new();
    baseten_edge::core::json::write_str(&mut d, text);
    format!(
        r#"{{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":{d}}}"#
    )
}

fn completed(text: &str, kind: &str, extra: &str) -> String {
    let mut t = String::new();
    baseten_edge::core::json::write_str(&mut t, text);
    let status = kind.trim_start_matches("response.");
    format!(
        r#"{{"type":"{kind}","response":{{"id":"resp_1","object":"response","status":"{status}","model":"m","output":[{{"id":"msg_1","type":"message","role":"assistant","status":"completed","content":[{{"type":"output_text","text":{t},"annotations":[]}}]}}],"usage":{{"input_tokens":3,"output_tokens":4,"total_tokens":7}}{extra}}}}}"#
    )
}

/// A real-shaped text stream, with `event:` lines, ending with `response.completed`.
fn text_stream() -> String {
    let mut out = String::new();
    for d in [CREATED, ITEM_ADDED, PART_ADDED] {
        out += &ev(d);
    }
    for piece in ["Hé", "llo", " wörld 😀"] {
        out += &ev(&delta(piece));
    }
    out += &ev(
        r#"{"type":"response.output_text.done","output_index":0,"content_index":0,"text":"Héllo wörld 😀"}"#,
    );
    out += &ev(&completed("Héllo wörld 😀", "response.completed", ""));
    out
}

#[test]
fn text_stream_events_and_response() {
    let o = all_ways(&text_stream());
    assert_eq!(o.end, Ok(()));
    assert_eq!(
        o.kinds(),
        [
            "response.created",
            "response.output_item.added",
            "response.content_part.added",
            "response.output_text.delta",
            "response.output_text.delta",
            "response.output_text.delta",
            "response.output_text.done",
            "response.completed",
        ]
    );
    let deltas: Vec<_> = o.events.iter().filter_map(|e| e.delta.as_deref()).collect();
    assert_eq!(deltas, ["Hé", "llo", " wörld 😀"]);
    assert_eq!(o.events[3].output_index, Some(0.0));
    assert_eq!(o.events[3].content_index, Some(0.0));
    assert_eq!(o.events[0].delta, None);
    assert_eq!(o.events[0].data, CREATED, "data is the raw text");
    let r = o.response();
    assert_eq!(s(&r, &["output_text"]), Some("Héllo wörld 😀"));
    assert_eq!(s(&r, &["status"]), Some("completed"));
    assert_eq!(
        r.get("usage").and_then(|u| u.get("output_tokens")),
        Some(&Value::Number(4.0))
    );
    // The terminal response is the base as sent, plus output_text.
    let mut sent = parse(&completed("Héllo wörld 😀", "response.completed", "")).unwrap();
    let Some(Value::Object(members)) = sent.get("response").cloned() else {
        panic!()
    };
    let mut expected = members;
    expected.push(("output_text".into(), Value::String("Héllo wörld 😀".into())));
    sent = Value::Object(expected);
    assert_eq!(r, sent);
}

#[test]
fn bridged_stream_without_event_lines_ends_with_done() {
    let mut input = String::new();
    for d in [
        CREATED,
        ITEM_ADDED,
        PART_ADDED,
        &delta("Hi"),
        &delta(" there"),
    ] {
        input += &bare(d);
    }
    // The terminal response carries no output: the assembled snapshot is used.
    input += &bare(
        r#"{"type":"response.completed","response":{"id":"resp_1","status":"completed","output":[],"usage":{"input_tokens":1,"output_tokens":2}}}"#,
    );
    input += "data: [DONE]\n\n";
    let o = all_ways(&input);
    assert_eq!(o.end, Ok(()));
    assert_eq!(o.events.len(), 6);
    assert!(o.events.iter().all(|e| !e.kind.is_empty()));
    let r = o.response();
    assert_eq!(s(&r, &["output_text"]), Some("Hi there"));
    assert_eq!(s(&r, &["status"]), Some("completed"));
    assert_eq!(s(&r, &["output", "0", "id"]), Some("msg_1"));
    assert_eq!(
        s(&r, &["output", "0", "content", "0", "text"]),
        Some("Hi there")
    );
    assert_eq!(
        s(&r, &["output", "0", "content", "0", "type"]),
        Some("output_text")
    );
    assert!(r.get("usage").is_some_and(|u| !u.is_null()));
}

#[test]
fn type_wins_over_the_event_line() {
    let input = format!(
        "event: message\ndata: {}\n\nevent: error\ndata: {}\n\n",
        delta("a"),
        completed("a", "response.completed", "")
    );
    let o = all_ways(&input);
    assert_eq!(o.end, Ok(()));
    assert_eq!(
        o.kinds(),
        ["response.output_text.delta", "response.completed"]
    );
    // Without a `type`, the event line names the event.
    let o = all_ways("event: custom.thing\ndata: {\"x\":1}\n\n");
    assert_eq!(o.kinds(), ["custom.thing"]);
    assert_eq!(o.err().kind, ErrorKind::Truncated);
}

#[test]
fn unknown_events_pass_through_untouched() {
    let odd =
        r#"{ "type" : "response.future_thing", "output_index": 0, "weird": [1, {"a": null}] }"#;
    let input = format!(
        "{}{}{}",
        ev(odd),
        bare("[1,2]"),
        ev(&completed("", "response.completed", ""))
    );
    let o = all_ways(&input);
    assert_eq!(o.end, Ok(()));
    assert_eq!(o.events[0].kind, "response.future_thing");
    assert_eq!(o.events[0].data, odd);
    assert_eq!(
        o.events[1].kind, "",
        "JSON that is not an object has no type"
    );
    o.response();
}

#[test]
fn error_event_is_a_stream_error() {
    let err_data = r#"{"type":"error","code":"rate_limit_exceeded","message":"Slow down","param":null,"sequence_number":3}"#;
    let input = format!(
        "{}{}{}",
        ev(CREATED),
        ev(err_data),
        ev(&completed("x", "response.completed", ""))
    );
    let o = all_ways(&input);
    assert_eq!(o.kinds(), ["response.created"]);
    let e = o.err();
    assert_eq!(e.kind, ErrorKind::Stream);
    assert_eq!(e.message, "Slow down");
    assert_eq!(e.code.as_deref(), Some("rate_limit_exceeded"));
    assert_eq!(e.body.as_deref(), Some(err_data));

    // A nested error object (the chat shape), with and without the type.
    for data in [
        r#"{"type":"error","error":{"message":"boom","type":"server_error","code":null}}"#,
        r#"{"error":{"message":"boom","type":"server_error"}}"#,
    ] {
        for input in [
            ev(data),
            bare(data),
            format!("event: error\ndata: {data}\n\n"),
        ] {
            let o = all_ways(&input);
            let e = o.err();
            assert_eq!(
                (e.kind, e.message.as_str()),
                (ErrorKind::Stream, "boom"),
                "{input}"
            );
            assert_eq!(e.code.as_deref(), Some("server_error"));
            assert_eq!(e.body.as_deref(), Some(data));
        }
    }
    // An error event with nothing in it still fails, with a message of ours and no code.
    let o = all_ways("event: error\ndata: {}\n\n");
    assert_eq!(o.err().kind, ErrorKind::Stream);
    assert!(!o.err().message.is_empty());
    assert_eq!(o.err().code, None);
    // A numeric code is kept as text.
    let o = all_ways(&bare(r#"{"type":"error","code":429,"message":"m"}"#));
    assert_eq!(o.err().code.as_deref(), Some("429"));
}

#[test]
fn failed_is_a_stream_error_with_the_response_error() {
    let failed = r#"{"type":"response.failed","response":{"id":"resp_1","status":"failed","output":[],"error":{"code":"server_error","message":"The model crashed"}}}"#;
    let input = format!(
        "{}{}{}data: [DONE]\n\n",
        ev(CREATED),
        ev(&delta("partial")),
        ev(failed)
    );
    let o = all_ways(&input);
    assert_eq!(
        o.kinds(),
        ["response.created", "response.output_text.delta"]
    );
    let e = o.err();
    assert_eq!(e.kind, ErrorKind::Stream);
    assert_eq!(e.message, "The model crashed");
    assert_eq!(e.code.as_deref(), Some("server_error"));
    assert_eq!(e.body.as_deref(), Some(failed));
    // No error object: our message, no code.
    let o = all_ways(&bare(
        r#"{"type":"response.failed","response":{"status":"failed"}}"#,
    ));
    assert_eq!(o.err().kind, ErrorKind::Stream);
    assert_eq!(o.err().code, None);
}

#[test]
fn incomplete_is_a_normal_end() {
    let incomplete = completed(
        "Hello wor",
        "response.incomplete",
        r#","incomplete_details":{"reason":"max_output_tokens"}"#,
    );
    let input = format!(
        "{}{}{}{}",
        ev(CREATED),
        ev(ITEM_ADDED),
        ev(&delta("Hello wor")),
        ev(&incomplete)
    );
    let o = all_ways(&input);
    assert_eq!(o.end, Ok(()));
    assert_eq!(o.kinds().last(), Some(&"response.incomplete"));
    let r = o.response();
    assert_eq!(s(&r, &["status"]), Some("incomplete"));
    assert_eq!(
        s(&r, &["incomplete_details", "reason"]),
        Some("max_output_tokens")
    );
    assert_eq!(s(&r, &["output_text"]), Some("Hello wor"));
}

#[test]
fn ends_before_the_terminal_event_are_truncated() {
    for input in [
        String::new(),
        ev(CREATED),
        format!("{}{}", ev(CREATED), ev(&delta("a"))),
        format!("{}data: [DONE]\n\n", ev(CREATED)),
        "data: [DONE]\n\n".to_owned(),
        format!("{}data: {{\"type\":\"response.completed\"", ev(CREATED)),
    ] {
        let o = all_ways(&input);
        let e = o.err();
        assert_eq!(e.kind, ErrorKind::Truncated, "{input:?}");
        assert_eq!(e.code.as_deref(), Some("incomplete_stream"));
    }
    // `[DONE]` fails at once: later events are not handed out.
    let o = all_ways(&format!(
        "data: [DONE]\n\n{}",
        ev(&completed("", "response.completed", ""))
    ));
    assert!(o.events.is_empty());
    assert_eq!(o.err().kind, ErrorKind::Truncated);
}

#[test]
fn truncation_at_every_byte_offset() {
    let full = text_stream();
    let complete = run([full.as_bytes()]);
    assert_eq!(complete.end, Ok(()));
    // The terminal event is dispatched by the blank line that ends the input.
    for cut in 0..full.len() {
        let prefix = &full.as_bytes()[..cut];
        let o = run([prefix]);
        let e = o.err();
        assert_eq!(e.kind, ErrorKind::Truncated, "cut at {cut}");
        assert_eq!(e.code.as_deref(), Some("incomplete_stream"), "cut at {cut}");
        assert!(o.events.len() < complete.events.len());
        assert_eq!(
            o.events[..],
            complete.events[..o.events.len()],
            "cut at {cut}"
        );
        if cut % 17 == 0 {
            let mut rng = Rng(cut as u64 + 1);
            assert_eq!(
                run(random_pieces(&mut rng, prefix)),
                o,
                "cut at {cut} in pieces"
            );
        }
    }
}

#[test]
fn everything_after_the_terminal_event_is_ignored() {
    let tail = "data: {not json\n\nevent: error\ndata: {\"message\":\"late\"}\n\ndata: [DONE]\n\n";
    let mut input = ev(&completed("ok", "response.completed", "")).into_bytes();
    input.extend_from_slice(tail.as_bytes());
    input.push(0xff); // invalid UTF-8 too
    let whole = run([&input[..]]);
    assert_eq!(whole.end, Ok(()));
    assert_eq!(whole.kinds(), ["response.completed"]);
    assert_eq!(run(input.chunks(1)), whole);
    // A trailing [DONE] alone, and a cut event after the end.
    let o = all_ways(&format!(
        "{}data: [DONE]\n\ndata: {{\"type\"",
        ev(&completed("ok", "response.incomplete", ""))
    ));
    assert_eq!(o.end, Ok(()));
}

#[test]
fn bad_json_empty_data_and_pings() {
    let o = all_ways("data: {\"type\":\"response.created\",}\n\n");
    let e = o.err();
    assert_eq!(e.kind, ErrorKind::Decode);
    assert_eq!(e.code.as_deref(), Some("invalid_json"));
    assert_eq!(e.body.as_deref(), Some("{\"type\":\"response.created\",}"));

    let input = format!(
        ": keepalive\n\ndata:\n\ndata:  \n\nevent: ping\ndata: {{}}\n\ndata: {{\"type\":\"ping\"}}\n\nevent: ping\ndata: not json\n\n{}",
        ev(&completed("", "response.completed", ""))
    );
    let o = all_ways(&input);
    assert_eq!(o.end, Ok(()));
    assert_eq!(o.kinds(), ["response.completed"]);

    let mut bytes = b"data: {\"type\":\"x\",\"delta\":\"".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.extend_from_slice(b"\"}\n\n");
    let o = run([&bytes[..]]);
    assert_eq!(o.err().kind, ErrorKind::Decode);
}

#[test]
fn function_call_arguments_across_deltas() {
    let added = r#"{"type":"response.output_item.added","output_index":0,"item":{"id":"fc_1","type":"function_call","call_id":"call_1","name":"get_weather","arguments":"","status":"in_progress"}}"#;
    let d = |a: &str| {
        let mut q = String::new();
        baseten_edge::core::json::write_str(&mut q, a);
        format!(
            r#"{{"type":"response.function_call_arguments.delta","item_id":"fc_1","output_index":0,"delta":{q}}}"#
        )
    };
    let done_completed = r#"{"type":"response.completed","response":{"id":"r","status":"completed","output":[],"usage":{"input_tokens":5,"output_tokens":9}}}"#;
    let mut input = String::new();
    for e in [
        CREATED,
        added,
        &d("{\"ci"),
        &d("ty\":\"Pa"),
        &d("ris\"}"),
        done_completed,
    ] {
        input += &ev(e);
    }
    let o = all_ways(&input);
    assert_eq!(o.end, Ok(()));
    assert!(
        o.events.iter().all(|e| e.delta.is_none()),
        "only text deltas are extracted"
    );
    let r = o.response();
    assert_eq!(s(&r, &["output", "0", "type"]), Some("function_call"));
    assert_eq!(s(&r, &["output", "0", "name"]), Some("get_weather"));
    assert_eq!(s(&r, &["output", "0", "call_id"]), Some("call_1"));
    assert_eq!(
        s(&r, &["output", "0", "arguments"]),
        Some("{\"city\":\"Paris\"}")
    );
    assert_eq!(s(&r, &["output_text"]), Some(""));

    // The `.done` value wins over the deltas; an output_item.done item wins over both.
    let args_done = r#"{"type":"response.function_call_arguments.done","output_index":0,"arguments":"{\"city\":\"Rome\"}"}"#;
    let mut with_done = input.clone();
    let at = with_done.find("event: response.completed").unwrap();
    with_done.insert_str(at, &ev(args_done));
    let r = all_ways(&with_done).response();
    assert_eq!(
        s(&r, &["output", "0", "arguments"]),
        Some("{\"city\":\"Rome\"}")
    );
    let item_done = r#"{"type":"response.output_item.done","output_index":0,"item":{"id":"fc_1","type":"function_call","name":"get_weather","arguments":"{}","status":"completed"}}"#;
    let at = with_done.find("event: response.completed").unwrap();
    with_done.insert_str(at, &ev(item_done));
    let r = all_ways(&with_done).response();
    assert_eq!(s(&r, &["output", "0", "arguments"]), Some("{}"));
    assert_eq!(s(&r, &["output", "0", "status"]), Some("completed"));

    // Without any added item, the type is inferred.
    let o = all_ways(&format!(
        "{}{}",
        bare(&d("{}")),
        bare(r#"{"type":"response.completed"}"#)
    ));
    let r = o.response();
    assert_eq!(s(&r, &["output", "0", "type"]), Some("function_call"));
    assert_eq!(
        s(&r, &["status"]),
        Some("completed"),
        "status from the terminal type"
    );
}

#[test]
fn reasoning_text_and_summary() {
    let events = [
        CREATED,
        r#"{"type":"response.output_item.added","output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]}}"#,
        r#"{"type":"response.reasoning_summary_part.added","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":""}}"#,
        r#"{"type":"response.reasoning_summary_text.delta","output_index":0,"summary_index":0,"delta":"Think"}"#,
        r#"{"type":"response.reasoning_summary_text.delta","output_index":0,"summary_index":0,"delta":"ing."}"#,
        r#"{"type":"response.reasoning_text.delta","output_index":0,"content_index":0,"delta":"step 1; "}"#,
        r#"{"type":"response.reasoning_text.delta","output_index":0,"content_index":0,"delta":"step 2"}"#,
        r#"{"type":"response.output_item.added","output_index":1,"item":{"id":"msg_2","type":"message","role":"assistant","content":[]}}"#,
        r#"{"type":"response.output_text.delta","output_index":1,"content_index":0,"delta":"Answer"}"#,
        r#"{"type":"response.completed","response":{"id":"r","status":"completed","output":[]}}"#,
    ];
    let input: String = events.iter().map(|e| ev(e)).collect();
    let o = all_ways(&input);
    assert_eq!(o.end, Ok(()));
    let r = o.response();
    assert_eq!(s(&r, &["output", "0", "type"]), Some("reasoning"));
    assert_eq!(
        s(&r, &["output", "0", "summary", "0", "type"]),
        Some("summary_text")
    );
    assert_eq!(
        s(&r, &["output", "0", "summary", "0", "text"]),
        Some("Thinking.")
    );
    assert_eq!(
        s(&r, &["output", "0", "content", "0", "type"]),
        Some("reasoning_text")
    );
    assert_eq!(
        s(&r, &["output", "0", "content", "0", "text"]),
        Some("step 1; step 2")
    );
    assert_eq!(
        s(&r, &["output", "1", "content", "0", "text"]),
        Some("Answer")
    );
    assert_eq!(
        s(&r, &["output_text"]),
        Some("Answer"),
        "reasoning is not output text"
    );
}

#[test]
fn items_are_ordered_by_output_index_and_parts_by_content_index() {
    let events = [
        r#"{"type":"response.output_text.delta","output_index":2,"content_index":1,"delta":"D"}"#,
        r#"{"type":"response.output_text.delta","output_index":2,"content_index":0,"delta":"C"}"#,
        r#"{"type":"response.output_text.delta","output_index":0,"delta":"A"}"#,
        r#"{"type":"response.output_text.delta","delta":"ignored: no output_index"}"#,
        r#"{"type":"response.output_text.delta","output_index":0,"content_index":0,"delta":"B"}"#,
        r#"{"type":"response.output_text.done","output_index":2,"content_index":1,"text":"E"}"#,
        r#"{"type":"response.incomplete"}"#,
    ];
    let input: String = events.iter().map(|e| bare(e)).collect();
    let o = all_ways(&input);
    assert_eq!(o.end, Ok(()));
    let r = o.response();
    assert_eq!(s(&r, &["output_text"]), Some("ABCE"));
    assert_eq!(s(&r, &["status"]), Some("incomplete"));
    assert_eq!(
        r.get("output")
            .and_then(Value::as_array)
            .map(<[Value]>::len),
        Some(2)
    );
}

#[test]
fn on_event_takes_decoded_events() {
    let mut rules = ResponseStreamRules::new();
    let e = |event: Option<&str>, data: &str| SseEvent {
        event: event.map(str::to_owned),
        data: data.to_owned(),
        id: None,
        retry: None,
    };
    assert!(rules.check_complete().is_err());
    let got = rules.on_event(e(None, &delta("x"))).unwrap().unwrap();
    assert_eq!(got.delta.as_deref(), Some("x"));
    assert_eq!(rules.on_event(e(Some("ping"), "{}")), Ok(None));
    assert!(!rules.is_done());
    let done = rules
        .on_event(e(None, r#"{"type":"response.completed"}"#))
        .unwrap();
    assert!(done.is_some());
    assert!(rules.is_done());
    assert_eq!(rules.check_complete(), Ok(()));
    assert_eq!(
        rules.on_event(e(None, "{not json")),
        Ok(None),
        "ignored after the end"
    );
}

#[test]
fn output_text_for_non_streamed_responses() {
    let body = r#"{ "id": "r", "output": [ {"type":"reasoning","content":[{"type":"reasoning_text","text":"no"}]}, {"type":"message","content":[{"type":"output_text","text":"Hel"},{"type":"refusal","refusal":"x"},{"type":"output_text","text":"lo"}]} ], "usage": {"input_tokens": 1.50} }
"#;
    let out = with_output_text(body).unwrap();
    assert!(
        out.starts_with(r#"{ "id": "r", "output": ["#),
        "the server's text is kept: {out}"
    );
    assert!(out.contains(r#""input_tokens": 1.50"#));
    let v = parse(&out).unwrap();
    assert_eq!(s(&v, &["output_text"]), Some("Hello"));
    // A server's own output_text is overridden (the last duplicate wins, as in JSON.parse).
    let v = parse(&with_output_text(r#"{"output_text":"old","output":[]}"#).unwrap()).unwrap();
    assert_eq!(s(&v, &["output_text"]), Some(""));
    assert_eq!(with_output_text("{}").unwrap(), r#"{"output_text":""}"#);
    assert_eq!(with_output_text("[1]").unwrap(), "[1]");
    assert_eq!(
        with_output_text("{bad").unwrap_err().kind,
        ErrorKind::Decode
    );
}

#[test]
fn random_event_soup_never_panics_and_never_succeeds_without_a_terminal() {
    let atoms = [
        CREATED.to_owned(),
        ITEM_ADDED.to_owned(),
        delta("x"),
        "{\"type\":\"response.completed\"}".to_owned(),
        "{\"type\":\"response.incomplete\",\"response\":{\"output\":[1]}}".to_owned(),
        "{\"type\":\"error\"}".to_owned(),
        "[DONE]".to_owned(),
        "{".to_owned(),
        String::new(),
        "{\"type\":\"response.output_text.delta\",\"output_index\":-1e300,\"delta\":7}".to_owned(),
    ];
    let mut rng = Rng(42);
    for _ in 0..300 {
        let mut input = String::new();
        for _ in 0..rng.below(6) {
            let data = rng.pick(&atoms);
            if rng.below(2) == 0 {
                input += &format!("event: {}\n", rng.pick(&["error", "ping", "x"]));
            }
            input += &format!("data: {data}\n\n");
        }
        let o = all_ways(&input);
        if o.end.is_ok() {
            let last = o.events.last().map(|e| e.kind.as_str());
            assert!(
                matches!(last, Some("response.completed" | "response.incomplete")),
                "{input}"
            );
        }
        parse(&o.response().to_json()).expect("the response is JSON");
    }
}
