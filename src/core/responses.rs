//! The Responses API stream (`POST /v1/responses` with `"stream": true`) above the SSE decoder,
//! sans-IO: feed bytes (or already decoded [`SseEvent`]s), take [`ResponseEvent`]s.
//! [`ResponseAccumulator`] (in `response_accumulator.rs`, re-exported here) assembles them into
//! the final Response.
//!
//! The rules:
//! * An event's type is its data's top-level `type` string. The SSE `event:` line may be there
//!   or not (gateways that bridge the Responses API onto chat completions omit it); when it
//!   disagrees with `type`, `type` wins. Only when the data has no string `type` is the
//!   `event:` name used (else the type is empty).
//! * Unknown event types are handed out untouched.
//! * An `error` event is an [`Error`] of kind [`ErrorKind::Stream`]: its `message` and `code`
//!   (or, when the data nests an `error` member, the chat rules of [`stream_error`]). So is a
//!   chat-style chunk with no `type` and a non-null top-level `error` (what a bridge may send).
//!   `response.failed` is one too, with the message and code of `response.error` (code: its
//!   `code`, else its `type`). The error's `body` is the event's raw data.
//! * `response.completed`, `response.incomplete` (a normal end, not an error) and
//!   `response.failed` are terminal: the stream is over; every byte after them is ignored, a
//!   trailing `data: [DONE]` included.
//! * A stream that ends (end of input, a cut event, or `data: [DONE]`) before a terminal event
//!   is an error of kind [`ErrorKind::Truncated`] (code `incomplete_stream`): never a success.
//! * Data that is not JSON is an error of kind [`ErrorKind::Decode`] (code `invalid_json`,
//!   `body` = the data). Empty or blank data, and `ping` events (by `event:` name or `type`),
//!   are skipped. Errors of the SSE decoder (invalid UTF-8, an oversized event) end the stream
//!   as they are.
//!
//! One validating pass of the JSON scanner ([`json::top_level_values`]) reads only `type`,
//! `delta`, `output_index` and `content_index`; the raw data is handed out for a native
//! `JSON.parse` on the JS side.

use crate::core::chat_stream::{scalar_text, stream_error};
use crate::core::error::{Error, ErrorKind};
use crate::core::json::{self, Value};
use crate::core::sse::{SseDecoder, SseEvent};

pub use crate::core::response_accumulator::{with_output_text, ResponseAccumulator};

/// One event of a Responses stream.
#[derive(Clone, Debug, PartialEq)]
pub struct ResponseEvent {
    /// The event type (see the module docs): `response.output_text.delta`, ...
    pub kind: String,
    /// The raw JSON text of the event, exactly as the server sent it.
    pub data: String,
    /// For `response.output_text.delta`: its `delta` text (when a string); else `None`.
    pub delta: Option<String>,
    /// For `response.output_text.delta`: its `output_index` (when a number).
    pub output_index: Option<f64>,
    /// For `response.output_text.delta`: its `content_index` (when a number).
    pub content_index: Option<f64>,
}

impl ResponseEvent {
    /// Parses the event's JSON into a tree.
    pub fn value(&self) -> Result<Value, Error> {
        json::parse(&self.data)
    }
}

/// The event types that end a stream.
pub fn is_terminal(kind: &str) -> bool {
    matches!(
        kind,
        "response.completed" | "response.incomplete" | "response.failed"
    )
}

#[derive(Debug)]
enum State {
    Running,
    /// A terminal event was handed out: the stream is complete.
    Done,
    /// Failed with this error (returned once by `next_event`, and again by `finish`).
    Failed(Error),
}

/// The stream rules above as a state machine over one response body. Use
/// [`ResponseStreamRules::push`], [`ResponseStreamRules::next_event`] and
/// [`ResponseStreamRules::finish`] with bytes, or [`ResponseStreamRules::on_event`] and
/// [`ResponseStreamRules::check_complete`] with events from a decoder of your own.
#[derive(Debug)]
pub struct ResponseStreamRules {
    decoder: SseDecoder,
    state: State,
}

impl Default for ResponseStreamRules {
    fn default() -> Self {
        ResponseStreamRules::new()
    }
}

impl ResponseStreamRules {
    /// A stream over a default [`SseDecoder`].
    pub fn new() -> ResponseStreamRules {
        ResponseStreamRules::with_decoder(SseDecoder::new())
    }

    /// A stream over the given decoder (for instance one with another maximum event size).
    pub fn with_decoder(decoder: SseDecoder) -> ResponseStreamRules {
        ResponseStreamRules {
            decoder,
            state: State::Running,
        }
    }

    /// Whether a terminal event has been handed out (the stream is complete).
    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Done)
    }

    /// The underlying decoder.
    pub fn decoder(&self) -> &SseDecoder {
        &self.decoder
    }

    /// Feeds response bytes. Ignored once the stream is done or failed.
    pub fn push(&mut self, bytes: &[u8]) {
        if matches!(self.state, State::Running) {
            self.decoder.push(bytes);
        }
    }

    /// The next event, or `None` when more input is needed or the stream is over. An error is
    /// returned once; the stream then stays closed.
    pub fn next_event(&mut self) -> Option<Result<ResponseEvent, Error>> {
        while matches!(self.state, State::Running) {
            let event = match self.decoder.next_event()? {
                Ok(event) => event,
                Err(err) => return Some(Err(self.fail(err))),
            };
            match self.on_event(event) {
                Ok(Some(event)) => return Some(Ok(event)),
                Ok(None) => {}
                Err(err) => return Some(Err(err)),
            }
        }
        None
    }

    /// Ends the input. Returns the events still buffered one per call (`Ok(Some(event))`; call
    /// it until it returns `Ok(None)` or an error), then `Ok(None)` if a terminal event came,
    /// or the error: of kind [`ErrorKind::Truncated`] when the stream ended early, or the error
    /// it already failed with. Later calls return the same outcome.
    pub fn finish(&mut self) -> Result<Option<ResponseEvent>, Error> {
        loop {
            match &self.state {
                State::Done => return Ok(None),
                State::Failed(err) => return Err(err.clone()),
                State::Running => {}
            }
            match self.decoder.finish() {
                Ok(Some(event)) => {
                    if let Some(event) = self.on_event(event)? {
                        return Ok(Some(event));
                    }
                }
                Ok(None) => return Err(self.fail(truncated())),
                Err(err) if err.kind == ErrorKind::Truncated => return Err(self.fail(truncated())),
                Err(err) => return Err(self.fail(err)),
            }
        }
    }

    /// Whether the stream, if the input ended now, would be complete: `Ok` after a terminal
    /// event, else the [`ErrorKind::Truncated`] error (or the error it failed with).
    pub fn check_complete(&self) -> Result<(), Error> {
        match &self.state {
            State::Failed(err) => Err(err.clone()),
            State::Done => Ok(()),
            State::Running => Err(truncated()),
        }
    }

    /// Applies the stream rules to one decoded event: `Ok(Some(event))` for an event handed
    /// out, `Ok(None)` for one that is skipped (or that comes after the end), `Err` when the
    /// event is an error, not JSON, or `[DONE]` before a terminal event (the stream is then
    /// failed).
    pub fn on_event(&mut self, event: SseEvent) -> Result<Option<ResponseEvent>, Error> {
        if !matches!(self.state, State::Running) {
            return Ok(None);
        }
        let trimmed = crate::core::trim_ascii(&event.data, crate::core::BLANK, true, true);
        if trimmed.is_empty() || event.event.as_deref() == Some("ping") {
            return Ok(None);
        }
        if trimmed == "[DONE]" {
            return Err(self.fail(truncated()));
        }
        let mut found = [None, None, None, None, None];
        if let Err(mut err) = json::top_level_values(
            &event.data,
            &["type", "delta", "output_index", "content_index", "error"],
            &mut found,
        ) {
            err.body = Some(event.data);
            return Err(self.fail(err));
        }
        let [kind, delta, output_index, content_index, error] = found;
        let typed = matches!(kind, Some(Value::String(_)));
        let kind = match kind {
            Some(Value::String(kind)) => kind,
            _ => {
                if error.is_some_and(|e| !e.is_null()) {
                    let value = json::parse(&event.data).ok();
                    return Err(self.fail(stream_error(event.data, value.as_ref())));
                }
                event.event.unwrap_or_default()
            }
        };
        match kind.as_str() {
            "ping" => return Ok(None),
            "error" => return Err(self.fail(error_event(event.data))),
            "response.failed" => return Err(self.fail(failed_event(event.data))),
            _ => {}
        }
        if is_terminal(&kind) {
            self.state = State::Done;
        }
        // Only a typed delta: the accumulator, too, reads the data's `type`.
        let text_delta = typed && kind == "response.output_text.delta";
        let number = |v: Option<Value>| v.and_then(|v| v.as_f64()).filter(|_| text_delta);
        Ok(Some(ResponseEvent {
            delta: match delta {
                Some(Value::String(s)) if text_delta => Some(s),
                _ => None,
            },
            output_index: number(output_index),
            content_index: number(content_index),
            kind,
            data: event.data,
        }))
    }

    fn fail(&mut self, err: Error) -> Error {
        self.state = State::Failed(err.clone());
        err
    }
}

fn truncated() -> Error {
    Error::new(
        ErrorKind::Truncated,
        "stream ended before the response completed",
    )
    .with_code("incomplete_stream")
}

/// The error of an `error` event: `{"type":"error","code","message",...}`, or the chat shapes
/// (`{"error": {...}}`) that [`stream_error`] reads.
fn error_event(data: String) -> Error {
    let value = json::parse(&data).ok();
    if let Some(v) = &value {
        if v.get("error").is_some_and(|e| !e.is_null()) {
            return stream_error(data, Some(v));
        }
    }
    let field = |key: &str| value.as_ref().and_then(|v| v.get(key));
    from_parts(
        data,
        field("message").and_then(Value::as_str),
        field("code").and_then(scalar_text),
        "the server reported an error in the stream",
    )
}

/// The error of a `response.failed` event, from its `response.error`.
fn failed_event(data: String) -> Error {
    let value = json::parse(&data).ok();
    let error = value
        .as_ref()
        .and_then(|v| v.get("response"))
        .and_then(|r| r.get("error"));
    let field = |key: &str| error.and_then(|e| e.get(key));
    let code = field("code")
        .and_then(scalar_text)
        .or_else(|| field("type").and_then(scalar_text));
    from_parts(
        data,
        field("message").and_then(Value::as_str),
        code,
        "the server reported that the response failed",
    )
}

fn from_parts(data: String, message: Option<&str>, code: Option<String>, fallback: &str) -> Error {
    let message = message.filter(|m| !m.is_empty()).unwrap_or(fallback);
    let mut err = Error::new(ErrorKind::Stream, message);
    err.code = code;
    err.body = Some(data);
    err
}
