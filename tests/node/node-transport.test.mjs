// The Node transport (transport: "node") against servers written with Node's own http2 and
// https: h2 over TLS with a self-signed certificate given as `ca`, ALPN falling back to
// HTTP/1.1, h2c by prior knowledge, and connection resets, stream resets and GOAWAY in the
// middle of a batch: the batch completes with every item (retries) or fails with typed errors,
// never hangs or loses items.
import { test } from "node:test";
import assert from "node:assert/strict";
import http2 from "node:http2";
import https from "node:https";
import { Baseten, APIConnectionError, ConfigurationError } from "../../pkg/node.mjs";
import { selfSignedCert } from "./tls-cert.mjs";
import { listen } from "./listen.mjs";

const KEY = "sk-node-transport-test";
const { key, cert } = selfSignedCert();
/** Reads a request body as JSON, then answers `{ item, protocol }` with a request id. */
function echo(req, res) {
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (d) => (body += d));
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "x-baseten-request-id": `rid-${Math.random()}` });
    let item;
    try {
      item = JSON.parse(body);
    } catch {
      // A request whose stream was reset on the way (the fault tests): nobody waits for it.
      return;
    }
    res.end(JSON.stringify({ item, protocol: req.httpVersion }));
  });
}

const payloads = (n) => Array.from({ length: n }, (_, i) => ({ i }));

test("h2 over TLS: the certificate authority given as `ca`; HTTP/2 by ALPN; the default transport on Node", async () => {
  const server = http2.createSecureServer({ key, cert, allowHTTP1: true }, echo);
  const port = await listen(server);
  const client = new Baseten({ apiKey: KEY, baseUrl: `https://127.0.0.1:${port}`, ca: cert });
  const { data } = await client.batchPost("items/tls", payloads(200), { batchSize: 1, maxConcurrentRequests: 32 });
  assert.equal(data.length, 200);
  data.forEach((d, i) => {
    assert.equal(d.item.i, i);
    assert.equal(d.protocol, "2.0");
  });
  const one = await client.predict({ i: 7 });
  assert.deepEqual(one.item, { i: 7 });
});

test("without the certificate authority: a typed connection error naming the TLS failure, not the key", async () => {
  const server = http2.createSecureServer({ key, cert }, echo);
  const port = await listen(server);
  const client = new Baseten({ apiKey: KEY, baseUrl: `https://127.0.0.1:${port}`, transport: "node", maxRetries: 0 });
  await assert.rejects(client.predict({ i: 1 }), (e) => {
    assert.ok(e instanceof APIConnectionError, String(e));
    assert.match(e.message, /SELF_SIGNED|self.signed/i);
    assert.ok(!e.message.includes(KEY));
    return true;
  });
});

test("ALPN answers http/1.1: the transport falls back to HTTPS keep-alive", async () => {
  const server = https.createServer({ key, cert }, echo);
  const port = await listen(server);
  const client = new Baseten({ apiKey: KEY, baseUrl: `https://127.0.0.1:${port}`, transport: "node", ca: cert });
  const { data } = await client.batchPost("items/h1", payloads(50), { batchSize: 1, maxConcurrentRequests: 8 });
  assert.equal(data.length, 50);
  data.forEach((d, i) => {
    assert.equal(d.item.i, i);
    assert.equal(d.protocol, "1.1");
  });
});

test("h2c by prior knowledge (h2c: true) against a server that speaks only HTTP/2", async () => {
  const server = http2.createServer(echo);
  const port = await listen(server);
  const client = new Baseten({ apiKey: KEY, baseUrl: `http://127.0.0.1:${port}`, transport: "node", h2c: true });
  const { data } = await client.batchPost("items/h2c", payloads(100), { batchSize: 1, maxConcurrentRequests: 16 });
  assert.equal(data.length, 100);
  data.forEach((d, i) => {
    assert.equal(d.protocol, "2.0");
    assert.equal(d.item.i, i);
  });
});

test("resets and GOAWAY in the middle of a batch: every item comes back, in order, by retries", { timeout: 60_000 }, async () => {
  let n = 0;
  const faults = { goaway: 0, rst: 0, destroy: 0 };
  const server = http2.createSecureServer({ key, cert, maxSessionMemory: 64 }, (req, res) => {
    n += 1;
    const session = req.stream.session;
    if (n % 97 === 0) {
      // GOAWAY: the streams after the last one it names are refused, the session is then closed.
      faults.goaway += 1;
      session.goaway(http2.constants.NGHTTP2_NO_ERROR, req.stream.id - 1);
      req.stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      setTimeout(() => session.close(), 10);
      return;
    }
    if (n % 61 === 0) {
      // A stream reset before any header.
      faults.rst += 1;
      req.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      return;
    }
    if (n % 151 === 0) {
      // The connection dropped: every stream on it fails.
      faults.destroy += 1;
      session.destroy();
      return;
    }
    echo(req, res);
  });
  const port = await listen(server);
  const client = new Baseten({ apiKey: KEY, baseUrl: `https://127.0.0.1:${port}`, transport: "node", ca: cert });
  const items = payloads(800);
  const { data } = await client.batchPost("items/faults", items, {
    batchSize: 1, maxConcurrentRequests: 24, maxRetries: 5, retryBudget: 0.5,
  });
  assert.ok(faults.goaway > 0 && faults.rst > 0 && faults.destroy > 0, JSON.stringify(faults));
  assert.equal(data.length, items.length);
  data.forEach((d, i) => assert.equal(d.item.i, i));
});

test("a server that resets every stream: the batch fails with typed connection errors, it does not hang", { timeout: 60_000 }, async () => {
  const server = http2.createSecureServer({ key, cert }, (req) => req.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
  const port = await listen(server);
  const client = new Baseten({ apiKey: KEY, baseUrl: `https://127.0.0.1:${port}`, transport: "node", ca: cert });
  await assert.rejects(
    client.batchPost("items/reset", payloads(40), { batchSize: 1, maxConcurrentRequests: 8, maxRetries: 1 }),
    (e) => {
      assert.ok(e instanceof APIConnectionError, String(e));
      assert.match(e.message, /fetch failed/);
      return true;
    },
  );
});

test("backpressure: a body nobody reads stops the server (HTTP/2 flow control), nothing piles up", { timeout: 30_000 }, async () => {
  let written = 0;
  let stalled;
  const stall = new Promise((ok) => (stalled = ok));
  const server = http2.createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/octet-stream" });
    const chunk = Buffer.alloc(16384, 120);
    const pump = () => {
      while (written < 64 << 20) {
        written += chunk.length;
        if (!res.write(chunk)) {
          // No drain for 300 ms: the client has stopped reading.
          const t = setTimeout(() => stalled(written), 300);
          res.once("drain", () => {
            clearTimeout(t);
            pump();
          });
          return;
        }
      }
      res.end();
    };
    pump();
  });
  const port = await listen(server);
  const client = new Baseten({ apiKey: KEY, baseUrl: `http://127.0.0.1:${port}`, transport: "node", h2c: true });
  const stream = await client.predictStream({ big: true });
  const first = await stream.next();
  assert.ok(first.value.length > 0);
  const at = await stall;
  assert.ok(at < 8 << 20, `the server wrote ${at} bytes for a reader that took one chunk`);
  stream.abort();
});

test("the Node transport's options: refused beside a fetch of one's own or with transport \"fetch\", and of the wrong type", () => {
  const refused = (options, message) =>
    assert.throws(() => new Baseten({ apiKey: KEY, ...options }), (e) => e instanceof ConfigurationError && message.test(e.message), JSON.stringify(options));
  refused({ transport: "node", fetch }, /^options: transport "node" needs the Node transport, but a fetch option was given$/);
  refused({ ca: cert, fetch }, /^options: ca needs the Node transport, but a fetch option was given$/);
  refused({ transport: "fetch", h2c: true }, /^options: h2c needs the Node transport, but transport is "fetch"$/);
  refused({ transport: "fetch", h2c: false }, /h2c needs the Node transport/);
  refused({ transport: "http2" }, /^options\.transport must be "fetch" or "node"$/);
  refused({ h2c: "yes" }, /^options\.h2c must be a boolean$/);
  refused({ ca: 1 }, /^options\.ca must be a string$/);
  // Left out (undefined or null, as the wasm's reader has it), they ask for nothing.
  new Baseten({ apiKey: KEY, transport: "fetch", h2c: undefined, ca: null, fetch });
  new Baseten({ apiKey: KEY, transport: null, fetch });
});
