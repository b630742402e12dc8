//! `ChatChunkReader`: the Rust half of a streamed chat completion (or completion). It reads the
//! SSE body through the same `ResponseStream` as byte streams, applies the stream rules and
//! accumulates the final completion; the JavaScript half (the `ChatCompletionStream` class in
//! `chat_stream.js`) is what users hold, and it pulls batches from here.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::call::{promise, Requester};
use crate::core::chat_stream::{Accumulator, ChatChunk, ChatStreamRules};
use crate::core::error::{Error, ErrorKind};
use crate::core::sse::SseDecoder;
use crate::web::abort::Stopper;
use crate::web::codes::end;
use crate::web::stream::ResponseStream;

#[wasm_bindgen(module = "/src/js/chat_stream.js")]
extern "C" {
    /// Wraps a `ChatChunkReader` in the `ChatCompletionStream` class, with the response's
    /// request id and status.
    #[wasm_bindgen(js_name = newChatStream)]
    fn new_chat_stream(raw: JsValue, request_id: Option<String>, status: u16) -> JsValue;
    /// What one `read()` hands over: `s` the chunks' text, `o` the UTF-16 offsets of each
    /// chunk's event name, data and text delta in it (3 per chunk, or only the text delta for a
    /// text-only batch, after a leading 0), `ending` an [`end`] code and `v` its value.
    #[wasm_bindgen(js_name = chatBatch)]
    fn chat_batch(s: &str, o: Vec<u32>, ending: u8, v: &JsValue) -> JsValue;
}

/// The reading state: the body, the SSE and stream rules, and the accumulated completion.
struct Inner {
    body: ResponseStream,
    rules: ChatStreamRules,
    acc: Accumulator,
    ended: bool,
}

/// The chunks decoded from one network read.
#[derive(Default)]
struct Batch {
    chunks: Vec<ChatChunk>,
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
                add(chunk.event.as_deref().unwrap_or(""));
                add(&chunk.data);
            }
            add(&chunk.text);
        }
        chat_batch(&text, offsets, ending, value)
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
        loop {
            let ready = if inner.ended {
                inner.rules.finish().transpose()
            } else {
                inner.rules.next_chunk()
            };
            let Some(chunk) = ready else { break };
            let chunk = chunk?;
            inner.acc.push_chunk(&chunk)?;
            batch.chunks.push(chunk);
        }
        if inner.ended || inner.rules.is_done() {
            return Ok(Some(inner.acc.to_json()));
        }
        if !batch.chunks.is_empty() {
            return Ok(None);
        }
        match inner.body.next().await? {
            Some(bytes) => inner.rules.push(&bytes.to_vec()),
            None => inner.ended = true,
        }
    }
}

/// The Rust half of a streamed chat completion. Internal: users hold the `ChatCompletionStream`
/// wrapping it, which calls `read()` one at a time and frees this object at the end.
#[wasm_bindgen(skip_typescript)]
pub struct ChatChunkReader {
    cell: Rc<RefCell<Option<Inner>>>,
    /// The last batch handed over, kept until the next read for `full()`.
    last: Rc<RefCell<Batch>>,
    stopper: Stopper,
    client: Rc<Requester>,
}

impl ChatChunkReader {
    /// Wraps a started SSE response as a JS `ChatCompletionStream`.
    pub fn into_js(client: Rc<Requester>, body: ResponseStream) -> JsValue {
        let request_id = body.request_id().map(str::to_string);
        let status = body.status();
        let raw = ChatChunkReader {
            stopper: body.stopper(),
            last: Rc::default(),
            cell: Rc::new(RefCell::new(Some(Inner {
                body,
                rules: match client.max_event_bytes {
                    Some(n) => ChatStreamRules::with_decoder(SseDecoder::with_max_event_size(n)),
                    None => ChatStreamRules::new(),
                },
                acc: Accumulator::new(),
                ended: false,
            }))),
            client,
        };
        new_chat_stream(raw.into(), request_id, status)
    }
}

#[wasm_bindgen]
impl ChatChunkReader {
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
    /// `finalChatCompletion()` reports.
    pub fn stop(&self) -> JsValue {
        self.stopper.stop();
        self.cell.borrow_mut().take();
        self.closed()
    }

    /// The error `finalChatCompletion()` reports for a stream closed before its end (one
    /// branch of a `tee()` closed while the other reads on).
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
        let mut e = Error::new(ErrorKind::Decode, "a stream chunk is not valid JSON");
        e.body = Some(data);
        self.client.fail(e)
    }
}
