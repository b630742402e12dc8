// client.websocket() in Node 20 with the `ws` package's class injected, against the mock: every
// URL form, text and binary both ways, the paced stream, refusals at the upgrade as typed errors
// with the request id, closes from each side, signal and connect timeout, and misuse.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { WebSocket as WS } from "ws";
import { startMock, mockGet } from "./mock.mjs";
import * as lib from "../../pkg/node.mjs";
import { drain } from "./websocket-drain.mjs";

let mock;
before(async () => {
  mock = await startMock(["--token-rate", "0"]);
});
after(async () => {
  await mock?.stop();
});

const client = (o = {}) => new lib.Baseten({ apiKey: "test-key", baseUrl: mock.url, ...o });
const open = (o = {}, w = {}) => client(o).websocket({ WebSocket: WS, ...w });
const text = (o) => JSON.stringify(o);


/** The mock's record of the session whose upgrade had this path, once it has closed. */
async function session(path) {
  for (let i = 0; i < 200; i++) {
    const list = await mockGet(mock.url, "/__mock/websockets");
    const s = list.findLast((s) => s.path === path);
    if (s && !s.open) return s;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no closed session on ${path}`);
}

test("every URL form reaches the mock's socket and echoes text and binary", async () => {
  const forms = [
    [{ modelId: "m1" }, "/environments/production/websocket"],
    [{ modelId: "m1", environment: "staging" }, "/environments/staging/websocket"],
    [{ chainId: "c1", development: true }, "/development/websocket"],
    [{ chainId: "c1", production: true }, "/production/websocket"],
    [{ modelId: "m1", deployment: "dep7" }, "/deployment/dep7/websocket"],
    [{ authScheme: "api-key" }, "/environments/production/websocket"],
  ];
  for (const [options, path] of forms) {
    const ws = await open(options);
    assert.equal(ws.url, mock.url.replace("http://", "ws://") + path);
    ws.send("héllo");
    ws.send(new Uint8Array([0, 1, 255]));
    ws.send(new Uint8Array([9, 8]).buffer);
    const it = ws[Symbol.asyncIterator]();
    assert.deepEqual((await it.next()).value, "héllo");
    assert.deepEqual((await it.next()).value, new Uint8Array([0, 1, 255]));
    assert.deepEqual((await it.next()).value, new Uint8Array([9, 8]));
    assert.deepEqual(await ws.close(), { code: 1000, reason: "" });
    assert.deepEqual(await it.next(), { value: undefined, done: true });
    assert.equal(ws.closeCode, 1000);
    const s = await session(path);
    assert.equal(s.closed_by, "client");
    assert.equal(s.received, 3);
  }
  const requests = await mockGet(mock.url, "/__mock/requests?limit=6");
  const auth = requests.map((r) => r.headers.authorization);
  assert.deepEqual(auth.slice(-2), ["Bearer test-key", "Api-Key test-key"]);
});

test("a paced token stream arrives in order; leaving the loop closes the socket", async () => {
  const ws = await open();
  ws.send(text({ mock: "stream", n: 5, interval_ms: 5, text: "a b c" }));
  const got = [];
  for await (const m of ws) {
    const v = JSON.parse(m);
    if (v.type === "done") break;
    got.push(v.text);
  }
  // Leaving the loop with break closed the socket (the iterator's return()).
  assert.deepEqual(got, ["a ", "b ", "c ", "a ", "b "]);
  assert.equal((await ws.closed).code, 1000);
});

test("large messages both ways: 1 MiB of text and of bytes", async () => {
  const ws = await open();
  const big = "x".repeat(1 << 20);
  const bytes = new Uint8Array(1 << 20).map((_, i) => i % 251);
  ws.send(big);
  ws.send(bytes);
  const it = ws[Symbol.asyncIterator]();
  assert.equal((await it.next()).value, big);
  assert.deepEqual((await it.next()).value, bytes);
  await ws.close();
});

test("a refused upgrade is the status's typed error, with the request id", async () => {
  const cases = [
    [{ apiKey: "wrong-key-123456" }, {}, lib.AuthenticationError, 401],
    [{}, { headers: { "x-mock-fault": "status:403" } }, lib.PermissionDeniedError, 403],
    [{ modelId: "m", environment: "nope" }, { headers: { "x-mock-fault": "status:404" } }, lib.NotFoundError, 404],
    [{}, { headers: { "x-mock-fault": "status:503" } }, lib.InternalServerError, 503],
  ];
  for (const [o, w, Class, status] of cases) {
    const e = await open(o, w).then(() => null, (e) => e);
    assert.ok(e instanceof Class, `${status}: ${e}`);
    assert.ok(e instanceof lib.APIError);
    assert.equal(e.status, status);
    const last = await mockGet(mock.url, "/__mock/last");
    assert.equal(e.requestId, last.id, "the upgrade's request id");
    assert.ok(!String(e.message).includes("wrong-key-123456"));
  }
});

test("two readers at once each get a message in turn, and both get the close error when it closes with one", { timeout: 10_000 }, async () => {
  const ws = await open();
  const it = ws[Symbol.asyncIterator]();
  const first = it.next();
  const second = it.next();
  const third = it.next();
  ws.send("one");
  ws.send("two");
  assert.deepEqual(await first, { value: "one", done: false });
  assert.deepEqual(await second, { value: "two", done: false });
  ws.send(text({ mock: "close", code: 4002, reason: "both" }));
  const waiting = [third, it.next()];
  const settled = await Promise.allSettled(waiting);
  for (const r of settled) {
    assert.equal(r.status, "rejected", "every reader waiting at the close gets the close error");
    assert.ok(r.reason instanceof lib.WebSocketCloseError);
  }
  assert.deepEqual(await it.next(), { value: undefined, done: true }, "later reads: done");
});

test("a close with an error code ends the messages with a WebSocketCloseError", async () => {
  const ws = await open();
  ws.send("first");
  ws.send(text({ mock: "close", code: 4001, reason: "model says no" }));
  const { messages, error } = await drain(ws);
  assert.deepEqual(messages, ["first"]);
  assert.ok(error instanceof lib.WebSocketCloseError);
  assert.ok(error instanceof lib.StreamError, "a WebSocketCloseError is a StreamError");
  assert.ok(error instanceof lib.BasetenError);
  assert.equal(error.closeCode, 4001);
  assert.equal(error.closeReason, "model says no");
  assert.equal(error.code, "4001");
  assert.equal(error.kind, "stream");
  assert.equal(ws.closeCode, 4001);
  assert.equal(ws.closeReason, "model says no");
  assert.deepEqual(await ws.closed, { code: 4001, reason: "model says no" });
  assert.throws(() => ws.send("late"), lib.ConfigurationError);
  // A normal close by the server ends the messages without an error.
  const ok = await open();
  ok.send(text({ mock: "close", code: 1000, reason: "done" }));
  assert.deepEqual(await drain(ok), { messages: [], error: null });
  assert.equal(ok.closeCode, 1000);
});

test("the caller closes with its own code; the server sees it", async () => {
  const ws = await open({ modelId: "m", environment: "callerclose" });
  assert.deepEqual(await ws.close(4321, "client done"), { code: 4321, reason: "client done" });
  const s = await session("/environments/callerclose/websocket");
  assert.equal(s.closed_by, "client");
  assert.equal(s.close_code, 4321);
  assert.equal(s.close_reason, "client done");
  assert.deepEqual(await drain(ws), { messages: [], error: null });
});

test("signal: before the open it rejects, after it closes the socket and ends with AbortError", async () => {
  const pre = new AbortController();
  pre.abort();
  const e = await open({}, { signal: pre.signal }).catch((e) => e);
  assert.ok(e instanceof lib.AbortError, String(e));
  const ctl = new AbortController();
  const ws = await open({ modelId: "m", environment: "aborted" }, { signal: ctl.signal });
  setTimeout(() => ctl.abort(), 20);
  const { error } = await drain(ws);
  assert.ok(error instanceof lib.AbortError, String(error));
  const s = await session("/environments/aborted/websocket");
  assert.equal(s.closed_by, "client");
});

test("connect timeout and a refused connection are typed", async () => {
  const silent = net.createServer(() => {}); // accepts, never answers the upgrade
  await new Promise((r) => silent.listen(0, "127.0.0.1", r));
  const port = silent.address().port;
  const c = new lib.Baseten({ apiKey: "k", baseUrl: `http://127.0.0.1:${port}` });
  const t = await c.websocket({ WebSocket: WS, connectTimeoutMs: 100 }).catch((e) => e);
  assert.ok(t instanceof lib.TimeoutError, String(t));
  assert.equal(t.code, "connect_timeout");
  silent.close();
  const gone = new lib.Baseten({ apiKey: "k", baseUrl: `http://127.0.0.1:${port}` });
  const r = await gone.websocket({ WebSocket: WS }).catch((e) => e);
  assert.ok(r instanceof lib.APIConnectionError, String(r));
  // A deadline beyond 2^31-1 ms means none (a timer that long would fire at once).
  const far = await open({}, { connectTimeoutMs: 1e12 });
  await far.close();
});

test("misuse is a ConfigurationError before anything is sent", async () => {
  const c = client();
  for (const bad of [{ WebSocket: "ws" }, { connectTimeoutMs: -1 }, { signal: {} }, { protocol: "x" }]) {
    const e = await c.websocket(bad).catch((e) => e);
    assert.ok(e instanceof lib.ConfigurationError, JSON.stringify(Object.keys(bad)));
  }
  const none = await c.websocket().catch((e) => e);
  assert.ok(none instanceof lib.ConfigurationError);
  assert.match(none.message, /Node 20 and 21 pass the `ws` package's class/);
  const openai = new lib.Baseten({ apiKey: "k" });
  const e = await openai.websocket({ WebSocket: WS }).catch((e) => e);
  assert.ok(e instanceof lib.ConfigurationError);
  assert.match(e.message, /websocket needs a model or chain id/);
  const ws = await open();
  assert.throws(() => ws.send(42), lib.ConfigurationError);
  await assert.rejects(ws.close(1006), lib.ConfigurationError);
  await assert.rejects(ws.close(1000, "é".repeat(62)), lib.ConfigurationError);
  await ws.close();
});

test("Node's own WebSocket (undici's; global from Node 22, behind --experimental-websocket on 20) sends the key", async () => {
  const pkg = fileURLToPath(new URL("../../pkg/node.mjs", import.meta.url));
  const script = `
    import * as lib from ${JSON.stringify(pkg)};
    const out = { global: typeof WebSocket };
    const ws = await new lib.Baseten({ apiKey: "test-key", baseUrl: ${JSON.stringify(mock.url)} }).websocket();
    ws.send("via undici");
    ws.send(new Uint8Array([7, 8]));
    const it = ws[Symbol.asyncIterator]();
    out.text = (await it.next()).value;
    out.bytes = Array.from((await it.next()).value);
    await ws.close();
    // undici reports a refused upgrade without its status: a connection error.
    out.refused = await new lib.Baseten({ apiKey: "wrong-key-9", baseUrl: ${JSON.stringify(mock.url)} }).websocket()
      .then(() => null, (e) => ({ name: e.name, leaks: e.message.includes("wrong-key-9") }));
    console.log(JSON.stringify(out));`;
  const stdout = await new Promise((resolve, reject) =>
    execFile(process.execPath, ["--experimental-websocket", "--input-type=module", "-e", script], { timeout: 20_000 },
      (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out))));
  assert.deepEqual(JSON.parse(stdout), {
    global: "function",
    text: "via undici",
    bytes: [7, 8],
    refused: { name: "APIConnectionError", leaks: false },
  });
});
