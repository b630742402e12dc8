// The proxy Worker's WebSocket relay (examples/worker/src/websocket.js), built by wrangler
// against the packed tarball and run in Miniflare (workerd), its upstream the mock: a client that
// plays the browser (the `ws` package, sending an Origin) talks to the Worker, which holds the
// key. Message by message: text, binary, 1 MiB, order; closes passed on both ways; the size limit;
// a refused upstream upgrade; a browser that goes away (the upstream must close: the mock's
// session list says so); the origin check. And a page in Chromium using the package's own
// client.websocket() through the Worker, without a key; with a key it is refused.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { WebSocket } from "ws";
import { startMock } from "./lib/mock.mjs";
import { ROOT, makeProject, copyTree, serveStatic, launchChromium, smokeInPage } from "./lib/harness.mjs";
import { wranglerBuild, startWorker } from "./lib/workerd.mjs";

const ALLOWED = "https://app.example.com";
const LIMIT = (1 << 20) + 64;

let mock;
let project;
let built;
let worker;
let badKeyWorker;
let authWorker;
let pkg;
let site;
const SECRET = "ws-proxy-secret";
before(async () => {
  mock = await startMock(["--token-rate", "0"]);
  project = await makeProject("worker-ws", { files: { "page/index.html": PAGE } });
  copyTree(join(ROOT, "examples/worker"), project.dir);
  project.write("package.json", JSON.stringify({ name: "proxy-under-test", private: true, type: "module" }));
  built = await wranglerBuild(project.dir);
  site = await serveStatic(project.dir);
  const origins = `${ALLOWED}, ${site.url}`;
  const bindings = { BASETEN_API_KEY: "test-key", BASETEN_BASE_URL: mock.url, ALLOWED_ORIGINS: origins, MAX_WS_MESSAGE_BYTES: String(LIMIT) };
  worker = await startWorker({ ...built, bindings });
  badKeyWorker = await startWorker({ ...built, bindings: { ...bindings, BASETEN_API_KEY: "not-the-key" } });
  authWorker = await startWorker({ ...built, bindings: { ...bindings, PROXY_AUTH_SECRET: SECRET } });
  pkg = await import(project.path("node_modules/baseten-edge/node.mjs"));
}, { timeout: 150_000 });

/** A proxy token for the auth Worker, as your backend mints it (valid 10 min). */
const token = (claims = {}, secret = SECRET) =>
  pkg.mintProxyToken({ sub: "ws-user", exp: Math.floor(Date.now() / 1000) + 600, ...claims }, secret);
after(async () => {
  await worker?.mf.dispose();
  await badKeyWorker?.mf.dispose();
  await authWorker?.mf.dispose();
  await site?.close();
  await mock?.stop();
  project?.cleanup();
}, { timeout: 30_000 });

/** The page: the package (browser.mjs) through the Worker given in its query, then the refusals. */
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>ws</title>
<script type="importmap">{ "imports": { "baseten-edge": "/node_modules/baseten-edge/browser.mjs" } }</script></head>
<body><script type="module">
import * as lib from "baseten-edge";
const q = new URLSearchParams(location.search);
const out = {};
try {
  const ws = await new lib.Baseten({ baseUrl: q.get("worker") }).websocket({ connectTimeoutMs: 5000 });
  out.url = ws.url;
  ws.send("hello from the page");
  ws.send(new Uint8Array([1, 2, 3]));
  const it = ws[Symbol.asyncIterator]();
  out.text = (await it.next()).value;
  const bin = (await it.next()).value;
  out.binary = { isUint8Array: bin instanceof Uint8Array, bytes: Array.from(bin) };
  ws.send(JSON.stringify({ mock: "close", code: 4001, reason: "model refused" }));
  try { await it.next(); } catch (e) {
    out.close = { name: e.name, isClass: e instanceof lib.WebSocketCloseError, closeCode: e.closeCode, closeReason: e.closeReason };
  }
  if (q.get("authWorker")) {
    // Behind PROXY_AUTH_SECRET: with the proxy token (sent as subprotocols), and without.
    const authed = await new lib.Baseten({ baseUrl: q.get("authWorker") }).websocket({ proxyToken: q.get("token") });
    authed.send("with a token");
    out.authed = { text: (await authed[Symbol.asyncIterator]().next()).value };
    await authed.close();
    try { await new lib.Baseten({ baseUrl: q.get("authWorker") }).websocket({ connectTimeoutMs: 5000 }); out.noToken = "connected"; } catch (e) {
      out.noToken = { name: e.name, isBaseten: e instanceof lib.BasetenError };
    }
  }
  for (const o of [{ apiKey: "sk-page-secret-1", modelId: "m" }, { apiKey: "sk-page-secret-1", baseUrl: q.get("worker") }]) {
    try { await new lib.Baseten(o).websocket(); out.keyed = "connected"; } catch (e) {
      (out.keyed ??= []).push({ name: e.name, isClass: e instanceof lib.ConfigurationError, message: e.message });
    }
  }
  window.__smoke = out;
} catch (e) { window.__smokeError = String(e && e.stack || e); }
</script></body></html>`;

const wsUrl = (w, path = "/websocket") => w.url.replace(/^http/, "ws") + path;

/** A browser-like client: resolves once open to `{ ws, next, closed }`, or rejects with the HTTP refusal. */
function connect(w, { path, origin = ALLOWED, protocols = [], headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(w, path), protocols, { headers: { ...(origin ? { origin } : {}), ...headers }, maxPayload: 8 << 20 });
    const queue = [];
    const waiters = [];
    ws.on("message", (data, isBinary) => {
      const m = isBinary ? new Uint8Array(data) : data.toString();
      const w = waiters.shift();
      if (w) w(m);
      else queue.push(m);
    });
    const closed = new Promise((r) => ws.on("close", (code, reason) => r({ code, reason: reason.toString() })));
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => reject(Object.assign(new Error(`refused ${res.statusCode}`), { status: res.statusCode, body })));
    });
    ws.on("error", reject);
    let upgrade = {};
    ws.on("upgrade", (res) => (upgrade = res.headers));
    ws.on("open", () =>
      resolve({
        ws,
        upgrade,
        closed,
        next: () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiters.push(r))),
      }));
  });
}

/** The mock's sessions, once the newest has closed. */
async function lastSession() {
  for (let i = 0; i < 300; i++) {
    const list = await (await fetch(mock.url + "/__mock/websockets")).json();
    const s = list.at(-1);
    if (s && !s.open) return s;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("the upstream session did not close");
}

test("text, binary and 1 MiB messages, both ways, in order, message by message", { timeout: 60_000 }, async () => {
  for (const path of ["/websocket", "/environments/production/websocket"]) {
    const c = await connect(worker, { path });
    // The 101 carries the gate's headers: this Worker is open, and says so.
    assert.equal(c.upgrade["x-proxy-auth"], "off");
    assert.equal(c.upgrade["access-control-allow-origin"], ALLOWED);
    c.ws.send("hello");
    assert.equal(await c.next(), "hello");
    c.ws.send(new Uint8Array([0, 1, 2, 255]));
    assert.deepEqual(await c.next(), new Uint8Array([0, 1, 2, 255]));
    const big = "z".repeat(1 << 20);
    c.ws.send(big);
    assert.equal(await c.next(), big);
    const bytes = new Uint8Array(1 << 20).map((_, i) => (i * 7) % 256);
    c.ws.send(bytes);
    assert.deepEqual(await c.next(), bytes);
    for (let i = 0; i < 50; i++) c.ws.send(`m${i}`);
    for (let i = 0; i < 50; i++) assert.equal(await c.next(), `m${i}`);
    c.ws.send(JSON.stringify({ mock: "stream", n: 3, interval_ms: 5, text: "p q r" }));
    assert.deepEqual([await c.next(), await c.next(), await c.next()].map((m) => JSON.parse(m).text), ["p ", "q ", "r "]);
    assert.equal(JSON.parse(await c.next()).type, "done");
    c.ws.close(4000, "browser done");
    assert.equal((await c.closed).code, 4000);
    const s = await lastSession();
    assert.equal(s.path, "/environments/production/websocket", "the Worker's upstream path");
    assert.equal(s.received, 4 + 50 + 1);
    assert.deepEqual([s.closed_by, s.close_code, s.close_reason], ["client", 4000, "browser done"]);
  }
});

test("an upstream close with an error code reaches the browser with its code and reason", { timeout: 30_000 }, async () => {
  const c = await connect(worker);
  c.ws.send(JSON.stringify({ mock: "close", code: 4001, reason: "model refused" }));
  assert.deepEqual(await c.closed, { code: 4001, reason: "model refused" });
  const s = await lastSession();
  assert.equal(s.closed_by, "server");
  // A normal close stays normal.
  const n = await connect(worker);
  n.ws.send(JSON.stringify({ mock: "close", code: 1000, reason: "bye" }));
  assert.deepEqual(await n.closed, { code: 1000, reason: "bye" });
});

test("a message over the limit closes both sides, the browser's with 1009", { timeout: 30_000 }, async () => {
  const c = await connect(worker);
  c.ws.send("x".repeat(LIMIT));
  assert.equal(await c.next(), "x".repeat(LIMIT), "at the limit: relayed");
  c.ws.send("x".repeat(LIMIT + 1));
  const closed = await c.closed;
  assert.equal(closed.code, 1009);
  assert.match(closed.reason, /over 1048640 bytes/);
  const s = await lastSession();
  assert.equal(s.closed_by, "client");
  assert.equal(s.received, 1, "the oversized message never went upstream");
});

test("a browser that goes away: the upstream socket is closed", { timeout: 30_000 }, async () => {
  const c = await connect(worker);
  c.ws.send("ping");
  assert.equal(await c.next(), "ping");
  c.ws.terminate(); // no close frame: the TCP connection just ends
  const s = await lastSession();
  assert.equal(s.closed_by, "client");
  assert.equal(s.close_code, 1000);
  assert.match(s.close_reason, /the browser closed/);
});

test("a refused upstream upgrade, and an origin not allowed, are refused before any socket", { timeout: 30_000 }, async () => {
  const before = (await (await fetch(mock.url + "/__mock/websockets")).json()).length;
  const refused = await connect(badKeyWorker).then(() => null, (e) => e);
  assert.equal(refused?.status, 502);
  const body = JSON.parse(refused.body);
  assert.equal(body.error.type, "AuthenticationError");
  assert.match(body.error.message, /refused the proxy's credentials/);
  assert.ok(!refused.body.includes("not-the-key"));
  const origin = await connect(worker, { origin: "https://evil.example.com" }).then(() => null, (e) => e);
  assert.equal(origin?.status, 403);
  const after = (await (await fetch(mock.url + "/__mock/websockets")).json()).length;
  assert.equal(after, before, "no upstream session was opened");
  // A plain GET on the relay path is not a socket.
  const plain = await fetch(worker.url + "/websocket", { headers: { origin: ALLOWED } });
  assert.equal(plain.status, 404);
});

test("Chromium: the package's client.websocket() through the Worker, no key; with a proxy token behind PROXY_AUTH_SECRET; with a key, refused", { timeout: 60_000 }, async () => {
  const browser = await launchChromium();
  try {
    const tok = token();
    const query = `worker=${encodeURIComponent(worker.url)}&authWorker=${encodeURIComponent(authWorker.url)}&token=${encodeURIComponent(tok)}`;
    const r = await smokeInPage(browser, `${site.url}/page/index.html?${query}`);
    assert.deepEqual(r.authed, { text: "with a token" }, "through PROXY_AUTH_SECRET with the token as subprotocols");
    assert.equal(r.noToken?.isBaseten, true, `without a token the page's socket is refused: ${JSON.stringify(r.noToken)}`);
    assert.equal(r.url, wsUrl(worker, "/environments/production/websocket"));
    assert.equal(r.text, "hello from the page");
    assert.deepEqual(r.binary, { isUint8Array: true, bytes: [1, 2, 3] });
    assert.deepEqual(r.close, { name: "WebSocketCloseError", isClass: true, closeCode: 4001, closeReason: "model refused" });
    assert.equal(r.keyed.length, 2);
    for (const k of r.keyed) {
      assert.equal(k.name, "ConfigurationError");
      assert.equal(k.isClass, true);
      assert.match(k.message, /a browser cannot send the API key on a WebSocket.*proxy Worker/);
      assert.ok(!k.message.includes("sk-page-secret-1"));
    }
    // What the page saw holds no key; the upstream got the Worker's.
    assert.ok(!JSON.stringify(r).includes("test-key"));
  } finally {
    await browser.close();
  }
});

test("behind PROXY_AUTH_SECRET: the token as Authorization or as subprotocols; none, forged or expired refused before any socket", { timeout: 60_000 }, async () => {
  const before = (await (await fetch(mock.url + "/__mock/websockets")).json()).length;
  for (const [what, opts, status] of [
    ["no token", {}, 401],
    ["a forged token as subprotocols", { protocols: ["baseten-proxy", "baseten-proxy-token." + token({}, "not-the-secret")] }, 401],
    ["an expired token", { headers: { authorization: `Bearer ${token({ exp: 1_000_000 })}` } }, 401],
    ["the token without the proxy's own subprotocol", { protocols: ["baseten-proxy-token." + token()] }, 401],
    ["a token scoped to models (the relay names none)", { headers: { authorization: `Bearer ${token({ models: ["acme/x"] })}` } }, 403],
  ]) {
    const refused = await connect(authWorker, opts).then(() => null, (e) => e);
    assert.equal(refused?.status, status, what);
    assert.ok(!refused.body.includes("baseten-proxy-token."), `${what}: the token is not echoed`);
  }
  assert.equal((await (await fetch(mock.url + "/__mock/websockets")).json()).length, before, "no upstream session was opened");

  // A browser's way: subprotocols; the Worker answers with `baseten-proxy`.
  const tok = token();
  const b = await connect(authWorker, { protocols: ["baseten-proxy", "baseten-proxy-token." + tok] });
  assert.equal(b.ws.protocol, "baseten-proxy");
  assert.equal(b.upgrade["x-proxy-auth"], undefined, "auth is on");
  b.ws.send("via subprotocols");
  assert.equal(await b.next(), "via subprotocols");
  b.ws.close(1000);
  await b.closed;

  // A server's way: the package's client with proxyToken sends it as Authorization (the `ws` class).
  const ws = await new pkg.Baseten({ baseUrl: authWorker.url }).websocket({ proxyToken: tok, WebSocket });
  ws.send("via the header");
  assert.equal((await ws[Symbol.asyncIterator]().next()).value, "via the header");
  await ws.close();
  const s = await lastSession();
  assert.equal(s.path, "/environments/production/websocket");
  // The upstream never sees the proxy token: the Worker sends its own key.
  assert.ok(!JSON.stringify(s).includes(tok));

  // apiKey and proxyToken together: a ConfigurationError, before any connection.
  await assert.rejects(
    new pkg.Baseten({ baseUrl: authWorker.url, apiKey: "k" }).websocket({ proxyToken: tok, WebSocket }),
    (e) => e instanceof pkg.ConfigurationError && /apiKey or proxyToken/.test(e.message),
  );
  // The Worker's reading of the header.
  assert.deepEqual(pkg.proxyTokenFromProtocols(`chat, baseten-proxy-token.${tok} ,baseten-proxy`), { token: tok, protocol: "baseten-proxy" });
  assert.equal(pkg.proxyTokenFromProtocols("baseten-proxy"), null);
  assert.equal(pkg.proxyTokenFromProtocols(null), null);
});
