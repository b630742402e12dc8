//! Fault injection, chosen per request by the `x-mock-fault` header or the `mock_fault` query
//! parameter (same syntax). Several faults may be given, separated by commas.
//!
//! Adding a fault: one variant in [`Fault`], one line in `parse_fault`, and its effect in
//! [`before`] (before any response) or in `stream.rs` (on the body). Body faults apply to the
//! error body of a `status:` fault too (`status:503,stall-body:5000`).

mod status;
mod stream;

pub use status::{Shape, StatusFault};

use crate::reply::Reply;
use crate::req::Req;
use crate::state::{lock, State};
use std::time::Duration;

/// One injected fault.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// `status:CODE[:SHAPE][:extras]`: answer with an error status and body.
    Status(StatusFault),
    /// `reset`: close the connection before any response.
    Reset,
    /// `stall-headers:MS`: wait before sending the response headers.
    StallHeaders(u64),
    /// `stall-body:MS`: send the first piece, then wait MS between pieces.
    StallBody(u64),
    /// `disconnect-mid-stream`: send some pieces, then drop the connection.
    Disconnect,
    /// `malformed-json`: a `data: {not json` event mid-stream (or a broken JSON body).
    MalformedJson,
    /// `error-event`: an `event: error` SSE event mid-stream, then a clean end (on a Responses
    /// stream, a Responses `error` event).
    ErrorEvent,
    /// `response-failed`: a `response.failed` event mid-stream, then a clean end.
    ResponseFailed,
    /// `error-payload`: a `data: {"error":{...}}` event mid-stream, then a clean end.
    ErrorPayload,
    /// `truncate`: end the body cleanly mid-way (no finish chunk, no `[DONE]`).
    Truncate,
    /// `invalid-utf8`: raw bytes 0xff 0xfe inside a data line.
    InvalidUtf8,
    /// `empty-body`: 200 with an empty body.
    EmptyBody,
    /// `wrong-content-type`: the normal body labelled `text/html`.
    WrongContentType,
    /// `huge-line:BYTES`: one data line of that many bytes.
    HugeLine(usize),
    /// `keepalive`: `: ping` comments and `event: ping` events between events.
    Keepalive,
    /// `no-done`: the finish chunk is sent but not `data: [DONE]`.
    NoDone,
}

/// A fault as written in a spec: now, or only for the first N requests with the same key.
#[derive(Clone, Debug, PartialEq)]
enum Item {
    Now(Fault),
    FirstN(u64, Fault),
}

/// The connection must be dropped without a response.
#[derive(Debug)]
pub struct Abort;

impl std::fmt::Display for Abort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("mock: connection reset on purpose")
    }
}

impl std::error::Error for Abort {}

/// Parses one fault (no `fail:` prefix). The table of all fault names.
fn parse_fault(spec: &str) -> Result<Fault, String> {
    let (name, arg) = match spec.split_once(':') {
        Some((n, a)) => (n, Some(a)),
        None => (spec, None),
    };
    Ok(match name {
        "status" => Fault::Status(StatusFault::parse(arg.unwrap_or(""))?),
        "reset" => Fault::Reset,
        "stall-headers" => Fault::StallHeaders(number(name, arg, 3_600_000)?),
        "stall-body" => Fault::StallBody(number(name, arg, 3_600_000)?),
        "disconnect-mid-stream" => Fault::Disconnect,
        "malformed-json" => Fault::MalformedJson,
        "error-event" => Fault::ErrorEvent,
        "response-failed" => Fault::ResponseFailed,
        "error-payload" => Fault::ErrorPayload,
        "truncate" => Fault::Truncate,
        "invalid-utf8" => Fault::InvalidUtf8,
        "empty-body" => Fault::EmptyBody,
        "wrong-content-type" => Fault::WrongContentType,
        "huge-line" => Fault::HugeLine(number(name, arg, 256 << 20)? as usize),
        "keepalive" => Fault::Keepalive,
        "no-done" => Fault::NoDone,
        _ => return Err(format!("unknown mock fault '{name}'")),
    })
}

/// A required numeric argument no larger than `max`.
fn number(name: &str, arg: Option<&str>, max: u64) -> Result<u64, String> {
    arg.and_then(|a| a.trim().parse::<u64>().ok())
        .filter(|n| *n <= max)
        .ok_or_else(|| format!("mock fault '{name}' needs a number argument (at most {max})"))
}

/// Parses one comma-separated item, which may be `fail:N:CODE[...]` or `fail:N:FAULT`.
fn parse_item(spec: &str) -> Result<Item, String> {
    let Some(rest) = spec.strip_prefix("fail:") else {
        return parse_fault(spec).map(Item::Now);
    };
    let (n, inner) = rest
        .split_once(':')
        .ok_or_else(|| format!("bad mock fault '{spec}': use fail:N:CODE[:...]"))?;
    let n = n
        .trim()
        .parse::<u64>()
        .map_err(|_| format!("bad mock fault '{spec}': N must be a number"))?;
    let fault = if inner.starts_with(|c: char| c.is_ascii_digit()) {
        Fault::Status(StatusFault::parse(inner)?)
    } else {
        parse_fault(inner)?
    };
    Ok(Item::FirstN(n, fault))
}

/// Parses a whole spec: comma-separated items.
fn parse_spec(spec: &str) -> Result<Vec<Item>, String> {
    spec.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(parse_item)
        .collect()
}

/// The fault key of a request: `x-mock-fault-key` header or `mock_fault_key` query ("" if none).
pub fn fault_key(req: &Req) -> String {
    req.header("x-mock-fault-key")
        .or_else(|| req.param("mock_fault_key"))
        .unwrap_or("")
        .to_string()
}

/// The faults that apply to this request; `fail:N:...` items count requests per fault key.
pub fn resolve(state: &State, req: &Req) -> Result<Vec<Fault>, String> {
    let Some(spec) = req
        .header("x-mock-fault")
        .or_else(|| req.param("mock_fault"))
    else {
        return Ok(Vec::new());
    };
    let items = parse_spec(spec)?;
    let mut seen: Option<u64> = None;
    let mut faults = Vec::new();
    for item in items {
        match item {
            Item::Now(f) => faults.push(f),
            Item::FirstN(n, f) => {
                let count = *seen.get_or_insert_with(|| {
                    let mut counts = lock(&state.fail_counts);
                    let c = counts.entry(fault_key(req)).or_insert(0);
                    *c += 1;
                    *c
                });
                if count <= n {
                    faults.push(f);
                }
            }
        }
    }
    Ok(faults)
}

/// Applies the faults that act before routing: stalls, resets and error statuses. An error
/// status's reply then meets the body faults ([`after`]) like a routed one.
pub async fn before(faults: &[Fault]) -> Result<Option<Reply>, Abort> {
    for f in faults {
        if let Fault::StallHeaders(ms) = f {
            tokio::time::sleep(Duration::from_millis(*ms)).await;
        }
    }
    for f in faults {
        match f {
            Fault::Reset => return Err(Abort),
            Fault::Status(s) => return Ok(Some(s.reply())),
            _ => {}
        }
    }
    Ok(None)
}

/// Applies the faults that change the body or its labelling.
pub fn after(faults: &[Fault], reply: &mut Reply) {
    stream::apply(faults, reply);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_items() {
        assert_eq!(parse_spec("reset").unwrap(), vec![Item::Now(Fault::Reset)]);
        assert_eq!(
            parse_spec("stall-headers:50, truncate").unwrap(),
            vec![
                Item::Now(Fault::StallHeaders(50)),
                Item::Now(Fault::Truncate)
            ]
        );
        let Item::FirstN(2, Fault::Status(s)) = &parse_spec("fail:2:503:openai").unwrap()[0] else {
            panic!("not a fail item");
        };
        assert_eq!((s.code, s.shape), (503, Shape::OpenAi));
        assert_eq!(
            parse_spec("fail:1:reset").unwrap(),
            vec![Item::FirstN(1, Fault::Reset)]
        );
    }

    #[test]
    fn rejects_bad_specs() {
        for bad in [
            "nope",
            "stall-body",
            "stall-body:x",
            "fail:x:500",
            "fail:2",
            "status:42",
            "status:500:weird",
            "status:429:retry-after=",
            "status:429:retry-after-date=soon",
        ] {
            assert!(parse_spec(bad).is_err(), "{bad} should be rejected");
        }
    }
}
