//! Reads a Responses API event stream from stdin, runs it through the stream rules and the
//! accumulator, and prints one JSON object a line: each event handed out as `{"type"}` (plus
//! `"delta"` when the text delta was extracted), then one closing line
//! `{"end":"ok"|"error","kind","code","response"}` with the assembled Response (assembled from
//! the events handed out, whatever the end).
//!
//! The input is pushed in pieces to exercise the incremental rules (same arguments as
//! `sse_dump`):
//!
//! ```text
//! cargo run --example responses_dump < stream.txt        # one piece
//! cargo run --example responses_dump -- 3 7 1            # pieces of 3, 7, 1, 1, 1, ... bytes
//! cargo run --example responses_dump -- --at 5,17,18     # cut before bytes 5, 17 and 18
//! cargo run --example responses_dump -- --batch < cases  # many cases (see `batch`)
//! ```
//!
//! Used by the differential test `tests/differential/responses.mjs`.

use std::io::{Read, Write};
use std::process::ExitCode;

use baseten_edge::core::json::write_str;
use baseten_edge::core::responses::{ResponseAccumulator, ResponseStreamRules};

fn usage(msg: &str) -> ExitCode {
    eprintln!(
        "responses_dump: {msg}\nusage: responses_dump [--batch | --at OFFSET,OFFSET,...| SIZE...]"
    );
    ExitCode::from(2)
}

#[path = "common/cuts.rs"]
mod cuts;
use cuts::cuts;

/// Runs one stream cut before `cuts` and appends its lines to `out`.
fn dump(input: &[u8], cuts: Vec<usize>, out: &mut String) -> Result<(), String> {
    let mut rules = ResponseStreamRules::new();
    let mut acc = ResponseAccumulator::new();
    let mut events = Vec::new();
    let mut error = None;
    let mut start = 0;
    'feed: for end in cuts.into_iter().chain([input.len()]) {
        rules.push(input.get(start..end).unwrap_or_default());
        start = end;
        while let Some(result) = rules.next_event() {
            match result {
                Ok(e) => events.push(e),
                Err(e) => {
                    error = Some(e);
                    break 'feed;
                }
            }
        }
    }
    while error.is_none() {
        match rules.finish() {
            Ok(Some(e)) => events.push(e),
            Ok(None) => break,
            Err(e) => error = Some(e),
        }
    }
    for e in &events {
        acc.push_event(e)
            .map_err(|err| format!("an event handed out is not JSON: {}", err.message))?;
        out.push_str("{\"type\":");
        write_str(out, &e.kind);
        if let Some(delta) = &e.delta {
            out.push_str(",\"delta\":");
            write_str(out, delta);
        }
        out.push_str("}\n");
    }
    out.push_str("{\"end\":");
    match &error {
        None => out.push_str("\"ok\",\"kind\":null,\"code\":null"),
        Some(e) => {
            out.push_str("\"error\",\"kind\":");
            write_str(out, e.kind.as_str());
            out.push_str(",\"code\":");
            match &e.code {
                Some(code) => write_str(out, code),
                None => out.push_str("null"),
            }
        }
    }
    out.push_str(",\"response\":");
    out.push_str(&acc.to_json());
    out.push_str("}\n");
    Ok(())
}

/// `--batch`: the input is a sequence of cases, each `u32 LE` input length, `u32 LE` number
/// of cuts, the cuts (`u32 LE` each), then the input bytes.
fn batch(mut input: &[u8], out: &mut String) -> Result<(), String> {
    fn word(input: &mut &[u8]) -> Result<usize, String> {
        let (head, rest) = input
            .split_first_chunk::<4>()
            .ok_or("batch input cut short")?;
        *input = rest;
        Ok(u32::from_le_bytes(*head) as usize)
    }
    while !input.is_empty() {
        let len = word(&mut input)?;
        let n = word(&mut input)?;
        let cuts = (0..n)
            .map(|_| word(&mut input).map(|c| c.min(len)))
            .collect::<Result<Vec<_>, _>>()?;
        if input.len() < len {
            return Err("batch input cut short".into());
        }
        let (case, rest) = input.split_at(len);
        input = rest;
        dump(case, cuts, out)?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        return usage(&format!("reading stdin: {e}"));
    }
    let mut out = String::new();
    let done = if args.iter().any(|a| a == "--batch") {
        batch(&input, &mut out)
    } else {
        cuts(&args, input.len()).and_then(|cuts| dump(&input, cuts, &mut out))
    };
    if let Err(msg) = done {
        return usage(&msg);
    }
    match std::io::stdout().lock().write_all(out.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}
