// The responses of the Node transport (node_transport.cjs): what `fetch` gives (status, headers,
// text(), json(), a ReadableStream body, ...) over an HTTP/2 stream (h2_connection.cjs) or a node:http response,
// without building a WHATWG Response per request (that costs about as much as the request
// itself on Node). The body waits, paused, until it is read (no unbounded buffering): text()
// gathers it, `body` is a pull-based ReadableStream that pauses the source when its queue is
// full (HTTP/2 flow control then stops the server). `toResponse()` gives a real Response (the
// package hands that one to callers: `asResponse()`, `withResponse()`).
"use strict";

const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const QUEUE_BYTES = 65536;

/** `fetch`'s error for a body that broke off (undici: TypeError "terminated", with a cause). */
function terminated(cause) {
  const e = new TypeError("terminated");
  e.cause = cause;
  return e;
}

/** Response headers over Node's plain object (lower-case names, set-cookie as an array). */
class NodeHeaders {
  /** @param {Record<string, string | string[] | undefined>} raw */
  constructor(raw) {
    this._raw = raw;
  }
  get(name) {
    const v = this._raw[String(name).toLowerCase()];
    if (v === undefined || name[0] === ":") return null;
    return Array.isArray(v) ? v.join(", ") : String(v);
  }
  has(name) {
    return this.get(name) !== null;
  }
  getSetCookie() {
    const v = this._raw["set-cookie"];
    return v === undefined ? [] : Array.isArray(v) ? v.slice() : [String(v)];
  }
  *entries() {
    for (const k of Object.keys(this._raw).sort()) {
      if (k[0] !== ":" && this._raw[k] !== undefined) yield [k, /** @type {string} */ (this.get(k))];
    }
  }
  *keys() {
    for (const [k] of this.entries()) yield k;
  }
  *values() {
    for (const [, v] of this.entries()) yield v;
  }
  forEach(fn, thisArg) {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }
  [Symbol.iterator]() {
    return this.entries();
  }
  /** A real `Headers` with the same entries. */
  toHeaders() {
    const h = new Headers();
    for (const [k, v] of Object.entries(this._raw)) {
      if (k[0] === ":" || v === undefined) continue;
      if (Array.isArray(v)) for (const x of v) h.append(k, x);
      else h.append(k, String(v));
    }
    return h;
  }
}

/**
 * A response whose headers have arrived. `source` is a paused Readable (the body), `cancel`
 * ends the request (an RST_STREAM, or the HTTP/1.1 socket closed).
 */
class NodeResponse {
  constructor(status, statusText, raw, source, url, cancel) {
    this.status = status;
    this.statusText = statusText;
    this.headers = new NodeHeaders(raw);
    this.url = url;
    this.redirected = false;
    this.type = "basic";
    this._source = source;
    this._cancel = cancel;
    this._used = false;
    /** @type {ReadableStream<Uint8Array> | null} */
    this._body = null;
    /** @type {Response | null} */
    this._real = null;
    /** @type {unknown} why the body broke off, kept for a reader that comes later */
    this._err = undefined;
    source.on("_broken", (e) => {
      if (this._err === undefined) this._err = e;
    });
    // No body to read: the source is drained at once, so its HTTP/1.1 socket goes back to the
    // agent (and an HTTP/2 stream ends) whether or not anyone reads.
    if (NULL_BODY.has(status)) source.resume();
  }
  /**
   * Drops the body unread (a redirect's): drained when all of it has come (the connection is
   * reused), else the request is cancelled, so a body that never ends costs nothing.
   */
  discard() {
    if (this._used || this._real !== null) return;
    this._used = true;
    const src = /** @type {any} */ (this._source);
    if (src.remoteEnded === true || src.complete === true) src.resume();
    else this._cancel();
  }
  get ok() {
    return this.status >= 200 && this.status < 300;
  }
  get bodyUsed() {
    return this._used;
  }
  /** The body as a ReadableStream, made on first use (null for a status without a body). */
  get body() {
    if (this._body !== null) return this._body;
    if (NULL_BODY.has(this.status)) return null;
    if (this._used) {
      // Read by text() already: a stream that is used up, as fetch's would be.
      this._body = new ReadableStream({ pull: (c) => c.close() });
      return this._body;
    }
    const src = this._source;
    const cancel = this._cancel;
    let done = false;
    this._body = new ReadableStream(
      {
        start: (c) => {
          this._used = true;
          if (this._err !== undefined || src.readableEnded) {
            done = true;
            if (this._err !== undefined) c.error(terminated(this._err));
            else c.close();
            return;
          }
          // The chunks of one socket read (an HTTP/1.1 parser gives each chunk of a chunked
          // body on its own: a token stream sends many) reach the reader as one, at the end of
          // the tick.
          /** @type {Buffer[] | null} */
          let parts = null;
          const flush = () => {
            const p = parts;
            parts = null;
            if (done || p === null) return;
            const d = p.length === 1 ? p[0] : Buffer.concat(p);
            c.enqueue(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
            if (/** @type {number} */ (c.desiredSize) <= 0) src.pause();
          };
          src.on("data", (d) => {
            if (done) return;
            if (parts === null) {
              parts = [d];
              process.nextTick(flush);
            } else parts.push(d);
          });
          src.on("end", () => {
            if (!done) {
              flush();
              done = true;
              c.close();
            }
          });
          src.on("_broken", (e) => {
            if (!done) {
              done = true;
              c.error(terminated(e));
            }
          });
        },
        pull: () => {
          src.resume();
        },
        cancel: () => {
          done = true;
          cancel();
        },
      },
      { highWaterMark: QUEUE_BYTES, size: (chunk) => chunk.byteLength },
    );
    return this._body;
  }
  /** The whole body as bytes (a Buffer). */
  _collect() {
    if (this._real !== null) return this._real.arrayBuffer().then((a) => Buffer.from(a));
    if (this._used) return Promise.reject(new TypeError("Body is unusable: Body has already been read"));
    this._used = true;
    if (NULL_BODY.has(this.status)) return Promise.resolve(Buffer.alloc(0));
    const src = this._source;
    if (this._err !== undefined) return Promise.reject(terminated(this._err));
    // Ended before anyone read it: an empty body (Node may end a stream with no data at once).
    if (src.readableEnded) return Promise.resolve(Buffer.alloc(0));
    return new Promise((resolve, reject) => {
      /** @type {Buffer[]} */
      const parts = [];
      src.on("data", (d) => parts.push(d));
      src.on("end", () => resolve(parts.length === 1 ? parts[0] : Buffer.concat(parts)));
      src.on("_broken", (e) => reject(terminated(e)));
      src.resume();
    });
  }
  text() {
    return this._collect().then((b) => {
      const s = b.toString("utf8");
      return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
    });
  }
  json() {
    return this.text().then(JSON.parse);
  }
  arrayBuffer() {
    return this._collect().then((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  }
  bytes() {
    return this._collect().then((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  }
  blob() {
    return this._collect().then((b) => new Blob([b], { type: this.headers.get("content-type") ?? "" }));
  }
  clone() {
    return this.toResponse().clone();
  }
  /** The same response as a WHATWG `Response` (made once; it takes over the body). */
  toResponse() {
    if (this._real !== null) return this._real;
    const init = { status: this.status, statusText: this.statusText, headers: this.headers.toHeaders() };
    if (NULL_BODY.has(this.status)) return (this._real = new Response(null, init));
    const used = this._used && this._body === null;
    const body = /** @type {ReadableStream<Uint8Array>} */ (this.body);
    if (!used && !body.locked) return (this._real = new Response(body, init));
    // A body read already (text()) or being read (a stream): as fetch's Response would be,
    // used up or locked.
    const real = (this._real = new Response(new ReadableStream(), init));
    const b = /** @type {ReadableStream} */ (real.body);
    if (used) b.cancel().catch(() => {});
    else b.getReader();
    return real;
  }
}

/**
 * Makes `asResponse()` and `withResponse()` of `APIPromise` (src/js/api_promise.js, this entry's
 * copy) hand out a WHATWG `Response` where the call went over the Node transport, whose
 * NodeResponse is lighter. Done here, by the Node entries, so that the glue browsers and workers
 * load carries nothing of the Node transport.
 * @param {{ prototype: { asResponse(): Promise<any>, withResponse(): Promise<{ response: any }> } }} APIPromise
 */
function realResponses(APIPromise) {
  const p = APIPromise.prototype;
  const { asResponse, withResponse } = p;
  /** @param {any} r */
  const real = (r) => (r instanceof NodeResponse ? r.toResponse() : r);
  p.asResponse = function () {
    return asResponse.call(this).then(real);
  };
  p.withResponse = function () {
    return withResponse.call(this).then((w) => ({ ...w, response: real(w.response) }));
  };
}

module.exports = { NodeHeaders, NodeResponse, terminated, realResponses };
