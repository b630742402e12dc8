// The packed tarball in Cloudflare's runtime: a worker that imports "baseten-edge", bundled by
// wrangler (the `workerd` export condition: the .wasm imported as a module and initialised
// synchronously), run by Miniflare (workerd), smoke-tested against the mock.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startMock } from "./lib/mock.mjs";
import { assertSmoke, smokeCore } from "./lib/harness.mjs";
import { runSmokeWorker } from "./lib/workerd.mjs";
import { transportSmoke, WASM_REFUSAL, assertTransport } from "./lib/transport.mjs";

let mock;
before(async () => {
  mock = await startMock();
}, { timeout: 30_000 });
after(async () => {
  await mock?.stop();
}, { timeout: 30_000 });

/** The full build's smoke test in a worker whose module starts with `head`. */
async function smokeWorker(name, head) {
  const run = await runSmokeWorker(name, head, mock.url, { "smoke-core.mjs": smokeCore() }, "./smoke-core.mjs", "runSmoke");
  assertSmoke(run.result);
  return run;
}

test("workerd (wrangler bundle in Miniflare): import { Baseten } from \"baseten-edge\"", { timeout: 120_000 }, async () => {
  const { bundle, dist } = await smokeWorker("smoke", `import * as lib from "baseten-edge";`);
  assert.match(bundle, /node_modules\/baseten-edge\/workerd\.mjs/, "wrangler resolved the workerd entry");
  assert.ok(dist.some((f) => f.endsWith(".wasm")), "the .wasm is a separate module");
});

test("workerd by hand: baseten-edge/web + the .wasm imported as a module, initSync", { timeout: 120_000 }, async () => {
  // The form docs/runtimes.md gives for tools without the workerd condition.
  await smokeWorker("smoke-by-hand", `import * as lib from "baseten-edge/web";
import wasm from "baseten-edge/baseten_edge_bg.wasm";
lib.initSync({ module: wasm });`);
});


test("workerd: the package's calls go through the worker's global fetch, and the Node transport's options (transport, h2c, ca) are refused", { timeout: 120_000 }, async () => {
  const { result } = await runSmokeWorker("transports", `import * as lib from "baseten-edge";`, mock.url, { "transport-smoke.mjs": transportSmoke() }, "./transport-smoke.mjs", "transportSmoke");
  assertTransport(result, { globalFetch: true, refused: WASM_REFUSAL });
});
