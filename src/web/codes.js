// @ts-check
// Every integer code that crosses the Rust/JavaScript boundary, once on this side. Their Rust
// twins are in codes.rs; the wasm test `boundary_codes_agree` fails when the two differ.

/** Why a call stopped (the JS call state's `why`): the first reason wins. */
export const WHY = Object.freeze({
  /** Not stopped. */
  NONE: 0,
  /** The caller: its signal, a dropped or closed stream, `abort()`. */
  USER: 1,
  /** The overall deadline (`timeoutMs`). */
  DEADLINE: 2,
  /** No response headers in time (`headersTimeoutMs`). */
  HEADERS_TIMEOUT: 3,
  /** A silent body (`idleTimeoutMs`). */
  IDLE_TIMEOUT: 4,
});

/** What one attempt of a request (`callSend`) gave; the details are left on the call state. */
export const SENT = Object.freeze({
  /** A JSON call's 2xx answer: `v` is the parsed value. */
  VALUE: 0,
  /** A streaming call's 2xx answer: `res` is the response. */
  RESPONSE: 1,
  /** A JSON call's 2xx answer that is not JSON: `v` the text, `ct` the content type. */
  NOT_JSON: 2,
  /** A JSON call's 2xx answer whose body could not be read: `v` is the error. */
  BODY_FAILED: 3,
  /** Not 2xx: `res` is the response, `v` the body text. */
  ERROR_STATUS: 4,
  /** fetch resolved to something that is not a Response. */
  NOT_RESPONSE: 5,
});

/** What `toJson` gives for a value it cannot serialise (a JSON text otherwise). */
export const TO_JSON = Object.freeze({
  /** The value has no JSON form (undefined, a function, a symbol). */
  NO_JSON_FORM: 1,
  /** JSON.stringify threw or gave nothing (a cycle, a BigInt). */
  FAILED: 2,
});

/** A delay handed to a JS timer (`headersMs`, `idleMs`, ...). */
export const DELAY = Object.freeze({
  /** No timer. */
  NONE: -1,
});

/** How an event stream's batch ends (`eventBatch`'s `end`). */
export const END = Object.freeze({
  /** More to come. */
  LIVE: 0,
  /** Complete: `v` is the final completion's JSON. */
  COMPLETE: 1,
  /** Failed: `v` is the error. */
  FAILED: 2,
  /** Closed early by the caller: `v` is the error `finalChatCompletion()` reports. */
  CLOSED: 3,
});

/** Every table above, for the test that compares them with the Rust side. */
export function allCodes() {
  return { WHY, SENT, TO_JSON, DELAY, END };
}
