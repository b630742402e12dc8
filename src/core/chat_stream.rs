//! OpenAI-style streaming (`/chat/completions` and `/completions` with `"stream": true`) above
//! the SSE decoder, sans-IO: feed bytes (or already decoded [`SseEvent`]s), take [`ChatChunk`]s.
//!
//! The rules, as real servers need them (see `shared/baseten-api.md` §5):
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
//! finish reason. [`Accumulator`] assembles the chunks into the non-streaming response object.

use crate::core::error::{Error, ErrorKind};
use crate::core::json::{self, Value};
use crate::core::sse::{SseDecoder, SseEvent};

/// One chunk of a stream: an event whose data is a JSON value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatChunk {
    /// The SSE event type, when the server named one (`None` for the usual unnamed events).
    pub event: Option<String>,
    /// The raw JSON text of the chunk, exactly as the server sent it.
    pub data: String,
    /// The text delta: `choices[*].delta.content` and `choices[*].text`, concatenated. Empty when
    /// the chunk carries none, or when text extraction is off ([`ChatStream::set_extract_text`]).
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

/// The streaming state machine. Use [`ChatStream::push`], [`ChatStream::next_chunk`] and
/// [`ChatStream::finish`] with bytes, or [`ChatStream::on_event`] and
/// [`ChatStream::check_complete`] with events from a decoder of your own.
#[derive(Debug)]
pub struct ChatStream {
    decoder: SseDecoder,
    extract_text: bool,
    finish_seen: bool,
    state: State,
}

impl Default for ChatStream {
    fn default() -> Self {
        ChatStream::new()
    }
}

impl ChatStream {
    /// A stream over a default [`SseDecoder`], with text extraction on.
    pub fn new() -> ChatStream {
        ChatStream::with_decoder(SseDecoder::new())
    }

    /// A stream over the given decoder (for instance one with another maximum event size).
    pub fn with_decoder(decoder: SseDecoder) -> ChatStream {
        ChatStream {
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
        let trimmed = event
            .data
            .trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
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
fn scalar_text(value: &Value) -> Option<String> {
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

/// Assembles streamed chunks into the object a non-streaming call returns: a `chat.completion`
/// (or a `text_completion` for `/completions` streams).
///
/// * Choices are matched by `index`. The message's `role` is the first one sent (default
///   `"assistant"`); `content` strings are concatenated (`null` when none came); any other delta
///   member (`reasoning_content`, `refusal`, ...) is concatenated when it is a string, else its
///   last non-null value is kept.
/// * `tool_calls` are assembled by their `index`: `id`, `type` and `function.name` are set by
///   the first delta that has them, `function.arguments` strings are concatenated. The legacy
///   `function_call` is assembled the same way.
/// * A choice's `finish_reason` is its last non-null one; `logprobs` arrays are concatenated.
/// * Top-level members (`id`, `model`, `created`, `usage`, `system_fingerprint`, unknown ones)
///   keep their last non-null value, so a usage chunk with `choices: []` fills `usage`, and a
///   later `"usage": null` does not erase it.
#[derive(Clone, Debug, Default)]
pub struct Accumulator {
    fields: Vec<(String, Value)>,
    choices: Vec<ChoiceAcc>,
    completions: bool,
    chunks: usize,
    /// the bytes before and after `choices` in the last chunk parsed in full.
    outside: Option<(String, String)>,
}

#[derive(Clone, Debug, Default)]
struct ChoiceAcc {
    index: i64,
    role: Option<String>,
    content: Option<String>,
    text: Option<String>,
    delta_extra: Vec<(String, Value)>,
    tool_calls: Vec<ToolCallAcc>,
    function_call: Option<FunctionAcc>,
    finish_reason: Option<Value>,
    logprobs: Option<Value>,
    extra: Vec<(String, Value)>,
}

#[derive(Clone, Debug, Default)]
struct ToolCallAcc {
    index: i64,
    id: Option<String>,
    kind: Option<String>,
    function: FunctionAcc,
    extra: Vec<(String, Value)>,
}

#[derive(Clone, Debug, Default)]
struct FunctionAcc {
    name: Option<String>,
    arguments: String,
}

impl FunctionAcc {
    fn push(&mut self, delta: &Value) {
        if self.name.is_none() {
            self.name = nonempty_str(delta.get("name"));
        }
        if let Some(args) = delta.get("arguments").and_then(Value::as_str) {
            self.arguments.push_str(args);
        }
    }

    fn to_value(&self) -> Value {
        Value::Object(vec![
            (
                "name".into(),
                Value::String(self.name.clone().unwrap_or_default()),
            ),
            ("arguments".into(), Value::String(self.arguments.clone())),
        ])
    }
}

fn nonempty_str(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// An array index from a JSON number (`as` saturates, it cannot panic).
fn index_of(value: Option<&Value>) -> Option<i64> {
    value.and_then(Value::as_f64).map(|n| n as i64)
}

/// Sets `key` to `value`, except that `null` never replaces a value.
fn set_member(members: &mut Vec<(String, Value)>, key: &str, value: &Value) {
    match members.iter_mut().find(|(k, _)| k == key) {
        Some((_, old)) => {
            if !value.is_null() {
                *old = value.clone();
            }
        }
        None => members.push((key.to_owned(), value.clone())),
    }
}

/// Like [`set_member`], but a string appends to a string already there.
fn concat_member(members: &mut Vec<(String, Value)>, key: &str, value: &Value) {
    if let (Some((_, Value::String(old))), Value::String(new)) =
        (members.iter_mut().find(|(k, _)| k == key), value)
    {
        old.push_str(new);
        return;
    }
    set_member(members, key, value);
}

fn merge_logprobs(slot: &mut Option<Value>, new: &Value) {
    if new.is_null() {
        return;
    }
    match (slot.as_mut(), new) {
        (Some(Value::Object(old)), Value::Object(members)) => {
            for (key, value) in members {
                match (old.iter_mut().find(|(k, _)| k == key), value) {
                    (Some((_, Value::Array(items))), Value::Array(more)) => {
                        items.extend(more.iter().cloned());
                    }
                    _ => set_member(old, key, value),
                }
            }
        }
        _ => *slot = Some(new.clone()),
    }
}

impl Accumulator {
    /// An empty accumulator.
    pub fn new() -> Accumulator {
        Accumulator::default()
    }

    /// How many chunks (JSON objects) were added.
    pub fn chunks(&self) -> usize {
        self.chunks
    }

    /// adds a chunk the stream scanner already read. A simple chunk (one choice 0
    /// with only `delta.content`) whose bytes outside `choices` equal those of the last chunk
    /// parsed in full only appends its text; any other is parsed in full.
    pub fn push_chunk(&mut self, chunk: &ChatChunk) -> Result<(), Error> {
        let data = chunk.data.as_str();
        if let (true, Some((a, b)), Some((pre, post))) =
            (chunk.simple, chunk.choices_span, &self.outside)
        {
            if !self.completions
                && self.choices.len() == 1
                && self.choices[0].index == 0
                && data.get(..a) == Some(pre.as_str())
                && data.get(b..) == Some(post.as_str())
            {
                if let Some(content) = self.choices[0].content.as_mut() {
                    content.push_str(&chunk.text);
                    self.chunks += 1;
                    return Ok(());
                }
            }
        }
        self.push_json(data)?;
        self.outside = chunk
            .choices_span
            .and_then(|(a, b)| Some((data.get(..a)?.to_owned(), data.get(b..)?.to_owned())));
        Ok(())
    }

    /// Adds one chunk given as JSON text; errors (kind [`ErrorKind::Decode`]) if it is not JSON.
    pub fn push_json(&mut self, data: &str) -> Result<(), Error> {
        self.push(&json::parse(data)?);
        Ok(())
    }

    /// Adds one parsed chunk. Values that are not objects are ignored.
    pub fn push(&mut self, chunk: &Value) {
        let Some(members) = chunk.as_object() else {
            return;
        };
        self.chunks += 1;
        for (key, value) in members {
            match key.as_str() {
                "choices" => {
                    for (position, choice) in
                        value.as_array().unwrap_or_default().iter().enumerate()
                    {
                        self.push_choice(choice, position);
                    }
                }
                "object" => {
                    if value.as_str() == Some("text_completion") {
                        self.completions = true;
                    }
                }
                _ => set_member(&mut self.fields, key, value),
            }
        }
    }

    fn push_choice(&mut self, choice: &Value, position: usize) {
        let Some(members) = choice.as_object() else {
            return;
        };
        let index = index_of(choice.get("index")).unwrap_or(position as i64);
        let acc = match self.choices.binary_search_by_key(&index, |c| c.index) {
            Ok(at) => self.choices.get_mut(at),
            Err(at) => {
                self.choices.insert(
                    at,
                    ChoiceAcc {
                        index,
                        ..ChoiceAcc::default()
                    },
                );
                self.choices.get_mut(at)
            }
        };
        let Some(acc) = acc else {
            return;
        };
        for (key, value) in members {
            match key.as_str() {
                "index" => {}
                "delta" => acc.push_delta(value),
                "text" => {
                    if let Some(text) = value.as_str() {
                        acc.text.get_or_insert_with(String::new).push_str(text);
                        self.completions = true;
                    }
                }
                "finish_reason" => {
                    if !value.is_null() {
                        acc.finish_reason = Some(value.clone());
                    }
                }
                "logprobs" => merge_logprobs(&mut acc.logprobs, value),
                _ => set_member(&mut acc.extra, key, value),
            }
        }
    }

    /// The assembled response.
    pub fn to_value(&self) -> Value {
        let field = |name: &str| {
            self.fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| (name.to_owned(), v.clone()))
        };
        let object = if self.completions {
            "text_completion"
        } else {
            "chat.completion"
        };
        let mut out = Vec::with_capacity(self.fields.len() + 2);
        out.extend(field("id"));
        out.push(("object".to_owned(), Value::String(object.to_owned())));
        out.extend(field("created"));
        out.extend(field("model"));
        let choices = self
            .choices
            .iter()
            .map(|c| c.to_value(self.completions))
            .collect();
        out.push(("choices".to_owned(), Value::Array(choices)));
        out.extend(
            self.fields
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "id" | "created" | "model"))
                .cloned(),
        );
        Value::Object(out)
    }

    /// The assembled response as JSON text.
    pub fn to_json(&self) -> String {
        self.to_value().to_json()
    }
}

impl ChoiceAcc {
    fn push_delta(&mut self, delta: &Value) {
        let Some(members) = delta.as_object() else {
            return;
        };
        for (key, value) in members {
            match key.as_str() {
                "role" => {
                    if self.role.is_none() {
                        self.role = nonempty_str(Some(value));
                    }
                }
                "content" => {
                    if let Some(text) = value.as_str() {
                        self.content.get_or_insert_with(String::new).push_str(text);
                    }
                }
                "tool_calls" => {
                    for (position, call) in value.as_array().unwrap_or_default().iter().enumerate()
                    {
                        self.push_tool_call(call, position);
                    }
                }
                "function_call" => {
                    if value.as_object().is_some() {
                        self.function_call
                            .get_or_insert_with(FunctionAcc::default)
                            .push(value);
                    }
                }
                _ => concat_member(&mut self.delta_extra, key, value),
            }
        }
    }

    fn push_tool_call(&mut self, call: &Value, position: usize) {
        let Some(members) = call.as_object() else {
            return;
        };
        let index = index_of(call.get("index")).unwrap_or(position as i64);
        let acc = match self.tool_calls.binary_search_by_key(&index, |c| c.index) {
            Ok(at) => self.tool_calls.get_mut(at),
            Err(at) => {
                self.tool_calls.insert(
                    at,
                    ToolCallAcc {
                        index,
                        ..ToolCallAcc::default()
                    },
                );
                self.tool_calls.get_mut(at)
            }
        };
        let Some(acc) = acc else {
            return;
        };
        for (key, value) in members {
            match key.as_str() {
                "index" => {}
                "id" => {
                    if acc.id.is_none() {
                        acc.id = nonempty_str(Some(value));
                    }
                }
                "type" => {
                    if acc.kind.is_none() {
                        acc.kind = nonempty_str(Some(value));
                    }
                }
                "function" => acc.function.push(value),
                _ => set_member(&mut acc.extra, key, value),
            }
        }
    }

    fn to_value(&self, completions: bool) -> Value {
        let mut out = vec![("index".to_owned(), Value::Number(self.index as f64))];
        if completions {
            let text = self.text.clone().or_else(|| self.content.clone());
            out.push(("text".into(), Value::String(text.unwrap_or_default())));
        } else {
            let role = self.role.clone().unwrap_or_else(|| "assistant".to_owned());
            let content = self
                .content
                .clone()
                .or_else(|| self.text.clone())
                .map_or(Value::Null, Value::String);
            let mut message = vec![
                ("role".to_owned(), Value::String(role)),
                ("content".to_owned(), content),
            ];
            message.extend(self.delta_extra.iter().cloned());
            if !self.tool_calls.is_empty() {
                let calls = self.tool_calls.iter().map(ToolCallAcc::to_value).collect();
                message.push(("tool_calls".to_owned(), Value::Array(calls)));
            }
            if let Some(call) = &self.function_call {
                message.push(("function_call".to_owned(), call.to_value()));
            }
            out.push(("message".to_owned(), Value::Object(message)));
        }
        out.push((
            "logprobs".to_owned(),
            self.logprobs.clone().unwrap_or(Value::Null),
        ));
        out.push((
            "finish_reason".to_owned(),
            self.finish_reason.clone().unwrap_or(Value::Null),
        ));
        out.extend(self.extra.iter().cloned());
        Value::Object(out)
    }
}

impl ToolCallAcc {
    fn to_value(&self) -> Value {
        let mut out = vec![
            (
                "id".to_owned(),
                Value::String(self.id.clone().unwrap_or_default()),
            ),
            (
                "type".to_owned(),
                Value::String(self.kind.clone().unwrap_or_else(|| "function".to_owned())),
            ),
            ("function".to_owned(), self.function.to_value()),
        ];
        out.extend(self.extra.iter().cloned());
        Value::Object(out)
    }
}
