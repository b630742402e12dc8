//! Decodes an event stream read from stdin and prints what the decoder saw, one JSON object a
//! line: each event as `{"event","data","id","retry"}` (absent fields `null`), then one closing
//! line `{"end":"ok"|"error","kind","code","last_event_id","retry"}`.
//!
//! The input is pushed in pieces to exercise the incremental decoder:
//!
//! ```text
//! cargo run --example sse_dump < stream.txt            # one piece
//! cargo run --example sse_dump -- 1                    # one byte at a time
//! cargo run --example sse_dump -- 3 7 1                # pieces of 3, 7, 1, 1, 1, ... bytes
//! cargo run --example sse_dump -- --at 5,17,18         # cut before bytes 5, 17 and 18
//! cargo run --example sse_dump -- --max 1024 ...       # a maximum event size
//! ```
//!
//! Used by the differential test in `tests/differential/`.

use std::io::{Read, Write};
use std::process::ExitCode;

use baseten_edge::core::json::write_str;
use baseten_edge::core::sse::{SseDecoder, SseEvent};

fn usage(msg: &str) -> ExitCode {
    eprintln!("sse_dump: {msg}\nusage: sse_dump [--max BYTES] [--at OFFSET,OFFSET,...| SIZE...]");
    ExitCode::from(2)
}

fn opt_str(out: &mut String, value: Option<&str>) {
    match value {
        Some(s) => write_str(out, s),
        None => out.push_str("null"),
    }
}

fn opt_u64(out: &mut String, value: Option<u64>) {
    match value {
        Some(n) => out.push_str(&n.to_string()),
        None => out.push_str("null"),
    }
}

fn event_line(out: &mut String, e: &SseEvent) {
    out.push_str("{\"event\":");
    opt_str(out, e.event.as_deref());
    out.push_str(",\"data\":");
    write_str(out, &e.data);
    out.push_str(",\"id\":");
    opt_str(out, e.id.as_deref());
    out.push_str(",\"retry\":");
    opt_u64(out, e.retry);
    out.push_str("}\n");
}

#[path = "common/cuts.rs"]
mod cuts;
use cuts::cuts;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut max = None;
    if let Some(at) = args.iter().position(|a| a == "--max") {
        match args.get(at + 1).map(|s| s.parse::<usize>()) {
            Some(Ok(n)) => max = Some(n),
            _ => return usage("--max needs a number"),
        }
        args.drain(at..at + 2);
    }
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        return usage(&format!("reading stdin: {e}"));
    }
    let cuts = match cuts(&args, input.len()) {
        Ok(cuts) => cuts,
        Err(msg) => return usage(&msg),
    };

    let mut decoder = max.map_or_else(SseDecoder::new, SseDecoder::with_max_event_size);
    let mut out = String::new();
    let mut error = None;
    let mut start = 0;
    'feed: for end in cuts.into_iter().chain([input.len()]) {
        decoder.push(input.get(start..end).unwrap_or_default());
        start = end;
        while let Some(result) = decoder.next_event() {
            match result {
                Ok(e) => event_line(&mut out, &e),
                Err(e) => {
                    error = Some(e);
                    break 'feed;
                }
            }
        }
    }
    while error.is_none() {
        match decoder.finish() {
            Ok(Some(e)) => event_line(&mut out, &e),
            Ok(None) => break,
            Err(e) => error = Some(e),
        }
    }
    out.push_str("{\"end\":");
    match &error {
        None => out.push_str("\"ok\",\"kind\":null,\"code\":null"),
        Some(e) => {
            out.push_str("\"error\",\"kind\":");
            write_str(&mut out, e.kind.js_name());
            out.push_str(",\"code\":");
            opt_str(&mut out, e.code.as_deref());
        }
    }
    out.push_str(",\"last_event_id\":");
    write_str(&mut out, decoder.last_event_id());
    out.push_str(",\"retry\":");
    opt_u64(&mut out, decoder.reconnection_time());
    out.push_str("}\n");
    match std::io::stdout().lock().write_all(out.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}
