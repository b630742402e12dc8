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

const fs = require("node:fs");
const http = require("node:http");
const https = require("node:https");
const net = require("node:net");
const tls = require("node:tls");
const { H2Connection } = require("./h2_connection.cjs");
const { NodeResponse } = require("./node_response.cjs");
const { followingRedirects } = require("./node_redirect.cjs");

/** HTTP/1.1-only headers HTTP/2 forbids. */
const H2_FORBIDDEN = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "host", "te"]);
/** Connections per origin at most, and the streams one takes before another is opened. */
const MAX_SESSIONS = 4;
const STREAMS_PER_SESSION = 32;
/** An idle connection (no stream for this long) is closed. */
const IDLE_MS = 30_000;
/** How long the TLS connection that asks an https origin for HTTP/2 (ALPN) may take. */
const PROBE_MS = 10_000;
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

/** fetch's error when no response came: a TypeError with the real reason in `cause`. */
function fetchFailed(cause) {
  const e = new TypeError("fetch failed");
  e.cause = cause;
  return e;
}

function abortError(signal) {
  const r = signal && signal.reason;
  return r instanceof Error ? r : new DOMException("This operation was aborted", "AbortError");
}

/**
 * Node's trusted certificate authorities (its bundled roots, and NODE_EXTRA_CA_CERTS when that
 * file reads) with `ca` added: TLS's `ca` option replaces them, and `ca` is meant to add.
 * @param {string} ca
 */
function trustedWith(ca) {
  const list = [...tls.rootCertificates];
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (extra) {
    try {
      list.push(fs.readFileSync(extra, "utf8"));
    } catch {
      // Node warns about an unreadable file itself and goes on without it: so does this.
    }
  }
  list.push(ca);
  return list;
}

/** A request body as bytes, or null for none; undefined for a kind this transport cannot send. */
function bodyBytes(body) {
  if (body === undefined || body === null) return null;
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  return undefined;
}

/** What is known of an origin: how to talk to it, and its connections or agent. */
class Origin {
  constructor(url, h2c, tlsOptions) {
    this.secure = url.protocol === "https:";
    this.authority = url.host;
    this.scheme = this.secure ? "https" : "http";
    this.host = url.hostname.replace(/^\[|\]$/g, "");
    this.port = Number(url.port) || (this.secure ? 443 : 80);
    this.tlsOptions = this.secure ? tlsOptions : null;
    /** "h2", "h1", or null while an https origin's ALPN answer is awaited */
    this.mode = this.secure ? null : h2c ? "h2" : "h1";
    /** @type {Promise<void> | null} */
    this.probe = null;
    /** @type {H2Connection[]} */
    this.conns = [];
    this.agent = this.mode === "h1" ? new http.Agent({ keepAlive: true, maxSockets: 256 }) : null;
    /** @type {Array<() => void>} requests waiting for room on a connection */
    this.waiting = [];
    this.drop = (/** @type {H2Connection} */ c) => {
      const i = this.conns.indexOf(c);
      if (i >= 0) this.conns.splice(i, 1);
      this.free();
    };
    this.free = () => {
      while (this.waiting.length > 0) {
        const c = this.connection();
        if (c === null) return;
        /** @type {(c: H2Connection) => void} */ (this.waiting.shift())(c);
      }
    };
  }
  /** TLS options for a connection that asks for `protocols` by ALPN. */
  tlsConnectOptions(protocols) {
    const opts = { ...this.tlsOptions, host: this.host, port: this.port, ALPNProtocols: protocols };
    if (net.isIP(this.host) === 0) opts.servername = this.host;
    return opts;
  }
  /** A new HTTP/2 connection (`socket`: one connected already). */
  open(socket) {
    let sock = socket;
    if (sock === undefined) {
      if (this.secure) {
        const s = tls.connect(this.tlsConnectOptions(["h2"]));
        // A handshake that fails (an ALPN refusal among others), or a server that answers
        // without h2: the next request asks the origin again (its own ALPN probe).
        const ask = () => {
          this.mode = null;
          this.probe = null;
        };
        s.once("error", ask);
        s.once("secureConnect", () => {
          s.removeListener("error", ask);
          if (s.alpnProtocol === "h2") return;
          ask();
          s.destroy(new Error(`the server no longer offers HTTP/2 (ALPN: ${s.alpnProtocol || "none"})`));
        });
        sock = s;
      } else {
        sock = net.connect(this.port, this.host);
      }
    }
    const c = new H2Connection(sock, { authority: this.authority, scheme: this.scheme, onRetire: this.drop, onFree: this.free, idleMs: IDLE_MS });
    this.conns.push(c);
    return c;
  }
  /**
   * The least busy connection that can take a stream, or a new one when all carry their share;
   * null when MAX_SESSIONS are open and full (the server's SETTINGS_MAX_CONCURRENT_STREAMS).
   * @returns {H2Connection | null}
   */
  connection() {
    let best = null;
    for (const c of this.conns) {
      if (c.canTake() && (best === null || c.active < best.active)) best = c;
    }
    if ((best === null || best.active >= STREAMS_PER_SESSION) && this.conns.length < MAX_SESSIONS) best = this.open();
    return best;
  }
  /** Calls `go` with a connection that has room, now or when one frees up. */
  withConnection(go) {
    const c = this.waiting.length === 0 ? this.connection() : null;
    if (c !== null) go(c);
    else this.waiting.push(go);
  }
  /** For https: asks the server by ALPN whether it speaks h2 (once). */
  ready() {
    if (this.mode !== null) return null;
    if (this.probe === null) {
      this.probe = new Promise((resolve, reject) => {
        const sock = tls.connect(this.tlsConnectOptions(["h2", "http/1.1"]), () => {
          sock.removeListener("error", failed);
          this.mode = sock.alpnProtocol === "h2" ? "h2" : "h1";
          if (this.mode === "h2") {
            // The connection that asked becomes the first HTTP/2 connection.
            this.open(sock);
          } else {
            this.agent = new https.Agent({ keepAlive: true, maxSockets: 256, ...this.tlsOptions });
            sock.destroy();
          }
          resolve();
        });
        const failed = (e) => {
          this.probe = null;
          reject(e);
        };
        sock.on("error", failed);
        // A server that takes the connection and says nothing must not hold the origin.
        sock.setTimeout(PROBE_MS, () => sock.destroy(Object.assign(new Error(`the TLS handshake did not finish within ${PROBE_MS / 1000} s`), { code: "ETIMEDOUT" })));
        sock.once("secureConnect", () => sock.setTimeout(0));
      });
    }
    return this.probe;
  }
}

/** A failure that says the server did not process the request: safe to send again. */
function unprocessed(e) {
  return e.code === "ERR_HTTP2_GOAWAY_SESSION" || e.rstCode === 7;
}
/** How many times a request the server did not process is sent again before it fails. */
const RESEND = 3;

/** Sends one request on HTTP/2. */
function h2send(origin, url, path, init, resolve, reject) {
  const signal = init.signal;
  const body = bodyBytes(init.body);
  if (body === undefined) return reject(new TypeError("fetch failed: the Node transport sends string, Uint8Array or ArrayBuffer bodies"));
  /** @type {string[]} */
  const fields = [];
  const given = init.headers;
  if (given) {
    const add = (v, k) => {
      const lower = String(k).toLowerCase();
      if (!H2_FORBIDDEN.has(lower) && lower !== "content-length") fields.push(lower, String(v));
    };
    if (typeof given.forEach === "function" && !Array.isArray(given)) given.forEach(add);
    else if (Array.isArray(given)) for (const [k, v] of given) add(v, k);
    else for (const k in given) add(given[k], k);
  }
  if (body !== null) fields.push("content-length", String(body.length));
  const method = init.method || "GET";
  /** @type {import("./h2_connection.cjs").H2Stream | null} */
  let stream = null;
  let aborted = false;
  let onAbort = null;
  const unlink = () => {
    if (onAbort !== null) {
      signal.removeEventListener("abort", onAbort);
      onAbort = null;
    }
  };
  let sends = 0;
  const go = (conn) => {
    if (aborted) return;
    sends += 1;
    const st = (stream = conn.request(method, path, fields, body));
    st.onFail = (e) => {
      if (unprocessed(e) && sends <= RESEND && !aborted) return origin.withConnection(go);
      unlink();
      reject(fetchFailed(e));
    };
    st.onResponse = (status, raw) => {
      resolve(new NodeResponse(status, "", raw, st, url, () => st.cancel()));
    };
    if (onAbort !== null) {
      st.once("end", unlink);
      st.once("_broken", unlink);
    }
  };
  if (signal) {
    onAbort = () => {
      unlink();
      aborted = true;
      const e = abortError(signal);
      const st = stream;
      if (st === null || !st.responded) {
        if (st !== null) {
          st.onFail = null;
          st.onResponse = null;
        }
        reject(e);
      } else if (!st.readableEnded) st.emit("_broken", e);
      if (st !== null) st.cancel();
    };
    signal.addEventListener("abort", onAbort);
  }
  origin.withConnection(go);
}

/** Sends one request on HTTP/1.1 (a keep-alive agent). */
function h1send(origin, url, path, init, resolve, reject) {
  const signal = init.signal;
  const mod = origin.secure ? https : http;
  let responded = false;
  let ended = false;
  let onAbort = null;
  const req = mod.request({
    host: origin.host,
    port: origin.port,
    path,
    method: init.method || "GET",
    headers: init.headers,
    agent: origin.agent,
  });
  const done = () => {
    if (onAbort !== null) signal.removeEventListener("abort", onAbort);
  };
  req.on("error", (e) => {
    done();
    if (!responded) reject(fetchFailed(e));
  });
  if (signal) {
    onAbort = () => {
      const e = abortError(signal);
      if (!responded) reject(e);
      req.destroy(e);
    };
    signal.addEventListener("abort", onAbort);
  }
  req.on("response", (res) => {
    responded = true;
    res.pause();
    // A HEAD answer has no body to read: drained, so the socket goes back to the agent.
    if (req.method === "HEAD") res.resume();
    res.on("end", () => {
      ended = true;
      done();
    });
    const broken = (e) => {
      if (!ended) res.emit("_broken", e);
    };
    res.on("error", broken);
    res.on("close", () => {
      done();
      if (!ended && !res.complete) broken(new Error("the connection closed before the body was complete"));
    });
    const cancel = () => req.destroy();
    resolve(new NodeResponse(res.statusCode, res.statusMessage || "", res.headers, res, url, cancel));
  });
  const body = init.body;
  if (body !== undefined && body !== null) req.end(body);
  else req.end();
}

/**
 * A fetch-compatible function over HTTP/2 (h2_connection.cjs) / node:http(s).
 * @param {{ h2c?: boolean, ca?: string }} [options] `h2c`: HTTP/2 with prior
 *   knowledge for http:// URLs; `ca`: certificate authorities (PEM) trusted besides Node's
 * @returns {(url: string, init?: RequestInit) => Promise<NodeResponse>}
 */
function nodeFetch(options = {}) {
  const h2c = options.h2c === true;
  const tlsOptions = options.ca === undefined ? {} : { ca: trustedWith(options.ca) };
  /** @type {Map<string, Origin>} */
  const origins = new Map();
  /** One request, redirects not followed. @param {string} url @param {any} init @returns {Promise<NodeResponse>} */
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
