// An origin of the Node transport (node_transport.cjs): how to talk to it (HTTP/2 by ALPN over
// TLS, h2c by prior knowledge, or HTTP/1.1), its pool of HTTP/2 connections (h2_connection.cjs:
// up to MAX_SESSIONS, the least busy first, requests waiting for room under the server's stream
// limit) or its keep-alive agent, and the TLS trust it connects with.
"use strict";

const fs = require("node:fs");
const http = require("node:http");
const https = require("node:https");
const net = require("node:net");
const tls = require("node:tls");
const { H2Connection } = require("./h2_connection.cjs");

/** Connections per origin at most, and the streams one takes before another is opened. */
const MAX_SESSIONS = 4;
const STREAMS_PER_SESSION = 32;
/** An idle connection (no stream for this long) is closed. */
const IDLE_MS = 30_000;
/** How long the TLS connection that asks an https origin for HTTP/2 (ALPN) may take. */
const PROBE_MS = 10_000;
/**
 * The TLS context trusting Node's certificate authorities with `ca` added (TLS's `ca` option
 * alone replaces them, and `ca` is meant to add): Node's default set where it can say which
 * (`tls.getCACertificates`, Node 22.15 and later, which follows --use-openssl-ca), else its
 * bundled roots and NODE_EXTRA_CA_CERTS. Made once per transport: a context of some 150 roots
 * costs tens of milliseconds of CPU, too much for each connection.
 * @param {string} ca
 */
function trustedContext(ca) {
  const t = /** @type {any} */ (tls);
  const list = typeof t.getCACertificates === "function" ? [...t.getCACertificates("default")] : [...tls.rootCertificates];
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (extra && typeof t.getCACertificates !== "function") {
    try {
      list.push(fs.readFileSync(extra, "utf8"));
    } catch {
      // Node warns about an unreadable file itself and goes on without it: so does this.
    }
  }
  list.push(ca);
  return tls.createSecureContext({ ca: list });
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
  /** A request given up while it waited for room: it leaves the queue. */
  unwait(go) {
    const i = this.waiting.indexOf(go);
    if (i >= 0) this.waiting.splice(i, 1);
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

module.exports = { Origin, trustedContext };
