// 4c. Start-up in workerd, run by Miniflare (pinned in bench/package.json, the version
// tests/package uses). Two workers, bundled by esbuild as wrangler would (the .wasm left as a
// separate module, which workerd compiles when it loads the worker: Workers may not compile
// WebAssembly from bytes at run time):
//   ours:  the pkg/web glue + the .wasm module; /init runs initSync({ module }) (instantiate),
//          /call runs the same first call as start-child.mjs (a short streamed chat from an
//          in-memory fetch, textStream()), /noop touches nothing. Each answers the time it spent,
//          read with performance.now() inside the worker.
//   empty: a worker answering "ok" to everything: the baseline for start and dispatch.
// Per run (after one warm-up run, not kept): a fresh Miniflare for each (in alternating order); timed from Node around
// `new Miniflare()` .. `ready`, and around each `mf.dispatchFetch()` + reading the body.
// ours: 1st request /init (cold: first request after start), 2nd /call (first call), then WARM
// rounds of /noop and /call; empty: 1st request /noop (cold), then WARM rounds of /noop.
// Every Miniflare start, request and dispose is bounded in time; the instances are disposed in
// `finally`, and any process this section started that is still alive at exit (workerd) is
// killed by pid.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as esbuild from "esbuild";
import { Miniflare } from "miniflare";
import { BENCH_DIR, PKG, RUNS, median, within, report, killDescendants } from "../lib/common.mjs";
import { makeStream } from "../lib/stream-data.mjs";

const WARM = Number(process.env.WORKERD_WARM || 20);
const COMPAT_DATE = "2025-09-01"; // as tests/package/workerd.test.mjs
const web = path.join(PKG, "web");
const wasmFile = path.join(web, "baseten_edge_bg.wasm");

// The same stream as start-child.mjs's first call, embedded in the worker as its byte pieces.
const data = makeStream({ chunks: 20 });
const pieces = data.pieces.map((p) => Buffer.from(p).toString("base64"));

const sources = {
  ours: `import wasm from "./baseten_edge_bg.wasm";
import { initSync, Baseten } from ${JSON.stringify(path.join(web, "baseten_edge.js"))};
const PIECES = ${JSON.stringify(pieces)}.map((b) => Uint8Array.from(atob(b), (c) => c.charCodeAt(0)));
const TEXT = ${JSON.stringify(data.text)};
const sseFetch = async () => {
  let i = 0;
  const body = new ReadableStream({ pull(c) { if (i < PIECES.length) c.enqueue(PIECES[i++].slice()); else c.close(); } });
  return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
};
async function chat(text) {
  const c = new Baseten({ apiKey: "k", openaiBaseUrl: "http://bench.invalid/v1", fetch: sseFetch });
  const s = await c.chat.completions.create({ model: "m", messages: [{ role: "user", content: text }], stream: true });
  let out = "";
  for await (const t of s.textStream()) out += t;
  return out;
}
export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    const t0 = performance.now();
    if (pathname === "/init") {
      initSync({ module: wasm });
    } else if (pathname === "/call") {
      const out = await chat("hi");
      if (out !== TEXT) return new Response("first call returned " + JSON.stringify(out), { status: 500 });
    } else if (pathname !== "/noop") {
      return new Response("not found", { status: 404 });
    }
    return Response.json({ ms: performance.now() - t0 });
  },
};
`,
  empty: `export default {
  async fetch() {
    const t0 = performance.now();
    return Response.json({ ms: performance.now() - t0 });
  },
};
`,
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "baseten-edge-bench-workerd-"));
const scripts = {};
for (const [name, contents] of Object.entries(sources)) {
  const outdir = path.join(dir, name);
  fs.mkdirSync(outdir);
  await esbuild.build({
    stdin: { contents, resolveDir: outdir, loader: "js" },
    bundle: true, minify: true, format: "esm", platform: "browser", target: "es2022",
    external: ["*.wasm"], outfile: path.join(outdir, "worker.mjs"), logLevel: "error",
  });
  if (name === "ours") fs.copyFileSync(wasmFile, path.join(outdir, "baseten_edge_bg.wasm"));
  scripts[name] = path.join(outdir, "worker.mjs");
}

const live = new Set();
async function stopAll() {
  for (const mf of live) {
    await within(15_000, mf.dispose(), "Miniflare dispose").catch((e) => process.stderr.write(`${e}\n`));
    live.delete(mf);
  }
}
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => stopAll().finally(() => { killDescendants(process.pid); process.exit(130); }));
}

/** One fresh Miniflare running `script`; `plan` is the list of paths requested, in order. */
async function instance(script, plan) {
  const t0 = performance.now();
  const mf = new Miniflare({
    modules: true,
    scriptPath: script,
    modulesRoot: path.dirname(script),
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: COMPAT_DATE,
    host: "127.0.0.1",
    port: 0,
  });
  live.add(mf);
  try {
    await within(30_000, mf.ready, "Miniflare start");
    const readyMs = performance.now() - t0;
    const requests = [];
    for (const p of plan) {
      const s = performance.now();
      const res = await within(10_000, mf.dispatchFetch(`http://bench.invalid${p}`), `request ${p}`);
      const body = await within(10_000, res.text(), `body of ${p}`);
      const ms = performance.now() - s;
      if (res.status !== 200) throw new Error(`${p}: ${res.status} ${body}`);
      requests.push({ path: p, ms, workerMs: JSON.parse(body).ms });
    }
    return { readyMs, requests };
  } finally {
    await within(15_000, mf.dispose(), "Miniflare dispose").finally(() => live.delete(mf));
  }
}

const warm = (p) => Array.from({ length: WARM }, () => p);
const runs = [];
try {
  // Round 0 is a warm-up (Node's own first use of Miniflare, undici, esbuild's output on disk),
  // not kept; then RUNS measured rounds.
  for (let i = 0; i <= RUNS; i++) {
    // Alternate which worker starts first, so that neither always follows the other's dispose.
    const runEmpty = () => instance(scripts.empty, ["/noop", ...warm("/noop")]);
    const runOurs = () => instance(scripts.ours, ["/init", "/call", ...warm("/noop"), ...warm("/call")]);
    let empty, ours;
    if (i % 2) { empty = await runEmpty(); ours = await runOurs(); } else { ours = await runOurs(); empty = await runEmpty(); }
    const pick = (r, p, from = 0) => r.requests.slice(from).filter((q) => q.path === p);
    const emptyWarm = median(pick(empty, "/noop", 1).map((q) => q.ms));
    const oursWarmNoop = median(pick(ours, "/noop").map((q) => q.ms));
    const oursWarmCall = pick(ours, "/call", 2);
    const [init, call] = ours.requests;
    const run = {
      readyMs: { ours: ours.readyMs, empty: empty.readyMs },
      firstRequestMs: { ours: init.ms, empty: empty.requests[0].ms },
      warmNoopMs: { ours: oursWarmNoop, empty: emptyWarm },
      initWorkerMs: init.workerMs,
      firstCallMs: call.ms,
      firstCallWorkerMs: call.workerMs,
      warmCallMs: median(oursWarmCall.map((q) => q.ms)),
      warmCallWorkerMs: median(oursWarmCall.map((q) => q.workerMs)),
    };
    if (i > 0) runs.push(run);
    process.stderr.write(`[workerd] ${i ? `run ${i}/${RUNS}` : "warm-up"}: ${JSON.stringify(run)}\n`);
  }
} finally {
  await stopAll();
  fs.rmSync(dir, { recursive: true, force: true });
  killDescendants(process.pid);
}

report({ section: "start-workerd", compatibilityDate: COMPAT_DATE, warmRounds: WARM, runs });
