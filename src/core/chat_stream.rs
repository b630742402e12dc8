//! OpenAI-style streaming (`/chat/completions` and `/completions` with `"stream": true`) above
//! the SSE decoder, sans-IO: feed bytes (or already decoded [`SseEvent`]s), take [`ChatChunk`]s.
//!
//! The rules, as real servers need them (the captured streams of LiteLLM, llama.cpp and others
//! in `tests/` exercise each one):
//! * `data: [DONE]` ends the stream; everything after it is ignored, bytes included.
//! * An `event: error` event, or a chunk that is a JSON object with a top-level `"error"` member
//!   that is not `null`, is an [`Error`] of kind [`ErrorKind::Stream`] carrying the server's
//!   message and code (`error.code`, else `error.type`, else Baseten's `error_code`); the
//!   error's `body` is the event's raw data, for the JS layer to expose `type` and `param`.
//! * `event: ping` events and events whose data is empty or blank are skipped (comments, the
//!   usual keepalives, never reach this layer: the decoder drops them).
//! * A chunk that is not valid JSON is an error of kind [`ErrorKind::Decode`] (code
//!   `invalid_json`, `body` = the data).
//! * At the end of the input, a stream that sent neither `[DONE]` nor any non-null
//!   `finish_reason` is an error of kind [`ErrorKind::Truncated`] (code `incomplete_stream`):
//!   never a success. A stream that sent a `finish_reason` but no `[DONE]` is a success, and so
//!   is one cut inside an event after its `finish_reason`.
//!
//! Each chunk hands out the raw JSON text of the event (for a native `JSON.parse` on the JS side)
//! and, from one validating pass of the fast scanner ([`json::scan_chunk`]), its text delta and
//! finish reason. [`Accumulator`] (in `accumulator.rs`, re-exported here) assembles the chunks
//! into the non-streaming response object.

use crate::core::error::{Error, ErrorKind};
use crate::core::json::{self, Value};
use crate::core::sse::{SseDecoder, SseEvent};

pub use crate::core::accumulator::Accumulator;

/// One chunk of a stream: an event whose data is a JSON value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatChunk {
    /// The SSE event type, when the server named one (`None` for the usual unnamed events).
    pub event: Option<String>,
    /// The raw JSON text of the chunk, exactly as the server sent it.
    pub data: String,
    /// The text delta: `choices[*].delta.content` and `choices[*].text`, concatenated. Empty when
    /// the chunk carries none, or when text extraction is off ([`ChatStreamRules::set_extract_text`]).
    pub text: String,
    /// The first string `finish_reason` among the chunk's choices.
    pub finish_reason: Option<String>,
    /// see [`json::DeltaSummary::simple`].
    pub simple: bool,
    /// see [`json::DeltaSummary::choices_span`].
    pub choices_span: Option<(usize, usize)>,
}

impl ChatChunk {
    /// Parses the chunk's JSON into a tree.
    pub fn value(&self) -> Result<Value, Error> {
        json::parse(&self.data)
    }
}

#[derive(Debug)]
enum State {
    Running,
    /// `[DONE]` was seen, or the end was checked and found complete.
    Done,
    /// Failed with this error (returned once by `next_chunk`, and again by `finish`).
    Failed(Error),
}

/// The stream rules above as a state machine over one response body (the Rust reader of a
/// chat stream, `js::event_reader::EventReader`, drives it; users hold the JavaScript
/// `ChatCompletionStream`). Use [`ChatStreamRules::push`], [`ChatStreamRules::next_chunk`] and
/// [`ChatStreamRules::finish`] with bytes, or [`ChatStreamRules::on_event`] and
/// [`ChatStreamRules::check_complete`] with events from a decoder of your own.
#[derive(Debug)]
pub struct ChatStreamRules {
    decoder: SseDecoder,
    extract_text: bool,
    finish_seen: bool,
    state: State,
}

impl Default for ChatStreamRules {
    fn default() -> Self {
        ChatStreamRules::new()
    }
}

impl ChatStreamRules {
    /// A stream over a default [`SseDecoder`], with text extraction on.
    pub fn new() -> ChatStreamRules {
        ChatStreamRules::with_decoder(SseDecoder::new())
    }

    /// A stream over the given decoder (for instance one with another maximum event size).
    pub fn with_decoder(decoder: SseDecoder) -> ChatStreamRules {
        ChatStreamRules {
            decoder,
            extract_text: true,
            finish_seen: false,
            state: State::Running,
        }
    }

    /// Whether chunks carry their text delta in [`ChatChunk::text`] (on by default). Turning it
    /// off saves decoding the content strings when the caller only wants the raw JSON; the JSON
    /// is validated and the finish reason found either way.
    pub fn set_extract_text(&mut self, on: bool) {
        self.extract_text = on;
    }

    /// Whether `[DONE]` has been seen.
    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Done)
    }

    /// Whether any chunk carried a non-null `finish_reason`.
    pub fn finish_reason_seen(&self) -> bool {
        self.finish_seen
    }

    /// The underlying decoder (for its last event ID, for instance).
    pub fn decoder(&self) -> &SseDecoder {
        &self.decoder
    }

    /// Feeds response bytes. Ignored once the stream is done or failed.
    pub fn push(&mut self, bytes: &[u8]) {
        if matches!(self.state, State::Running) {
            self.decoder.push(bytes);
        }
    }

    /// The next chunk, or `None` when more input is needed or the stream is over. An error is
    /// returned once; the stream then stays closed.
    pub fn next_chunk(&mut self) -> Option<Result<ChatChunk, Error>> {
        while matches!(self.state, State::Running) {
            let event = match self.decoder.next_event()? {
                Ok(event) => event,
                Err(err) => return Some(Err(self.fail(err))),
            };
            match self.on_event(event) {
                Ok(Some(chunk)) => return Some(Ok(chunk)),
                Ok(None) => {}
                Err(err) => return Some(Err(err)),
            }
        }
        None
    }

    /// Ends the input. Returns the chunks still buffered one per call (`Ok(Some(chunk))`; call
    /// it until it returns `Ok(None)` or an error), then `Ok(None)` if the stream was complete
    /// (see the module docs), or the error: of kind [`ErrorKind::Truncated`] when it ended
    /// early, or the error it already failed with. Later calls return the same outcome.
    pub fn finish(&mut self) -> Result<Option<ChatChunk>, Error> {
        loop {
            match &self.state {
                State::Done => return Ok(None),
                State::Failed(err) => return Err(err.clone()),
                State::Running => {}
            }
            match self.decoder.finish() {
                Ok(Some(event)) => {
                    if let Some(chunk) = self.on_event(event)? {
                        return Ok(Some(chunk));
                    }
                }
                Ok(None) => return self.end().map(|()| None),
                Err(err) if err.kind == ErrorKind::Truncated => {
                    return self.end().map(|()| None);
                }
                Err(err) => return Err(self.fail(err)),
            }
        }
    }

    /// Whether the stream, if the input ended now, would be complete: `Ok` after `[DONE]` or a
    /// non-null `finish_reason`, else the [`ErrorKind::Truncated`] error. Changes nothing.
    pub fn check_complete(&self) -> Result<(), Error> {
        match &self.state {
            State::Failed(err) => Err(err.clone()),
            State::Done => Ok(()),
            State::Running if self.finish_seen => Ok(()),
            State::Running => Err(Error::new(
                ErrorKind::Truncated,
                "stream ended before completion",
            )
            .with_code("incomplete_stream")),
        }
    }

    fn end(&mut self) -> Result<(), Error> {
        match self.check_complete() {
            Ok(()) => {
                self.state = State::Done;
                Ok(())
            }
            Err(err) => Err(self.fail(err)),
        }
    }

    /// Applies the stream rules to one decoded event: `Ok(Some(chunk))` for a chunk, `Ok(None)`
    /// for an event that is skipped (or that comes after `[DONE]` or a failure), `Err` when the
    /// event is an error or not JSON (the stream is then failed).
    pub fn on_event(&mut self, event: SseEvent) -> Result<Option<ChatChunk>, Error> {
        if !matches!(self.state, State::Running) {
            return Ok(None);
        }
        match event.event.as_deref() {
            Some("ping") => return Ok(None),
            Some("error") => {
                let value = json::parse(&event.data).ok();
                return Err(self.fail(stream_error(event.data, value.as_ref())));
            }
            _ => {}
        }
        let trimmed = crate::core::trim_ascii(&event.data, crate::core::BLANK, true, true);
        if trimmed.is_empty() {
            return Ok(None);
        }
        if trimmed == "[DONE]" {
            self.state = State::Done;
            return Ok(None);
        }
        let summary = match json::scan_chunk(&event.data, self.extract_text) {
            Ok(summary) => summary,
            Err(mut err) => {
                err.body = Some(event.data);
                return Err(self.fail(err));
            }
        };
        if summary.is_error {
            let value = json::parse(&event.data).ok();
            return Err(self.fail(stream_error(event.data, value.as_ref())));
        }
        if summary.finish_reason.is_some() {
            self.finish_seen = true;
        }
        Ok(Some(ChatChunk {
            event: event.event,
            data: event.data,
            text: summary.text,
            finish_reason: summary.finish_reason,
            simple: summary.simple,
            choices_span: summary.choices_span,
        }))
    }

    fn fail(&mut self, err: Error) -> Error {
        self.state = State::Failed(err.clone());
        err
    }
}

/// Whether a 2xx answer to a streaming request, by its `Content-Type`, is to be read as
/// server-sent events: anything but JSON and HTML is (servers mislabel event streams as
/// `text/plain` or send no type at all); a JSON or HTML body is an answer that is not a stream.
pub fn is_event_stream_type(content_type: &str) -> bool {
    let ct = content_type.trim().to_ascii_lowercase();
    !(super::find_str(&ct, "json").is_some() || ct.starts_with("text/html"))
}

/// The error for a 2xx answer to a streaming request that is not an event stream (see
/// [`is_event_stream_type`]): the server's own error when the body holds one
/// (`{"error": ...}`), else a [`ErrorKind::Decode`] error naming what came instead. The body
/// is kept either way.
pub fn not_an_event_stream(content_type: &str, body: String) -> Error {
    if let Ok(value) = json::parse(body.trim()) {
        if value.get("error").is_some_and(|e| !e.is_null()) {
            return stream_error(body, Some(&value));
        }
    }
    // Printable ASCII only, quoted by hand (`{:?}` would pull in Unicode escape tables).
    let shown: String = content_type
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(100)
        .collect();
    let mut err = Error::new(
        ErrorKind::Decode,
        format!("expected an event stream (text/event-stream), got \"{shown}\""),
    )
    .with_code("not_event_stream");
    err.body = Some(body);
    err
}

/// The most of a server's error message kept when the error is not JSON.
const MAX_PLAIN_MESSAGE: usize = 1000;

/// Builds the [`ErrorKind::Stream`] error for an error event or an `{"error": ...}` chunk.
/// `value` is the parsed data, when it is JSON.
pub fn stream_error(data: String, value: Option<&Value>) -> Error {
    // `{"error": {...}}`, `{"error": "text"}`, or (in an `event: error`) the error object itself.
    let error = value
        .and_then(|v| v.get("error"))
        .filter(|e| !e.is_null())
        .or(value);
    let message = match error {
        Some(Value::String(s)) => Some(s.clone()),
        Some(e) => e
            .get("message")
            .or_else(|| e.get("detail"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        None => None,
    };
    let message = message.unwrap_or_else(|| {
        if value.is_none() && !data.trim().is_empty() {
            truncate(data.trim(), MAX_PLAIN_MESSAGE).to_owned()
        } else {
            "the server reported an error in the stream".to_owned()
        }
    });
    let code = error
        .and_then(|e| e.get("code"))
        .and_then(scalar_text)
        .or_else(|| error.and_then(|e| e.get("type")).and_then(scalar_text))
        .or_else(|| {
            value
                .and_then(|v| v.get("error_code"))
                .and_then(scalar_text)
        });
    let mut err = Error::new(ErrorKind::Stream, message);
    err.code = code;
    err.body = Some(data);
    err
}

/// A string, or a number written as JSON, as text.
pub(crate) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => {
            let mut out = String::new();
            json::write_number(&mut out, *n);
            Some(out)
        }
        _ => None,
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}
