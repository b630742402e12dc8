//! `ChatCompletionStream`: an OpenAI-style SSE response as an async iterable of chunk objects,
//! with `textStream()`, `finalChatCompletion()`, `toReadableStream()` (SSE bytes, for proxying)
//! and `abort()`. It reads through the same `ResponseStream` as byte streams.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::call::Client;
use super::helpers::{iter_result, make_async_iterable};
use super::serial::Serial;
use crate::core::chat_stream::{Accumulator, ChatChunk, ChatStream};
use crate::core::error::{Error, ErrorKind};
use crate::core::sse::SseDecoder;
use crate::web::abort::Stopper;
use crate::web::stream::ResponseStream;

/// The state every view of one stream shares: the body, the SSE and stream rules, and the
/// accumulated completion.
struct Inner {
    body: ResponseStream,
    rules: ChatStream,
    acc: Accumulator,
    ended: bool,
}

type Cell = Rc<RefCell<Option<Inner>>>;

/// One stream, seen by several views (objects, text, SSE bytes) that share a queue.
#[derive(Clone)]
struct Shared {
    cell: Cell,
    serial: Rc<Serial>,
    stopper: Stopper,
    client: Rc<Client>,
    /// The `finalChatCompletion()` result, once the stream is over.
    result: Rc<RefCell<Option<Result<String, Error>>>>,
    /// Whether the SSE view has sent its closing `[DONE]`.
    sse_done: Rc<std::cell::Cell<bool>>,
}

/// Takes the next chunk (accumulating it), `None` at a complete end. The state is moved out of
/// its cell while it is read, so no borrow is held across an await.
async fn next_chunk(shared: &Shared) -> Result<Option<ChatChunk>, Error> {
    let Some(mut inner) = shared.cell.borrow_mut().take() else {
        return match shared.result.borrow().as_ref() {
            Some(Err(e)) => Err(e.clone()),
            _ => Ok(None),
        };
    };
    let outcome = step(&mut inner).await.map_err(|e| inner.body.tag(e));
    match &outcome {
        Ok(Some(_)) => *shared.cell.borrow_mut() = Some(inner),
        Ok(None) => *shared.result.borrow_mut() = Some(Ok(inner.acc.to_json())),
        Err(e) => *shared.result.borrow_mut() = Some(Err(e.clone())),
    }
    outcome
}

async fn step(inner: &mut Inner) -> Result<Option<ChatChunk>, Error> {
    loop {
        let ready = if inner.ended {
            inner.rules.finish().transpose()
        } else {
            inner.rules.next_chunk()
        };
        if let Some(chunk) = ready {
            let chunk = chunk?;
            inner.acc.push_chunk(&chunk)?;
            return Ok(Some(chunk));
        }
        if inner.ended || inner.rules.is_done() {
            return Ok(None);
        }
        match inner.body.next().await? {
            Some(bytes) => inner.rules.push(&bytes.to_vec()),
            None => inner.ended = true,
        }
    }
}

fn parse(chunk: &ChatChunk) -> Result<JsValue, Error> {
    js_sys::JSON::parse(&chunk.data).map_err(|_| {
        let mut e = Error::new(ErrorKind::Decode, "a stream chunk is not valid JSON");
        e.body = Some(chunk.data.clone());
        e
    })
}

/// What a view hands out for each chunk.
#[derive(Clone, Copy)]
enum View {
    Objects,
    Text,
    Sse,
}

/// A chunk already decoded (no read needed), taken synchronously: the fast path of `next()`.
fn ready_chunk(shared: &Shared) -> Option<Result<ChatChunk, Error>> {
    let mut cell = shared.cell.borrow_mut();
    let inner = cell.as_mut()?;
    if inner.ended {
        return None;
    }
    let outcome = inner
        .rules
        .next_chunk()?
        .and_then(|chunk| inner.acc.push_chunk(&chunk).map(|()| chunk));
    match outcome {
        Ok(chunk) => Some(Ok(chunk)),
        Err(e) => {
            let e = inner.body.tag(e);
            cell.take();
            *shared.result.borrow_mut() = Some(Err(e.clone()));
            Some(Err(e))
        }
    }
}

impl Shared {
    fn next(&self, view: View) -> js_sys::Promise {
        // Nothing in flight and a chunk already decoded: answer without a task.
        if self.serial.idle() {
            loop {
                let item = match ready_chunk(self) {
                    None => break,
                    Some(Ok(chunk)) => match view {
                        View::Objects => parse(&chunk),
                        View::Text if chunk.text.is_empty() => continue,
                        View::Text => Ok(JsValue::from_str(&chunk.text)),
                        View::Sse => Ok(sse_bytes(&chunk)),
                    },
                    Some(Err(e)) => Err(e),
                };
                return match item {
                    Ok(v) => js_sys::Promise::resolve(&iter_result(&v, false)),
                    Err(e) => js_sys::Promise::reject(&self.client.fail(e)),
                };
            }
        }
        let me = self.clone();
        self.serial.run(async move {
            loop {
                let item = match next_chunk(&me).await {
                    Ok(Some(chunk)) => match view {
                        View::Objects => parse(&chunk),
                        View::Text if chunk.text.is_empty() => continue,
                        View::Text => Ok(JsValue::from_str(&chunk.text)),
                        View::Sse => Ok(sse_bytes(&chunk)),
                    },
                    Ok(None) => {
                        let done = matches!(view, View::Sse) && me.mark_sse_done();
                        return Ok(if done {
                            iter_result(
                                &js_sys::Uint8Array::from(&b"data: [DONE]\n\n"[..]).into(),
                                false,
                            )
                        } else {
                            iter_result(&JsValue::UNDEFINED, true)
                        });
                    }
                    Err(e) => Err(e),
                };
                return item
                    .map(|v| iter_result(&v, false))
                    .map_err(|e| me.client.fail(e));
            }
        })
    }

    /// For the SSE view: true the first time the end is reached (to send `[DONE]` once).
    fn mark_sse_done(&self) -> bool {
        !self.sse_done.replace(true)
    }

    fn stop(&self) -> js_sys::Promise {
        self.stopper.stop();
        self.cell.borrow_mut().take();
        js_sys::Promise::resolve(&iter_result(&JsValue::UNDEFINED, true))
    }
}

fn sse_bytes(chunk: &ChatChunk) -> JsValue {
    let mut out = Vec::with_capacity(chunk.data.len() + 8);
    if let Some(event) = &chunk.event {
        out.extend_from_slice(b"event: ");
        out.extend_from_slice(event.as_bytes());
        out.push(b'\n');
    }
    for line in chunk.data.split('\n') {
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    out.push(b'\n');
    js_sys::Uint8Array::from(&out[..]).into()
}

/// A streamed chat completion (or completion): `for await (const chunk of stream)` yields the
/// chunk objects as the server sent them; breaking out aborts the request.
#[wasm_bindgen]
pub struct ChatCompletionStream {
    shared: Shared,
    request_id: Option<String>,
    status: u16,
}

impl ChatCompletionStream {
    /// Wraps a started SSE response.
    pub fn into_js(client: Rc<Client>, body: ResponseStream) -> JsValue {
        let request_id = body.request_id().map(str::to_string);
        let status = body.status();
        let shared = Shared {
            stopper: body.stopper(),
            cell: Rc::new(RefCell::new(Some(Inner {
                body,
                rules: match client.max_event_bytes {
                    Some(n) => ChatStream::with_decoder(SseDecoder::with_max_event_size(n)),
                    None => ChatStream::new(),
                },
                acc: Accumulator::new(),
                ended: false,
            }))),
            serial: Rc::new(Serial::default()),
            client,
            result: Rc::new(RefCell::new(None)),
            sse_done: Rc::new(std::cell::Cell::new(false)),
        };
        make_async_iterable(
            ChatCompletionStream {
                shared,
                request_id,
                status,
            }
            .into(),
        )
    }
}

#[wasm_bindgen]
impl ChatCompletionStream {
    /// The next chunk object.
    #[wasm_bindgen(
        unchecked_return_type = "Promise<IteratorResult<ChatCompletionChunk, undefined>>"
    )]
    pub fn next(&self) -> js_sys::Promise {
        self.shared.next(View::Objects)
    }

    /// Stops the stream and aborts the request (called by `for await` on `break`).
    #[wasm_bindgen(
        js_name = "return",
        unchecked_return_type = "Promise<IteratorResult<ChatCompletionChunk, undefined>>"
    )]
    pub fn return_(&self) -> js_sys::Promise {
        self.shared.stop()
    }

    /// Aborts the request; pending and later reads reject with an `AbortError`.
    pub fn abort(&self) {
        self.shared.stopper.stop();
    }

    /// The rest of the stream as an async iterable of text deltas (`delta.content`, or `text`
    /// for completions), skipping chunks without text.
    #[wasm_bindgen(js_name = textStream, unchecked_return_type = "TextDeltaStream")]
    pub fn text_stream(&self) -> JsValue {
        make_async_iterable(
            TextDeltaStream {
                shared: self.shared.clone(),
            }
            .into(),
        )
    }

    /// Reads the rest of the stream and resolves to the assembled `chat.completion` (message
    /// content concatenated, tool calls assembled by index, usage when sent).
    #[wasm_bindgen(js_name = finalChatCompletion, unchecked_return_type = "Promise<ChatCompletion>")]
    pub fn final_chat_completion(&self) -> js_sys::Promise {
        let me = self.shared.clone();
        self.shared.serial.run(async move {
            loop {
                match next_chunk(&me).await {
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err(e) => return Err(me.client.fail(e)),
                }
            }
            let json = match me.result.borrow().as_ref() {
                Some(Ok(json)) => json.clone(),
                Some(Err(e)) => return Err(me.client.fail(e.clone())),
                None => {
                    return Err(me.client.fail(Error::new(
                        ErrorKind::Aborted,
                        "the stream was closed before its end",
                    )))
                }
            };
            js_sys::JSON::parse(&json)
        })
    }

    /// The source behind `toReadableStream()`: the rest of the stream re-encoded as SSE bytes
    /// (`data: {...}\n\n` ... `data: [DONE]\n\n`), for answering a browser from a worker.
    #[wasm_bindgen(js_name = sseSource, unchecked_return_type = "SseByteSource")]
    pub fn sse_source(&self) -> JsValue {
        SseByteSource {
            shared: self.shared.clone(),
        }
        .into()
    }

    /// The response's request id.
    #[wasm_bindgen(getter, js_name = requestId)]
    pub fn request_id(&self) -> Option<String> {
        self.request_id.clone()
    }

    /// The response's HTTP status.
    #[wasm_bindgen(getter)]
    pub fn status(&self) -> u16 {
        self.status
    }
}

/// The text-delta view of a [`ChatCompletionStream`].
#[wasm_bindgen]
pub struct TextDeltaStream {
    shared: Shared,
}

#[wasm_bindgen]
impl TextDeltaStream {
    /// The next non-empty text delta.
    #[wasm_bindgen(unchecked_return_type = "Promise<IteratorResult<string, undefined>>")]
    pub fn next(&self) -> js_sys::Promise {
        self.shared.next(View::Text)
    }

    /// Stops the stream and aborts the request.
    #[wasm_bindgen(
        js_name = "return",
        unchecked_return_type = "Promise<IteratorResult<string, undefined>>"
    )]
    pub fn return_(&self) -> js_sys::Promise {
        self.shared.stop()
    }
}

/// The SSE-bytes view of a [`ChatCompletionStream`], pulled by `toReadableStream()`.
#[wasm_bindgen]
pub struct SseByteSource {
    shared: Shared,
}

#[wasm_bindgen]
impl SseByteSource {
    /// The next event as SSE bytes; `data: [DONE]\n\n` last.
    #[wasm_bindgen(unchecked_return_type = "Promise<IteratorResult<Uint8Array, undefined>>")]
    pub fn next(&self) -> js_sys::Promise {
        self.shared.next(View::Sse)
    }

    /// Stops the stream and aborts the request.
    #[wasm_bindgen(
        js_name = "return",
        unchecked_return_type = "Promise<IteratorResult<Uint8Array, undefined>>"
    )]
    pub fn return_(&self) -> js_sys::Promise {
        self.shared.stop()
    }
}
