//! The checks shared by the fuzz targets: each takes arbitrary bytes, decodes them whole and in
//! pieces cut at points drawn from the input itself, and panics (which the fuzzer reports) if
//! the outcomes differ. Any panic inside the crate is a finding too.
#![forbid(unsafe_code)]

use baseten_edge::core::chat_stream::{Accumulator, ChatChunk, ChatStreamRules};
use baseten_edge::core::error::Error;
use baseten_edge::core::json::{self, DeltaSummary, Value};
use baseten_edge::core::responses::{is_terminal, ResponseAccumulator, ResponseEvent, ResponseStreamRules};
use baseten_edge::core::sse::{SseDecoder, SseEvent};

// Shared with the host tests (tests/common/): the fuzz crate is a workspace of its own, so it
// takes the files by path rather than as a dependency.
#[path = "../../tests/common/feed.rs"]
mod feed;
#[path = "../../tests/common/rng.rs"]
mod rng;

use feed::feed;
use rng::Rng;

/// Splits a fuzz input into a control word (its first 8 bytes, zero-padded) and the payload.
pub fn control(data: &[u8]) -> (u64, &[u8]) {
    let n = data.len().min(8);
    let (head, rest) = data.split_at(n);
    let mut word = [0u8; 8];
    word[..n].copy_from_slice(head);
    (u64::from_le_bytes(word), rest)
}

/// Up to 16 sorted cut points in `0..=len`, drawn from `seed`.
pub fn cuts(seed: u64, len: usize) -> Vec<usize> {
    let mut rng = Rng(seed | 1);
    let mut out: Vec<usize> = (0..seed % 17).map(|_| rng.below(len + 1)).collect();
    out.sort_unstable();
    out
}

/// Cuts `input` into pieces at `cuts`.
pub fn pieces<'a>(input: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    for &c in cuts.iter().chain(std::iter::once(&input.len())) {
        let c = c.clamp(start, input.len());
        out.push(&input[start..c]);
        start = c;
    }
    out
}

/// Events, end result, last event id and reconnection time of one decoding.
pub type SseOutcome = (Vec<SseEvent>, Result<(), Error>, String, Option<u64>);

/// Decodes `pieces` with a decoder of maximum event size `max`.
pub fn decode_sse(pieces: &[&[u8]], max: usize) -> SseOutcome {
    let mut d = SseDecoder::with_max_event_size(max);
    let (events, end) = feed(&mut d, pieces.iter().copied());
    (
        events,
        end,
        d.last_event_id().to_owned(),
        d.reconnection_time(),
    )
}

/// SSE: whole vs cut vs (for short inputs) byte by byte, with a small or the default limit.
pub fn check_sse(data: &[u8]) {
    let (ctl, input) = control(data);
    let max = if ctl & 0x8000_0000 != 0 {
        (ctl >> 40) as usize % 64
    } else {
        16 << 20
    };
    let whole = decode_sse(&[input], max);
    let cut = decode_sse(&pieces(input, &cuts(ctl, input.len())), max);
    assert_eq!(whole, cut, "whole vs cut");
    if input.len() <= 512 {
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(whole, decode_sse(&bytes, max), "whole vs byte by byte");
    }
}

/// JSON: the parser and the scanner accept the same texts and agree; writing is stable.
pub fn check_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = json::parse(text);
    let scanned = json::chat_delta_text(text);
    match (&parsed, &scanned) {
        (Ok(v), Ok(sum)) => {
            // What the scanner says about the chunk must match the tree (its byte-level hints,
            // `simple` and `choices_span`, have no tree counterpart).
            let tree = DeltaSummary::from_value(v);
            assert_eq!(
                (&sum.text, &sum.finish_reason, sum.is_error),
                (&tree.text, &tree.finish_reason, tree.is_error)
            );
            check_numbers(v);
            if let Value::Number(n) = v {
                // The crate converts numbers itself: check against core's float parsing.
                let expected: f64 = text
                    .trim_matches([' ', '\t', '\n', '\r'])
                    .parse()
                    .expect("std parses it");
                assert_eq!(n.to_bits(), expected.to_bits(), "{text}");
            }
            let written = v.to_json();
            let again = json::parse(&written).expect("written JSON must parse");
            assert_eq!(again.to_json(), written, "writing must be stable");
            let quiet = json::scan_chunk(text, false).expect("same text");
            assert_eq!(quiet.finish_reason, sum.finish_reason);
            assert_eq!(quiet.is_error, sum.is_error);
        }
        (Err(_), Err(_)) => {}
        _ => panic!("parser {parsed:?} and scanner {scanned:?} disagree"),
    }
}

/// Chunks and end result of one chat stream.
pub type ChatOutcome = (Vec<ChatChunk>, Result<(), Error>);

/// Runs a chat stream over `pieces`, feeding every chunk to an accumulator.
pub fn run_chat(pieces: &[&[u8]]) -> ChatOutcome {
    let (chunks, end) = feed(&mut ChatStreamRules::new(), pieces.iter().copied());
    let mut acc = Accumulator::new();
    for c in &chunks {
        let v = c.value().expect("a chunk handed out is valid JSON");
        acc.push(&v);
    }
    let out = acc.to_json();
    json::parse(&out).expect("the accumulated completion is valid JSON");
    (chunks, end)
}

/// Chat streams: whole vs cut.
pub fn check_chat(data: &[u8]) {
    let (ctl, input) = control(data);
    let whole = run_chat(&[input]);
    let cut = run_chat(&pieces(input, &cuts(ctl, input.len())));
    assert_eq!(whole, cut, "whole vs cut");
}

/// Events and end result of one Responses stream.
pub type ResponsesOutcome = (Vec<ResponseEvent>, Result<(), Error>);

/// Runs a Responses stream over `pieces`, feeding every event to an accumulator (fast path and
/// parsed path, which must agree).
pub fn run_responses(pieces: &[&[u8]]) -> ResponsesOutcome {
    let (events, end) = feed(&mut ResponseStreamRules::new(), pieces.iter().copied());
    let mut fast = ResponseAccumulator::new();
    let mut slow = ResponseAccumulator::new();
    for e in &events {
        fast.push_event(e).expect("an event handed out is valid JSON");
        slow.push(&e.value().expect("an event handed out is valid JSON"));
    }
    let out = fast.to_json();
    assert_eq!(out, slow.to_json(), "fast vs parsed accumulation");
    json::parse(&out).expect("the assembled response is valid JSON");
    (events, end)
}

/// Responses streams: whole vs cut; a success always ends with a terminal event, and nothing
/// comes after it.
pub fn check_responses(data: &[u8]) {
    let (ctl, input) = control(data);
    let whole = run_responses(&[input]);
    if whole.1.is_ok() {
        let last = whole.0.last().map(|e| e.kind.as_str()).unwrap_or("");
        assert!(
            matches!(last, "response.completed" | "response.incomplete"),
            "a success without a terminal event (last: {last:?})"
        );
    }
    let terminals = whole.0.iter().filter(|e| is_terminal(&e.kind)).count();
    assert!(terminals <= 1, "events after the terminal event");
    if let Ok(text) = std::str::from_utf8(input) {
        if let Ok(out) = baseten_edge::core::responses::with_output_text(text) {
            json::parse(&out).expect("with_output_text gives JSON");
        }
    }
    let cut = run_responses(&pieces(input, &cuts(ctl, input.len())));
    assert_eq!(whole, cut, "whole vs cut");
}

/// Every number in `v` is written as text that core reads back as the same number.
fn check_numbers(v: &Value) {
    match v {
        Value::Number(n) if n.is_finite() => {
            let written = Value::Number(*n).to_json();
            let back: f64 = written.parse().expect("written numbers parse");
            assert!(back == *n, "{n:e} written as {written}");
        }
        Value::Array(items) => items.iter().for_each(check_numbers),
        Value::Object(members) => members.iter().for_each(|(_, v)| check_numbers(v)),
        _ => {}
    }
}
