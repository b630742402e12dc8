// The Node transport: a fetch-compatible function over Node's own node:http2 (several sessions
// per origin, many streams each, h2 over TLS by ALPN; h2c with prior knowledge when asked for)
// and node:http/node:https keep-alive agents where the server does not speak HTTP/2. The
// package's Node entry (node.mjs, node.cjs) injects it as `fetch` (option `transport`); the
// request path above it (call.js and the Rust retry policy) is the same as with `fetch`.
//
// Failures look like fetch's: no response -> a TypeError "fetch failed" whose `cause` is Node's
// error (its code, host or address are what the package's messages name; the retry policy
// treats it as a connection error, retryable); a body that breaks off -> TypeError
// "terminated"; an aborted signal -> a DOMException "AbortError".
"use strict";

const http = require("node:http");
const https = require("node:https");
const http2 = require("node:http2");
const tls = require("node:tls");
const { NodeResponse } = require("./node_response.cjs");

const { NGHTTP2_CANCEL } = http2.constants;
/** HTTP/1.1-only headers HTTP/2 forbids. */
const H2_FORBIDDEN = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "host", "te"]);
/** Sessions per origin at most, and the streams a session takes before another is opened. */
const MAX_SESSIONS = 4;
const STREAMS_PER_SESSION = 32;
/** An idle session (no stream for this long) is closed. */
const IDLE_MS = 30_000;

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

/** `fetch failed` for a stream that closed before its headers, with its RST code. */
function closedEarly(code) {
  const e = new Error(`the HTTP/2 stream closed before its response (code ${code})`);
  /** @type {any} */ (e).code = "ERR_HTTP2_STREAM_CLOSED";
  return e;
}

/** One HTTP/2 session and how many streams it carries. */
class Session {
  /** @param {Origin} origin @param {import("node:tls").TLSSocket} [socket] one connected already */
  constructor(origin, socket) {
    this.active = 0;
    this.usable = true;
    const o = origin;
    const opts = o.tlsOptions ? { ...o.tlsOptions } : {};
    if (socket) opts.createConnection = () => socket;
    this.s = http2.connect(o.authority, opts);
    this.s.setTimeout(IDLE_MS, () => {
      if (this.active === 0) this.s.close();
    });
    const retire = () => {
      this.usable = false;
      o.drop(this);
    };
    // A GOAWAY: no new stream here; the ones it let through finish.
    this.s.on("goaway", retire);
    this.s.on("close", retire);
    this.s.on("error", retire);
    this.s.unref();
  }
  /** The cap of this session: the server's SETTINGS_MAX_CONCURRENT_STREAMS once known. */
  cap() {
    const m = this.s.remoteSettings && this.s.remoteSettings.maxConcurrentStreams;
    return typeof m === "number" && m > 0 ? m : 100;
  }
  open() {
    if (this.active++ === 0) this.s.ref();
  }
  release() {
    if (--this.active === 0 && !this.s.destroyed) this.s.unref();
  }
}

/** What is known of an origin: how to talk to it, and its sessions or agent. */
class Origin {
  constructor(url, h2c, tlsOptions) {
    this.secure = url.protocol === "https:";
    this.authority = url.origin;
    this.host = url.hostname;
    this.port = Number(url.port) || (this.secure ? 443 : 80);
    this.tlsOptions = this.secure ? tlsOptions : null;
    /** "h2", "h1", or null while an https origin's ALPN answer is awaited */
    this.mode = this.secure ? null : h2c ? "h2" : "h1";
    /** @type {Promise<void> | null} */
    this.probe = null;
    /** @type {Session[]} */
    this.sessions = [];
    this.agent = this.mode === "h1" ? new http.Agent({ keepAlive: true, maxSockets: 256 }) : null;
  }
  drop(session) {
    const i = this.sessions.indexOf(session);
    if (i >= 0) this.sessions.splice(i, 1);
  }
  /** The least busy session, or a new one when all carry their share. */
  session() {
    let best = null;
    for (const s of this.sessions) {
      if (s.usable && (best === null || s.active < best.active)) best = s;
    }
    if (best === null || (best.active >= Math.min(STREAMS_PER_SESSION, best.cap()) && this.sessions.length < MAX_SESSIONS)) {
      best = new Session(this);
      this.sessions.push(best);
    }
    return best;
  }
  /** For https: asks the server by ALPN whether it speaks h2 (once). */
  ready() {
    if (this.mode !== null) return null;
    if (this.probe === null) {
      this.probe = new Promise((resolve, reject) => {
        const opts = { ...this.tlsOptions, host: this.host, port: this.port, ALPNProtocols: ["h2", "http/1.1"] };
        if (!/^[\d.]+$|:/.test(this.host)) opts.servername = this.host;
        const sock = tls.connect(opts, () => {
          this.mode = sock.alpnProtocol === "h2" ? "h2" : "h1";
          if (this.mode === "h2") {
            // The connection that asked becomes the first session.
            this.sessions.push(new Session(this, sock));
          } else {
            this.agent = new https.Agent({ keepAlive: true, maxSockets: 256, ...this.tlsOptions });
            sock.destroy();
          }
          resolve();
        });
        sock.on("error", (e) => {
          this.probe = null;
          reject(e);
        });
      });
    }
    return this.probe;
  }
}

/** Sends one request on HTTP/2. */
function h2send(origin, url, path, init, resolve, reject) {
  const signal = init.signal;
  const session = origin.session();
  /** @type {Record<string, any>} */
  const headers = { ":method": init.method || "GET", ":path": path };
  const given = init.headers;
  if (given) {
    for (const k in given) {
      const lower = k.toLowerCase();
      if (!H2_FORBIDDEN.has(lower)) headers[lower] = given[k];
    }
  }
  const body = init.body;
  if (body !== undefined && body !== null) headers["content-length"] = Buffer.byteLength(body);
  let stream;
  try {
    stream = session.s.request(headers, { endStream: body === undefined || body === null });
  } catch (e) {
    session.usable = false;
    origin.drop(session);
    reject(fetchFailed(e));
    return;
  }
  session.open();
  let responded = false;
  let ended = false;
  let onAbort = null;
  const cancel = () => {
    if (!stream.closed) stream.close(NGHTTP2_CANCEL);
  };
  const broken = (e) => {
    if (!responded) reject(fetchFailed(e));
    else if (!ended) stream.emit("_broken", e);
  };
  stream.on("error", broken);
  stream.on("end", () => {
    // Node ends a stream closed without a response too: only an end after the headers counts.
    if (responded) ended = true;
  });
  stream.on("close", () => {
    session.release();
    if (onAbort !== null) signal.removeEventListener("abort", onAbort);
    if (!responded || !ended) broken(closedEarly(stream.rstCode));
  });
  if (signal) {
    onAbort = () => {
      const e = abortError(signal);
      if (!responded) reject(e);
      else if (!ended) stream.emit("_broken", e);
      cancel();
    };
    signal.addEventListener("abort", onAbort);
  }
  stream.on("response", (h) => {
    responded = true;
    stream.pause();
    resolve(new NodeResponse(h[":status"], "", h, stream, url, cancel));
  });
  if (body !== undefined && body !== null) stream.end(body);
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
 * A fetch-compatible function over node:http2 / node:http(s).
 * @param {{ h2c?: boolean, ca?: string }} [options] `h2c`: HTTP/2 with prior
 *   knowledge for http:// URLs; `ca`: certificate authorities (PEM) trusted besides Node's
 * @returns {(url: string, init?: RequestInit) => Promise<NodeResponse>}
 */
function nodeFetch(options = {}) {
  const h2c = options.h2c === true;
  const tlsOptions = options.ca === undefined ? {} : { ca: options.ca };
  /** @type {Map<string, Origin>} */
  const origins = new Map();
  return function fetch(input, init = {}) {
    const url = String(input);
    const cut = url.indexOf("/", url.indexOf("//") + 2);
    const key = cut < 0 ? url : url.slice(0, cut);
    const path = cut < 0 ? "/" : url.slice(cut);
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
      if (wait === null) go();
      else wait.then(go, (e) => reject(fetchFailed(e)));
    });
  };
}

/** Whether this runtime should default to the Node transport: Node itself, not Bun or Deno. */
function isNode() {
  const g = /** @type {any} */ (globalThis);
  return typeof g.Bun === "undefined" && typeof g.Deno === "undefined" && typeof process === "object" && !!process.versions && !!process.versions.node && !process.versions.bun;
}

/** The transports made so far, one per (h2c, ca): clients with the same options share sessions. */
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
