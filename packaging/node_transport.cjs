// The Node transport: a fetch-compatible function over HTTP/2 (our own client connection,
// h2_connection.cjs, on node:net / node:tls sockets: up to 4 connections per origin, many
// streams each, h2 over TLS by ALPN; h2c with prior knowledge when asked for) and node:http /
// node:https keep-alive agents where the server does not speak HTTP/2. The package's Node entry
// (node.mjs, node.cjs) injects it as `fetch` (option `transport`); the request path above it
// (call.js and the Rust retry policy) is the same as with `fetch`.
//
// Failures look like fetch's: no response -> a TypeError "fetch failed" whose `cause` is the
// underlying error (its code, host or address are what the package's messages name; the retry
// policy treats it as a connection error, retryable); a body that breaks off -> TypeError
// "terminated"; an aborted signal -> a DOMException "AbortError". A request the server did not
// process (refused by RST_STREAM REFUSED_STREAM, or above a GOAWAY's last stream) is sent again
// here, up to RESEND times, as browsers do.
"use strict";

const { Origin, trustedContext } = require("./node_origin.cjs");
const { h2send, h1send, fetchFailed, abortError } = require("./node_send.cjs");
const { followingRedirects } = require("./node_redirect.cjs");

/**
 * This transport's mark, and where the package's request path (src/web/call.js, the same key)
 * hands it the call instead of a signal: `why` is 0 while the call runs, `onStop` the one
 * function a stop calls. No AbortController per request.
 */
const CALL = Symbol.for("baseten-edge.call");

/** What this file reads of an AbortSignal (`aborted`, `reason`, "abort" listeners), over a call. */
class CallSignal {
  constructor(call) {
    this.call = call;
  }
  get aborted() {
    return this.call.why !== 0;
  }
  /** None: the abort error is a DOMException AbortError, as for a signal aborted without one. */
  get reason() {
    return undefined;
  }
  /** One listener at a time: a call has one request (or one wait) in flight. */
  addEventListener(type, f) {
    if (type === "abort") this.call.onStop = f;
  }
  removeEventListener(_type, f) {
    if (this.call.onStop === f) this.call.onStop = null;
  }
}

/**
 * A fetch-compatible function over HTTP/2 (h2_connection.cjs) / node:http(s).
 * @param {{ h2c?: boolean, ca?: string }} [options] `h2c`: HTTP/2 with prior
 *   knowledge for http:// URLs; `ca`: certificate authorities (PEM) trusted besides Node's
 * @returns {(url: string, init?: RequestInit) => Promise<import("./node_response.cjs").NodeResponse>}
 */
function nodeFetch(options = {}) {
  const h2c = options.h2c === true;
  const tlsOptions = options.ca === undefined ? {} : { secureContext: trustedContext(options.ca) };
  /** @type {Map<string, Origin>} */
  const origins = new Map();
  /** One request, redirects not followed. @param {string} url @param {any} init @returns {Promise<import("./node_response.cjs").NodeResponse>} */
  const send = (url, init) => {
    const cut = url.indexOf("/", url.indexOf("//") + 2);
    const key = cut < 0 ? url : url.slice(0, cut);
    const hash = url.indexOf("#");
    // The fragment stays on the client, as with fetch.
    const path = cut < 0 ? "/" : url.slice(cut, hash < 0 ? undefined : hash);
    return new Promise((resolve, reject) => {
      if (init.signal && init.signal.aborted) return reject(abortError(init.signal));
      let origin = origins.get(key);
      if (origin === undefined) {
        let parsed;
        try {
          parsed = new URL(key);
        } catch (e) {
          return reject(fetchFailed(e));
        }
        if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
          return reject(new TypeError(`fetch failed: unsupported protocol ${parsed.protocol}`));
        }
        origin = new Origin(parsed, h2c, tlsOptions);
        origins.set(key, origin);
      }
      const o = origin;
      const go = () => (o.mode === "h2" ? h2send : h1send)(o, url, path, init, resolve, reject);
      const wait = o.ready();
      if (wait === null) return go();
      // Waiting for the origin's ALPN answer: an abort ends the wait at once.
      const signal = init.signal;
      const onAbort = () => reject(abortError(signal));
      if (signal) signal.addEventListener("abort", onAbort);
      const unlink = () => {
        if (signal) signal.removeEventListener("abort", onAbort);
      };
      wait.then(() => {
        unlink();
        if (!signal || !signal.aborted) go();
      }, (e) => {
        unlink();
        reject(fetchFailed(e));
      });
    });
  };
  const following = followingRedirects(send);
  /** @param {string | URL} input @param {any} [init] */
  const fetch = (input, init = {}) => {
    const call = init[CALL];
    if (call !== undefined && init.signal == null) init.signal = new CallSignal(call);
    return following(String(input), init);
  };
  Object.defineProperty(fetch, CALL, { value: true });
  return fetch;
}

/** Whether this runtime should default to the Node transport: Node itself, not Bun or Deno. */
function isNode() {
  const g = /** @type {any} */ (globalThis);
  return typeof g.Bun === "undefined" && typeof g.Deno === "undefined" && typeof process === "object" && !!process.versions && !!process.versions.node && !process.versions.bun;
}

/** The transports made so far, one per (h2c, ca): clients with the same options share connections. */
const shared = new Map();

/** The shared Node transport for these options. */
function sharedFetch(h2c, ca) {
  const key = `${h2c ? 1 : 0}\u0000${ca ?? ""}`;
  let f = shared.get(key);
  if (f === undefined) {
    f = nodeFetch({ h2c, ca });
    shared.set(key, f);
  }
  return f;
}

/** Whether an option is left out (`undefined` and `null` are, as the wasm's reader has it). */
const absent = (/** @type {unknown} */ v) => v === undefined || v === null;

/** The option that asks for the Node transport, as messages name it, or null. @param {any} options */
function nodeKey({ transport, h2c, ca }) {
  if (transport === "node") return 'transport "node"';
  if (!absent(h2c)) return "h2c";
  if (!absent(ca)) return "ca";
  return null;
}

/**
 * The options to hand the wasm client. The Node transport's own options (the `node` fields of
 * core::options' client table: `transport`, `h2c`, `ca`) are read here and taken out: the wasm
 * knows them only to refuse them where this entry does not run (browsers, workerd, Deno's own
 * entry). With `transport: "node"`, or none on Node with no `fetch` given, the Node transport is
 * injected as `fetch`; `transport: "node"`, `h2c` or `ca` beside a `fetch`, with `transport:
 * "fetch"`, or outside Node (Bun, Deno) is a ConfigurationError.
 * @param {any} options @param {new (message: string) => Error} ConfigurationError
 */
function withTransport(options, ConfigurationError) {
  if (options === null || typeof options !== "object") return options;
  const { transport, h2c, ca, ...rest } = options;
  if (!absent(transport) && transport !== "fetch" && transport !== "node") {
    throw new ConfigurationError('options.transport must be "fetch" or "node"');
  }
  if (!absent(h2c) && typeof h2c !== "boolean") throw new ConfigurationError("options.h2c must be a boolean");
  if (!absent(ca) && typeof ca !== "string") throw new ConfigurationError("options.ca must be a string");
  // Why fetch is the transport, if it is.
  let fetchBecause = null;
  if (!absent(rest.fetch)) fetchBecause = "a fetch option was given";
  else if (transport === "fetch") fetchBecause = 'transport is "fetch"';
  else if (!isNode()) fetchBecause = "this runtime is not Node (Bun and Deno use fetch)";
  if (fetchBecause !== null) {
    const asked = nodeKey(options);
    if (asked !== null) throw new ConfigurationError(`options: ${asked} needs the Node transport, but ${fetchBecause}`);
    return rest;
  }
  rest.fetch = sharedFetch(h2c === true, absent(ca) ? undefined : ca);
  return rest;
}

/**
 * `Base` (the wasm client class) whose constructor picks the transport first; the Node-only
 * options are refused with this entry's `ConfigurationError`.
 * @param {any} Base @param {new (message: string) => Error} ConfigurationError
 */
function withNodeTransport(Base, ConfigurationError) {
  return class Baseten extends Base {
    /** @param {any} [options] */
    constructor(options) {
      super(withTransport(options, ConfigurationError));
    }
  };
}

module.exports = { nodeFetch, withTransport, withNodeTransport, isNode };
