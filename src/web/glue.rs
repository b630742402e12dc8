//! The JavaScript half of the request path, one snippet: a call's stop state (its
//! `AbortController`, why it stopped, the body reader to cancel, the waits to reject), its
//! timers, and one attempt of a request (init object, fetch, status, request id and, for a JSON
//! call, the body read, parsed and given its `_request_id`). Each step is one crossing from
//! wasm instead of one per property, promise and closure; Rust keeps the decisions (retries,
//! error classification, redaction). No `eval`, so strict CSPs and workerd accept it.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
// Why a call stopped: 0 not stopped, 1 the caller (signal, drop, close), 2 deadline,
// 3 headers_timeout, 4 idle_timeout (see abort.rs).
class Call {
  constructor() {
    // The AbortController, made when a signal is first needed.
    this.c = null;
    this.why = 0;
    this.ms = 0;
    this.reader = null;
    this.links = null;
    this.waits = null;
    // The outcome of the last attempt (see callSend).
    this.res = null;
    this.status = 0;
    this.rid = null;
    this.v = undefined;
    this.ct = "";
  }
}
const noop = () => {};
function cancelBody(res) {
  try {
    const b = res.body;
    if (b && !b.locked) b.cancel().catch(noop);
  } catch {}
}
function stop(s, why, ms) {
  if (s.why !== 0) return;
  s.why = why;
  s.ms = ms;
  if (s.c !== null) s.c.abort();
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
// p, or a rejection (with undefined) as soon as the call stops; `onStop` runs if the stop wins.
function race(s, p, onStop) {
  if (s.why !== 0) {
    p.catch(noop);
    if (onStop) onStop();
    return Promise.reject();
  }
  return new Promise((resolve, reject) => {
    const w = s.waits === null ? (s.waits = []) : s.waits;
    const stopped = onStop ? () => { onStop(); reject(); } : reject;
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
function signalOf(s) {
  if (s.c === null) {
    s.c = new AbortController();
    if (s.why !== 0) s.c.abort();
  }
  return s.c.signal;
}
export function callNew() {
  if (typeof AbortController !== "function") throw new TypeError("AbortController is not available");
  return new Call();
}
export function callLink(s, signal) {
  if (signal.aborted) return false;
  const f = () => stop(s, 1, 0);
  signal.addEventListener("abort", f);
  (s.links === null ? (s.links = []) : s.links).push(signal, f);
  return true;
}
export function callStop(s, why, ms) { stop(s, why, ms); }
export function callWhy(s) { return s.why; }
export function callMs(s) { return s.ms; }
export function callSignal(s) { return signalOf(s); }
export function callArm(s, delay, why, ms) { return setTimeout(stop, delay, s, why, ms); }
export function callWatch(s, reader) { s.reader = reader; }
export function callSleep(s, ms) {
  let t;
  const p = new Promise((resolve) => { t = setTimeout(resolve, ms); });
  return race(s, p, () => clearTimeout(t));
}
export function callEnd(s, finished) {
  const l = s.links;
  if (l !== null) {
    s.links = null;
    for (let i = 0; i < l.length; i += 2) l[i].removeEventListener("abort", l[i + 1]);
  }
  if (!finished) stop(s, 1, 0);
  s.reader = null;
  s.waits = null;
  s.res = null;
  s.v = undefined;
}
export function disarm(t) { clearTimeout(t); }

// JSON.stringify(v) as a string, or 1 for a value with no JSON form, 2 when it throws or
// gives nothing (a cycle, a BigInt, a toJSON returning undefined).
export function toJson(v) {
  const t = typeof v;
  if (t === "undefined" || t === "function" || t === "symbol") return 1;
  try {
    const out = JSON.stringify(v);
    return typeof out === "string" ? out : 2;
  } catch {
    return 2;
  }
}
// A plain object of headers from [name, value, name, value, ...].
export function headersObject(flat) {
  const h = {};
  for (let i = 0; i < flat.length; i += 2) h[flat[i]] = flat[i + 1];
  return h;
}

// The most of an error response's body that is kept (the rest is cancelled).
const ERROR_BODY_MAX = 65536;
// The text of a body that is an error (a non-2xx status, or a stream request answered with
// JSON), read under the idle timeout (`idleMs` < 0: none), at most ERROR_BODY_MAX bytes. A
// body that breaks off gives what came before, so the status and the retry headers still
// count; only a stop of the call rejects.
export function callBodyText(s, res, idleMs) {
  const b = res.body;
  if (!b || typeof b.getReader !== "function") {
    return race(s, Promise.resolve().then(() => res.text())).catch((e) => {
      if (s.why !== 0) throw e;
      return "";
    });
  }
  const reader = b.getReader();
  s.reader = reader;
  const dec = new TextDecoder();
  let out = "";
  let n = 0;
  let t = null;
  const arm = () => {
    if (idleMs < 0) return;
    if (t !== null) clearTimeout(t);
    t = setTimeout(stop, idleMs, s, 4, idleMs);
  };
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
    if (s.why !== 0) throw e;
    return broken();
  });
  arm();
  return next();
}

// Rust's char::is_whitespace, for "an empty body".
const BLANK = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

// One attempt. Resolves with what happened, the details left on `s`:
//   0  JSON call, 2xx: s.v is the value (null for an empty body; the text of a text/plain
//      body that is not JSON; an object carries a non-enumerable _request_id)
//   1  streaming call, 2xx: s.res, s.status, s.rid
//   2  JSON call, 2xx, the body is not JSON: s.v (text), s.ct (content-type), s.status, s.rid
//   3  JSON call, 2xx, reading the body failed: s.v is the error (never retried)
//   4  not 2xx: s.res, s.status, s.v (the body text, see callBodyText)
//   5  fetch resolved to something that is not a Response
// Rejects (with what fetch threw, or undefined once the call stopped) when no response came.
// `headersMs` < 0: no headers timeout; `idleMs` < 0: no idle timeout for an error body.
// Without `withSignal` the request carries no signal (Node's fetch pays dearly for one): a
// stop still ends the wait at once, and a response that comes later has its body cancelled.
export function callSend(s, f, url, method, headers, copy, body, headersMs, idleMs, json, withSignal) {
  const init = { method, headers: copy ? Object.assign({}, headers) : headers };
  if (body !== undefined) init.body = body;
  if (withSignal) init.signal = signalOf(s);
  const ht = headersMs >= 0 ? setTimeout(stop, headersMs, s, 3, headersMs) : null;
  let p;
  try {
    p = f === undefined ? fetch(url, init) : Promise.resolve(f(url, init));
  } catch (e) {
    p = Promise.reject(e);
  }
  if (!withSignal) p.then((res) => { if (s.why !== 0) cancelBody(res); }, noop);
  return race(s, p).then((res) => {
    if (ht !== null) clearTimeout(ht);
    if (res === null || (typeof res !== "object" && typeof res !== "function") || typeof res.status !== "number") return 5;
    const h = res.headers;
    s.rid = h.get("x-baseten-request-id") || h.get("x-request-id") || null;
    const status = res.status;
    s.status = status;
    if (status < 200 || status >= 300) {
      s.res = res;
      return callBodyText(s, res, idleMs).then((text) => { s.v = text; return 4; });
    }
    if (!json) {
      s.res = res;
      return 1;
    }
    return race(s, res.text()).then((text) => {
      if (BLANK.test(text)) {
        s.v = null;
        return 0;
      }
      let v;
      try {
        v = JSON.parse(text);
      } catch {
        const ct = h.get("content-type") ?? "";
        s.v = text;
        if (ct.startsWith("text/plain")) return 0;
        s.ct = ct;
        return 2;
      }
      if (s.rid !== null && typeof v === "object" && v !== null) {
        Object.defineProperty(v, "_request_id", { value: s.rid });
      }
      s.v = v;
      return 0;
    }, (e) => {
      s.v = e;
      return 3;
    });
  }, (e) => {
    if (ht !== null) clearTimeout(ht);
    throw e;
  });
}
export function sentValue(s) { return s.v; }
export function sentText(s) { return typeof s.v === "string" ? s.v : ""; }
export function sentStatus(s) { return s.status; }
export function sentRequestId(s) { return s.rid; }
export function sentContentType(s) { return s.ct; }
export function sentResponse(s) { return s.res; }
export function sentHeader(s, name) { return s.res === null ? null : s.res.headers.get(name); }
"#)]
extern "C" {
    /// A new call (its own `AbortController`). Throws where `AbortController` is missing.
    #[wasm_bindgen(catch, js_name = callNew)]
    pub fn call_new() -> Result<JsValue, JsValue>;
    /// Stops the call when `signal` fires; `false` (nothing linked) when it already has.
    #[wasm_bindgen(js_name = callLink)]
    pub fn call_link(s: &JsValue, signal: &JsValue) -> bool;
    /// Stops the call for `why` (the first reason wins).
    #[wasm_bindgen(js_name = callStop)]
    pub fn call_stop(s: &JsValue, why: u32, ms: f64);
    /// Why the call stopped (0: it did not).
    #[wasm_bindgen(js_name = callWhy)]
    pub fn call_why(s: &JsValue) -> u32;
    /// The timeout, in ms, that stopped the call.
    #[wasm_bindgen(js_name = callMs)]
    pub fn call_ms(s: &JsValue) -> f64;
    /// The call's `AbortSignal`.
    #[wasm_bindgen(js_name = callSignal)]
    pub fn call_signal(s: &JsValue) -> web_sys::AbortSignal;
    /// Stops the call for `why` after `delay` ms; the handle is for [`disarm`].
    #[wasm_bindgen(js_name = callArm)]
    pub fn call_arm(s: &JsValue, delay: f64, why: u32, ms: f64) -> JsValue;
    /// Cancels the reader when the call stops.
    #[wasm_bindgen(js_name = callWatch)]
    pub fn call_watch(s: &JsValue, reader: &JsValue);
    /// Resolves after `ms`, or rejects as soon as the call stops.
    #[wasm_bindgen(js_name = callSleep)]
    pub fn call_sleep(s: &JsValue, ms: f64) -> js_sys::Promise;
    /// Unlinks the caller's signals and, unless `finished`, stops the call.
    #[wasm_bindgen(js_name = callEnd)]
    pub fn call_end(s: &JsValue, finished: bool);
    /// `clearTimeout`.
    #[wasm_bindgen(js_name = disarm)]
    pub fn disarm(handle: &JsValue);
    /// `JSON.stringify(v)`, or 1 (no JSON form) or 2 (throws, or gives nothing).
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(v: &JsValue) -> JsValue;
    /// A plain headers object from `[name, value, ...]`.
    #[wasm_bindgen(js_name = headersObject)]
    pub fn headers_object(flat: Vec<String>) -> JsValue;
    /// One attempt of a request; resolves with the outcome's kind (see the snippet).
    #[wasm_bindgen(js_name = callSend)]
    #[allow(clippy::too_many_arguments)]
    pub fn call_send(
        s: &JsValue,
        fetch: &JsValue,
        url: &str,
        method: &str,
        headers: &JsValue,
        copy: bool,
        body: &JsValue,
        headers_ms: f64,
        idle_ms: f64,
        json: bool,
        with_signal: bool,
    ) -> js_sys::Promise;
    /// The text of an error body: at most 64 KiB, read under the idle timeout `idle_ms` (< 0:
    /// none); rejects only when the call stops.
    #[wasm_bindgen(js_name = callBodyText)]
    pub fn call_body_text(s: &JsValue, res: &web_sys::Response, idle_ms: f64) -> js_sys::Promise;
    /// The last attempt's value (kind 0), text (2, 4) or error (3).
    #[wasm_bindgen(js_name = sentValue)]
    pub fn sent_value(s: &JsValue) -> JsValue;
    /// The last attempt's body text.
    #[wasm_bindgen(js_name = sentText)]
    pub fn sent_text(s: &JsValue) -> String;
    /// The last attempt's status.
    #[wasm_bindgen(js_name = sentStatus)]
    pub fn sent_status(s: &JsValue) -> u16;
    /// The last attempt's request id.
    #[wasm_bindgen(js_name = sentRequestId)]
    pub fn sent_request_id(s: &JsValue) -> Option<String>;
    /// The last attempt's content type (kind 2).
    #[wasm_bindgen(js_name = sentContentType)]
    pub fn sent_content_type(s: &JsValue) -> String;
    /// The last attempt's response (kinds 1 and 4).
    #[wasm_bindgen(js_name = sentResponse)]
    pub fn sent_response(s: &JsValue) -> web_sys::Response;
    /// A header of the last attempt's response.
    #[wasm_bindgen(js_name = sentHeader)]
    pub fn sent_header(s: &JsValue, name: &str) -> Option<String>;
}
