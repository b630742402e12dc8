// client.websocket() against a WebSocket server we did not write, standing in for Baseten's
// gateway: the `ws` package's WebSocketServer behind node:http, checking the Authorization header
// at the upgrade. Refused auth, 1 MiB and binary messages, order, closes from each side, a
// dropped connection; and the key looked for in everything the caller can see.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { inspect } from "node:util";
import { WebSocket as WS, WebSocketServer } from "ws";
import * as lib from "../../pkg/node.mjs";
import { drain } from "./websocket-drain.mjs";

const KEY = "sk-live-0123456789abcdefSECRET";
const PATH = "/environments/production/websocket";
let server;
let base;
/** What the gateway saw: each session's close code and reason from the client. */
const closes = [];

before(async () => {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 8 << 20 });
  server = http.createServer((_, res) => res.writeHead(404).end());
  server.on("upgrade", (req, socket, head) => {
    const auth = req.headers.authorization ?? "";
    if (req.url !== PATH || (auth !== `Bearer ${KEY}` && auth !== `Api-Key ${KEY}`)) {
      // Echoes what it was given, as a careless gateway might: the client must scrub it.
      const body = JSON.stringify({ error: `refused ${req.url} with ${auth}` });
      socket.end(`HTTP/1.1 ${req.url === PATH ? 401 : 404} Refused\r\nContent-Type: application/json\r\n` +
        `x-request-id: rid-foreign-1\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on("message", (data, isBinary) => {
        const text = isBinary ? null : data.toString();
        if (text === "close-with-key") return ws.close(4403, `no thanks ${KEY}`);
        if (text === "drop") return ws.terminate();
        ws.send(data, { binary: isBinary });
      });
      ws.on("close", (code, reason) => closes.push({ code, reason: reason.toString() }));
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => new Promise((r) => server.close(r)));

const client = (o = {}) => new lib.Baseten({ apiKey: KEY, baseUrl: base, ...o });
const open = (o) => client(o).websocket({ WebSocket: WS });

/** Everything a caller can print of `v`. */
const shown = (v) => [String(v), inspect(v, { depth: 5, showHidden: true }), JSON.stringify(v) ?? "", v?.message ?? "", v?.body ?? ""].join("\n");


test("bad auth is refused at the upgrade: AuthenticationError, request id, no key in sight", async () => {
  const e = await client({ apiKey: KEY + "x" }).websocket({ WebSocket: WS }).catch((e) => e);
  assert.ok(e instanceof lib.AuthenticationError, String(e));
  assert.equal(e.status, 401);
  assert.equal(e.requestId, "rid-foreign-1");
  assert.match(e.message, /refused/);
  assert.ok(!shown(e).includes(KEY), shown(e));
  const nf = await client({ modelId: "m", environment: "other" }).websocket({ WebSocket: WS }).catch((e) => e);
  assert.ok(nf instanceof lib.NotFoundError);
  assert.ok(!shown(nf).includes(KEY));
});

test("text and binary both ways, 1 MiB each, and 200 messages in order", async () => {
  for (const scheme of ["bearer", "api-key"]) {
    const ws = await open({ authScheme: scheme });
    assert.ok(!shown(ws).includes(KEY) && !ws.url.includes(KEY));
    const big = "é".repeat(1 << 19);
    const bytes = new Uint8Array(1 << 20).map((_, i) => (i * 13) % 256);
    ws.send(big);
    ws.send(bytes);
    for (let i = 0; i < 200; i++) ws.send(i % 2 ? `m${i}` : new Uint8Array([i]));
    const it = ws[Symbol.asyncIterator]();
    assert.equal((await it.next()).value, big);
    assert.deepEqual((await it.next()).value, bytes);
    for (let i = 0; i < 200; i++) {
      assert.deepEqual((await it.next()).value, i % 2 ? `m${i}` : new Uint8Array([i]));
    }
    await ws.close(4000, "bye");
  }
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(closes.slice(-2), [{ code: 4000, reason: "bye" }, { code: 4000, reason: "bye" }]);
});

test("the server closes with an error code: WebSocketCloseError, reason scrubbed of the key", async () => {
  const ws = await open();
  ws.send("close-with-key");
  const { error } = await drain(ws);
  assert.ok(error instanceof lib.WebSocketCloseError, String(error));
  assert.equal(error.closeCode, 4403);
  assert.equal(error.closeReason, "no thanks [REDACTED]");
  assert.equal(ws.closeReason, "no thanks [REDACTED]");
  assert.ok(!shown(error).includes(KEY) && !shown(ws).includes(KEY));
});

test("the server drops the connection: code 1006, retryable", async () => {
  const ws = await open();
  ws.send("kept");
  ws.send("drop");
  const { messages, error } = await drain(ws);
  assert.deepEqual(messages, ["kept"]);
  assert.ok(error instanceof lib.WebSocketCloseError, String(error));
  assert.equal(error.closeCode, 1006);
  assert.equal(error.retryable, true);
});
