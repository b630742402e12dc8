// The chat build, `baseten-edge/chat` (the OpenAI-compatible client alone, a much smaller .wasm),
// from the packed tarball: Node ESM and CommonJS, Deno (which takes its `node` branch), an
// esbuild browser bundle in Chromium, all against the mock; and `tsc --strict` on usage-chat.ts
// under moduleResolution bundler and nodenext (ES module and CommonJS).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startMock } from "./lib/mock.mjs";
import { runSmokeWorker } from "./lib/workerd.mjs";
import { BIN, TEST_DIR, makeProject, run, ok, parseSmoke, serveStatic, launchChromium, smokeInPage, smokeCore } from "./lib/harness.mjs";

const chatCore = () => readFileSync(join(TEST_DIR, "fixtures/smoke-chat.mjs"), "utf8");

let mock;
let browser;
const cleanups = [];
before(async () => {
  mock = await startMock();
}, { timeout: 30_000 });
after(async () => {
  await browser?.close();
  await mock?.stop();
  for (const c of cleanups.reverse()) await c();
}, { timeout: 30_000 });

async function project(name, type, files, tools = []) {
  const p = await makeProject(name, { type, tools, files: { "smoke-chat.mjs": chatCore(), "smoke-core.mjs": smokeCore(), ...files } });
  cleanups.push(() => p.cleanup());
  return p;
}

const assertChat = async (r) => {
  const { expectedChatSmoke } = await import(join(TEST_DIR, "fixtures/smoke-chat.mjs"));
  assert.ok(r.deltas.length >= 4, `text deltas: ${JSON.stringify(r.deltas)}`);
  assert.match(r.deltas.join(""), /^Hello! You said: smoke/);
  const { deltas: _, ...rest } = r;
  delete rest.resolved;
  assert.deepEqual(rest, expectedChatSmoke);
};

const esmSmoke = (url) => `import * as lib from "baseten-edge/chat";
import { runChatSmoke } from "./smoke-chat.mjs";
const result = await runChatSmoke(lib, ${JSON.stringify(url)});
result.resolved = import.meta.resolve("baseten-edge/chat");
console.log("SMOKE " + JSON.stringify(result));
`;

test("Node ESM: baseten-edge/chat resolves chat/node.mjs", { timeout: 60_000 }, async () => {
  const p = await project("chat-esm", "module", { "smoke.mjs": esmSmoke(mock.url) });
  const r = parseSmoke(ok(await run("node", ["smoke.mjs"], { cwd: p.dir, timeout: 30_000 }), "node smoke.mjs").stdout);
  await assertChat(r);
  assert.match(r.resolved, /\/node_modules\/baseten-edge\/chat\/node\.mjs$/);
});

test("Node CommonJS: require resolves chat/node.cjs (the chat nodejs build with the Node transport)", { timeout: 60_000 }, async () => {
  const smoke = `const lib = require("baseten-edge/chat");
import("./smoke-chat.mjs").then(async ({ runChatSmoke }) => {
  const result = await runChatSmoke(lib, ${JSON.stringify(mock.url)});
  result.resolved = require.resolve("baseten-edge/chat");
  console.log("SMOKE " + JSON.stringify(result));
});
`;
  const p = await project("chat-cjs", "commonjs", { "smoke.js": smoke });
  const r = parseSmoke(ok(await run("node", ["smoke.js"], { cwd: p.dir, timeout: 30_000 }), "node smoke.js").stdout);
  await assertChat(r);
  assert.match(r.resolved, /\/node_modules\/baseten-edge\/chat\/node\.cjs$/);
});

test("Deno (npm package deno): baseten-edge/chat through its node branch", { timeout: 90_000 }, async () => {
  const p = await project("chat-deno", "module", { "smoke.mjs": esmSmoke(mock.url) });
  const env = { DENO_DIR: join(p.dir, ".deno"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
  const res = await run(join(BIN, "deno"), ["run", "--allow-net=127.0.0.1", "--allow-read=.", "smoke.mjs"], { cwd: p.dir, env, timeout: 60_000 });
  const r = parseSmoke(ok(res, "deno run smoke.mjs").stdout);
  await assertChat(r);
  assert.match(r.resolved, /\/node_modules\/baseten-edge\/chat\/node\.mjs$/);
});

test("Bun (npm package bun): baseten-edge/chat, import and require", { timeout: 90_000 }, async () => {
  const cjs = `const lib = require("baseten-edge/chat");
import("./smoke-chat.mjs").then(async ({ runChatSmoke }) => {
  console.log("SMOKE " + JSON.stringify(await runChatSmoke(lib, ${JSON.stringify(mock.url)})));
});
`;
  const p = await project("chat-bun", "module", { "smoke.mjs": esmSmoke(mock.url), "smoke.cjs": cjs });
  const env = { BUN_INSTALL_CACHE_DIR: join(p.dir, ".bun-cache"), NO_COLOR: "1" };
  for (const file of ["smoke.mjs", "smoke.cjs"]) {
    await assertChat(parseSmoke(ok(await run(join(BIN, "bun"), [file], { cwd: p.dir, env, timeout: 60_000 }), `bun ${file}`).stdout));
  }
});

test("workerd (wrangler bundle in Miniflare): baseten-edge/chat", { timeout: 120_000 }, async () => {
  const files = { "smoke-chat.mjs": chatCore(), "smoke-core.mjs": smokeCore() };
  const { result, bundle } = await runSmokeWorker("chat-workerd", `import * as lib from "baseten-edge/chat";`, mock.url, files, "./smoke-chat.mjs", "runChatSmoke");
  await assertChat(result);
  assert.match(bundle, /node_modules\/baseten-edge\/chat\/workerd\.mjs/, "wrangler resolved the chat build's workerd entry");
});

test("esbuild: a minified browser bundle of baseten-edge/chat in Chromium", { timeout: 120_000 }, async () => {
  const main = `import * as lib from "baseten-edge/chat";
import { runChatSmoke } from "./smoke-chat.mjs";
runChatSmoke(lib, ${JSON.stringify(mock.url)}).then(
  (r) => { window.__smoke = r; },
  (e) => { window.__smokeError = String((e && e.stack) || e); },
);
`;
  const p = await project("chat-esbuild", "module", {
    "main.js": main,
    "dist/index.html": `<!doctype html><html><head><meta charset="utf-8"></head><body><script type="module" src="./app.js"></script></body></html>\n`,
  }, ["esbuild"]);
  const args = ["main.js", "--bundle", "--minify", "--format=esm", "--platform=browser", "--outfile=dist/app.js", "--metafile=meta.json", "--log-level=warning"];
  ok(await run(p.path("node_modules/.bin/esbuild"), args, { cwd: p.dir, timeout: 60_000 }), "esbuild");
  const inputs = Object.keys(JSON.parse(readFileSync(p.path("meta.json"), "utf8")).inputs);
  assert.ok(inputs.includes("node_modules/baseten-edge/chat/browser.mjs"), `esbuild picked: ${inputs.join(", ")}`);
  assert.ok(!inputs.includes("node_modules/baseten-edge/browser.mjs"), "the full build must not be bundled");
  // The chat build's .wasm is inlined: the bundle must stay well under the full build's.
  const full = statSync(p.path("node_modules/baseten-edge/browser.mjs")).size;
  assert.ok(statSync(p.path("dist/app.js")).size < full * 0.8, "the chat bundle is not smaller than the full entry");
  const s = await serveStatic(p.path("dist"));
  cleanups.push(() => s.close());
  browser = await launchChromium();
  await assertChat(await smokeInPage(browser, s.url + "/"));
});

test("types: tsc --strict on usage-chat.ts (bundler; nodenext ESM and CommonJS)", { timeout: 180_000 }, async () => {
  const p = await makeProject("chat-types", { tools: ["@types/node"] });
  cleanups.push(() => p.cleanup());
  copyFileSync(join(TEST_DIR, "usage-chat.ts"), p.path("usage-chat.ts"));
  copyFileSync(join(TEST_DIR, "usage-chat.ts"), p.path("usage-chat.cts"));
  const base = { strict: true, noEmit: true, target: "es2022", skipLibCheck: false };
  const configs = {
    bundler: [{ ...base, module: "esnext", moduleResolution: "bundler", lib: ["es2022", "dom", "dom.iterable"], types: [] }, ["usage-chat.ts"]],
    esm: [{ ...base, module: "nodenext", moduleResolution: "nodenext", lib: ["es2022"], types: ["node"] }, ["usage-chat.ts"]],
    cjs: [{ ...base, module: "nodenext", moduleResolution: "nodenext", lib: ["es2022"], types: ["node"] }, ["usage-chat.cts"]],
  };
  for (const [name, [compilerOptions, files]] of Object.entries(configs)) {
    writeFileSync(p.path(`tsconfig.${name}.json`), JSON.stringify({ compilerOptions, files }, null, 2));
    const res = await run(process.execPath, [join(TEST_DIR, "node_modules/typescript/bin/tsc"), "-p", `tsconfig.${name}.json`], { cwd: p.dir, timeout: 90_000 });
    assert.equal(res.code, 0, `tsc (${name}):\n${res.stdout}${res.stderr}`);
  }
});
