// The packed tarball in Cloudflare's runtime: a worker that imports "baseten-edge", bundled by
// wrangler (the `workerd` export condition: the .wasm imported as a module and initialised
// synchronously), run by Miniflare (workerd), smoke-tested against the mock.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { startMock } from "./lib/mock.mjs";
import { makeProject, assertSmoke, smokeCore } from "./lib/harness.mjs";
import { wranglerBuild, startWorker } from "./lib/workerd.mjs";

let mock;
let project;
let worker;
before(async () => {
  mock = await startMock();
}, { timeout: 30_000 });
after(async () => {
  await worker?.mf.dispose();
  await mock?.stop();
  project?.cleanup();
}, { timeout: 30_000 });

test("workerd (wrangler bundle in Miniflare): import { Baseten } from \"baseten-edge\"", { timeout: 120_000 }, async () => {
  project = await makeProject("workerd", {
    files: {
      "smoke-core.mjs": smokeCore(),
      "worker.mjs": `import * as lib from "baseten-edge";
import { runSmoke } from "./smoke-core.mjs";
export default {
  async fetch(request, env) {
    try {
      return Response.json(await runSmoke(lib, env.MOCK_URL));
    } catch (e) {
      return new Response(String((e && e.stack) || e), { status: 500 });
    }
  },
};
`,
      "wrangler.jsonc": JSON.stringify({ name: "smoke", main: "worker.mjs", compatibility_date: "2025-09-01" }),
    },
  });
  const built = await wranglerBuild(project.dir);
  const bundle = readFileSync(built.script, "utf8");
  assert.match(bundle, /node_modules\/baseten-edge\/workerd\.mjs/, "wrangler resolved the workerd entry");
  assert.ok(readdirSync(project.path("dist")).some((f) => f.endsWith(".wasm")), "the .wasm is a separate module");
  worker = await startWorker({ ...built, bindings: { MOCK_URL: mock.url } });
  const res = await fetch(worker.url + "/", { signal: AbortSignal.timeout(20_000) });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  assertSmoke(JSON.parse(text));
});

test("workerd by hand: baseten-edge/web + the .wasm imported as a module, initSync", { timeout: 120_000 }, async () => {
  const byHand = await makeProject("workerd-by-hand", {
    files: {
      "smoke-core.mjs": smokeCore(),
      // The form docs/runtimes.md gives for tools without the workerd condition.
      "worker.mjs": `import * as lib from "baseten-edge/web";
import wasm from "baseten-edge/baseten_edge_bg.wasm";
import { runSmoke } from "./smoke-core.mjs";
lib.initSync({ module: wasm });
export default {
  async fetch(request, env) {
    try {
      return Response.json(await runSmoke(lib, env.MOCK_URL));
    } catch (e) {
      return new Response(String((e && e.stack) || e), { status: 500 });
    }
  },
};
`,
      "wrangler.jsonc": JSON.stringify({ name: "smoke-by-hand", main: "worker.mjs", compatibility_date: "2025-09-01" }),
    },
  });
  let handWorker;
  try {
    const built = await wranglerBuild(byHand.dir);
    handWorker = await startWorker({ ...built, bindings: { MOCK_URL: mock.url } });
    const res = await fetch(handWorker.url + "/", { signal: AbortSignal.timeout(20_000) });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    assertSmoke(JSON.parse(text));
  } finally {
    await handWorker?.mf.dispose();
    byHand.cleanup();
  }
});
