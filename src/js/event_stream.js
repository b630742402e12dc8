// @ts-check
// The JavaScript half of the event streams users hold: `EventStream`, the base of
// `ChatCompletionStream` (chat_stream.js) and `ResponseStream` (response_stream.js). Rust
// (`EventReader`, event_reader.rs) reads the body, applies the stream's rules and accumulates
// its final object; each `read()` hands over every event decoded from one network read in a
// single crossing (one string and its offsets). This class serves them from a JS buffer
// (`JSON.parse` for objects, slices for text, SSE bytes for proxying), so an event costs no
// crossing, and frees the Rust side as soon as the stream is over (its final object, or its
// error, is kept here), so finished streams hold no wasm memory. `tee()` gives two such streams
// sharing the Rust half through the generic `tee` of streams.js.
import { END } from "../web/codes.js";
import { tee, toReadableStream } from "./streams.js";

/**
 * What one `read()` of the Rust side hands over (see `eventBatch`).
 * @typedef {object} Batch
 * @property {string} s the events' text
 * @property {Uint32Array | number[]} o offsets into `s` (see `eventBatch`)
 * @property {number} end an END code
 * @property {unknown} v the final object's JSON (END.COMPLETE) or the error (END.FAILED)
 */

/**
 * The Rust half (`EventReader`), as this class uses it.
 * @typedef {object} Reader
 * @property {(textOnly: boolean) => Promise<Batch>} read
 * @property {() => Batch} full
 * @property {() => unknown} stop
 * @property {() => unknown} closed
 * @property {() => void} abort
 * @property {(data: string) => unknown} decodeError
 * @property {() => void} free
 */

/** The views of one stream, each reading from the shared queue. */
export const OBJECTS = 0, TEXT = 1, SSE = 2;

/** @type {TextEncoder | undefined} */
let encoder;
/** @type {IteratorReturnResult<undefined>} */
const DONE = { value: undefined, done: true };

/** One server-sent event as bytes. @param {string} event @param {string} data */
function sseBytes(event, data) {
  const head = event ? "event: " + event + "\n" : "";
  const body = data.indexOf("\n") < 0 ? data : data.split("\n").join("\ndata: ");
  return (encoder ??= new TextEncoder()).encode(head + "data: " + body + "\n\n");
}

/**
 * An async iterable over `next`, ending the stream on `return`.
 * @template T
 * @param {() => Promise<IteratorResult<T, undefined>>} next
 * @param {() => Promise<IteratorResult<T, undefined>>} stop
 */
export function views(next, stop) {
  return { next, return: stop, [Symbol.asyncIterator]() { return this; } };
}

export class EventStream {
  /** @type {Reader | null} */ #raw;
  /** @type {string | undefined} */ #rid;
  /** @type {number} */ #status;
  #s = "";
  /** @type {Uint32Array | number[]} */ #o = [];
  #i = 0;
  #n = 0;
  /** @type {number} an END code */ #end = END.LIVE;
  /** @type {unknown} */ #v;
  /** @type {Promise<void> | null} */ #filling = null;
  #sseDone = false;
  /** Whether the SSE view ends with `data: [DONE]` (chat streams do; Responses streams end with
   * their terminal event). */
  doneEvent = false;
  #textOnly = false;
  /** A branch of a tee: its batches are shared, so always read in full. */ #fullOnly = false;

  /** @param {Reader} raw @param {string | undefined} requestId @param {number} status */
  constructor(raw, requestId, status) { this.#raw = raw; this.#rid = requestId; this.#status = status; }
  /** The response's request id. */
  get requestId() { return this.#rid; }
  /** The response's HTTP status. */
  get status() { return this.#status; }
  [Symbol.asyncIterator]() { return this; }
  next() { return this.#next(OBJECTS); }
  /**
   * The next item of `view` (OBJECTS, TEXT), for the views of subclasses.
   * @param {number} view
   */
  read(view) { return this.#next(view); }
  return() { this.#close(); return Promise.resolve(DONE); }
  abort() { if (this.#raw && this.#end === END.LIVE) this.#raw.abort(); }
  textStream() { return views(() => this.#next(TEXT), () => this.return()); }
  toReadableStream() {
    return toReadableStream({ next: () => this.#next(SSE), return: () => this.return() });
  }
  /**
   * Two independent streams of the rest of this one, each with every chunk in order; this one
   * yields nothing more (it rejects with a TypeError).
   * @returns {[this, this]}
   */
  tee() {
    if (this.#filling) throw new TypeError("tee() while a read of the stream is pending");
    if (this.#textOnly && this.#i < this.#n) this.#full();
    const raw = this.#raw;
    const readers = raw === null ? [null, null] : teeReaders(raw);
    const branches = readers.map((r) => {
      const b = new /** @type {any} */ (this.constructor)(/** @type {Reader} */ (r), this.#rid, this.#status);
      b.#s = this.#s; b.#o = this.#o; b.#i = this.#i; b.#n = this.#n;
      b.#end = this.#end; b.#v = this.#v; b.#textOnly = this.#textOnly; b.#fullOnly = true;
      return b;
    });
    this.#raw = null;
    this.#i = this.#n;
    this.#end = END.FAILED;
    this.#v = new TypeError("this stream was split by tee(): read its branches");
    return [branches[0], branches[1]];
  }
  /** Reads the rest of the stream and resolves to its final object (or rejects with its error). */
  async final() {
    while (this.#end === END.LIVE) { this.#i = this.#n; await this.#fill(true); }
    this.#i = this.#n;
    this.#release();
    if (this.#end === END.COMPLETE) return JSON.parse(/** @type {string} */ (this.#v));
    throw this.#v;
  }

  /**
   * The next item of `view`.
   * @param {number} view
   * @returns {Promise<IteratorResult<any, undefined>>}
   */
  #next(view) {
    if (this.#i < this.#n && this.#textOnly && view !== TEXT) this.#full();
    const s = this.#s, o = this.#o;
    while (this.#i < this.#n) {
      if (this.#textOnly) {
        const k = this.#i++;
        if (o[k] === o[k + 1]) continue;
        return Promise.resolve({ value: s.slice(o[k], o[k + 1]), done: false });
      }
      const k = 3 * this.#i++;
      if (view === TEXT) {
        if (o[k + 2] === o[k + 3]) continue;
        return Promise.resolve({ value: s.slice(o[k + 2], o[k + 3]), done: false });
      }
      const data = s.slice(o[k + 1], o[k + 2]);
      if (view === SSE) return Promise.resolve({ value: sseBytes(s.slice(o[k], o[k + 1]), data), done: false });
      let value;
      try { value = JSON.parse(data); } catch { return Promise.reject(/** @type {Reader} */ (this.#raw).decodeError(data)); }
      return Promise.resolve({ value, done: false });
    }
    if (this.#end !== END.LIVE) {
      this.#release();
      if (this.#end === END.FAILED) return Promise.reject(this.#v);
      if (view === SSE && this.#end === END.COMPLETE && this.doneEvent && !this.#sseDone) {
        this.#sseDone = true;
        return Promise.resolve({ value: sseBytes("", "[DONE]"), done: false });
      }
      return Promise.resolve(DONE);
    }
    return this.#fill(view === TEXT).then(() => this.#next(view));
  }

  // A batch read for the text view holds only the text deltas; another view reading from it
  // fetches the same chunks in full (the Rust side keeps the last batch until the next read).
  #full() {
    const b = /** @type {Reader} */ (this.#raw).full();
    this.#s = b.s; this.#o = b.o; this.#textOnly = false;
  }

  /** @param {boolean} textOnly */
  #fill(textOnly) {
    if (this.#filling) return this.#filling;
    textOnly &&= !this.#fullOnly;
    return (this.#filling = /** @type {Reader} */ (this.#raw).read(textOnly).then((b) => {
      this.#filling = null;
      if (this.#end !== END.LIVE) return;
      this.#s = b.s; this.#o = b.o; this.#i = 0; this.#textOnly = textOnly;
      this.#n = textOnly ? b.o.length - 1 : (b.o.length - 1) / 3;
      if (b.end !== END.LIVE) { this.#end = b.end; this.#v = b.v; }
    }, (e) => {
      this.#filling = null;
      if (this.#end === END.LIVE) { this.#end = END.FAILED; this.#v = e; }
    }));
  }

  // Ends the stream early (break out of for await, a cancelled ReadableStream): aborts the
  // request and frees the Rust side.
  #close() {
    if (this.#end === END.LIVE && this.#raw) { this.#end = END.CLOSED; this.#v = this.#raw.stop(); }
    this.#i = this.#n;
    this.#release();
  }

  // Frees the Rust side once nothing buffered needs it (a pending read keeps what it uses alive).
  #release() {
    const raw = this.#raw;
    if (raw && this.#end !== END.LIVE && this.#i >= this.#n) { this.#raw = null; raw.free(); }
  }
}


/**
 * Two readers sharing `raw` (see `tee`): each gets every batch; the request stops when both
 * streams are closed early, and `raw` is freed when both are done with it.
 * @param {Reader} raw
 * @returns {[Reader, Reader]}
 */
function teeReaders(raw) {
  let live = 2;
  const [a, b] = tee(() => raw.read(false));
  /** @param {import("./streams.js").Branch<Batch>} br @returns {Reader} */
  const reader = (br) => {
    let freed = false;
    return {
      read: () => br.next(),
      full: () => raw.full(),
      stop: () => (br.cancel() ? raw.stop() : raw.closed()),
      closed: () => raw.closed(),
      abort: () => raw.abort(),
      decodeError: (data) => raw.decodeError(data),
      free() {
        if (freed) return;
        freed = true;
        if (--live === 0) raw.free();
      },
    };
  };
  return [reader(a), reader(b)];
}

/**
 * What one `read()` hands over: `s` the events' text, `o` the UTF-16 offsets of each event's
 * name, data and text delta in it (3 per event, or only the text delta for a text-only batch,
 * after a leading 0), `end` an END code and `v` its value. Made here for the Rust side (which
 * names this file, so that wasm-bindgen ships it for the stream classes that import it).
 * @param {string} s @param {Uint32Array} o @param {number} end @param {unknown} v
 * @returns {Batch}
 */
export function eventBatch(s, o, end, v) { return { s, o, end, v }; }
