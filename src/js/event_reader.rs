//! `EventReader`: the Rust half of the event streams, a streamed chat completion (or completion)
//! and a streamed Response (the Responses API). It reads the SSE body through the same
//! `ResponseStream` as byte streams, applies the stream's rules and accumulates the final
//! object; the JavaScript half (the `ChatCompletionStream` class in `chat_stream.js`, the
//! `ResponseStream` class in `response_stream.js`) is what users hold, and it pulls batches of
//! events from here, each event as its name, its data and its text delta.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::call::{promise, Requester};
use crate::core::chat_stream::{Accumulator, ChatStreamRules};
use crate::core::error::{Error, ErrorKind};
use crate::core::responses::{ResponseAccumulator, ResponseStreamRules};
use crate::core::sse::{SseDecoder, SseEvent};
use crate::web::abort::Stopper;
use crate::web::codes::end;
use crate::web::stream::ResponseStream;

#[wasm_bindgen(module = "/src/js/chat_stream.js")]
extern "C" {
    /// Wraps an `EventReader` of a chat stream in the `ChatCompletionStream` class, with the response's
    /// request id and status.
    #[wasm_bindgen(js_name = newChatStream)]
    fn new_chat_stream(raw: JsValue, request_id: Option<String>, status: u16) -> JsValue;
}

// The base class of both stream classes. Named here (not only imported by them) so that
// wasm-bindgen ships the file.
#[wasm_bindgen(module = "/src/js/event_stream.js")]
extern "C" {
    /// What one `read()` hands over: `s` the events' text, `o` the UTF-16 offsets of each
    /// event's name, data and text delta in it (3 per event, or only the text delta for a
    /// text-only batch, after a leading 0), `ending` an [`end`] code and `v` its value.
    #[wasm_bindgen(js_name = eventBatch)]
    fn event_batch(s: &str, o: Vec<u32>, ending: u8, v: &JsValue) -> JsValue;
}

#[wasm_bindgen(module = "/src/js/response_stream.js")]
extern "C" {
    /// Wraps an `EventReader` of a Responses stream in the `ResponseStream` class, with the
    /// response's request id and status.
    #[wasm_bindgen(js_name = newResponseStream)]
    fn new_response_stream(raw: JsValue, request_id: Option<String>, status: u16) -> JsValue;
}

/// The rules and the accumulator of one kind of event stream.
enum Rules {
    /// `/chat/completions` and `/completions` with `"stream": true`.
    Chat(ChatStreamRules, Accumulator),
    /// `/responses` with `"stream": true`.
    Responses(ResponseStreamRules, ResponseAccumulator),
}

impl Rules {
    /// Applies the stream's rules to one decoded event and accumulates what they hand out.
    fn on_event(&mut self, event: SseEvent) -> Result<Option<Event>, Error> {
        Ok(Some(match self {
            Rules::Chat(rules, acc) => {
                let Some(c) = rules.on_event(event)? else {
                    return Ok(None);
                };
                acc.push_chunk(&c)?;
                Event {
                    name: c.event.unwrap_or_default(),
                    data: c.data,
                    text: c.text,
                }
            }
            Rules::Responses(rules, acc) => {
                let Some(e) = rules.on_event(event)? else {
                    return Ok(None);
                };
                acc.push_event(&e)?;
                Event {
                    name: e.kind,
                    data: e.data,
                    text: e.delta.unwrap_or_default(),
                }
            }
        }))
    }

    fn is_done(&self) -> bool {
        match self {
            Rules::Chat(rules, _) => rules.is_done(),
            Rules::Responses(rules, _) => rules.is_done(),
        }
    }

    /// Whether the stream, ending now, is complete (else the error it ends with).
    fn check_complete(&self) -> Result<(), Error> {
        match self {
            Rules::Chat(rules, _) => rules.check_complete(),
            Rules::Responses(rules, _) => rules.check_complete(),
        }
    }

    /// The final object's JSON.
    fn final_json(&self) -> String {
        match self {
            Rules::Chat(_, acc) => acc.to_json(),
            Rules::Responses(_, acc) => acc.to_json(),
        }
    }
}

/// One event as JS gets it: its name (the SSE event name of a chat chunk, the type of a
/// Responses event), its data and its text delta.
struct Event {
    name: String,
    data: String,
    text: String,
}

/// The reading state: the body, its SSE decoder, the stream's rules and its accumulated object.
struct Inner {
    body: ResponseStream,
    /// The rules' own `next_chunk`/`next_event` and `finish` loops, once for both kinds of
    /// stream: the decoder is read here and each event handed to `Rules::on_event`.
    decoder: SseDecoder,
    rules: Rules,
    ended: bool,
}

impl Inner {
    /// The next event, accumulated; at the end of the body (`ended`), the events its end
    /// releases, then the end's verdict. `None` when more input is needed or the stream is over.
    fn next(&mut self) -> Option<Result<Event, Error>> {
        // After an error the reader stops (`fill` returns it): no failed state is kept.
        while !self.rules.is_done() {
            let event = if self.ended {
                match self.decoder.finish() {
                    Ok(Some(event)) => event,
                    Ok(None) => return self.rules.check_complete().err().map(Err),
                    Err(err) if err.kind == ErrorKind::Truncated => {
                        return self.rules.check_complete().err().map(Err)
                    }
                    Err(err) => return Some(Err(err)),
                }
            } else {
                match self.decoder.next_event()? {
                    Ok(event) => event,
                    Err(err) => return Some(Err(err)),
                }
            };
            if let Some(out) = self.rules.on_event(event).transpose() {
                return Some(out);
            }
        }
        None
    }
}

/// The events decoded from one network read.
#[derive(Default)]
struct Batch {
    chunks: Vec<Event>,
}

impl Batch {
    /// The batch as a JS object: `s`, one string holding, for each chunk, its event name, data
    /// and text delta (only the text delta when `text_only`), and `o`, their end offsets in
    /// UTF-16 units (what JS slices by) after a leading 0. `end` is an [`end`] code, with
    /// `value` the final completion's JSON ([`end::COMPLETE`]) or the error ([`end::FAILED`]).
    fn to_js(&self, text_only: bool, ending: u8, value: &JsValue) -> JsValue {
        let mut text = String::new();
        let mut offsets = Vec::with_capacity(1 + 3 * self.chunks.len());
        offsets.push(0);
        let mut units = 0;
        let mut add = |part: &str| {
            text.push_str(part);
            units += utf16_len(part);
            offsets.push(units);
        };
        for chunk in &self.chunks {
            if !text_only {
                add(&chunk.name);
                add(&chunk.data);
            }
            add(&chunk.text);
        }
        event_batch(&text, offsets, ending, value)
    }
}

/// The length of `s` in UTF-16 code units.
fn utf16_len(s: &str) -> u32 {
    if s.is_ascii() {
        return s.len() as u32;
    }
    s.bytes()
        .map(|b| u32::from(b & 0xC0 != 0x80) + u32::from(b >= 0xF0))
        .sum()
}

/// Reads until at least one chunk is ready (all the ready ones go into `batch`) or the stream
/// ends: `Ok(Some(json))` at a complete end with the final completion, `Ok(None)` for more.
async fn fill(inner: &mut Inner, batch: &mut Batch) -> Result<Option<String>, Error> {
    loop {
        while let Some(event) = inner.next() {
            batch.chunks.push(event?);
        }
        if inner.ended || inner.rules.is_done() {
            return Ok(Some(inner.rules.final_json()));
        }
        if !batch.chunks.is_empty() {
            return Ok(None);
        }
        match inner.body.next().await? {
            Some(bytes) => inner.decoder.push(&bytes.to_vec()),
            None => inner.ended = true,
        }
    }
}

/// The Rust half of an event stream. Internal: users hold the `ChatCompletionStream` or
/// `ResponseStream` wrapping it, which calls `read()` one at a time and frees this object at
/// the end.
#[wasm_bindgen(skip_typescript)]
pub struct EventReader {
    cell: Rc<RefCell<Option<Inner>>>,
    /// The last batch handed over, kept until the next read for `full()`.
    last: Rc<RefCell<Batch>>,
    stopper: Stopper,
    client: Rc<Requester>,
}

/// Which stream a started SSE response is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum StreamKind {
    /// A chat completion or completion: a JS `ChatCompletionStream`.
    Chat,
    /// A Response: a JS `ResponseStream`.
    Responses,
}

impl EventReader {
    /// Wraps a started SSE response as the JS class of its `kind`.
    pub fn into_js(client: Rc<Requester>, body: ResponseStream, kind: StreamKind) -> JsValue {
        let request_id = body.request_id().map(str::to_string);
        let status = body.status();
        let decoder = match client.max_event_bytes {
            Some(n) => SseDecoder::with_max_event_size(n),
            None => SseDecoder::new(),
        };
        let rules = match kind {
            StreamKind::Chat => Rules::Chat(ChatStreamRules::new(), Accumulator::new()),
            StreamKind::Responses => {
                Rules::Responses(ResponseStreamRules::new(), ResponseAccumulator::new())
            }
        };
        let raw = EventReader {
            stopper: body.stopper(),
            last: Rc::default(),
            cell: Rc::new(RefCell::new(Some(Inner {
                body,
                decoder,
                rules,
                ended: false,
            }))),
            client,
        };
        match kind {
            StreamKind::Chat => new_chat_stream(raw.into(), request_id, status),
            StreamKind::Responses => new_response_stream(raw.into(), request_id, status),
        }
    }
}

#[wasm_bindgen]
impl EventReader {
    /// The chunks of the next network read (at least one), or the end: a batch object (see
    /// `Batch::to_js`), holding only the text deltas when `text_only`.
    pub fn read(&self, text_only: bool) -> js_sys::Promise {
        let cell = self.cell.clone();
        let last = self.last.clone();
        let client = self.client.clone();
        promise(self.client.clone(), async move {
            // Moved out while it is read, so no borrow is held across an await.
            let Some(mut inner) = cell.borrow_mut().take() else {
                return Err(Error::new(ErrorKind::Aborted, "the stream was closed"));
            };
            let mut batch = Batch::default();
            let (end, value) = match fill(&mut inner, &mut batch).await {
                Ok(None) => {
                    *cell.borrow_mut() = Some(inner);
                    (end::LIVE, JsValue::UNDEFINED)
                }
                Ok(Some(json)) => (end::COMPLETE, JsValue::from_str(&json)),
                Err(e) => (end::FAILED, client.fail(inner.body.tag(e))),
            };
            let out = batch.to_js(text_only, end, &value);
            *last.borrow_mut() = batch;
            Ok(out)
        })
    }

    /// The last batch again, in full (for a view that needs the data of a text-only batch).
    pub fn full(&self) -> JsValue {
        self.last
            .borrow()
            .to_js(false, end::LIVE, &JsValue::UNDEFINED)
    }

    /// Aborts the request and drops the reading state; returns the error a later
    /// `finalChatCompletion()` (or `finalResponse()`) reports.
    pub fn stop(&self) -> JsValue {
        self.stopper.stop();
        self.cell.borrow_mut().take();
        self.closed()
    }

    /// The error `finalChatCompletion()` (or `finalResponse()`) reports for a stream closed
    /// before its end (one branch of a `tee()` closed while the other reads on).
    pub fn closed(&self) -> JsValue {
        self.client.fail(Error::new(
            ErrorKind::Aborted,
            "the stream was closed before its end",
        ))
    }

    /// Aborts the request; pending and later reads reject with an `AbortError`.
    pub fn abort(&self) {
        self.stopper.stop();
    }

    /// The error for a chunk that `JSON.parse` refused.
    #[wasm_bindgen(js_name = decodeError)]
    pub fn decode_error(&self, data: String) -> JsValue {
        let mut e = Error::new(ErrorKind::Decode, "a stream event is not valid JSON");
        e.body = Some(data);
        self.client.fail(e)
    }
}
