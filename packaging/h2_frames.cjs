// HTTP/2's wire vocabulary (RFC 9113) for the Node transport's client connection
// (h2_connection.cjs): frame types, flags, error codes, our windows and limits, and the few
// helpers that build frames and errors.
"use strict";

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

module.exports = { PREFACE, T, END_STREAM, ACK, END_HEADERS, PADDED, PRIORITY_FLAG, E, CODE_NAMES, STREAM_WINDOW, CONN_WINDOW, MAX_FRAME, MAX_HEADER_BLOCK, MAX_WINDOW, MAX_STREAM_ID, settingsPayload, head, u32, h2Error, resetError };
