//! The Responses stream rules and accumulator against real bytes: every capture in
//! `tests/fixtures/responses/` (recorded from LiteLLM and LLMock, see its README), fed whole,
//! byte by byte and cut into random pieces under many seeds. What each must give is in
//! `expected.json` beside them; the event types and deltas are also read from the bytes by a
//! naive SSE split here, independent of the core's decoder.

mod common;

use baseten_edge::core::error::Error;
use baseten_edge::core::error_response::from_response;
use baseten_edge::core::json::{parse, Value};
use baseten_edge::core::responses::{
    is_terminal, with_output_text, ResponseAccumulator, ResponseEvent, ResponseStreamRules,
};
use common::feed::feed;
use common::rng::Rng;

/// The captures' folder: `RESPONSES_CAPTURES` when set (a fresh recording, as
/// `tests/interop/litellm-responses.sh` makes), else the committed fixtures.
fn dir() -> String {
    std::env::var("RESPONSES_CAPTURES").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/responses").to_owned()
    })
}
const BODY_MARK: &[u8] = b"\n--- body (raw bytes, chunk-decoded) ---\n";

struct Capture {
    name: String,
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Capture {
    fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }
}

fn load(path: &std::path::Path) -> Capture {
    let raw = std::fs::read(path).unwrap();
    let at = raw
        .windows(BODY_MARK.len())
        .position(|w| w == BODY_MARK)
        .expect("body marker");
    let head = std::str::from_utf8(&raw[..at]).unwrap();
    let mut lines = head.lines().skip_while(|l| !l.starts_with("--- response"));
    lines.next();
    let status = lines.next().unwrap().split(' ').next().unwrap();
    let headers = lines
        .map(|l| {
            let (k, v) = l.split_once(": ").unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect();
    Capture {
        name: path.file_stem().unwrap().to_str().unwrap().to_owned(),
        status: status.parse().unwrap(),
        headers,
        body: raw[at + BODY_MARK.len()..].to_vec(),
    }
}

fn captures() -> Vec<Capture> {
    let mut paths: Vec<_> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "http"))
        .collect();
    paths.sort();
    paths.iter().map(|p| load(p)).collect()
}

fn expected() -> Value {
    parse(&std::fs::read_to_string(format!("{}/expected.json", dir())).unwrap()).unwrap()
}

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// The data of each event, split naively: blank-line separated blocks, their `data:` lines
/// joined with `\n` (CRLF tolerated). A cut last block is dropped.
fn naive_data(body: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(body).replace("\r\n", "\n");
    let mut blocks: Vec<&str> = text.split("\n\n").collect();
    blocks.pop(); // after the last blank line: empty, or a cut event
    blocks
        .iter()
        .filter_map(|b| {
            let data: Vec<&str> = b
                .lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .map(|d| d.strip_prefix(' ').unwrap_or(d))
                .collect();
            (!data.is_empty()).then(|| data.join("\n"))
        })
        .collect()
}

/// What the stream should hand out read naively: the types up to the first terminal event,
/// and whether it stopped at bad JSON, `[DONE]`, an error event, or `response.failed`.
fn naive_types(body: &[u8]) -> (Vec<String>, &'static str) {
    let mut types = Vec::new();
    for data in naive_data(body) {
        if data == "[DONE]" {
            return (types, "truncated");
        }
        let Ok(v) = parse(&data) else {
            return (types, "decode");
        };
        let t = s(&v, "type").unwrap_or("").to_owned();
        match t.as_str() {
            "error" | "response.failed" => return (types, "stream"),
            _ if is_terminal(&t) => {
                types.push(t);
                return (types, "ok");
            }
            _ => types.push(t),
        }
    }
    (types, "truncated")
}

fn run<'a>(pieces: impl IntoIterator<Item = &'a [u8]>) -> (Vec<ResponseEvent>, Result<(), Error>) {
    feed(&mut ResponseStreamRules::new(), pieces)
}

fn random_pieces<'a>(rng: &mut Rng, input: &'a [u8], max: usize) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = input;
    while !rest.is_empty() {
        let n = (1 + rng.below(max)).min(rest.len());
        let (a, b) = rest.split_at(n);
        out.push(a);
        rest = b;
    }
    out
}

/// The concatenated `delta`s of events of `kind` (at `output_index` when given).
fn deltas(events: &[ResponseEvent], kind: &str, output: Option<f64>) -> String {
    let mut out = String::new();
    for e in events.iter().filter(|e| e.kind == kind) {
        let v = e.value().unwrap();
        if output.is_some_and(|o| v.get("output_index").and_then(Value::as_f64) != Some(o)) {
            continue;
        }
        out.push_str(s(&v, "delta").unwrap_or(""));
    }
    out
}

fn assemble(events: &[ResponseEvent], drop_terminal_output: bool) -> Value {
    let mut fast = ResponseAccumulator::new();
    let mut slow = ResponseAccumulator::new();
    for e in events {
        if drop_terminal_output && is_terminal(&e.kind) {
            // The terminal event with its Response's `output` emptied: the items must then
            // come from the events themselves.
            let mut v = e.value().unwrap();
            if let Some(Value::Object(members)) = find_mut(&mut v, "response") {
                members.retain(|(k, _)| k != "output");
                members.push(("output".into(), Value::Array(Vec::new())));
            }
            fast.push(&v);
            slow.push(&v);
            continue;
        }
        fast.push_event(e).unwrap();
        slow.push_json(&e.data).unwrap();
    }
    assert_eq!(fast.to_json(), slow.to_json(), "fast vs slow accumulation");
    fast.to_value()
}

fn find_mut<'a>(v: &'a mut Value, key: &str) -> Option<&'a mut Value> {
    match v {
        Value::Object(members) => members.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

fn items(response: &Value) -> &[Value] {
    response
        .get("output")
        .and_then(Value::as_array)
        .unwrap_or_default()
}

/// The text of a reasoning item: its summary's texts, else its content's (LiteLLM's terminal
/// Response puts the reasoning in `content` as an `output_text` part, its `output_item.done`
/// in `summary`).
fn reasoning_text(item: &Value) -> String {
    let texts = |key: &str| -> String {
        item.get(key)
            .and_then(Value::as_array)
            .unwrap_or_default()
            .iter()
            .filter_map(|p| s(p, "text"))
            .collect()
    };
    Some(texts("summary"))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| texts("content"))
}

/// What must agree between two renderings of an output item: its type, and per type its
/// texts, name, call id and arguments.
fn item_key(item: &Value) -> String {
    if s(item, "type") == Some("reasoning") {
        return format!("reasoning {:?}", reasoning_text(item));
    }
    let texts = |key: &str| -> Vec<String> {
        item.get(key)
            .and_then(Value::as_array)
            .unwrap_or_default()
            .iter()
            .map(|p| {
                format!(
                    "{}:{}",
                    s(p, "type").unwrap_or(""),
                    s(p, "text").unwrap_or("")
                )
            })
            .collect()
    };
    format!(
        "{} name={:?} call_id={:?} arguments={:?} content={:?} summary={:?}",
        s(item, "type").unwrap_or(""),
        s(item, "name"),
        s(item, "call_id"),
        s(item, "arguments"),
        texts("content"),
        texts("summary"),
    )
}

fn check_stream(c: &Capture, want: &Value) {
    let name = &c.name;
    let body = c.body.as_slice();
    let (events, end) = run([body]);
    // Every way of cutting the bytes gives the same events and end.
    assert_eq!(
        run(body.chunks(1)),
        (events.clone(), end.clone()),
        "{name}: byte by byte"
    );
    for seed in 1..=150u64 {
        let mut rng = Rng(seed * 0x9e37_79b9 + body.len() as u64);
        let max = [3, 17, 64, 500, 4096][seed as usize % 5];
        let got = run(random_pieces(&mut rng, body, max));
        assert_eq!(got, (events.clone(), end.clone()), "{name}: seed {seed}");
    }

    // The outcome.
    let want_end = s(want, "end").unwrap();
    match &end {
        Ok(()) => assert_eq!(want_end, "ok", "{name}: ended ok"),
        Err(e) => {
            assert_eq!(e.kind.as_str(), want_end, "{name}: {e:?}");
            assert_eq!(e.code.as_deref(), s(want, "code"), "{name}: code");
            assert!(!e.message.is_empty(), "{name}");
        }
    }
    // The event types, in order, as a naive reading of the bytes gives them.
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    let (naive, naive_end) = naive_types(body);
    assert_eq!(kinds, naive, "{name}: event types");
    assert_eq!(naive_end, want_end, "{name}: the naive reading's end");
    assert!(!kinds.is_empty() || want_end != "ok", "{name}");

    // The core's own delta fields are the data's.
    for e in &events {
        if e.kind == "response.output_text.delta" {
            let v = e.value().unwrap();
            assert_eq!(e.delta.as_deref(), s(&v, "delta"), "{name}");
            assert_eq!(
                e.output_index,
                v.get("output_index").and_then(Value::as_f64)
            );
        }
    }

    let text = deltas(&events, "response.output_text.delta", None);
    let response = assemble(&events, false);
    if want_end != "ok" {
        // What came before the error still assembles, and its text is the deltas'.
        assert_eq!(s(&response, "output_text"), Some(text.as_str()), "{name}");
        return;
    }
    assert_eq!(
        s(&response, "output_text"),
        Some(text.as_str()),
        "{name}: output_text"
    );
    assert_eq!(
        s(&response, "output_text"),
        s(want, "output_text"),
        "{name}: text"
    );
    assert_eq!(s(&response, "status"), s(want, "status"), "{name}: status");

    // Function calls: the arguments are the concatenated deltas, and JSON.
    let mut calls = Vec::new();
    for (i, item) in items(&response).iter().enumerate() {
        if s(item, "type") != Some("function_call") {
            continue;
        }
        let args = s(item, "arguments").unwrap();
        let from_deltas = deltas(
            &events,
            "response.function_call_arguments.delta",
            Some(i as f64),
        );
        assert_eq!(args, from_deltas, "{name}: arguments of item {i}");
        parse(args).unwrap_or_else(|e| panic!("{name}: arguments not JSON: {e:?}"));
        calls.push(format!("{}({args})", s(item, "name").unwrap()));
    }
    assert_eq!(calls, want_calls(want), "{name}: function calls");
    check_reasoning(name, &response, want);

    // The server's own terminal Response: ours is it (plus output_text), and the items the
    // events assemble to without it agree with its items.
    let terminal = events.last().unwrap().value().unwrap();
    let server = terminal.get("response").expect("a terminal Response");
    let mut ours = response.clone();
    if let Value::Object(m) = &mut ours {
        m.retain(|(k, _)| k != "output_text");
    }
    assert_eq!(ours, *server, "{name}: the final Response is the server's");
    let assembled = assemble(&events, true);
    let keys = |r: &Value| items(r).iter().map(item_key).collect::<Vec<_>>();
    assert_eq!(
        keys(&assembled),
        keys(server),
        "{name}: items from the events"
    );
    assert_eq!(s(&assembled, "output_text"), Some(text.as_str()), "{name}");
    assert_eq!(s(&assembled, "status"), s(server, "status"), "{name}");
}

fn want_calls(want: &Value) -> Vec<String> {
    want.get("calls")
        .and_then(Value::as_array)
        .unwrap_or_default()
        .iter()
        .map(|c| {
            let c = c.as_array().unwrap();
            format!("{}({})", c[0].as_str().unwrap(), c[1].as_str().unwrap())
        })
        .collect()
}

fn check_reasoning(name: &str, response: &Value, want: &Value) {
    let Some(thinking) = s(want, "reasoning") else {
        return;
    };
    let item = items(response)
        .iter()
        .find(|i| s(i, "type") == Some("reasoning"))
        .unwrap_or_else(|| panic!("{name}: a reasoning item"));
    assert_eq!(reasoning_text(item), thinking, "{name}: reasoning");
}

fn check_plain(c: &Capture, want: &Value) {
    let name = &c.name;
    let body = std::str::from_utf8(&c.body).unwrap();
    let with = with_output_text(body).unwrap();
    let response = parse(&with).unwrap();
    assert_eq!(s(&response, "status"), s(want, "status"), "{name}: status");
    assert_eq!(
        s(&response, "output_text"),
        s(want, "output_text"),
        "{name}: text"
    );
    // Our member is appended; everything the server sent is kept as sent.
    assert!(
        with.starts_with(body.trim_end().strip_suffix('}').unwrap()),
        "{name}"
    );
    let mut calls = Vec::new();
    for item in items(&response) {
        if s(item, "type") == Some("function_call") {
            let args = s(item, "arguments").unwrap();
            parse(args).unwrap_or_else(|e| panic!("{name}: arguments not JSON: {e:?}"));
            calls.push(format!("{}({args})", s(item, "name").unwrap()));
        }
    }
    assert_eq!(calls, want_calls(want), "{name}: function calls");
    check_reasoning(name, &response, want);
}

fn check_error_status(c: &Capture, want: &Value) {
    let name = &c.name;
    assert_eq!(
        Some(c.status as f64),
        want.get("http").and_then(Value::as_f64),
        "{name}"
    );
    let body = std::str::from_utf8(&c.body).unwrap();
    let err = from_response(c.status, None, &|h| c.header(h), body);
    assert_eq!(err.kind.as_str(), s(want, "end").unwrap(), "{name}: kind");
    assert_eq!(err.code.as_deref(), s(want, "code"), "{name}: code");
    let server_message = parse(body).unwrap();
    let server_message = server_message.get("error").and_then(|e| s(e, "message"));
    assert!(!err.message.is_empty(), "{name}");
    assert!(server_message
        .unwrap()
        .starts_with(&err.message[..err.message.len().min(60)]));
}

#[test]
fn every_capture_is_listed_and_checked() {
    let all = captures();
    let expected = expected();
    let listed = expected.as_object().unwrap();
    assert!(all.len() >= 20, "{} captures", all.len());
    let names: Vec<&str> = all.iter().map(|c| c.name.as_str()).collect();
    for (k, _) in listed {
        assert!(names.contains(&k.as_str()), "{k} listed but not captured");
    }
    for c in &all {
        let want = expected
            .get(&c.name)
            .unwrap_or_else(|| panic!("{} has no entry in expected.json", c.name));
        let sse = c
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/event-stream"));
        match (c.status, sse) {
            (200, true) => check_stream(c, want),
            (200, false) => check_plain(c, want),
            _ => check_error_status(c, want),
        }
    }
}

#[test]
fn a_stream_and_its_plain_twin_agree() {
    // The servers are deterministic: the same request with and without `stream` gives the
    // same text and calls.
    let all = captures();
    let expected = expected();
    for c in all.iter().filter(|c| c.name.ends_with("_stream")) {
        let twin = c.name.replace("_stream", "_plain");
        let Some(p) = all.iter().find(|p| p.name == twin) else {
            continue;
        };
        if c.status != 200 {
            assert_eq!(c.status, p.status, "{}", c.name);
            continue;
        }
        // A stream the gateway failed where its plain twin did not (LiteLLM's bridge on the
        // llama.cpp server's streamed tool call, see the fixtures' README) has nothing to agree
        // on; that it fails as expected.json says is checked above.
        if expected.get(&c.name).and_then(|w| s(w, "end")) != Some("ok") {
            continue;
        }
        let (events, end) = run([c.body.as_slice()]);
        end.unwrap();
        let streamed = assemble(&events, false);
        let plain =
            parse(&with_output_text(std::str::from_utf8(&p.body).unwrap()).unwrap()).unwrap();
        assert_eq!(
            s(&streamed, "output_text"),
            s(&plain, "output_text"),
            "{}",
            c.name
        );
        assert_eq!(s(&streamed, "status"), s(&plain, "status"), "{}", c.name);
        let shape = |r: &Value| {
            items(r)
                .iter()
                .map(|i| {
                    format!(
                        "{} {:?} {:?}",
                        s(i, "type").unwrap_or(""),
                        s(i, "name"),
                        s(i, "arguments")
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(shape(&streamed), shape(&plain), "{}", c.name);
    }
}
