// @ts-check
// The JavaScript half of the request path: a call's stop state (its AbortController, why it
// stopped, the body reader to cancel, the waits to reject), its timers, and one attempt of a
// request (init object, fetch, status, request id and, for a JSON call, the body read, parsed
// and given its `_request_id`). Each step is one crossing from wasm instead of one per
// property, promise and closure; Rust keeps the decisions (retries, error classification,
// redaction). Imported by glue.rs. No `eval`, so strict CSPs and workerd accept it.
import { DELAY, SENT, TO_JSON, WHY } from "./codes.js";

/** @typedef {(url: string, init: RequestInit) => Promise<Response> | Response} FetchLike */

/**
 * A fetch-like function marked with this key (true) is handed the call itself as `init[CALL]`
 * instead of a signal: it reads `why` (0 while the call runs) and sets `onStop`, the one function
 * a stop calls. The package's Node transport (packaging/node_transport.cjs) is one: no
 * AbortController per request, and every stop ends its request.
 */
const CALL = Symbol.for("baseten-edge.call");

/**
 * One request to send (`callSend`), built once per call by Rust (`HttpRequest::to_js`; a wasm
 * test, tests/wasm_suite/boundary.rs, reads these properties and compares them with what it builds).
 * @typedef {object} SendRequest
 * @property {FetchLike | undefined} fetch the injected fetch, or undefined for the global one
 * @property {string} url
 * @property {string} method
 * @property {Record<string, string>} headers
 * @property {boolean} copyHeaders the headers object is shared: each request gets a copy
 * @property {string | undefined} body
 * @property {number} headersMs the headers timeout, or DELAY.NONE
 * @property {number} idleMs the idle timeout of an error body, or DELAY.NONE
 * @property {boolean} json read and parse a 2xx body
 * @property {boolean} withSignal send the call's signal with the request
 * @property {import("../js/api_promise.js").ApiCtl | undefined} api the control object of the
 *   call's APIPromise: each response is left on it, and a 2xx body is read only if its parsed
 *   value was asked for by then
 */

/** The state of one call (see abort.rs), with the outcome of its last attempt. */
class Call {
  constructor() {
    /** @type {AbortController | null} made when a signal is first needed */
    this.c = null;
    /** @type {number} a WHY code */
    this.why = WHY.NONE;
    /** @type {number} the timeout, in ms, that stopped the call */
    this.ms = 0;
    /** @type {ReadableStreamDefaultReader<Uint8Array> | null} */
    this.reader = null;
    /** @type {Array<AbortSignal | (() => void)> | null} signal, listener, signal, ... */
    this.links = null;
    /** @type {Array<() => void> | null} */
    this.waits = null;
    /** @type {(() => void) | null} what a stop tells the transport (see CALL) */
    this.onStop = null;
    /** @type {Response | null} the last attempt's response (SENT.RESPONSE, SENT.ERROR_STATUS) */
    this.res = null;
    this.status = 0;
    /** @type {string | null} */
    this.rid = null;
    /** @type {unknown} the last attempt's value, text or error */
    this.v = undefined;
    this.ct = "";
  }
}

const noop = () => {};

/** @param {Response} res */
function cancelBody(res) {
  try {
    const b = res.body;
    if (b && !b.locked) b.cancel().catch(noop);
  } catch {
    // A response without a usable body: nothing to cancel.
  }
}

/**
 * Stops the call: the first reason wins.
 * @param {Call} s @param {number} why a WHY code @param {number} ms
 */
function stop(s, why, ms) {
  if (s.why !== WHY.NONE) return;
  s.why = why;
  s.ms = ms;
  if (s.c !== null) s.c.abort();
  const o = s.onStop;
  if (o !== null) {
    s.onStop = null;
    o();
  }
  const r = s.reader;
  if (r !== null) {
    s.reader = null;
    // On an errored stream cancel() rejects with the abort reason: handled here.
    r.cancel().catch(noop);
  }
  const w = s.waits;
  if (w !== null) {
    s.waits = null;
    for (const reject of w) reject();
  }
}

/**
 * `p`, or a rejection (with undefined) as soon as the call stops; `onStop` runs if the stop wins.
 * @template T
 * @param {Call} s @param {Promise<T>} p @param {() => void} [onStop]
 * @returns {Promise<T>}
 */
function race(s, p, onStop) {
  if (s.why !== WHY.NONE) {
    p.catch(noop);
    if (onStop) onStop();
    return Promise.reject();
  }
  return new Promise((resolve, reject) => {
    const w = s.waits === null ? (s.waits = []) : s.waits;
    const stopped = onStop ? () => { onStop(); reject(); } : () => reject();
    w.push(stopped);
    const off = () => {
      const ws = s.waits;
      if (ws !== null) {
        const i = ws.indexOf(stopped);
        if (i >= 0) ws.splice(i, 1);
      }
    };
    p.then((v) => { off(); resolve(v); }, (e) => { off(); reject(e); });
  });
}

/** @param {Call} s */
function signalOf(s) {
  if (s.c === null) {
    s.c = new AbortController();
    if (s.why !== WHY.NONE) s.c.abort();
  }
  return s.c.signal;
}

/** A new call. Throws where AbortController is missing. */
export function callNew() {
  if (typeof AbortController !== "function") throw new TypeError("AbortController is not available");
  return new Call();
}

/**
 * Stops the call when `signal` fires; false (nothing linked) when it already has.
 * @param {Call} s @param {AbortSignal} signal
 */
export function callLink(s, signal) {
  if (signal.aborted) return false;
  const f = () => stop(s, WHY.USER, 0);
  signal.addEventListener("abort", f);
  (s.links === null ? (s.links = []) : s.links).push(signal, f);
  return true;
}

/** @param {Call} s @param {number} why @param {number} ms */
export function callStop(s, why, ms) { stop(s, why, ms); }
/** @param {Call} s */
export function callWhy(s) { return s.why; }
/** @param {Call} s */
export function callMs(s) { return s.ms; }
/** @param {Call} s */
export function callSignal(s) { return signalOf(s); }
/**
 * Stops the call for `why` after `delay` ms; the handle is for clearTimeout (timer.rs).
 * @param {Call} s @param {number} delay @param {number} why @param {number} ms
 */
export function callArm(s, delay, why, ms) { return setTimeout(stop, delay, s, why, ms); }
/** @param {Call} s @param {ReadableStreamDefaultReader<Uint8Array>} reader */
export function callWatch(s, reader) { s.reader = reader; }

/**
 * Resolves after `ms`, or rejects as soon as the call stops.
 * @param {Call} s @param {number} ms
 */
export function callSleep(s, ms) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let t;
  const p = new Promise((resolve) => { t = setTimeout(resolve, ms); });
  return race(s, p, () => clearTimeout(t));
}

/**
 * Unlinks the caller's signals and, unless `finished`, stops the call.
 * @param {Call} s @param {boolean} finished
 */
export function callEnd(s, finished) {
  const l = s.links;
  if (l !== null) {
    s.links = null;
    for (let i = 0; i < l.length; i += 2) {
      /** @type {AbortSignal} */ (l[i]).removeEventListener("abort", /** @type {() => void} */ (l[i + 1]));
    }
  }
  if (!finished) stop(s, WHY.USER, 0);
  s.reader = null;
  s.waits = null;
  s.onStop = null;
  s.res = null;
  s.v = undefined;
}

/**
 * JSON.stringify(v) as a string, or a TO_JSON code: NO_JSON_FORM, or FAILED when it throws or
 * gives nothing (a cycle, a BigInt, a toJSON returning undefined).
 * @param {unknown} v
 */
export function toJson(v) {
  const t = typeof v;
  if (t === "undefined" || t === "function" || t === "symbol") return TO_JSON.NO_JSON_FORM;
  try {
    const out = JSON.stringify(v);
    return typeof out === "string" ? out : TO_JSON.FAILED;
  } catch {
    return TO_JSON.FAILED;
  }
}

/**
 * A plain object of headers from [name, value, name, value, ...].
 * @param {string[]} flat
 */
export function headersObject(flat) {
  /** @type {Record<string, string>} */
  const h = {};
  for (let i = 0; i < flat.length; i += 2) h[flat[i]] = flat[i + 1];
  return h;
}

/** The most of an error response's body that is kept (the rest is cancelled). */
const ERROR_BODY_MAX = 65536;

/**
 * The text of a body that is an error (a non-2xx status, or a stream request answered with
 * JSON), read under the idle timeout (`idleMs`, or DELAY.NONE), at most ERROR_BODY_MAX bytes. A body
 * that breaks off gives what came before, so the status and the retry headers still count; only
 * a stop of the call rejects.
 * @param {Call} s @param {Response} res @param {number} idleMs
 * @returns {Promise<string>}
 */
export function callBodyText(s, res, idleMs) {
  const b = res.body;
  if (!b || typeof b.getReader !== "function") {
    return race(s, Promise.resolve().then(() => res.text())).catch((e) => {
      if (s.why !== WHY.NONE) throw e;
      return "";
    });
  }
  const reader = b.getReader();
  s.reader = reader;
  const dec = new TextDecoder();
  let out = "";
  let n = 0;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let t = null;
  const arm = () => {
    if (idleMs === DELAY.NONE) return;
    if (t !== null) clearTimeout(t);
    t = setTimeout(stop, idleMs, s, WHY.IDLE_TIMEOUT, idleMs);
  };
  /** @param {Uint8Array} [tail] */
  const end = (tail) => {
    if (t !== null) clearTimeout(t);
    if (s.reader === reader) s.reader = null;
    return out + dec.decode(tail);
  };
  // A read that fails, or gives something that is not bytes: what came before is the body.
  const broken = () => {
    reader.cancel().catch(noop);
    return end();
  };
  /** @returns {Promise<string>} */
  const next = () => race(s, reader.read()).then((r) => {
    if (r.done) return end();
    const v = r.value;
    if (!(v instanceof Uint8Array)) return broken();
    if (n + v.length >= ERROR_BODY_MAX) {
      reader.cancel().catch(noop);
      return end(v.subarray(0, ERROR_BODY_MAX - n));
    }
    n += v.length;
    out += dec.decode(v, { stream: true });
    arm();
    return next();
  }, (e) => {
    if (t !== null) clearTimeout(t);
    if (s.why !== WHY.NONE) throw e;
    return broken();
  });
  arm();
  return next();
}

/** Rust's char::is_whitespace, for "an empty body". */
const BLANK = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

/**
 * The request id of a response: `X-BASETEN-REQUEST-ID`, else `x-request-id`; an empty value
 * counts as none. The one place this rule lives: every error and result of the package takes
 * its id from here (Rust gets it with the attempt's outcome), and the package exports it.
 * @param {{ get(name: string): string | null }} headers
 */
export function requestIdOf(headers) {
  return headers.get("x-baseten-request-id") || headers.get("x-request-id") || null;
}

/**
 * Reads and parses a JSON call's 2xx body: a SENT code (VALUE, NOT_JSON or BODY_FAILED), the
 * details left on `s`. An empty body is `null`; a `text/plain` body that is not JSON is its
 * text; an object gets `_request_id` (`s.rid`).
 * @param {Call} s @param {Response} res
 * @returns {Promise<number>}
 */
function readJson(s, res) {
  return race(s, res.text()).then((text) => {
    if (BLANK.test(text)) {
      s.v = null;
      return SENT.VALUE;
    }
    let v;
    try {
      v = JSON.parse(text);
    } catch {
      const ct = res.headers.get("content-type") ?? "";
      s.v = text;
      if (ct.startsWith("text/plain")) return SENT.VALUE;
      s.ct = ct;
      return SENT.NOT_JSON;
    }
    if (s.rid !== null && typeof v === "object" && v !== null) {
      Object.defineProperty(v, "_request_id", { value: s.rid });
    }
    s.v = v;
    return SENT.VALUE;
  }, (e) => {
    s.v = e;
    return SENT.BODY_FAILED;
  });
}

/**
 * `readJson` of a body left unread at the headers (an APIPromise's value asked for later),
 * on a call state of its own: `rid` is the response's request id.
 * @param {Call} s @param {Response} res @param {string | null} rid
 */
export function callReadJson(s, res, rid) {
  s.rid = rid;
  s.status = res.status;
  return readJson(s, res);
}

/**
 * One attempt of `r`. Resolves with a SENT code, the details left on `s`. Rejects (with what
 * fetch threw, or undefined once the call stopped) when no response came. A request without a
 * signal (no `r.withSignal`, and a fetch not marked CALL: Node's fetch pays dearly for one)
 * still has its wait ended at once by a stop, and a response that comes later has its body
 * cancelled.
 * @param {Call} s @param {SendRequest} r
 * @returns {Promise<number>}
 */
export function callSend(s, r) {
  /** @type {RequestInit} */
  const init = { method: r.method, headers: r.copyHeaders ? Object.assign({}, r.headers) : r.headers };
  if (r.body !== undefined) init.body = r.body;
  const f = r.fetch;
  const direct = f !== undefined && /** @type {any} */ (f)[CALL] === true;
  if (direct) /** @type {any} */ (init)[CALL] = s;
  else if (r.withSignal) init.signal = signalOf(s);
  const headersMs = r.headersMs;
  const ht = headersMs === DELAY.NONE ? null : setTimeout(stop, headersMs, s, WHY.HEADERS_TIMEOUT, headersMs);
  /** @type {Promise<unknown>} */
  let p;
  try {
    p = r.fetch === undefined ? fetch(r.url, init) : Promise.resolve(r.fetch(r.url, init));
  } catch (e) {
    p = Promise.reject(e);
  }
  if (!direct && !r.withSignal) p.then((res) => { if (s.why !== WHY.NONE) cancelBody(/** @type {Response} */ (res)); }, noop);
  return race(s, p).then((got) => {
    if (ht !== null) clearTimeout(ht);
    if (got === null || (typeof got !== "object" && typeof got !== "function")) return SENT.NOT_RESPONSE;
    const res = /** @type {Response} */ (got);
    if (typeof res.status !== "number") return SENT.NOT_RESPONSE;
    s.rid = requestIdOf(res.headers);
    const status = res.status;
    s.status = status;
    const a = r.api;
    if (a !== undefined) {
      a.res = res;
      a.rid = s.rid;
    }
    if (status < 200 || status >= 300) {
      s.res = res;
      return callBodyText(s, res, r.idleMs).then((text) => { s.v = text; return SENT.ERROR_STATUS; });
    }
    if (!r.json || (a !== undefined && !a.parse)) {
      s.res = res;
      return SENT.RESPONSE;
    }
    return readJson(s, res);
  }, (e) => {
    if (ht !== null) clearTimeout(ht);
    throw e;
  });
}

/** @param {Call} s */
export function sentValue(s) { return s.v; }
/** @param {Call} s */
export function sentText(s) { return typeof s.v === "string" ? s.v : ""; }
/** @param {Call} s */
export function sentStatus(s) { return s.status; }
/** @param {Call} s */
export function sentRequestId(s) { return s.rid; }
/** @param {Call} s */
export function sentContentType(s) { return s.ct; }
/** @param {Call} s */
export function sentResponse(s) { return s.res; }
/** @param {Call} s @param {string} name */
export function sentHeader(s, name) { return s.res === null ? null : s.res.headers.get(name); }
