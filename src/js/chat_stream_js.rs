//! The JavaScript face of a streamed chat completion: the `ChatCompletionStream` class users
//! hold. Rust ([`super::event_stream::RawChatStream`]) reads the body, applies the SSE and
//! stream rules and accumulates the completion; each `read()` hands over every chunk decoded
//! from one network read in a single crossing (one string and its offsets). This class serves
//! them from a JS buffer (`JSON.parse` for objects, slices for text, SSE bytes for proxying), so
//! a chunk costs no crossing, and frees the Rust side as soon as the stream is over (its final
//! completion, or its error, is kept here), so finished streams hold no wasm memory.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
let encoder;
const DONE = { value: undefined, done: true };
function sseBytes(event, data) {
  const head = event ? "event: " + event + "\n" : "";
  const body = data.indexOf("\n") < 0 ? data : data.split("\n").join("\ndata: ");
  return (encoder ??= new TextEncoder()).encode(head + "data: " + body + "\n\n");
}
function views(next, stop) {
  return { next, return: stop, [Symbol.asyncIterator]() { return this; } };
}
// Views: 0 chunk objects, 1 text deltas, 2 SSE bytes. End: 0 live, 1 complete (value: the
// final completion's JSON), 2 failed (value: the error), 3 closed early (value: the error
// finalChatCompletion() reports).
class ChatCompletionStream {
  #raw; #rid; #status; #s = ""; #o = null; #i = 0; #n = 0; #end = 0; #v; #filling = null; #sseDone = false; #textOnly = false;
  constructor(raw) { this.#raw = raw; this.#rid = raw.requestId; this.#status = raw.status; }
  /** The response's request id. */
  get requestId() { return this.#rid; }
  /** The response's HTTP status. */
  get status() { return this.#status; }
  [Symbol.asyncIterator]() { return this; }
  next() { return this.#next(0); }
  return() { this.#close(); return Promise.resolve(DONE); }
  abort() { if (this.#raw && !this.#end) this.#raw.abort(); }
  textStream() { return views(() => this.#next(1), () => this.return()); }
  toReadableStream() {
    const next = () => this.#next(2);
    return new ReadableStream({
      async pull(controller) {
        const r = await next();
        if (r.done) controller.close(); else controller.enqueue(r.value);
      },
      cancel: () => { this.#close(); },
    }, { highWaterMark: 0 });
  }
  async finalChatCompletion() {
    while (!this.#end) { this.#i = this.#n; await this.#fill(true); }
    this.#i = this.#n;
    this.#release();
    if (this.#end === 1) return JSON.parse(this.#v);
    throw this.#v;
  }
  #next(view) {
    if (this.#i < this.#n && this.#textOnly && view !== 1) this.#full();
    const s = this.#s, o = this.#o;
    while (this.#i < this.#n) {
      if (this.#textOnly) {
        const k = this.#i++;
        if (o[k] === o[k + 1]) continue;
        return Promise.resolve({ value: s.slice(o[k], o[k + 1]), done: false });
      }
      const k = 3 * this.#i++;
      if (view === 1) {
        if (o[k + 2] === o[k + 3]) continue;
        return Promise.resolve({ value: s.slice(o[k + 2], o[k + 3]), done: false });
      }
      const data = s.slice(o[k + 1], o[k + 2]);
      if (view === 2) return Promise.resolve({ value: sseBytes(s.slice(o[k], o[k + 1]), data), done: false });
      let value;
      try { value = JSON.parse(data); } catch { return Promise.reject(this.#raw.decodeError(data)); }
      return Promise.resolve({ value, done: false });
    }
    if (this.#end) {
      this.#release();
      if (this.#end === 2) return Promise.reject(this.#v);
      if (view === 2 && this.#end === 1 && !this.#sseDone) {
        this.#sseDone = true;
        return Promise.resolve({ value: sseBytes("", "[DONE]"), done: false });
      }
      return Promise.resolve(DONE);
    }
    return this.#fill(view === 1).then(() => this.#next(view));
  }
  // A batch read for the text view holds only the text deltas; another view reading from it
  // fetches the same chunks in full (the Rust side keeps the last batch until the next read).
  #full() {
    const b = this.#raw.full();
    this.#s = b.s; this.#o = b.o; this.#textOnly = false;
  }
  #fill(textOnly) {
    if (this.#filling) return this.#filling;
    return (this.#filling = this.#raw.read(textOnly).then((b) => {
      this.#filling = null;
      if (this.#end) return;
      this.#s = b.s; this.#o = b.o; this.#i = 0; this.#textOnly = textOnly;
      this.#n = textOnly ? b.o.length - 1 : (b.o.length - 1) / 3;
      if (b.end) { this.#end = b.end; this.#v = b.v; }
    }, (e) => {
      this.#filling = null;
      if (!this.#end) { this.#end = 2; this.#v = e; }
    }));
  }
  // Ends the stream early (break out of for await, a cancelled ReadableStream): aborts the
  // request and frees the Rust side.
  #close() {
    if (!this.#end) { this.#end = 3; this.#v = this.#raw.stop(); }
    this.#i = this.#n;
    this.#release();
  }
  // Frees the Rust side once nothing buffered needs it (a pending read keeps what it uses alive).
  #release() {
    const raw = this.#raw;
    if (raw && this.#end && this.#i >= this.#n) { this.#raw = null; raw.free(); }
  }
}
export function newChatStream(raw) { return new ChatCompletionStream(raw); }
export function chatBatch(s, o, end, v) { return { s, o, end, v }; }
"#)]
extern "C" {
    /// Wraps a `RawChatStream` in the `ChatCompletionStream` class.
    #[wasm_bindgen(js_name = newChatStream)]
    pub fn new_chat_stream(raw: JsValue) -> JsValue;
    /// What one `read()` hands over: `s` the chunks' text, `o` the UTF-16 offsets of each
    /// chunk's event name, data and text delta in it (3 per chunk, or only the text delta for a
    /// text-only batch, after a leading 0), `end` and `v` as in the class above.
    #[wasm_bindgen(js_name = chatBatch)]
    pub fn chat_batch(s: &str, o: Vec<u32>, end: u8, v: &JsValue) -> JsValue;
}
