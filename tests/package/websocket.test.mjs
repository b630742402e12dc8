// client.websocket() from the packed tarball in Deno, Bun and workerd (Miniflare), each sending
// the key in the header its own way (Deno and Bun: `new WebSocket(url, { headers })`; workerd:
// fetch with `Upgrade: websocket`), against the mock, which refuses the upgrade without the key.
// Node (with the `ws` package) is tested in tests/node/websocket*.test.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startMock } from "./lib/mock.mjs";
import { BIN, TEST_DIR, makeProject, run, ok, parseSmoke } from "./lib/harness.mjs";
import { runSmokeWorker } from "./lib/workerd.mjs";

let mock;
const projects = [];
before(async () => {
  mock = await startMock(["--token-rate", "0"]);
}, { timeout: 30_000 });
after(async () => {
  await mock?.stop();
  for (const p of projects) p.cleanup();
}, { timeout: 30_000 });

const core = () => readFileSync(join(TEST_DIR, "fixtures/websocket-core.mjs"), "utf8");
const script = (url) => `import * as lib from "baseten-edge";
import { runWebSocket } from "./websocket-core.mjs";
console.log("SMOKE " + JSON.stringify(await runWebSocket(lib, ${JSON.stringify(url)})));
`;

/** What every runtime must show; `requestId` says whether the runtime exposes the refusal's. */
function check(r, { requestId }) {
  assert.equal(r.url, mock.url.replace("http://", "ws://") + "/environments/rt/websocket");
  assert.equal(r.text, "hello");
  assert.deepEqual(r.binary, { isUint8Array: true, length: 70_000, same: true });
  assert.equal(r.bigEcho, true);
  assert.deepEqual(r.tokens, ["x ", "y ", "z "]);
  assert.deepEqual(r.closeError, { name: "WebSocketCloseError", isClass: true, closeCode: 4001, closeReason: "no" });
  assert.equal(r.closeCode, 4001);
  assert.deepEqual(r.callerClose, { code: 4000, reason: "bye" });
  assert.equal(r.refused.name, "AuthenticationError");
  assert.equal(r.refused.isClass, true);
  assert.equal(r.refused.status, 401);
  assert.equal(r.refused.leaks, false);
  if (requestId) assert.match(r.refused.requestId, /^[0-9a-f]{32}$/);
  else assert.equal(r.refused.requestId, null);
}

test("Deno: new WebSocket(url, { headers })", { timeout: 90_000 }, async () => {
  const p = await makeProject("ws-deno", { files: { "websocket-core.mjs": core(), "ws.mjs": script(mock.url) } });
  projects.push(p);
  const env = { DENO_DIR: join(p.dir, ".deno"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
  const res = await run(join(BIN, "deno"), ["run", "--allow-net=127.0.0.1", "--allow-read=.", "ws.mjs"], { cwd: p.dir, env, timeout: 60_000 });
  check(parseSmoke(ok(res, "deno run ws.mjs").stdout), { requestId: false });
});

test("Bun: new WebSocket(url, { headers })", { timeout: 90_000 }, async () => {
  const p = await makeProject("ws-bun", { files: { "websocket-core.mjs": core(), "ws.mjs": script(mock.url) } });
  projects.push(p);
  const env = { BUN_INSTALL_CACHE_DIR: join(p.dir, ".bun-cache"), NO_COLOR: "1" };
  const res = await run(join(BIN, "bun"), ["ws.mjs"], { cwd: p.dir, env, timeout: 60_000 });
  check(parseSmoke(ok(res, "bun ws.mjs").stdout), { requestId: false });
});

test("workerd: fetch with Upgrade: websocket, then response.webSocket", { timeout: 120_000 }, async () => {
  const run = await runSmokeWorker("ws-workerd", `import * as lib from "baseten-edge";`, mock.url,
    { "websocket-core.mjs": core() }, "./websocket-core.mjs", "runWebSocket");
  check(run.result, { requestId: true });
});
