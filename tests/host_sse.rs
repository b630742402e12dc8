//! Host tests of the SSE decoder: every fixture is fed whole, split in two at every byte offset,
//! one byte at a time and in random pieces, and must give the same events and the same end.

mod common;

use std::time::Instant;

use baseten_edge::core::error::ErrorKind;
use baseten_edge::core::sse::{SseDecoder, SseEvent, DEFAULT_MAX_EVENT_SIZE};
use common::feed::feed;
use common::rng::Rng;

/// How a run ended: `Ok` or the error's kind and code.
type End = Result<(), (ErrorKind, Option<String>)>;

#[derive(Debug, PartialEq)]
struct Outcome {
    events: Vec<SseEvent>,
    end: End,
    last_event_id: String,
    retry: Option<u64>,
}

/// Feeds `pieces` to a fresh decoder, taking events after each push, then finishes.
fn run<'a>(pieces: impl IntoIterator<Item = &'a [u8]>, max: usize) -> Outcome {
    let mut d = SseDecoder::with_max_event_size(max);
    let (events, end) = feed(&mut d, pieces);
    assert!(d.next_event().is_none());
    Outcome {
        events,
        end: end.map_err(|e| (e.kind, e.code)),
        last_event_id: d.last_event_id().to_owned(),
        retry: d.reconnection_time(),
    }
}

/// Runs `input` whole, split at every offset, byte by byte and in seeded random pieces; asserts
/// that all agree and returns the outcome.
fn all_splits(input: &[u8], max: usize) -> Outcome {
    let whole = run([input], max);
    for at in 0..=input.len() {
        let (a, b) = input.split_at(at);
        assert_eq!(
            run([a, b], max),
            whole,
            "split at {at} of {:?}",
            String::from_utf8_lossy(input)
        );
    }
    assert_eq!(run(input.chunks(1), max), whole, "byte by byte");
    let mut rng = Rng(input.len() as u64 + 1);
    for _ in 0..20 {
        let pieces = random_pieces(&mut rng, input);
        assert_eq!(run(pieces.iter().copied(), max), whole, "random pieces");
    }
    whole
}

/// `input` in random pieces of 1 to 9 bytes.
fn random_pieces<'a>(rng: &mut Rng, input: &'a [u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = input;
    while !rest.is_empty() {
        let n = 1 + rng.below(rest.len().min(9));
        let (a, b) = rest.split_at(n.min(rest.len()));
        out.push(a);
        rest = b;
    }
    out
}

fn ev(event: Option<&str>, data: &str, id: Option<&str>, retry: Option<u64>) -> SseEvent {
    SseEvent {
        event: event.map(str::to_owned),
        data: data.to_owned(),
        id: id.map(str::to_owned),
        retry,
    }
}

fn data(d: &str) -> SseEvent {
    ev(None, d, None, None)
}

fn datas(o: &Outcome) -> Vec<&str> {
    o.events.iter().map(|e| e.data.as_str()).collect()
}

fn check(input: &[u8], expected: &[SseEvent], end: End) -> Outcome {
    let o = all_splits(input, DEFAULT_MAX_EVENT_SIZE);
    assert_eq!(o.events, expected, "{:?}", String::from_utf8_lossy(input));
    assert_eq!(o.end, end, "{:?}", String::from_utf8_lossy(input));
    o
}

fn truncated() -> End {
    Err((ErrorKind::Truncated, Some("unterminated_event".into())))
}

fn invalid_utf8() -> End {
    Err((ErrorKind::Decode, Some("invalid_utf8".into())))
}

fn cut_character() -> End {
    Err((ErrorKind::Truncated, Some("incomplete_utf8".into())))
}

fn too_large() -> End {
    Err((ErrorKind::Decode, Some("event_too_large".into())))
}

#[test]
fn line_endings_lf_cr_crlf_and_mixed() {
    check(b"data: a\n\ndata: b\n\n", &[data("a"), data("b")], Ok(()));
    check(
        b"data: a\r\n\r\ndata: b\r\n\r\n",
        &[data("a"), data("b")],
        Ok(()),
    );
    check(b"data: a\r\rdata: b\r\r", &[data("a"), data("b")], Ok(()));
    check(
        b"data: a\r\ndata: b\rdata: c\n\r\n",
        &[data("a\nb\nc")],
        Ok(()),
    );
    // A CR at the end of one push and a LF at the start of the next are one line end.
    let o = run(
        [&b"data: a\r"[..], b"\ndata: b\r", b"\n\r", b"\n"],
        DEFAULT_MAX_EVENT_SIZE,
    );
    assert_eq!(o.events, [data("a\nb")]);
    // But CR, CR is two.
    let o = run([&b"data: a\r"[..], b"\r"], DEFAULT_MAX_EVENT_SIZE);
    assert_eq!(o.events, [data("a")]);
    check(b"\n\n\r\n\rdata: x\n\n\n\n", &[data("x")], Ok(()));
}

#[test]
fn data_field_spaces_and_multiple_lines() {
    check(b"data:x\n\n", &[data("x")], Ok(()));
    check(b"data: x\n\n", &[data("x")], Ok(()));
    check(b"data:  x \n\n", &[data(" x ")], Ok(()));
    check(
        b"data: a\ndata: b\ndata\ndata:\ndata: \n\n",
        &[data("a\nb\n\n\n")],
        Ok(()),
    );
    check(b"data\n\n", &[data("")], Ok(()));
    check(b"data:\n\n", &[data("")], Ok(()));
    check(b"data:\ndata:\n\n", &[data("\n")], Ok(()));
}

#[test]
fn events_without_data_dispatch_nothing() {
    let o = check(b"event: foo\nid: 1\nretry: 5\n\n", &[], Ok(()));
    assert_eq!(o.last_event_id, "1");
    assert_eq!(o.retry, Some(5));
    // The event type does not leak into the next event.
    check(b"event: foo\n\ndata: x\n\n", &[data("x")], Ok(()));
}

#[test]
fn comments_are_ignored() {
    check(b": ping - 2026-11-24\n\n", &[], Ok(()));
    check(b":\n: OPENROUTER PROCESSING\n\n", &[], Ok(()));
    check(b": c\ndata: y\n: c2\n\n", &[data("y")], Ok(()));
    check(b"data: y\n:comment\n\n", &[data("y")], Ok(()));
}

#[test]
fn event_type() {
    let o = check(
        b"event: add\ndata: 1\n\ndata: 2\n\nevent:\ndata: 3\n\nevent: a\nevent: b\ndata: 4\n\n",
        &[
            ev(Some("add"), "1", None, None),
            data("2"),
            data("3"),
            ev(Some("b"), "4", None, None),
        ],
        Ok(()),
    );
    assert_eq!(o.events[0].event_type(), "add");
    assert_eq!(o.events[1].event_type(), "message");
}

#[test]
fn id_field() {
    let o = check(
        b"id: 7\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\nid\ndata: d\n\n",
        &[
            ev(None, "a", Some("7"), None),
            data("b"),
            data("c"),
            ev(None, "d", Some(""), None),
        ],
        Ok(()),
    );
    assert_eq!(o.last_event_id, "");
    let o = check(b"id: 1\n\ndata: a\nid: b\0c\n\n", &[data("a")], Ok(()));
    assert_eq!(o.last_event_id, "1");
    // An id in a block that no blank line ended does not count.
    let o = check(b"id: 1\n\nid: 2\n", &[], Ok(()));
    assert_eq!(o.last_event_id, "1");
    let o = check(b"id: \xc3\xa9\n\n", &[], Ok(()));
    assert_eq!(o.last_event_id, "\u{e9}");
}

#[test]
fn retry_field() {
    let o = check(
        b"retry: 1500\ndata: a\n\nretry: 15x\ndata: b\n\nretry:\ndata: c\n\n\
          retry: 99999999999999999999999\ndata: d\n\nretry: -1\ndata: e\n\nretry:  7\ndata: f\n\n",
        &[
            ev(None, "a", None, Some(1500)),
            data("b"),
            data("c"),
            data("d"),
            data("e"),
            data("f"),
        ],
        Ok(()),
    );
    assert_eq!(o.retry, Some(1500));
    let o = check(b"retry: 20\n\ndata: x\n\n", &[data("x")], Ok(()));
    assert_eq!(o.retry, Some(20));
    let o = check(
        b"retry: 0\ndata: x\n\n",
        &[ev(None, "x", None, Some(0))],
        Ok(()),
    );
    assert_eq!(o.retry, Some(0));
}

#[test]
fn unknown_fields_and_lines_without_colon() {
    check(b"foo: bar\ndata: x\nbaz\n\n", &[data("x")], Ok(()));
    check(b" data: x\n\n", &[], Ok(()));
    check(b"data : x\n\n", &[], Ok(()));
    check(b"DATA: x\n\n", &[], Ok(()));
    check(b"Data: x\n\n", &[], Ok(()));
    check(b"event\ndata: x\n\n", &[data("x")], Ok(()));
}

#[test]
fn byte_order_mark() {
    check(b"\xef\xbb\xbfdata: x\n\n", &[data("x")], Ok(()));
    // Only one is stripped: the second makes the line an unknown field.
    check(
        b"\xef\xbb\xbf\xef\xbb\xbfdata: x\n\ndata: y\n\n",
        &[data("y")],
        Ok(()),
    );
    // Not at the start: part of the text.
    check(b"data: a\n\n\xef\xbb\xbfdata: b\n\n", &[data("a")], Ok(()));
    check(b"data: \xef\xbb\xbf\n\n", &[data("\u{feff}")], Ok(()));
    // Starts like a BOM but is U+FEFE: ordinary text.
    check(b"\xef\xbb\xbe: c\ndata: z\n\n", &[data("z")], Ok(()));
    check(b"\xef\xbb\xbf", &[], Ok(()));
    // Only the start of a BOM, then the end: a cut character.
    check(b"\xef\xbb", &[], cut_character());
    check(b"", &[], Ok(()));
}

#[test]
fn unicode_and_non_line_breaks() {
    let text = "h\u{e9}llo \u{1F600} \u{2028} \u{2029} \u{85} \u{10FFFF} end";
    let input = format!("data: {text}\ndata: \u{4e2d}\u{6587}\n\n");
    check(
        input.as_bytes(),
        &[data(&format!("{text}\n\u{4e2d}\u{6587}"))],
        Ok(()),
    );
    let input = "event: \u{1F600}\nid: \u{2028}\ndata: x\n\n";
    check(
        input.as_bytes(),
        &[ev(Some("\u{1F600}"), "x", Some("\u{2028}"), None)],
        Ok(()),
    );
}

#[test]
fn invalid_utf8_is_a_decode_error_after_earlier_events() {
    check(b"data: a\n\ndata: \xff\n\n", &[data("a")], invalid_utf8());
    check(
        b"data: a\n\ndata: b\xc0\xaf\n\n",
        &[data("a")],
        invalid_utf8(),
    );
    check(
        b"data: a\n\ndata: \xed\xa0\x80\n\n",
        &[data("a")],
        invalid_utf8(),
    );
    check(
        b"data: a\n\ndata: \xe2\x82\n\n",
        &[data("a")],
        invalid_utf8(),
    );
    check(
        b"data: a\n\n: \xf5\x80\x80\x80\n\n",
        &[data("a")],
        invalid_utf8(),
    );
    // Events completed on the same push before the bad byte are still handed out.
    check(
        b"data: a\n\ndata: b\n\n\x80",
        &[data("a"), data("b")],
        invalid_utf8(),
    );
    // Input cut inside a character at the very end: a cut event is reported as such, else
    // the cut character (never a clean end).
    check(b"data: a\n\ndata: \xe2\x82", &[data("a")], truncated());
    check(b"data: a\n\n: \xe2\x82", &[data("a")], cut_character());
    check(b"data: a\n\n\xf0\x9f", &[data("a")], cut_character());
    check(b"\xef\xbb", &[], cut_character());
    check(b"\xef", &[], cut_character());
    check(b"\xef\xbb\xbf", &[], Ok(()));
}

#[test]
fn unterminated_last_event_is_reported() {
    check(b"data: a\n\ndata: b", &[data("a")], truncated());
    check(b"data: a\n\ndata: b\n", &[data("a")], truncated());
    check(b"data: a\n\ndata: b\r", &[data("a")], truncated());
    check(b"data: a\n\ndata", &[data("a")], truncated());
    check(b"data: a\n\ndata: [DONE]\n", &[data("a")], truncated());
    check(b"data: a\n\n: comment", &[data("a")], Ok(()));
    check(b"data: a\n\nevent: x\n", &[data("a")], Ok(()));
    check(b"data: a\n\ndat", &[data("a")], Ok(()));
    check(b"data: a\n\nid: 3", &[data("a")], Ok(()));
    check(b"data: a\n\n", &[data("a")], Ok(()));
}

#[test]
fn max_event_size() {
    let max = 16;
    let o = all_splits(b"data: 0123456789\n\n", max);
    assert_eq!(datas(&o), ["0123456789"]);
    let o = all_splits(b"data: ok\n\ndata: 0123456789A\n\n", max);
    assert_eq!(datas(&o), ["ok"]);
    assert_eq!(o.end, too_large());
    // Lines add up within one event: 5 + 11 = 16 fits, then 11 + 7 does not.
    let o = all_splits(
        b"data: 01234\ndata: 56789\n\ndata: 01234\ndata: 56789\ndata: x\n\n",
        max,
    );
    assert_eq!(datas(&o), ["01234\n56789"]);
    assert_eq!(o.end, too_large());
    // A line that never ends fails as soon as it is too long, not at the end of input.
    let mut d = SseDecoder::with_max_event_size(1024);
    for _ in 0..2000 {
        d.push(b"x");
        if let Some(r) = d.next_event() {
            let e = r.expect_err("must fail");
            assert_eq!(e.kind, ErrorKind::Decode);
            assert_eq!(e.code.as_deref(), Some("event_too_large"));
            assert!(d.next_event().is_none());
            assert_eq!(
                d.finish().unwrap_err().code.as_deref(),
                Some("event_too_large")
            );
            assert!(d.is_closed());
            return;
        }
    }
    panic!("an endless line never failed");
}

#[test]
fn push_after_finish_is_ignored() {
    let mut d = SseDecoder::new();
    d.push(b"data: a\n\n");
    assert_eq!(d.finish().unwrap(), Some(data("a")));
    assert_eq!(d.finish().unwrap(), None);
    d.push(b"data: b\n\n");
    assert!(d.next_event().is_none());
    assert_eq!(d.finish().unwrap(), None);
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/sse/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn recorded_streams() {
    for (name, count) in [
        ("litellm_chat_stream.sse", 21),
        ("llamacpp_chat_stream.sse", 11),
        ("llmock_chat_stream.sse", 8),
    ] {
        let input = fixture(name);
        let o = all_splits(&input, DEFAULT_MAX_EVENT_SIZE);
        assert_eq!(o.end, Ok(()), "{name}");
        assert_eq!(o.events.len(), count, "{name}");
        assert_eq!(o.events.last().map(|e| e.data.as_str()), Some("[DONE]"));
        assert!(o.events.iter().all(|e| e.event.is_none() && e.id.is_none()));
        // The same streams with CRLF line ends, keepalive comments and a BOM.
        let text = String::from_utf8(input).unwrap();
        let mangled = format!(
            "\u{feff}: ping - Tue, 24 Nov 2026 16:35:30 GMT\r\n\r\n{}",
            text.replace("\n\n", "\r\n: keepalive\r\n\r\n")
        );
        let m = all_splits(mangled.as_bytes(), DEFAULT_MAX_EVENT_SIZE);
        assert_eq!(m, o, "{name} mangled");
    }
}

#[test]
fn random_streams_agree_across_splits() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let atoms: &[&[u8]] = &[
        b"data: ",
        b"data:",
        b"data",
        b"event: ",
        b"id: ",
        b"retry: ",
        b": ",
        b"x",
        b"12",
        b"\n",
        b"\r",
        b"\r\n",
        b"\xef\xbb\xbf",
        b"\xc3\xa9",
        b"\xf0\x9f\x98\x80",
        b"\xe2\x80\xa8",
        b"\0",
        b"\xff",
        b"\xe2\x82",
        b":",
        b" ",
        b"foo",
    ];
    for round in 0..400 {
        let mut input = Vec::new();
        for _ in 0..rng.below(40) {
            input.extend_from_slice(atoms[rng.below(atoms.len())]);
        }
        let max = if round % 4 == 0 {
            12
        } else {
            DEFAULT_MAX_EVENT_SIZE
        };
        let whole = run([&input[..]], max);
        for _ in 0..10 {
            let pieces = random_pieces(&mut rng, &input);
            assert_eq!(run(pieces.iter().copied(), max), whole, "{input:?}");
        }
        assert_eq!(run(input.chunks(1), max), whole, "{input:?}");
    }
}

/// A 10 MiB line fed one byte at a time: the decoder must keep its place instead of rescanning.
#[test]
fn ten_mib_line_one_byte_at_a_time() {
    let size = 10 * 1024 * 1024;
    let mut d = SseDecoder::new();
    d.push(b"data: ");
    let byte = [b'a'];
    for _ in 0..size {
        d.push(&byte);
        assert!(d.next_event().is_none());
    }
    d.push(b"\n\n");
    let e = d.next_event().unwrap().unwrap();
    assert_eq!(e.data.len(), size);
    assert_eq!(d.finish().unwrap(), None);
}

/// Measures the decoder: `cargo test --release --test host_sse -- --ignored --nocapture`.
#[test]
#[ignore]
fn timing() {
    let size = 10 * 1024 * 1024;
    let start = Instant::now();
    let mut d = SseDecoder::new();
    d.push(b"data: ");
    for _ in 0..size / 2 {
        d.push(b"\xc3");
        d.push(b"\xa9");
        let _ = d.next_event();
    }
    d.push(b"\n\n");
    assert_eq!(d.next_event().unwrap().unwrap().data.len(), size);
    println!(
        "5 Mi two-byte characters split in half: {:?}",
        start.elapsed()
    );

    let start = Instant::now();
    let mut d = SseDecoder::new();
    for _ in 0..size {
        d.push(b"x");
        let _ = d.next_event();
    }
    println!(
        "10 MiB line without a terminator, byte by byte: {:?}",
        start.elapsed()
    );

    let chunk = fixture("litellm_chat_stream.sse");
    let start = Instant::now();
    let mut n = 0;
    let mut d = SseDecoder::new();
    for _ in 0..1000 {
        for piece in chunk.chunks(64) {
            d.push(piece);
            while let Some(e) = d.next_event() {
                n += e.unwrap().data.len();
            }
        }
    }
    let mb = (chunk.len() * 1000) as f64 / 1e6;
    println!(
        "{mb:.1} MB of chat stream in 64-byte pieces: {:?} ({n} data bytes)",
        start.elapsed()
    );
}
