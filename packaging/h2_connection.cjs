// One HTTP/2 client connection (RFC 9113) over a socket the caller connected (net for h2c, tls
// with ALPN "h2"): the frames, both directions of flow control, SETTINGS, PING, GOAWAY and
// RST_STREAM. Written for the Node transport because Node's own node:http2 client costs 40-60 us
// of CPU per stream (a Duplex, nghttp2 callbacks and header mapping each), which capped batch
// calls at 0.6x the native performance client; here a request is a few Buffer writes, and the
// frames of every request made in one turn go out in one socket write.
//
// The receive side bounds what it buffers: each stream's window (STREAM_WINDOW) is given back
// only as its reader takes the data (H2Stream.resume), so a body nobody reads stops the server.
// The connection's window is given back on receipt, so one stalled stream never stalls others.
"use strict";

const { EventEmitter } = require("node:events");
const { HpackDecoder, HpackError, encodeHeaders } = require("./hpack.cjs");

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");
const T = { DATA: 0, HEADERS: 1, PRIORITY: 2, RST_STREAM: 3, SETTINGS: 4, PUSH_PROMISE: 5, PING: 6, GOAWAY: 7, WINDOW_UPDATE: 8, CONTINUATION: 9 };
const END_STREAM = 0x1;
const ACK = 0x1;
const END_HEADERS = 0x4;
const PADDED = 0x8;
const PRIORITY_FLAG = 0x20;
/** Error codes (RFC 9113 section 7). */
const E = { NO_ERROR: 0, PROTOCOL_ERROR: 1, INTERNAL_ERROR: 2, FLOW_CONTROL_ERROR: 3, STREAM_CLOSED: 5, FRAME_SIZE_ERROR: 6, REFUSED_STREAM: 7, CANCEL: 8, COMPRESSION_ERROR: 9 };
const CODE_NAMES = Object.fromEntries(Object.entries(E).map(([k, v]) => [v, k]));

/** What one stream may hold unread (its receive window), and the whole connection. */
const STREAM_WINDOW = 1 << 20;
const CONN_WINDOW = 1 << 24;
/** The largest frame we accept (we never raise SETTINGS_MAX_FRAME_SIZE). */
const MAX_FRAME = 16384;
/** The largest response header block we decode. */
const MAX_HEADER_BLOCK = 256 * 1024;
const MAX_WINDOW = 2 ** 31 - 1;
const MAX_STREAM_ID = 2 ** 31 - 1;
/** How long the server has to send its SETTINGS after the connection opens. */
const CONNECT_MS = 10_000;
/** How long the server has to answer the PING sent when a stream is cancelled. */
const PING_MS = 10_000;

/** Our SETTINGS: no server push, our stream window; everything else at its default. */
function settingsPayload() {
  const p = Buffer.alloc(12);
  p.writeUInt16BE(2, 0); // ENABLE_PUSH
  p.writeUInt32BE(0, 2);
  p.writeUInt16BE(4, 6); // INITIAL_WINDOW_SIZE
  p.writeUInt32BE(STREAM_WINDOW, 8);
  return p;
}

/** A 9-byte frame header. */
function head(length, type, flags, id) {
  const h = Buffer.allocUnsafe(9);
  h[0] = length >>> 16;
  h[1] = (length >>> 8) & 0xff;
  h[2] = length & 0xff;
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(id, 5);
  return h;
}

function u32(n) {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n, 0);
  return b;
}

/** An error with a Node-like `code`, for `cause`. */
function h2Error(message, code, extra) {
  const e = new Error(message);
  /** @type {any} */ (e).code = code;
  if (extra) Object.assign(e, extra);
  return e;
}

/** The error of a stream the server reset (`RST_STREAM` with `code`). */
function resetError(code) {
  const name = CODE_NAMES[code] || `0x${code.toString(16)}`;
  return h2Error(`the HTTP/2 stream was reset by the server (${name})`, "ERR_HTTP2_STREAM_ERROR", { rstCode: code });
}

/**
 * One request's stream: the response's body as a paused source with the subset of a Readable
 * that NodeResponse uses (`on("data" | "end" | "_broken")`, `pause`, `resume`, `readableEnded`).
 */
class H2Stream extends EventEmitter {
  /** @param {H2Connection} conn @param {number} id */
  constructor(conn, id) {
    super();
    this.conn = conn;
    this.id = id;
    /** @type {((status: number, headers: Record<string, string | string[]>) => void) | null} */
    this.onResponse = null;
    /** @type {((error: Error) => void) | null} a failure before the response */
    this.onFail = null;
    this.responded = false;
    /** END_STREAM came from the server */
    this.remoteEnded = false;
    /** our side is done sending */
    this.localEnded = false;
    this.closed = false;
    this.readableEnded = false;
    this.flowing = false;
    /** @type {Buffer[]} */
    this.queue = [];
    /** bytes delivered to the reader and not yet given back to the server's window */
    this.credit = 0;
    /** what the server may still send (our window for this stream) */
    this.recvWindow = STREAM_WINDOW;
    /** what we may still send (the server's window for this stream) */
    this.sendWindow = conn.peerInitialWindow;
    /** @type {Buffer | null} the part of the request body still to send */
    this.pending = null;
    /** data came for it in the socket read being handled */
    this.touched = false;
  }
  pause() {
    this.flowing = false;
    return this;
  }
  resume() {
    this.flowing = true;
    const q = this.queue;
    // What came while paused (or in one socket read) goes to the reader as one chunk.
    if (q.length > 1) q.splice(0, q.length, Buffer.concat(q));
    while (this.flowing && q.length > 0) this.deliver(/** @type {Buffer} */ (q.shift()));
    if (this.flowing) this.maybeEnd();
    return this;
  }
  /** @param {Buffer} chunk */
  deliver(chunk) {
    this.credit += chunk.length;
    if (this.credit >= STREAM_WINDOW / 2 && !this.remoteEnded) {
      this.conn.windowUpdate(this.id, this.credit);
      this.recvWindow += this.credit;
      this.credit = 0;
    }
    this.emit("data", chunk);
  }
  maybeEnd() {
    if (this.remoteEnded && this.queue.length === 0 && !this.readableEnded) {
      this.readableEnded = true;
      this.emit("end");
    }
  }
  /** Stops the request: RST_STREAM(CANCEL) unless it is over; nothing more is delivered. */
  cancel() {
    if (this.closed) return;
    this.conn.reset(this, E.CANCEL);
    // A request given up on may be one a dead connection never answered: ask it.
    this.conn.checkAlive();
  }
  /** The stream failed: before the response the request fails, after it the body breaks. */
  fail(error) {
    if (!this.responded) {
      const f = this.onFail;
      this.onFail = null;
      this.onResponse = null;
      if (f !== null) f(error);
    } else if (!this.readableEnded) {
      this.queue.length = 0;
      this.emit("_broken", error);
    }
  }
}

/** An HTTP/2 client connection on `socket` (connected or connecting). */
class H2Connection {
  /**
   * @param {import("node:net").Socket} socket
   * @param {{ authority: string, scheme: string, onRetire?: (c: H2Connection) => void, onFree?: () => void, idleMs?: number }} options
   *   `onRetire`: it takes no new stream from now on; `onFree`: a stream closed (room for another)
   */
  constructor(socket, options) {
    this.socket = socket;
    this.authority = options.authority;
    this.scheme = options.scheme;
    this.onRetire = options.onRetire || null;
    this.onFree = options.onFree || null;
    this.idleMs = options.idleMs || 30_000;
    /** @type {Map<number, H2Stream>} */
    this.streams = new Map();
    this.nextId = 1;
    this.active = 0;
    /** false once a GOAWAY came, the socket closed, or the ids ran out */
    this.usable = true;
    this.destroyed = false;
    this.maxConcurrent = 100;
    this.peerInitialWindow = 65535;
    this.peerMaxFrame = 16384;
    this.sendWindow = 65535;
    /** connection-level bytes received and not yet given back */
    this.recvCredit = 0;
    /** what the server may still send on the connection */
    this.recvWindow = CONN_WINDOW;
    /** @type {ReturnType<typeof setTimeout> | null} a PING awaiting its ACK */
    this.pingTimer = null;
    this.decoder = new HpackDecoder(4096);
    /** @type {Buffer[]} frames to write at the end of this turn */
    this.out = [];
    this.flushing = false;
    /** @type {Buffer | null} the start of a frame not yet complete */
    this.rest = null;
    /** @type {{ id: number, flags: number, parts: Buffer[], size: number } | null} a header block awaiting CONTINUATION */
    this.cont = null;
    /** @type {H2Stream[]} streams that got data in the socket read being handled */
    this.touched = [];
    /** @type {Set<H2Stream>} streams with body bytes waiting for window */
    this.blocked = new Set();
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.idleTimer = null;
    this.flushNow = () => this.flush();
    socket.setNoDelay?.(true);
    socket.on("data", (d) => this.receive(d));
    socket.on("error", (e) => this.destroy(e));
    socket.on("close", () => this.destroy(h2Error("the HTTP/2 connection closed", "ECONNRESET")));
    this.write(PREFACE);
    this.frame(T.SETTINGS, 0, 0, settingsPayload());
    this.frame(T.WINDOW_UPDATE, 0, 0, u32(CONN_WINDOW - 65535));
    this.idle();
    /** @type {ReturnType<typeof setTimeout> | null} until the server's SETTINGS come */
    this.connectTimer = setTimeout(() => {
      this.destroy(h2Error(`no HTTP/2 answer from the server within ${CONNECT_MS / 1000} s`, "ETIMEDOUT"));
    }, CONNECT_MS);
    this.connectTimer.unref();
  }

  /** Whether another stream fits here now (not while a PING asks whether it is alive). */
  canTake() {
    return this.usable && this.active < this.maxConcurrent && this.pingTimer === null;
  }

  /** Sends a PING unless one is out; no ACK within PING_MS: the connection is dead. */
  checkAlive() {
    if (this.destroyed || this.pingTimer !== null) return;
    this.frame(T.PING, 0, 0, Buffer.alloc(8));
    this.pingTimer = setTimeout(() => {
      this.destroy(h2Error(`the server did not answer a PING within ${PING_MS / 1000} s`, "ETIMEDOUT"));
    }, PING_MS);
    this.pingTimer.unref();
  }
  /** The PING's ACK: the connection takes streams again. */
  onPingAck() {
    if (this.pingTimer === null) return;
    clearTimeout(this.pingTimer);
    this.pingTimer = null;
    if (this.usable && this.onFree !== null) this.onFree();
  }
  /** Stops the connection's timers. */
  clearTimers() {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    if (this.pingTimer !== null) clearTimeout(this.pingTimer);
    this.idleTimer = this.connectTimer = this.pingTimer = null;
  }

  /** Queues `buf`: the frames queued in one turn go out in one socket write, on process.nextTick (which Node runs once the promise jobs queued before it are done). */
  write(buf) {
    this.out.push(buf);
    if (!this.flushing) {
      this.flushing = true;
      process.nextTick(this.flushNow);
    }
  }
  flush() {
    this.flushing = false;
    const o = this.out;
    if (o.length === 0 || this.destroyed) return;
    this.out = [];
    this.socket.write(o.length === 1 ? o[0] : Buffer.concat(o));
  }
  /** @param {number} type @param {number} flags @param {number} id @param {Buffer} payload */
  frame(type, flags, id, payload) {
    this.write(head(payload.length, type, flags, id));
    if (payload.length > 0) this.write(payload);
  }
  /** Gives `n` bytes back to the server's window for stream `id` (0: the connection). */
  windowUpdate(id, n) {
    if (!this.destroyed) this.frame(T.WINDOW_UPDATE, 0, id, u32(n));
  }

  /**
   * Opens a stream: `fields` are the header fields after the pseudo-headers, flat
   * `[name, value, ...]` in lower case; `body` the request body or null.
   * @param {string} method @param {string} path @param {string[]} fields @param {Buffer | null} body
   */
  request(method, path, fields, body) {
    const id = this.nextId;
    this.nextId += 2;
    if (this.nextId > MAX_STREAM_ID) this.retire();
    const s = new H2Stream(this, id);
    this.streams.set(id, s);
    if (this.active++ === 0) this.busy();
    const block = encodeHeaders([":method", method, ":scheme", this.scheme, ":authority", this.authority, ":path", path, ...fields]);
    const noBody = body === null || body.length === 0;
    this.headerFrames(id, block, noBody);
    if (noBody) s.localEnded = true;
    else {
      s.pending = body;
      this.sendBody(s);
    }
    return s;
  }
  /** HEADERS, and CONTINUATION frames when the block is larger than the server's frame size. */
  headerFrames(id, block, endStream) {
    const max = this.peerMaxFrame;
    const es = endStream ? END_STREAM : 0;
    if (block.length <= max) {
      this.write(head(block.length, T.HEADERS, END_HEADERS | es, id));
      this.write(block);
      return;
    }
    this.frame(T.HEADERS, es, id, block.subarray(0, max));
    for (let at = max; at < block.length; at += max) {
      const end = Math.min(at + max, block.length);
      this.frame(T.CONTINUATION, end === block.length ? END_HEADERS : 0, id, block.subarray(at, end));
    }
  }
  /** Sends what the windows allow of `s`'s pending body; the rest waits for WINDOW_UPDATE. */
  sendBody(s) {
    let body = /** @type {Buffer} */ (s.pending);
    while (body.length > 0) {
      const n = Math.min(body.length, this.peerMaxFrame, s.sendWindow, this.sendWindow);
      if (n <= 0) break;
      const last = n === body.length;
      this.write(head(n, T.DATA, last ? END_STREAM : 0, s.id));
      this.write(body.subarray(0, n));
      s.sendWindow -= n;
      this.sendWindow -= n;
      body = body.subarray(n);
    }
    if (body.length === 0) {
      s.pending = null;
      s.localEnded = true;
      this.blocked.delete(s);
      if (s.remoteEnded) this.close(s);
    } else {
      s.pending = body;
      this.blocked.add(s);
    }
  }
  unblock() {
    for (const s of this.blocked) {
      if (this.sendWindow <= 0) break;
      if (s.sendWindow > 0) this.sendBody(s);
    }
  }

  /** The stream is over on both sides (or reset): it leaves the table. */
  close(s) {
    if (s.closed) return;
    s.closed = true;
    this.streams.delete(s.id);
    this.blocked.delete(s);
    s.pending = null;
    if (--this.active === 0) this.idle();
    if (!this.usable && this.active === 0) this.end();
    if (this.usable && this.onFree !== null) this.onFree();
  }
  /** Resets stream `s` with `code` (ours). */
  reset(s, code) {
    this.frame(T.RST_STREAM, 0, s.id, u32(code));
    s.queue.length = 0;
    this.close(s);
  }

  busy() {
    if (this.idleTimer !== null) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    this.socket.ref();
  }
  /** No stream open: the socket does not keep the process alive, and closes after idleMs. */
  idle() {
    if (this.destroyed) return;
    this.socket.unref();
    this.idleTimer = setTimeout(() => {
      this.retire();
      this.end();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  /** No new stream here (a GOAWAY, ids used up, idle): the pool stops choosing it. */
  retire() {
    if (!this.usable) return;
    this.usable = false;
    if (this.onRetire !== null) this.onRetire(this);
  }
  /** Closes gracefully once no stream is left. */
  end() {
    if (this.destroyed || this.active > 0) return;
    this.frame(T.GOAWAY, 0, 0, Buffer.concat([u32(0), u32(E.NO_ERROR)]));
    this.flush();
    this.destroyed = true;
    this.clearTimers();
    this.socket.end();
  }
  /** The connection is gone: every open stream fails with `error`. */
  destroy(error) {
    this.retire();
    this.clearTimers();
    const open = [...this.streams.values()];
    this.streams.clear();
    this.blocked.clear();
    this.active = 0;
    if (!this.destroyed) {
      this.destroyed = true;
      this.socket.destroy();
    }
    for (const s of open) {
      s.closed = true;
      s.fail(error);
    }
  }
  /** A connection error of ours: GOAWAY with `code`, then the socket is closed. */
  protocolError(code, message) {
    if (this.destroyed) return;
    const last = Math.max(0, this.nextId - 2);
    this.frame(T.GOAWAY, 0, 0, Buffer.concat([u32(last), u32(code)]));
    this.flush();
    this.destroy(h2Error(`HTTP/2 protocol error from the server: ${message}`, "ERR_HTTP2_ERROR", { h2Code: code }));
  }

  /** Frames from the socket. */
  receive(chunk) {
    let buf = this.rest === null ? chunk : Buffer.concat([this.rest, chunk]);
    this.rest = null;
    let at = 0;
    while (!this.destroyed && buf.length - at >= 9) {
      const len = (buf[at] << 16) | (buf[at + 1] << 8) | buf[at + 2];
      if (len > MAX_FRAME) return this.protocolError(E.FRAME_SIZE_ERROR, `a frame of ${len} bytes`);
      if (buf.length - at < 9 + len) break;
      const type = buf[at + 3];
      const flags = buf[at + 4];
      const id = buf.readUInt32BE(at + 5) & 0x7fffffff;
      const payload = buf.subarray(at + 9, at + 9 + len);
      at += 9 + len;
      this.onFrame(type, flags, id, payload);
    }
    if (!this.destroyed && at < buf.length) this.rest = buf.subarray(at);
    // The DATA frames of one read reach each reader as one chunk (a token stream sends many).
    const t = this.touched;
    if (t.length > 0) {
      this.touched = [];
      for (const s of t) {
        s.touched = false;
        if (s.flowing) s.resume();
      }
    }
    if (this.recvCredit >= CONN_WINDOW / 2) {
      this.windowUpdate(0, this.recvCredit);
      this.recvWindow += this.recvCredit;
      this.recvCredit = 0;
    }
  }

  /** @param {number} type @param {number} flags @param {number} id @param {Buffer} p */
  onFrame(type, flags, id, p) {
    if (this.cont !== null && (type !== T.CONTINUATION || id !== this.cont.id)) {
      return this.protocolError(E.PROTOCOL_ERROR, "a frame between HEADERS and its CONTINUATION");
    }
    switch (type) {
      case T.DATA:
        return this.onData(flags, id, p);
      case T.HEADERS:
        return this.onHeaders(flags, id, p);
      case T.CONTINUATION:
        return this.onContinuation(flags, id, p);
      case T.RST_STREAM:
        return this.onReset(id, p);
      case T.SETTINGS:
        return this.onSettings(flags, id, p);
      case T.PING:
        if (id !== 0 || p.length !== 8) return this.protocolError(E.PROTOCOL_ERROR, "a bad PING");
        if (!(flags & ACK)) this.frame(T.PING, ACK, 0, Buffer.from(p));
        else this.onPingAck();
        return;
      case T.GOAWAY:
        return this.onGoaway(id, p);
      case T.WINDOW_UPDATE:
        return this.onWindowUpdate(id, p);
      case T.PUSH_PROMISE:
        return this.protocolError(E.PROTOCOL_ERROR, "PUSH_PROMISE with push disabled");
      case T.PRIORITY:
        if (p.length !== 5) return this.protocolError(E.FRAME_SIZE_ERROR, "a bad PRIORITY");
        return;
      default:
        // Unknown frame types are ignored (RFC 9113 section 4.1).
        return;
    }
  }

  /** The payload without its padding, or null when the padding is impossible. */
  unpad(flags, p) {
    if (!(flags & PADDED)) return p;
    if (p.length < 1 || p[0] >= p.length) return null;
    return p.subarray(1, p.length - p[0]);
  }

  onData(flags, id, p) {
    if (id === 0) return this.protocolError(E.PROTOCOL_ERROR, "DATA on stream 0");
    // The windows hold what may be unread: a server that sends past them is cut off.
    this.recvWindow -= p.length;
    if (this.recvWindow < 0) return this.protocolError(E.FLOW_CONTROL_ERROR, "DATA past the connection's window");
    this.recvCredit += p.length;
    const s = this.streams.get(id);
    const data = this.unpad(flags, p);
    if (data === null) return this.protocolError(E.PROTOCOL_ERROR, "bad padding");
    if (s === undefined) {
      if (id >= this.nextId) this.protocolError(E.PROTOCOL_ERROR, `DATA on stream ${id}, never opened`);
      return;
    }
    if (!s.responded || s.remoteEnded) {
      this.reset(s, E.PROTOCOL_ERROR);
      return s.fail(h2Error("the server sent DATA before its headers or after the end", "ERR_HTTP2_ERROR"));
    }
    s.recvWindow -= p.length;
    if (s.recvWindow < 0) {
      this.reset(s, E.FLOW_CONTROL_ERROR);
      return s.fail(h2Error("the server sent DATA past the stream's window", "ERR_HTTP2_ERROR", { h2Code: E.FLOW_CONTROL_ERROR }));
    }
    // Padding is given back with the data, when its reader takes that.
    s.credit += p.length - data.length;
    if (data.length > 0) {
      s.queue.push(data);
      if (!s.touched) {
        s.touched = true;
        this.touched.push(s);
      }
    }
    if (flags & END_STREAM) this.remoteEnd(s);
  }

  onHeaders(flags, id, p) {
    if (id === 0) return this.protocolError(E.PROTOCOL_ERROR, "HEADERS on stream 0");
    let block = this.unpad(flags, p);
    if (block === null) return this.protocolError(E.PROTOCOL_ERROR, "bad padding");
    if (flags & PRIORITY_FLAG) {
      if (block.length < 5) return this.protocolError(E.FRAME_SIZE_ERROR, "a short HEADERS");
      block = block.subarray(5);
    }
    if (!(flags & END_HEADERS)) {
      this.cont = { id, flags, parts: [Buffer.from(block)], size: block.length };
      return;
    }
    this.onHeaderBlock(flags, id, block);
  }

  onContinuation(flags, id, p) {
    const c = this.cont;
    if (c === null) return this.protocolError(E.PROTOCOL_ERROR, "CONTINUATION without HEADERS");
    c.parts.push(Buffer.from(p));
    c.size += p.length;
    if (c.size > MAX_HEADER_BLOCK) return this.protocolError(E.PROTOCOL_ERROR, "a header block over 256 KiB");
    if (flags & END_HEADERS) {
      this.cont = null;
      this.onHeaderBlock(c.flags, id, Buffer.concat(c.parts));
    }
  }

  /** A whole header block: decoded always (the decoder's table must follow the server's). */
  onHeaderBlock(flags, id, block) {
    let fields;
    try {
      fields = this.decoder.decode(block);
    } catch (e) {
      if (e instanceof HpackError) return this.protocolError(E.COMPRESSION_ERROR, e.message);
      throw e;
    }
    const s = this.streams.get(id);
    if (s === undefined) {
      if (id >= this.nextId) this.protocolError(E.PROTOCOL_ERROR, `HEADERS on stream ${id}, never opened`);
      return;
    }
    if (s.remoteEnded) return this.protocolError(E.STREAM_CLOSED, "HEADERS after the end of a stream");
    const end = (flags & END_STREAM) !== 0;
    if (!s.responded) {
      /** @type {Record<string, string | string[]>} */
      const raw = {};
      let status = 0;
      for (let i = 0; i < fields.length; i += 2) {
        const name = fields[i];
        const value = fields[i + 1];
        if (name === ":status") status = Number(value);
        else if (name[0] === ":") continue;
        else {
          const had = raw[name];
          if (had === undefined) raw[name] = name === "set-cookie" ? [value] : value;
          else if (Array.isArray(had)) had.push(value);
          else raw[name] = `${had}, ${value}`;
        }
      }
      if (!(status >= 100 && status <= 999)) {
        this.reset(s, E.PROTOCOL_ERROR);
        return s.fail(h2Error("the server's response has no valid :status", "ERR_HTTP2_INVALID_HEADER_VALUE"));
      }
      if (status < 200 && status !== 101) {
        // An informational answer (100 Continue, 103 Early Hints): the real one follows.
        if (end) {
          this.reset(s, E.PROTOCOL_ERROR);
          s.fail(h2Error("the server ended the stream after an informational response", "ERR_HTTP2_ERROR"));
        }
        return;
      }
      s.responded = true;
      s.onFail = null;
      const on = s.onResponse;
      s.onResponse = null;
      if (on !== null) on(status, raw);
    } else if (!end) {
      // Trailers must end the stream.
      this.reset(s, E.PROTOCOL_ERROR);
      return s.fail(h2Error("trailers without END_STREAM", "ERR_HTTP2_ERROR"));
    }
    if (end) this.remoteEnd(s);
  }

  /** END_STREAM from the server. */
  remoteEnd(s) {
    s.remoteEnded = true;
    if (s.flowing) s.maybeEnd();
    if (s.localEnded) this.close(s);
    else {
      // A complete answer before the whole request was sent: stop sending (RFC 9113 8.1); what
      // came stays for the reader.
      this.frame(T.RST_STREAM, 0, s.id, u32(E.NO_ERROR));
      this.close(s);
    }
  }

  onReset(id, p) {
    if (id === 0 || p.length !== 4) return this.protocolError(E.PROTOCOL_ERROR, "a bad RST_STREAM");
    const s = this.streams.get(id);
    if (s === undefined) return;
    this.close(s);
    const code = p.readUInt32BE(0);
    // NO_ERROR after a complete response only tells us to stop sending.
    if (code === E.NO_ERROR && s.remoteEnded) return;
    s.fail(resetError(code));
  }

  onSettings(flags, id, p) {
    if (id !== 0) return this.protocolError(E.PROTOCOL_ERROR, "SETTINGS on a stream");
    if (flags & ACK) return;
    if (p.length % 6 !== 0) return this.protocolError(E.FRAME_SIZE_ERROR, "a bad SETTINGS");
    if (this.connectTimer !== null) {
      clearTimeout(this.connectTimer);
      this.connectTimer = null;
    }
    for (let at = 0; at < p.length; at += 6) {
      const key = p.readUInt16BE(at);
      const v = p.readUInt32BE(at + 2);
      if (key === 3) {
        this.maxConcurrent = v;
        if (this.onFree !== null) queueMicrotask(this.onFree);
      }
      else if (key === 4) {
        if (v > MAX_WINDOW) return this.protocolError(E.FLOW_CONTROL_ERROR, "INITIAL_WINDOW_SIZE too large");
        const delta = v - this.peerInitialWindow;
        this.peerInitialWindow = v;
        for (const s of this.streams.values()) s.sendWindow += delta;
      } else if (key === 5) {
        if (v < 16384 || v > 16777215) return this.protocolError(E.PROTOCOL_ERROR, "a bad MAX_FRAME_SIZE");
        this.peerMaxFrame = v;
      }
      // HEADER_TABLE_SIZE: our encoder never uses the dynamic table. ENABLE_PUSH,
      // MAX_HEADER_LIST_SIZE and unknown settings need nothing from a client.
    }
    this.frame(T.SETTINGS, ACK, 0, Buffer.alloc(0));
    this.unblock();
  }

  onGoaway(id, p) {
    if (id !== 0 || p.length < 8) return this.protocolError(E.PROTOCOL_ERROR, "a bad GOAWAY");
    const last = p.readUInt32BE(0) & 0x7fffffff;
    const code = p.readUInt32BE(4);
    this.retire();
    // Streams above `last` were not processed: they fail as connection errors (retryable).
    for (const s of [...this.streams.values()]) {
      if (s.id > last) {
        this.close(s);
        s.fail(h2Error(`the server sent GOAWAY (${CODE_NAMES[code] || code}) before this stream`, "ERR_HTTP2_GOAWAY_SESSION", { h2Code: code }));
      }
    }
    if (this.active === 0) this.end();
  }

  onWindowUpdate(id, p) {
    if (p.length !== 4) return this.protocolError(E.FRAME_SIZE_ERROR, "a bad WINDOW_UPDATE");
    const n = p.readUInt32BE(0) & 0x7fffffff;
    if (id === 0) {
      if (n === 0) return this.protocolError(E.PROTOCOL_ERROR, "a WINDOW_UPDATE of 0");
      this.sendWindow += n;
      if (this.sendWindow > MAX_WINDOW) return this.protocolError(E.FLOW_CONTROL_ERROR, "the window passed 2^31-1");
    } else {
      const s = this.streams.get(id);
      if (s === undefined) return;
      if (n === 0 || s.sendWindow + n > MAX_WINDOW) {
        this.reset(s, n === 0 ? E.PROTOCOL_ERROR : E.FLOW_CONTROL_ERROR);
        return s.fail(h2Error("a bad WINDOW_UPDATE for the stream", "ERR_HTTP2_ERROR"));
      }
      s.sendWindow += n;
    }
    this.unblock();
  }
}

module.exports = { H2Connection, H2Stream };
