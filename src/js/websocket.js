// @ts-check
// `client.websocket()` (full build only): opens the socket the way the runtime allows headers
// on it, and wraps it. Rust (websocket.rs) builds the URL and the headers (the key among them)
// and hands over `help`, one callback for three services: the typed error of a refused upgrade
// (the status rule lives in Rust), an error of a kind (the one list of kinds is Rust's), and a
// server's text with the key scrubbed. Every error goes through Rust's redaction.
//
// How each runtime sends headers:
// - an injected class (options.WebSocket: the `ws` package's, undici's): `new C(url, { headers })`;
// - workerd: `fetch(http(s) url, { headers: { Upgrade: "websocket", ... } })`, then
//   `response.webSocket.accept()`;
// - Deno, Bun, and Node 22+ (undici's global WebSocket): `new WebSocket(url, { headers })`;
// - a browser cannot: it connects only when there is nothing to send (a proxy holds the key).
import { BasetenError } from "./error_base.js";
import { requestIdOf } from "../web/call.js";

/** StreamError's place in the chain of names that `instanceof` reads (error_base.js's brand):
 * an error of the class below is a `StreamError` and a `BasetenError` for the package's own
 * classes, without importing the generated ones here. */
class StreamErrorName extends BasetenError {
  static errorName = "StreamError";
  static kind = "stream";
}

/** A socket closed with a code that is not a normal end (not 1000 or 1005): a `StreamError`
 * (`instanceof StreamError` holds) whose `closeCode` and `closeReason` say how it closed. */
export class WebSocketCloseError extends StreamErrorName {
  static errorName = "WebSocketCloseError";
}

/**
 * The sockets this file drives: the standard WebSocket, and what the `ws` package adds.
 * @typedef {WebSocket & { on?: Function, terminate?: () => void }} Sock
 * @typedef {(status: number, requestId: string | null, body: string, code: string | null) => Error} Refuse
 * @typedef {(text: string) => string} Scrub
 * @typedef {(kind: string, message: string, code?: string) => Error} MakeError
 */


const NORMAL = [1000, 1005];

/** The subprotocol a browser's socket through the proxy Worker offers, and the Worker answers with. */
const PROXY_PROTOCOL = "baseten-proxy";
/** The prefix of the subprotocol that carries the proxy token (a browser cannot send Authorization). */
const TOKEN_PREFIX = "baseten-proxy-token.";
/** What a subprotocol can carry, and a minted token is made of. */
const TOKEN = /^[A-Za-z0-9._~-]+$/;

/**
 * The proxy token a browser offered as subprotocols (the value of `Sec-WebSocket-Protocol`, as
 * `client.websocket({ proxyToken })` sends it), and the subprotocol to answer with; null when none
 * was offered. For the proxy Worker; the token is not verified here (`verifyProxyToken` does).
 * @param {string | null | undefined} header
 * @returns {{ token: string, protocol: string } | null}
 */
export function proxyTokenFromProtocols(header) {
  let ours = false;
  /** @type {string | null} */
  let token = null;
  for (const offered of String(header ?? "").split(",")) {
    const p = offered.trim();
    if (p === PROXY_PROTOCOL) ours = true;
    else if (token === null && p.startsWith(TOKEN_PREFIX)) token = p.slice(TOKEN_PREFIX.length);
  }
  return ours && token ? { token, protocol: PROXY_PROTOCOL } : null;
}

/** The status in a runtime's refusal message (Deno: "Invalid status code: 401", Bun: "Expected
 * 101 status code: 401", ws: "Unexpected server response: 401"), else 0.
 * @param {string} text */
function statusIn(text) {
  const m = /(?:status code:?|server response:) ?([1-5]\d\d)\b/i.exec(text);
  return m ? Number(m[1]) : 0;
}

/** The runtime's own way, or a reason it has none. */
function runtime() {
  const g = /** @type {any} */ (globalThis);
  if (typeof g.WebSocketPair === "function") return "workerd";
  if (typeof g.Deno === "object" || typeof g.Bun === "object") return "headers";
  if (g.process?.versions?.node) return typeof g.WebSocket === "function" ? "headers" : "node-without";
  return typeof g.WebSocket === "function" ? "browser" : "none";
}

/**
 * Opens the socket; resolves once it is open.
 * @param {string} url
 * @param {string[][]} pairs the upgrade's headers, `[name, value]`
 * @param {string | undefined} proxyToken a proxy token: `pairs` holds it as `Authorization:
 *   Bearer`, which a browser sends as subprotocols instead (`proxyTokenProtocols`)
 * @param {AbortSignal | undefined} signal
 * @param {number} timeoutMs
 * @param {any} Ctor an injected WebSocket class, or undefined
 * @param {(op: number, status: number, text: string, a?: string | null, b?: string | null) => any} help
 * @returns {Promise<BasetenWebSocket>}
 */
export function openWebSocket(url, pairs, proxyToken, signal, timeoutMs, Ctor, help) {
  /** @type {Refuse} */
  const refuse = (status, requestId, body, code) => help(0, status, body, requestId, code);
  /** @type {MakeError} */
  const error = (kind, message, code) => help(1, 0, message, kind, code);
  /** @type {Scrub} */
  const scrub = (text) => help(2, 0, text);
  /** @type {Record<string, string>} */
  const headers = Object.fromEntries(pairs);
  const how = Ctor ? "injected" : runtime();
  /** @type {string[]} */
  let protocols = [];
  if (how === "browser" && proxyToken !== undefined) {
    // The proxy token's Authorization travels as the subprotocols instead.
    if (!TOKEN.test(proxyToken)) {
      return Promise.reject(error("configuration", "websocket(): proxyToken is not a token that mintProxyToken made (base64url and a dot)"));
    }
    protocols = [PROXY_PROTOCOL, TOKEN_PREFIX + proxyToken];
    pairs = pairs.filter(([n]) => n.toLowerCase() !== "authorization");
  }
  if (how === "browser" && pairs.length) {
    const what = pairs.some(([n]) => n.toLowerCase() === "authorization") ? "the API key" : "headers";
    return Promise.reject(error("configuration",
      `websocket(): a browser cannot send ${what} on a WebSocket, and the key must never reach a page: ` +
      "point baseUrl at the proxy Worker (examples/worker), which holds the key, and leave apiKey and headers out"));
  }
  if (how === "node-without" || how === "none") {
    return Promise.reject(error("configuration",
      "websocket(): this runtime has no WebSocket: Node 22 and later have one; on Node 20 and 21 pass the " +
      "`ws` package's class as options.WebSocket"));
  }
  return new Promise((resolve, reject) => {
    /** @type {Sock | null} */
    let sock = null;
    let settled = false;
    const ctl = new AbortController();
    // A delay beyond 2^31-1 ms would fire at once: it means none, as the other timeouts' do.
    const timer = timeoutMs <= 2147483647
      ? setTimeout(() => fail(error("timeout", `websocket(): the socket did not open within ${timeoutMs} ms`, "connect_timeout")), timeoutMs)
      : undefined;
    const onAbort = () => fail(error("aborted", "websocket(): aborted before the socket opened", "aborted"));
    const done = () => {
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    /** @param {unknown} err */
    function fail(err) {
      if (settled) return;
      done();
      ctl.abort();
      if (sock) {
        try {
          if (sock.terminate) sock.terminate();
          else sock.close();
        } catch {
          // already closing
        }
      }
      reject(err);
    }
    /** @param {Sock} s */
    const opened = (s) => {
      if (settled) return s.close();
      done();
      resolve(new BasetenWebSocket(s, url, signal, error, scrub));
    };
    /** @param {string} text */
    const connectionError = (text) => {
      const status = statusIn(text);
      if (status) return refuse(status, null, "", null);
      return error("connection", `websocket(): could not connect${text ? `: ${text}` : ""}`);
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort);
    if (how === "workerd") {
      const httpUrl = url.replace(/^ws/, "http");
      fetch(httpUrl, { headers: { ...headers, Upgrade: "websocket" }, signal: ctl.signal }).then(
        async (res) => {
          const ws = /** @type {any} */ (res).webSocket;
          if (!ws) {
            const body = await res.text().catch(() => "");
            return fail(refuse(res.status, requestIdOf(res.headers), body, res.headers.get("x-baseten-error-code")));
          }
          ws.accept();
          opened(ws);
        },
        (e) => fail(connectionError(String(e?.message ?? e))),
      );
      return;
    }
    try {
      const C = Ctor ?? WebSocket;
      sock = /** @type {Sock} */ (
        how === "browser" && protocols.length ? new C(url, protocols) : pairs.length ? new C(url, { headers }) : new C(url)
      );
    } catch (e) {
      return fail(error("configuration", `websocket(): ${/** @type {any} */ (e)?.message ?? e}`));
    }
    const s = /** @type {Sock} */ (sock);
    try {
      s.binaryType = "arraybuffer";
    } catch {
      // a class without binaryType: binary arrives as it gives it
    }
    // The `ws` package shows a refused upgrade's response: its status, headers and body.
    if (typeof s.on === "function") {
      s.on("unexpected-response", (/** @type {any} */ _req, /** @type {any} */ res) => {
        /** @type {Uint8Array[]} */
        const chunks = [];
        res.on("data", (/** @type {Uint8Array} */ c) => chunks.push(c));
        res.on("end", () => {
          const body = new TextDecoder().decode(concat(chunks));
          const h = res.headers;
          const rid = requestIdOf({ get: (/** @type {string} */ n) => h[n] ?? null });
          fail(refuse(res.statusCode, rid, body, h["x-baseten-error-code"] || null));
        });
      });
    }
    s.addEventListener("open", () => opened(s));
    s.addEventListener("error", (/** @type {any} */ e) => fail(connectionError(String(e?.message ?? e?.error?.message ?? ""))));
    s.addEventListener("close", (e) => fail(connectionError(`closed before it opened (code ${e.code})`)));
  });
}

/** @param {Uint8Array[]} chunks */
function concat(chunks) {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A message as given to the caller: a string, or the bytes of a binary one.
 * @param {unknown} data
 * @returns {string | Uint8Array} */
function toMessage(data) {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  if (Array.isArray(data)) return concat(data);
  return String(data);
}

/** An open socket to a model or chain: send, read messages (async iterable), close. */
export class BasetenWebSocket {
  /** @type {Sock} */ #sock;
  /** @type {(string | Uint8Array)[]} */ #queue = [];
  /** Readers waiting for a message, oldest first (two loops over one socket each get their turn).
   * @type {{ resolve: (r: IteratorResult<string | Uint8Array>) => void, reject: (e: unknown) => void }[]} */
  #waiters = [];
  /** @type {Error | null} */ #end = null;
  /** @type {MakeError} */ #make;
  #ended = false;
  #closing = false;
  /** @type {AbortSignal | undefined} */ #signal;
  #onAbort = () => {
    this.#end = this.#make("aborted", "websocket: aborted by the caller's signal", "aborted");
    this.close(1000, "aborted");
  };
  /** @type {(v: { code: number, reason: string }) => void} */ #closedResolve = () => {};

  /**
   * @param {Sock} sock @param {string} url @param {AbortSignal | undefined} signal
   * @param {MakeError} error @param {Scrub} scrub
   */
  constructor(sock, url, signal, error, scrub) {
    this.#sock = sock;
    this.#make = error;
    /** The socket's URL (it never holds the key). */
    this.url = url;
    /** @type {number | null} The close code, once closed. */
    this.closeCode = null;
    /** @type {string | null} The close reason, once closed. */
    this.closeReason = null;
    /** @type {Promise<{ code: number, reason: string }>} Resolves once the socket is closed. */
    this.closed = new Promise((r) => (this.#closedResolve = r));
    this.#signal = signal;
    signal?.addEventListener("abort", this.#onAbort);
    sock.addEventListener("message", (e) => this.#push(toMessage(e.data)));
    sock.addEventListener("error", () => {
      // a close event follows
    });
    sock.addEventListener("close", (e) => {
      const reason = scrub(String(e.reason ?? ""));
      this.closeCode = e.code;
      this.closeReason = reason;
      this.#signal?.removeEventListener("abort", this.#onAbort);
      if (!this.#end && !this.#closing && !NORMAL.includes(e.code)) {
        const retryable = [1006, 1012, 1013].includes(e.code);
        const err = new WebSocketCloseError(`websocket: closed with code ${e.code}${reason ? `: ${reason}` : ""}`,
          { code: String(e.code), retryable });
        this.#end = Object.assign(err, { closeCode: e.code, closeReason: reason });
      }
      // workerd wants the close answered; elsewhere this does nothing.
      try {
        if (sock.readyState !== 3) sock.close();
      } catch {
        // already closed
      }
      this.#ended = true;
      this.#closedResolve({ code: e.code, reason });
      this.#flush();
    });
  }

  /** @param {string | Uint8Array} m */
  #push(m) {
    const w = this.#waiters.shift();
    if (w) w.resolve({ value: m, done: false });
    else this.#queue.push(m);
  }

  /** Once closed: every reader waiting then gets the end, the close error if there is one (a
   * cut socket is never a normal end to any of them); later reads get `done`. */
  #flush() {
    const waiting = this.#waiters.splice(0);
    if (!waiting.length) return;
    const e = this.#end;
    this.#end = null;
    for (const w of waiting) {
      if (e) w.reject(e);
      else w.resolve({ value: undefined, done: true });
    }
  }

  /** @returns {Promise<IteratorResult<string | Uint8Array>>} */
  #next() {
    const m = this.#queue.shift();
    if (m !== undefined) return Promise.resolve({ value: m, done: false });
    if (this.#ended) {
      const e = this.#end;
      this.#end = null;
      return e ? Promise.reject(e) : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /**
   * Sends a text (string) or binary (Uint8Array, ArrayBuffer) message.
   * @param {string | Uint8Array | ArrayBuffer} data
   */
  send(data) {
    if (this.#ended || this.#closing || this.#sock.readyState !== 1) {
      throw this.#make("configuration", "websocket: send() after the socket closed");
    }
    if (typeof data !== "string" && !(data instanceof ArrayBuffer) && !ArrayBuffer.isView(data)) {
      throw this.#make("configuration", "websocket: send() takes a string, a Uint8Array or an ArrayBuffer");
    }
    this.#sock.send(data);
  }

  /**
   * Closes the socket (code 1000 or 3000-4999, reason at most 123 bytes); resolves once closed,
   * rejects with a ConfigurationError for a code or reason a close frame cannot carry.
   * @param {number} [code] @param {string} [reason]
   */
  close(code = 1000, reason = "") {
    if (!(code === 1000 || (Number.isInteger(code) && code >= 3000 && code <= 4999))) {
      return Promise.reject(this.#make("configuration", "websocket: close() takes the code 1000 or one from 3000 to 4999"));
    }
    if (typeof reason !== "string" || new TextEncoder().encode(reason).length > 123) {
      return Promise.reject(this.#make("configuration", "websocket: close() takes a reason of at most 123 bytes of UTF-8"));
    }
    if (!this.#ended && !this.#closing) {
      this.#closing = true;
      this.#sock.close(code, reason);
    }
    return this.closed;
  }

  /** The messages, in order; ends when the socket closes, with a WebSocketCloseError when the
   * close code is not a normal end. */
  [Symbol.asyncIterator]() {
    return {
      next: () => this.#next(),
      return: async () => {
        if (!this.#ended) await this.close();
        return { value: undefined, done: /** @type {const} */ (true) };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}
