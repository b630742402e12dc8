// One stream of the Node transport's HTTP/2 client connection (h2_connection.cjs), as the
// responses read it (node_response.cjs): a paused source of body chunks whose window is given
// back to the server only as the reader takes them, so a body nobody reads stops the server.
"use strict";

const { EventEmitter } = require("node:events");
const { E, STREAM_WINDOW } = require("./h2_frames.cjs");

/**
 * One request's stream: the response's body as a paused source with the subset of a Readable
 * that NodeResponse uses (`on("data" | "end" | "_broken")`, `pause`, `resume`, `readableEnded`).
 */
class H2Stream extends EventEmitter {
  /** @param {import("./h2_sending.cjs").H2Sending} conn @param {number} id */
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
    // A request given up on may be one a dead connection never answered: ask it, before the
    // reset frees this stream's room for a waiting request (none goes there until the answer).
    this.conn.checkAlive();
    this.conn.reset(this, E.CANCEL);
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

module.exports = { H2Stream };
