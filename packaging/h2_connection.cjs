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

const { HpackDecoder, HpackError } = require("./hpack.cjs");
const { H2Stream } = require("./h2_stream.cjs");
const { H2Sending } = require("./h2_sending.cjs");
const { T, ACK, END_STREAM, END_HEADERS, PADDED, PRIORITY_FLAG, E, CODE_NAMES, CONN_WINDOW, MAX_FRAME, MAX_HEADER_BLOCK, MAX_WINDOW, h2Error, resetError, u32 } = require("./h2_frames.cjs");

/** An HTTP/2 client connection on `socket` (connected or connecting): H2Sending, and what it reads. */
class H2Connection extends H2Sending {
  /**
   * @param {import("node:net").Socket} socket
   * @param {{ authority: string, scheme: string, onRetire?: (c: H2Connection) => void, onFree?: () => void, idleMs?: number }} options
   *   `onRetire`: it takes no new stream from now on; `onFree`: a stream closed (room for another)
   */
  constructor(socket, options) {
    super(socket, options);
    /** connection-level bytes received and not yet given back */
    this.recvCredit = 0;
    /** what the server may still send on the connection */
    this.recvWindow = CONN_WINDOW;
    this.decoder = new HpackDecoder(4096);
    /** @type {Buffer | null} the start of a frame not yet complete */
    this.rest = null;
    /** @type {{ id: number, flags: number, parts: Buffer[], size: number } | null} a header block awaiting CONTINUATION */
    this.cont = null;
    /** @type {H2Stream[]} streams that got data in the socket read being handled */
    this.touched = [];
    socket.on("data", (d) => this.receive(d));
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
