// The packed tarball installed into throwaway projects and smoke-tested (predict, a streamed chat,
// SSE bytes, an error) in Node as ESM and as CommonJS, in Deno and in Bun: each runtime resolves
// `baseten-edge` through the package's `exports` by its own conditions.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startMock } from "./lib/mock.mjs";
import { BIN, makeProject, run, ok, parseSmoke, assertSmoke, smokeCore } from "./lib/harness.mjs";
import { transportSmoke, WASM_REFUSAL, ENTRY_REFUSAL, assertTransport } from "./lib/transport.mjs";

let mock;
const projects = [];
before(async () => {
  mock = await startMock();
}, { timeout: 30_000 });
after(async () => {
  await mock?.stop();
  for (const p of projects) p.cleanup();
}, { timeout: 30_000 });

const esmSmoke = (url) => `import * as lib from "baseten-edge";
import { runSmoke } from "./smoke-core.mjs";
const result = await runSmoke(lib, ${JSON.stringify(url)});
result.resolved = import.meta.resolve("baseten-edge");
console.log("SMOKE " + JSON.stringify(result));
`;

const cjsSmoke = (url) => `const lib = require("baseten-edge");
import("./smoke-core.mjs").then(async ({ runSmoke }) => {
  const result = await runSmoke(lib, ${JSON.stringify(url)});
  result.resolved = require.resolve("baseten-edge");
  console.log("SMOKE " + JSON.stringify(result));
});
`;

/** A script printing `TRANSPORT {...}` (fixtures/transport-smoke.mjs) with the package imported from `from`. */
const transportScript = (url, from = "baseten-edge") => `import * as lib from ${JSON.stringify(from)};
import { transportSmoke } from "./transport-smoke.mjs";
const result = await transportSmoke(lib, ${JSON.stringify(url)});
console.log("TRANSPORT " + JSON.stringify(result));
`;
const transportScriptCjs = (url) => `const lib = require("baseten-edge");
import("./transport-smoke.mjs").then(async ({ transportSmoke }) => {
  console.log("TRANSPORT " + JSON.stringify(await transportSmoke(lib, ${JSON.stringify(url)})));
});
`;

/** The `TRANSPORT {...}` line of a transport script's output. */
function parseTransport(res, what) {
  const line = ok(res, what).stdout.split("\n").find((l) => l.startsWith("TRANSPORT "));
  assert.ok(line, `${what}: no TRANSPORT line in:\n${res.stdout}`);
  return JSON.parse(line.slice(10));
}

async function project(name, type, files) {
  const p = await makeProject(name, { type, files: { "smoke-core.mjs": smokeCore(), "transport-smoke.mjs": transportSmoke(), ...files } });
  projects.push(p);
  return p;
}

test("Node ESM: import resolves node.mjs", { timeout: 60_000 }, async () => {
  const p = await project("node-esm", "module", { "smoke.mjs": esmSmoke(mock.url) });
  const r = parseSmoke(ok(await run("node", ["smoke.mjs"], { cwd: p.dir, timeout: 30_000 }), "node smoke.mjs").stdout);
  assertSmoke(r);
  assert.match(r.resolved, /\/node_modules\/baseten-edge\/node\.mjs$/);
});

test("Node CommonJS: require resolves node.cjs (the nodejs build with the Node transport)", { timeout: 60_000 }, async () => {
  const p = await project("node-cjs", "commonjs", { "smoke.js": cjsSmoke(mock.url) });
  const r = parseSmoke(ok(await run("node", ["smoke.js"], { cwd: p.dir, timeout: 30_000 }), "node smoke.js").stdout);
  assertSmoke(r);
  assert.match(r.resolved, /\/node_modules\/baseten-edge\/node\.cjs$/);
});

test("Deno (npm package deno): import resolves the deno build", { timeout: 90_000 }, async () => {
  const p = await project("deno", "module", { "smoke.mjs": esmSmoke(mock.url) });
  const env = { DENO_DIR: join(p.dir, ".deno"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
  const res = await run(join(BIN, "deno"), ["run", "--allow-net=127.0.0.1", "--allow-read=.", "smoke.mjs"], { cwd: p.dir, env, timeout: 60_000 });
  const r = parseSmoke(ok(res, "deno run smoke.mjs").stdout);
  assertSmoke(r);
  assert.match(r.resolved, /\/node_modules\/baseten-edge\/deno\/baseten_edge\.js$/);
});

test("Bun (npm package bun): import and require", { timeout: 90_000 }, async () => {
  const p = await project("bun", "module", { "smoke.mjs": esmSmoke(mock.url), "smoke.cjs": cjsSmoke(mock.url) });
  const env = { BUN_INSTALL_CACHE_DIR: join(p.dir, ".bun-cache"), NO_COLOR: "1" };
  const esm = parseSmoke(ok(await run(join(BIN, "bun"), ["smoke.mjs"], { cwd: p.dir, env, timeout: 60_000 }), "bun smoke.mjs").stdout);
  assertSmoke(esm);
  assert.match(esm.resolved, /\/node_modules\/baseten-edge\/node\.mjs$/);
  const cjs = parseSmoke(ok(await run(join(BIN, "bun"), ["smoke.cjs"], { cwd: p.dir, env, timeout: 60_000 }), "bun smoke.cjs").stdout);
  assertSmoke(cjs);
});

test("transports: Node's entries (import, require) use the Node transport; Deno (its entry and node.mjs) and Bun (import, require) use the global fetch and refuse the Node transport's options", { timeout: 180_000 }, async () => {
  const files = { "t.mjs": transportScript(mock.url), "t.cjs": transportScriptCjs(mock.url), "t-node.mjs": transportScript(mock.url, "./node_modules/baseten-edge/node.mjs") };
  const p = await project("transports", "module", files);
  for (const script of ["t.mjs", "t.cjs"]) {
    assertTransport(parseTransport(await run("node", [script], { cwd: p.dir, timeout: 30_000 }), `node ${script}`), { globalFetch: false, refused: null });
  }
  const denoEnv = { DENO_DIR: join(p.dir, ".deno"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
  const deno = (script) => run(join(BIN, "deno"), ["run", "--allow-net=127.0.0.1", "--allow-read=.", "--allow-env", "--allow-sys", script], { cwd: p.dir, env: denoEnv, timeout: 60_000 });
  assertTransport(parseTransport(await deno("t.mjs"), "deno t.mjs"), { globalFetch: true, refused: WASM_REFUSAL });
  assertTransport(parseTransport(await deno("t-node.mjs"), "deno t-node.mjs"), { globalFetch: true, refused: ENTRY_REFUSAL });
  const bunEnv = { BUN_INSTALL_CACHE_DIR: join(p.dir, ".bun-cache"), NO_COLOR: "1" };
  for (const script of ["t.mjs", "t.cjs"]) {
    const res = await run(join(BIN, "bun"), [script], { cwd: p.dir, env: bunEnv, timeout: 60_000 });
    assertTransport(parseTransport(res, `bun ${script}`), { globalFetch: true, refused: ENTRY_REFUSAL });
  }
});
