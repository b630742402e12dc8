// The packed tarball in browsers (headless Chromium from /usr/bin/chromium, never downloaded):
// a Vite production build, the Vite dev server (its dependency pre-bundling), an esbuild bundle,
// a webpack bundle, and two pages with no bundler (the web build with `await init()`, and an import map to the
// self-initialising browser.mjs). Each page runs the same smoke test against the mock, whose
// answers carry CORS headers.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { startMock } from "./lib/mock.mjs";
import { makeProject, run, ok, assertSmoke, smokeCore, serveStatic, launchChromium, smokeInPage } from "./lib/harness.mjs";

let mock;
let browser;
const cleanups = [];
before(async () => {
  browser = await launchChromium();
  mock = await startMock();
}, { timeout: 60_000 });
after(async () => {
  await browser?.close();
  await mock?.stop();
  for (const c of cleanups.reverse()) await c();
}, { timeout: 30_000 });

const html = (script) => `<!doctype html>
<html><head><meta charset="utf-8"><title>smoke</title></head>
<body>${script}</body></html>
`;
const mainJs = (url, from = "baseten-edge") => `import * as lib from "${from}";
import { runSmoke } from "./smoke-core.mjs";
runSmoke(lib, ${JSON.stringify(url)}).then(
  (r) => { window.__smoke = r; },
  (e) => { window.__smokeError = String((e && e.stack) || e); },
);
`;

async function project(name, tools, files) {
  const p = await makeProject(name, { tools, files: { "smoke-core.mjs": smokeCore(), ...files } });
  cleanups.push(() => p.cleanup());
  return p;
}

async function serve(root) {
  const s = await serveStatic(root);
  cleanups.push(() => s.close());
  return s;
}

function freePort() {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

test("Vite: production build loaded in Chromium", { timeout: 120_000 }, async () => {
  const p = await project("vite", ["vite"], {
    "index.html": html(`<script type="module" src="./main.js"></script>`),
    "main.js": mainJs(mock.url),
  });
  ok(await run(p.path("node_modules/.bin/vite"), ["build", "--logLevel", "warn"], { cwd: p.dir, timeout: 90_000 }), "vite build");
  const assets = readdirSync(p.path("dist/assets"));
  assert.deepEqual(assets.filter((f) => f.endsWith(".wasm")), [], "the .wasm is inlined: no separate asset");
  const s = await serve(p.path("dist"));
  assertSmoke(await smokeInPage(browser, s.url + "/"));
});

test("Vite: dev server (dependency pre-bundling) in Chromium", { timeout: 120_000 }, async () => {
  const p = await project("vite-dev", ["vite"], {
    "index.html": html(`<script type="module" src="./main.js"></script>`),
    "main.js": mainJs(mock.url),
  });
  const port = await freePort();
  const child = spawn(p.path("node_modules/.bin/vite"), ["--host", "127.0.0.1", "--port", String(port), "--strictPort"], {
    cwd: p.dir,
    // CI may force colours: the URL is then split by escape codes, so readiness is taken from the port itself.
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const stopVite = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
  };
  cleanups.push(stopVite);
  process.once("exit", stopVite);
  let out = "";
  let exited = null;
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  child.on("exit", (code) => (exited = code));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited !== null) throw new Error(`vite dev exited ${exited}:\n${out}`);
    const up = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline) throw new Error(`vite dev did not answer on port ${port}:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  assertSmoke(await smokeInPage(browser, `http://127.0.0.1:${port}/`));
});

test("esbuild: browser bundle loaded in Chromium", { timeout: 120_000 }, async () => {
  const p = await project("esbuild", ["esbuild"], {
    "main.js": mainJs(mock.url),
    "dist/index.html": html(`<script type="module" src="./app.js"></script>`),
  });
  ok(
    await run(
      p.path("node_modules/.bin/esbuild"),
      ["main.js", "--bundle", "--format=esm", "--platform=browser", "--outfile=dist/app.js", "--metafile=meta.json", "--log-level=warning"],
      { cwd: p.dir, timeout: 60_000 },
    ),
    "esbuild",
  );
  const inputs = Object.keys(JSON.parse(readFileSync(p.path("meta.json"), "utf8")).inputs);
  assert.ok(inputs.includes("node_modules/baseten-edge/browser.mjs"), `esbuild picked: ${inputs.join(", ")}`);
  const s = await serve(p.path("dist"));
  assertSmoke(await smokeInPage(browser, s.url + "/"));
});

test("webpack 5: production bundle loaded in Chromium", { timeout: 120_000 }, async () => {
  const p = await project("webpack", ["webpack"], {
    "main.js": mainJs(mock.url),
    "dist/index.html": html(`<script src="./app.js"></script>`),
    "build.mjs": `import webpack from "webpack";
webpack({ mode: "production", target: "web", entry: "./main.js", output: { path: new URL("./dist", import.meta.url).pathname, filename: "app.js" } }, (err, stats) => {
  if (err || stats.hasErrors()) { console.error(err ?? stats.toString("errors-only")); process.exit(1); }
  console.log(JSON.stringify(stats.toJson({ modules: true }).modules.map((m) => m.name)));
});
`,
  });
  const res = ok(await run("node", ["build.mjs"], { cwd: p.dir, timeout: 90_000 }), "webpack");
  assert.match(res.stdout, /node_modules\/baseten-edge\/browser\.mjs/, "webpack picked browser.mjs");
  assert.deepEqual(readdirSync(p.path("dist")).filter((f) => f.endsWith(".wasm")), []);
  const s = await serve(p.path("dist"));
  assertSmoke(await smokeInPage(browser, s.url + "/"));
});

test("no bundler: the web build with await init(), and an import map to browser.mjs", { timeout: 120_000 }, async () => {
  const p = await project("nobundler", [], {
    "init.html": html(`<script type="module">
import init, * as lib from "./node_modules/baseten-edge/web/baseten_edge.js";
import { runSmoke } from "./smoke-core.mjs";
await init();
runSmoke(lib, ${JSON.stringify(mock.url)}).then(
  (r) => { window.__smoke = r; },
  (e) => { window.__smokeError = String((e && e.stack) || e); },
);
</script>`),
    "importmap.html": html(`<script type="importmap">
{ "imports": { "baseten-edge": "./node_modules/baseten-edge/browser.mjs" } }
</script>
<script type="module" src="./main.js"></script>`),
    "main.js": mainJs(mock.url),
  });
  const s = await serve(p.dir);
  assertSmoke(await smokeInPage(browser, s.url + "/init.html"));
  assertSmoke(await smokeInPage(browser, s.url + "/importmap.html"));
});
