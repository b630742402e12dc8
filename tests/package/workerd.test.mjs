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
before(async () => {
  mock = await startMock();
}, { timeout: 30_000 });
after(async () => {
  await mock?.stop();
}, { timeout: 30_000 });

/** A worker whose module starts with `head` (which binds `lib`), running the smoke test on
 * each request; bundled by wrangler and run by Miniflare. Returns wrangler's build. */
async function smokeWorker(name, head) {
  const project = await makeProject(name, {
    files: {
      "smoke-core.mjs": smokeCore(),
      "worker.mjs": `${head}
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
      "wrangler.jsonc": JSON.stringify({ name, main: "worker.mjs", compatibility_date: "2025-09-01" }),
    },
  });
  let worker;
  try {
    const built = await wranglerBuild(project.dir);
    worker = await startWorker({ ...built, bindings: { MOCK_URL: mock.url } });
    const res = await fetch(worker.url + "/", { signal: AbortSignal.timeout(20_000) });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    assertSmoke(JSON.parse(text));
    return { built, bundle: readFileSync(built.script, "utf8"), dist: readdirSync(project.path("dist")) };
  } finally {
    await worker?.mf.dispose();
    project.cleanup();
  }
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

