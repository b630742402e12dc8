//! `POST P/predict` (and `run_remote`): echo the JSON body, or stream like a Truss generator.
//!
//! Streaming is asked for with `{"stream": true}` plus optional `n` (pieces, default 5),
//! `interval_ms` (default 20), `text` (split into `n` pieces; default `chunk {i}\n` pieces)
//! and `sse` (frame pieces as `data: ...` events instead of raw bytes).

use crate::reply::{bad_request, Kind, Piece, Reply, Stream, Template, JSON, SSE};
use crate::req::Req;
use hyper::StatusCode;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::Duration;

/// Streaming options read from a predict body.
struct StreamOpts {
    n: usize,
    interval: Duration,
    text: Option<String>,
    sse: bool,
}

impl StreamOpts {
    /// Reads and checks the options.
    fn parse(obj: &Map<String, Value>) -> Result<Self, String> {
        let int = |name: &str, default: u64, min: u64, max: u64| -> Result<u64, String> {
            match obj.get(name) {
                None | Some(Value::Null) => Ok(default),
                Some(v) => v
                    .as_u64()
                    .filter(|n| (min..=max).contains(n))
                    .ok_or_else(|| format!("'{name}' must be an integer in {min}..={max}")),
            }
        };
        let text = match obj.get("text") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err("'text' must be a string".into()),
        };
        let sse = match obj.get("sse") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err("'sse' must be a boolean".into()),
        };
        Ok(StreamOpts {
            n: int("n", 5, 1, 100_000)? as usize,
            interval: Duration::from_millis(int("interval_ms", 20, 0, 600_000)?),
            text,
            sse,
        })
    }

    /// The text of each piece.
    fn pieces(&self) -> Vec<String> {
        match &self.text {
            None => (0..self.n).map(|i| format!("chunk {i}\n")).collect(),
            Some(text) => split_even(text, self.n),
        }
    }
}

/// Splits `text` into `n` roughly equal pieces on char boundaries, dropping empty ones.
pub fn split_even(text: &str, n: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let n = n.max(1);
    (0..n)
        .map(|i| {
            let (a, b) = (i * chars.len() / n, (i + 1) * chars.len() / n);
            chars[a..b].iter().collect::<String>()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// Frames text as one SSE event (each line its own `data:` field).
pub fn sse_event(text: &str) -> Vec<u8> {
    let mut out = String::new();
    for line in text.split('\n') {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out.into_bytes()
}

/// Whether Truss would gather a streamed result into one JSON value: the request accepts
/// exactly `application/json` and its User-Agent does not mention openai.
fn gathers(req: &Req) -> bool {
    let accept_json = req.header("accept").map(str::trim) == Some("application/json");
    let openai = req
        .header("user-agent")
        .is_some_and(|ua| ua.to_ascii_lowercase().contains("openai"));
    accept_json && !openai
}

/// Handles predict: echo, or a paced stream.
pub fn predict(req: &Req) -> Reply {
    let value = match req.json() {
        Ok(v) => v,
        Err(msg) => return bad_request(&msg),
    };
    let obj = match &value {
        Value::Object(obj) if obj.get("stream") == Some(&Value::Bool(true)) => obj,
        _ => return Reply::bytes(StatusCode::OK, JSON, req.body.clone()),
    };
    let opts = match StreamOpts::parse(obj) {
        Ok(o) => o,
        Err(msg) => return bad_request(&msg),
    };
    let texts = opts.pieces();
    if gathers(req) {
        return Reply::json(StatusCode::OK, &Value::String(texts.concat()));
    }
    let template: Template = if opts.sse {
        Arc::new(|t: &str| sse_event(t))
    } else {
        Arc::new(|t: &str| t.as_bytes().to_vec())
    };
    let pieces = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let delay = if i == 0 {
                Duration::ZERO
            } else {
                opts.interval
            };
            Piece::new(Kind::Content, delay, template(t))
        })
        .collect();
    let content_type = if opts.sse {
        SSE
    } else {
        "application/octet-stream"
    };
    let stream = Stream {
        pieces,
        sse: opts.sse,
        template: Some(template),
    };
    Reply::stream(StatusCode::OK, content_type, stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_char_boundaries() {
        assert_eq!(split_even("abcdef", 3), vec!["ab", "cd", "ef"]);
        assert_eq!(split_even("héllo", 2), vec!["hé", "llo"]);
        assert_eq!(split_even("ab", 5), vec!["a", "b"]);
        assert_eq!(sse_event("a\nb"), b"data: a\ndata: b\n\n".to_vec());
    }
}
