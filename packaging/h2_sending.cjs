// The sending half of the Node transport's HTTP/2 client connection (RFC 9113): the
// connection's state, the frames it writes (HEADERS and CONTINUATION, DATA within the server's
// windows, WINDOW_UPDATE, RST_STREAM, PING, GOAWAY), one socket write per turn, and its life:
// idle close, the connect deadline, the PING that asks a connection whether it is alive, retire,
// end and destroy. h2_connection.cjs adds what it reads.
"use strict";

const { encodeHeaders } = require("./hpack.cjs");
const { H2Stream } = require("./h2_stream.cjs");
const { PREFACE, T, END_STREAM, END_HEADERS, E, CONN_WINDOW, MAX_STREAM_ID, settingsPayload, head, u32, h2Error } = require("./h2_frames.cjs");

/** How long the server has to send its SETTINGS after the connection opens. */
const CONNECT_MS = 10_000;
/** How long the server has to answer the PING sent when a stream is cancelled. */
const PING_MS = 10_000;

/** The sending half of an HTTP/2 client connection (see h2_connection.cjs for the rest). */
class H2Sending {
  /**
   * @param {import("node:net").Socket} socket
   * @param {{ authority: string, scheme: string, onRetire?: (c: any) => void, onFree?: () => void, idleMs?: number }} options
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
    /** @type {ReturnType<typeof setTimeout> | null} a PING awaiting its ACK */
    this.pingTimer = null;
    /** @type {Buffer[]} frames to write at the end of this turn */
    this.out = [];
    this.flushing = false;
    /** @type {Set<H2Stream>} streams with body bytes waiting for window */
    this.blocked = new Set();
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.idleTimer = null;
    this.flushNow = () => this.flush();
    socket.setNoDelay?.(true);
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
}

module.exports = { H2Sending };
