// Sending one request on the Node transport (node_transport.cjs): over HTTP/2 on a connection
// of the origin's pool (h2_connection.cjs), or over HTTP/1.1 on its keep-alive agent; either way
// a NodeResponse (node_response.cjs) once the headers come, and fetch's errors: no response -> a
// TypeError "fetch failed" whose `cause` is the underlying error; an aborted signal -> a
// DOMException "AbortError" (or the signal's reason). A request the server did not process
// (RST_STREAM REFUSED_STREAM, or above a GOAWAY's last stream) is sent again, up to RESEND times.
"use strict";

const http = require("node:http");
const https = require("node:https");
const { NodeResponse } = require("./node_response.cjs");

/** HTTP/1.1-only headers HTTP/2 forbids. */
const H2_FORBIDDEN = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "host", "te"]);
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

/** A request body as bytes, or null for none; undefined for a kind this transport cannot send. */
function bodyBytes(body) {
  if (body === undefined || body === null) return null;
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  return undefined;
}

/**
 * Calls `fn(name, value)` for each header of `given` (any form fetch takes: a Headers-like
 * object, [name, value] pairs, or a plain object), the name in lower case.
 * @param {any} given @param {(name: string, value: string) => void} fn
 */
function eachHeader(given, fn) {
  if (!given) return;
  const add = (v, k) => fn(String(k).toLowerCase(), String(v));
  if (typeof given.forEach === "function" && !Array.isArray(given)) given.forEach(add);
  else if (Array.isArray(given)) for (const [k, v] of given) add(v, k);
  else for (const k in given) add(given[k], k);
}

/** The error for a body this transport cannot send. */
const unsendable = () => new TypeError("fetch failed: the Node transport sends string, Uint8Array or ArrayBuffer bodies");

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
  if (body === undefined) return reject(unsendable());
  /** @type {string[]} */
  const fields = [];
  eachHeader(init.headers, (name, value) => {
    if (!H2_FORBIDDEN.has(name) && name !== "content-length") fields.push(name, value);
  });
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
      origin.unwait(go);
    };
    signal.addEventListener("abort", onAbort);
  }
  origin.withConnection(go);
}

/** Sends one request on HTTP/1.1 (a keep-alive agent). */
function h1send(origin, url, path, init, resolve, reject) {
  const signal = init.signal;
  const body = bodyBytes(init.body);
  if (body === undefined) return reject(unsendable());
  /** @type {Record<string, string>} */
  const headers = {};
  eachHeader(init.headers, (name, value) => (headers[name] = name in headers ? `${headers[name]}, ${value}` : value));
  const mod = origin.secure ? https : http;
  let responded = false;
  let ended = false;
  let onAbort = null;
  const req = mod.request({
    host: origin.host,
    port: origin.port,
    path,
    method: init.method || "GET",
    headers,
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
  if (body !== null) req.end(body);
  else req.end();
}

module.exports = { h2send, h1send, fetchFailed, abortError };
