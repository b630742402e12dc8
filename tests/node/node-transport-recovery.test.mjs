// The Node transport when an origin misbehaves and then recovers: a connection that goes
// silent, a TLS origin that stalls its handshake or stops offering HTTP/2, HTTP/1.1 answers
// without a body; and what it trusts and costs: `ca` adds to Node's certificate authorities, and
// a batch makes no AbortController per request (the call is handed to it, not a signal).
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import http2 from "node:http2";
import https from "node:https";
import net from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { Baseten } from "../../pkg/node.mjs";
import { selfSignedCert } from "./tls-cert.mjs";
import { listen } from "./listen.mjs";

const { nodeFetch } = createRequire(import.meta.url)("../../pkg/node_transport.cjs");
const within = (ms, p, what) => Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error(`${what}: not settled in ${ms} ms`)), ms).unref())]);
const json = (res, value) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
};

/**
 * A TCP relay to `port` on 127.0.0.1 whose first connection stops passing the server's bytes on
 * when told to (`silence()`), as a half-open connection would: `{ url, silence, conns }`.
 */
async function silencingRelay(port) {
  let conns = 0;
  let silent = false;
  const front = net.createServer((c) => {
    const first = ++conns === 1;
    const u = net.connect(port, "127.0.0.1");
    c.on("error", () => {});
    u.on("error", () => {});
    u.on("data", (d) => (first && silent) || c.write(d));
    c.on("data", (d) => u.write(d));
    c.on("close", () => u.destroy());
  });
  const url = `http://127.0.0.1:${await listen(front)}`;
  return { url, silence: () => (silent = true), conns: () => conns };
}

test("a connection that goes silent: the call times out, and the next calls go on a new connection (PING unanswered)", { timeout: 30_000 }, async () => {
  const good = http2.createServer((req, res) => json(res, { ok: true }));
  const goodPort = await listen(good);
  const relay = await silencingRelay(goodPort);
  const client = new Baseten({ apiKey: "k", baseUrl: relay.url, h2c: true, timeoutMs: 500, maxRetries: 0 });
  assert.deepEqual(await client.predict({}), { ok: true });
  relay.silence();
  await assert.rejects(client.predict({}), (e) => e.constructor.name === "TimeoutError");
  for (let i = 0; i < 5; i++) assert.deepEqual(await client.predict({}), { ok: true }, `call ${i} after the silence`);
  assert.ok(relay.conns() >= 2, `a new connection was opened (${relay.conns()})`);
});

test("a TLS origin that stops offering HTTP/2 by ALPN: it is asked again, and the calls go on over HTTP/1.1", { timeout: 30_000 }, async () => {
  const { key, cert } = selfSignedCert();
  const h2 = http2.createSecureServer({ key, cert }, (req, res) => json(res, { via: "h2" }));
  const port = await listen(h2);
  const client = new Baseten({ apiKey: "k", baseUrl: `https://127.0.0.1:${port}`, ca: cert });
  assert.deepEqual(await client.predict({}), { via: "h2" });
  await new Promise((ok) => h2.close(ok));
  const h1 = https.createServer({ key, cert }, (req, res) => json(res, { via: "h1" }));
  h1.listen(port, "127.0.0.1");
  await new Promise((ok) => h1.once("listening", ok));
  try {
    // The first call may meet the old connection's end and the new one's ALPN refusal (both
    // retried); every call succeeds.
    for (let i = 0; i < 3; i++) assert.deepEqual(await client.predict({}), { via: "h1" }, `call ${i}`);
  } finally {
    h1.closeAllConnections();
    h1.close();
  }
});

test("a TLS handshake that never finishes: an abort ends the wait for the origin's ALPN answer at once", { timeout: 30_000 }, async () => {
  const held = [];
  const stall = net.createServer((c) => held.push(c.on("error", () => {})));
  const port = await listen(stall);
  const fetch = nodeFetch({ ca: selfSignedCert().cert });
  try {
    for (let i = 0; i < 2; i++) {
      await assert.rejects(within(3000, fetch(`https://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(200) }), `request ${i}`), (e) => e.name === "TimeoutError" || e.name === "AbortError");
    }
  } finally {
    for (const c of held) c.destroy();
  }
});

test("HTTP/1.1 answers without a body (204, HEAD): the keep-alive socket goes back to the agent", { timeout: 60_000 }, async () => {
  let sockets = 0;
  const server = http.createServer((req, res) => {
    res.writeHead(req.method === "HEAD" ? 200 : 204, { "content-length": "0" });
    res.end();
  });
  server.on("connection", () => sockets++);
  const port = await listen(server);
  const client = new Baseten({ apiKey: "k", baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 5000, maxRetries: 0 });
  // More than the agent's 256 sockets: a socket held by each answer would stall the 257th.
  for (let i = 0; i < 300; i++) await client.sync("DELETE", "items/1");
  const fetch = nodeFetch();
  for (let i = 0; i < 300; i++) assert.equal((await fetch(`http://127.0.0.1:${port}/`, { method: "HEAD" })).status, 200);
  assert.ok(sockets <= 4, `sockets reused (${sockets} opened)`);
});

test("`ca` adds to the certificate authorities Node trusts (NODE_EXTRA_CA_CERTS here), it does not replace them", { timeout: 30_000 }, async () => {
  const a = selfSignedCert();
  const b = selfSignedCert();
  const dir = mkdtempSync(path.join(tmpdir(), "baseten-edge-ca-"));
  const saved = process.env.NODE_EXTRA_CA_CERTS;
  try {
    writeFileSync(path.join(dir, "a.pem"), a.cert);
    process.env.NODE_EXTRA_CA_CERTS = path.join(dir, "a.pem");
    const fetch = nodeFetch({ ca: b.cert });
    for (const [name, pair] of [["a", a], ["b", b]]) {
      const port = await listen(http2.createSecureServer(pair, (req, res) => res.end(name)));
      assert.equal(await (await fetch(`https://127.0.0.1:${port}/`)).text(), name);
    }
  } finally {
    if (saved === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
    else process.env.NODE_EXTRA_CA_CERTS = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a batch over the Node transport makes no AbortController per request (the call is handed to it, not a signal)", { timeout: 30_000 }, async () => {
  const server = http2.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => json(res, JSON.parse(body)));
  });
  const port = await listen(server);
  const client = new Baseten({ apiKey: "k", baseUrl: `http://127.0.0.1:${port}`, h2c: true });
  const Real = globalThis.AbortController;
  let made = 0;
  globalThis.AbortController = class extends Real {
    constructor() {
      super();
      made++;
    }
  };
  try {
    const payloads = Array.from({ length: 1000 }, (_, i) => ({ i }));
    const out = await client.batchPost("items", payloads, { batchSize: 1, maxConcurrentRequests: 8 });
    assert.equal(out.data.length, 1000);
    assert.deepEqual(out.data[999], { i: 999 });
  } finally {
    globalThis.AbortController = Real;
  }
  assert.ok(made <= 16, `${made} AbortControllers for 1,000 requests`);
});

test("a request waiting for room does not go on a connection that was just asked by PING (its stream given up)", { timeout: 30_000 }, async () => {
  // One stream per connection: four connections full, the first silent; the waiting request
  // must wait for a healthy connection's room, not take the silent one's.
  const server = http2.createServer({ settings: { maxConcurrentStreams: 1 } }, (req, res) => {
    if (req.url === "/ok") res.end("ok");
  });
  const port = await listen(server);
  const relay = await silencingRelay(port);
  const url = relay.url;
  const fetch = nodeFetch({ h2c: true });
  const pause = (ms) => new Promise((ok) => setTimeout(ok, ms));
  assert.equal(await (await fetch(`${url}/ok`)).text(), "ok");
  relay.silence();
  const ctls = [];
  for (let i = 0; i < 4; i++) {
    const c = new AbortController();
    ctls.push(c);
    fetch(`${url}/hang`, { signal: c.signal }).catch(() => {});
    await pause(100);
  }
  const waiter = fetch(`${url}/ok`).then((r) => r.text());
  await pause(50);
  ctls[0].abort();
  await pause(100);
  ctls[1].abort();
  assert.equal(await within(5000, waiter, "the waiting request"), "ok");
  for (const c of ctls) c.abort();
});
