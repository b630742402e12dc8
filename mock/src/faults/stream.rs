//! Body faults: they cut, stall, corrupt or decorate a response body. A full body is first
//! split into two pieces so the same code can stall it or cut it in the middle; it keeps its
//! full content-length unless it is truncated. The error body of a `status:` fault is a full
//! body like any other: `status:503,stall-body:MS` sends the status, the headers and half the
//! error body, then stalls.

use super::Fault;
use crate::reply::{Kind, Piece, Reply, ReplyBody, Stream};
use crate::{responses, util};
use bytes::Bytes;
use hyper::StatusCode;
use std::time::Duration;

/// The SSE event an `error-event` fault sends.
const ERROR_EVENT: &str =
    "event: error\ndata: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}\n\n";
/// The SSE event an `error-payload` fault sends.
const ERROR_PAYLOAD: &str = "data: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n";
/// The event a `malformed-json` fault sends.
const MALFORMED: &str = "data: {not json\n\n";

/// Order in which body faults apply: insertions first, then cuts, then timing and decoration.
fn rank(f: &Fault) -> Option<u8> {
    Some(match f {
        Fault::InvalidUtf8 => 0,
        Fault::HugeLine(_) => 1,
        Fault::MalformedJson => 2,
        Fault::ErrorEvent | Fault::ResponseFailed => 3,
        Fault::ErrorPayload => 4,
        Fault::Truncate => 5,
        Fault::Disconnect => 6,
        Fault::NoDone => 7,
        Fault::StallBody(_) => 8,
        Fault::Keepalive => 9,
        _ => return None,
    })
}

/// Applies every body fault in `faults` to `reply`.
pub fn apply(faults: &[Fault], reply: &mut Reply) {
    if faults.contains(&Fault::WrongContentType) {
        reply.set_header("content-type", "text/html; charset=utf-8");
    }
    if faults.contains(&Fault::EmptyBody) {
        // An error status asked for alongside keeps its status: an empty error body.
        if !faults.iter().any(|f| matches!(f, Fault::Status(_))) {
            reply.status = StatusCode::OK;
        }
        reply.body = ReplyBody::Full(Bytes::new());
        return;
    }
    let mut body_faults: Vec<&Fault> = faults.iter().filter(|f| rank(f).is_some()).collect();
    if body_faults.is_empty() {
        return;
    }
    body_faults.sort_by_key(|f| rank(f));
    if let ReplyBody::Full(bytes) = &reply.body {
        let mut bytes = bytes.to_vec();
        if faults.contains(&Fault::InvalidUtf8) {
            insert_invalid(&mut bytes);
        }
        if faults.contains(&Fault::MalformedJson) {
            bytes = b"{not json".to_vec();
        }
        reply.body = ReplyBody::Full(Bytes::from(bytes.clone()));
        if !body_faults.iter().any(|f| splits_full(f)) {
            return;
        }
        let half = bytes.len() / 2;
        if !faults.contains(&Fault::Truncate) {
            // The whole body's length, as the server meant to send it: a stall keeps the client
            // waiting for the rest, a disconnect leaves it short of the length it was promised.
            reply.set_header("content-length", &bytes.len().to_string());
        }
        reply.body = ReplyBody::Stream(Stream {
            pieces: vec![
                Piece::new(Kind::Content, Duration::ZERO, bytes[..half].to_vec()),
                Piece::new(Kind::Content, Duration::ZERO, bytes[half..].to_vec()),
            ],
            sse: false,
            template: None,
        });
        body_faults.retain(|f| splits_full(f));
    }
    let ReplyBody::Stream(stream) = &mut reply.body else {
        return;
    };
    for f in body_faults {
        apply_one(f, stream);
    }
}

/// Faults that make sense on a full body once it is split in two.
fn splits_full(f: &Fault) -> bool {
    matches!(f, Fault::Truncate | Fault::Disconnect | Fault::StallBody(_))
}

/// Index of the middle content piece (where insertions and cuts happen).
fn mid(s: &Stream) -> usize {
    let content: Vec<usize> = (0..s.pieces.len())
        .filter(|&i| s.pieces[i].kind == Kind::Content)
        .collect();
    if content.is_empty() {
        return s
            .pieces
            .iter()
            .position(|p| p.kind != Kind::Head)
            .unwrap_or(s.pieces.len());
    }
    content[content.len() / 2]
}

/// Index where a cut keeps "some" of the stream: the middle, but at least one piece.
fn cut_point(s: &Stream) -> usize {
    mid(s).max(1).min(s.pieces.len())
}

/// Applies one body fault to a stream.
fn apply_one(f: &Fault, s: &mut Stream) {
    let at = mid(s);
    match f {
        Fault::InvalidUtf8 => match s.pieces.get_mut(at) {
            Some(p) => insert_invalid(&mut p.bytes),
            None => s
                .pieces
                .push(Piece::new(Kind::Content, Duration::ZERO, vec![0xff, 0xfe])),
        },
        Fault::HugeLine(n) => {
            let line = huge_line(s, *n);
            s.pieces
                .insert(at, Piece::new(Kind::Content, Duration::ZERO, line));
        }
        Fault::MalformedJson => {
            s.pieces
                .insert(at, Piece::new(Kind::Content, Duration::ZERO, MALFORMED));
        }
        Fault::ErrorEvent | Fault::ErrorPayload | Fault::ResponseFailed => {
            let bytes = match f {
                Fault::ErrorEvent | Fault::ResponseFailed if responses::is_responses(s) => {
                    let bridged = s
                        .pieces
                        .first()
                        .is_some_and(|p| p.bytes.starts_with(b"data:"));
                    responses::fault_event(*f == Fault::ResponseFailed, bridged)
                }
                Fault::ResponseFailed => responses::fault_event(true, false),
                Fault::ErrorEvent => ERROR_EVENT.into(),
                _ => ERROR_PAYLOAD.into(),
            };
            s.pieces.truncate(at);
            s.pieces.push(Piece::new(Kind::Tail, Duration::ZERO, bytes));
        }
        Fault::Truncate => s.pieces.truncate(cut_point(s)),
        Fault::Disconnect => {
            s.pieces.truncate(cut_point(s));
            s.pieces
                .push(Piece::new(Kind::Abort, Duration::ZERO, Vec::new()));
        }
        Fault::NoDone => s.pieces.retain(|p| p.kind != Kind::Done),
        Fault::StallBody(ms) => {
            for p in s.pieces.iter_mut().skip(1) {
                p.delay = Duration::from_millis(*ms);
            }
        }
        Fault::Keepalive if s.sse => keepalive(s),
        _ => {}
    }
}

/// A data line of `n` bytes (not counting its newlines), shaped like the stream's own events.
fn huge_line(s: &Stream, n: usize) -> Vec<u8> {
    match &s.template {
        Some(make) => {
            let base = make("");
            let newlines = base.iter().rev().take_while(|&&b| b == b'\n').count();
            make(&"x".repeat(n.saturating_sub(base.len() - newlines)))
        }
        None => {
            let mut line = vec![b'x'; n];
            line.push(b'\n');
            line
        }
    }
}

/// Interleaves `: ping - <date>` comments and `event: ping` events, halving each wait around them.
fn keepalive(s: &mut Stream) {
    let mut out = Vec::with_capacity(s.pieces.len() * 2);
    for (i, mut p) in s.pieces.drain(..).enumerate() {
        let ping = if i % 2 == 0 {
            format!(": ping - {}\n\n", util::iso8601(util::now_ms()))
        } else {
            "event: ping\ndata: {\"type\":\"ping\"}\n\n".to_string()
        };
        let half = p.delay / 2;
        p.delay -= half;
        out.push(Piece::new(Kind::Head, half, ping));
        out.push(p);
    }
    s.pieces = out;
}

/// Puts raw bytes 0xff 0xfe inside a text field when one is found, else mid-way.
fn insert_invalid(bytes: &mut Vec<u8>) {
    let patterns: [&[u8]; 4] = [
        b"\"content\":\"",
        b"\"text\":\"",
        b"\"arguments\":\"",
        b"data: ",
    ];
    let at = patterns
        .iter()
        .find_map(|pat| {
            bytes
                .windows(pat.len())
                .position(|w| w == *pat)
                .map(|i| i + pat.len())
        })
        .unwrap_or(bytes.len() / 2);
    bytes.splice(at..at, [0xff, 0xfe]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn sse(n: usize) -> Stream {
        let mut pieces = vec![Piece::new(Kind::Head, Duration::ZERO, "data: head\n\n")];
        for i in 0..n {
            pieces.push(Piece::new(
                Kind::Content,
                Duration::ZERO,
                format!("data: {i}\n\n"),
            ));
        }
        pieces.push(Piece::new(Kind::Tail, Duration::ZERO, "data: fin\n\n"));
        pieces.push(Piece::new(Kind::Done, Duration::ZERO, "data: [DONE]\n\n"));
        Stream {
            pieces,
            sse: true,
            template: Some(Arc::new(|t: &str| format!("data: {t}\n\n").into_bytes())),
        }
    }

    #[test]
    fn truncate_and_disconnect_cut_mid_way() {
        let mut s = sse(4);
        apply_one(&Fault::Truncate, &mut s);
        assert_eq!(s.pieces.len(), 3);
        let mut s = sse(4);
        apply_one(&Fault::Disconnect, &mut s);
        assert_eq!(s.pieces.last().unwrap().kind, Kind::Abort);
    }

    #[test]
    fn huge_line_has_exact_length() {
        let mut s = sse(2);
        apply_one(&Fault::HugeLine(1000), &mut s);
        let line = s.pieces.iter().find(|p| p.bytes.len() > 900).unwrap();
        assert_eq!(line.bytes.len(), 1002);
    }

    #[test]
    fn invalid_utf8_goes_inside_text() {
        let mut b = br#"{"delta":{"content":"hi"}}"#.to_vec();
        insert_invalid(&mut b);
        assert_eq!(&b[..21], br#"{"delta":{"content":""#);
        assert_eq!(&b[21..23], &[0xff, 0xfe]);
    }
}
