#!/usr/bin/env node
// The benchmark, side by side with the rival clients, in one run: `node bench/run.mjs`.
// Uses pkg/ (scripts/build.sh) and the mock server binary (target/release/baseten-mock, or
// MOCK_BIN), building them first only when they are missing. Each section runs in its own Node process,
// bounded in time; every figure is the median of BENCH_RUNS (5) runs. Prints a table and
// writes bench/RESULTS.md. See bench/README.md.
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { BENCH_DIR, PKG, ROOT, RUNS, median, stats, killDescendants } from "./lib/common.mjs";

const MOCK_BIN = process.env.MOCK_BIN || path.join(ROOT, "target", "release", "baseten-mock");
const SECTIONS = (process.env.BENCH_SECTIONS || "stream,requests,batch,size,memory").split(",");
const log = (...a) => process.stderr.write(`[bench] ${a.join(" ")}\n`);

// Installs what is missing, and only that (so a run measures the pkg/ already there): pkg/
// (scripts/build.sh), the mock (cargo build --release -p baseten-mock; not with MOCK_BIN set) and
// bench's npm dependencies (npm install: the lock lacks the performance client's optional
// per-platform packages, which `npm ci` refuses).
function preflight() {
  const sh = (cmd, args, cwd = ROOT) => {
    log(`missing, so: ${cmd} ${args.join(" ")}`);
    execFileSync(cmd, args, { cwd, stdio: ["ignore", "inherit", "inherit"] });
  };
  if (!fs.existsSync(path.join(PKG, "node.mjs"))) {
    if (process.env.PKG_DIR) throw new Error(`${PKG}/node.mjs is missing`);
    sh("scripts/build.sh", []);
  }
  const needsMock = SECTIONS.includes("requests") || SECTIONS.includes("batch");
  if (needsMock && !fs.existsSync(MOCK_BIN)) {
    if (process.env.MOCK_BIN) throw new Error(`${MOCK_BIN} is missing`);
    sh("cargo", ["build", "--quiet", "--release", "-p", "baseten-mock"]);
  }
  if (["openai", "miniflare", "esbuild", "eventsource-parser", "@basetenlabs/performance-client"].some((d) => !fs.existsSync(path.join(BENCH_DIR, "node_modules", d)))) {
    sh("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], BENCH_DIR);
  }
}

// ---- the mock, started and stopped by pid ------------------------------------------------
let mock = null;
function startMock() {
  return new Promise((resolve, reject) => {
    const child = spawn(MOCK_BIN, ["--port", "0", "--token-rate", "0", "--quiet"], { stdio: ["ignore", "pipe", "inherit"] });
    mock = child;
    let out = "";
    const timer = setTimeout(() => reject(new Error("the mock did not start within 10 s")), 10_000);
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`the mock exited (${code}) before listening`)));
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        resolve(m[1]);
      }
    });
  });
}
function stopMock() {
  if (mock && mock.exitCode === null && mock.signalCode === null) {
    try {
      process.kill(mock.pid, "SIGTERM");
    } catch {}
  }
  mock = null;
}
process.on("exit", stopMock);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => { stopMock(); process.exit(130); });

// ---- sections in child processes, bounded in time -----------------------------------------
function runChild(args, { env = {}, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: BENCH_DIR,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      // What the child started (workerd, in 4c) outlives a SIGKILLed parent: killed by pid too.
      killDescendants(child.pid);
      try { process.kill(child.pid, "SIGKILL"); } catch {}
    }, timeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
      if (code === 0 && line) return resolve(JSON.parse(line.slice(7)));
      const why = signal === "SIGKILL" ? `killed after ${timeoutMs / 1000} s` : `exit ${code ?? signal}`;
      reject(new Error(`${args.join(" ")}: ${why}\n${stderr.split("\n").slice(-15).join("\n")}`));
    });
  });
}

const section = (name, env, timeoutMs) =>
  runChild(["--expose-gc", path.join(BENCH_DIR, "sections", `${name}.mjs`)], { env, timeoutMs });

// ---- formatting ---------------------------------------------------------------------------
const fmtRate = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e4 ? `${(x / 1e3).toFixed(0)}k` : x >= 1e3 ? `${(x / 1e3).toFixed(2)}k` : x.toFixed(0));
const spread = (s) => `${fmtRate(s.median)} (${fmtRate(s.min)}-${fmtRate(s.max)})`;
const kb = (b) => `${(b / 1000).toFixed(1)} KB`;
const ms = (x) => `${x.toFixed(2)} ms`;
const ratio = (a, b) => a / b;

const rows = []; // [area, measure, ours, other, ratio, target, verdict]
function row(area, measure, ours, other, r, target, pass) {
  rows.push([area, measure, ours, other, r, target, pass === null ? "n/a" : pass ? "PASS" : "MISS"]);
}

function table(md) {
  const head = ["area", "figure", "ours", "compared with", "ratio", "target", ""];
  const all = [head, ...rows];
  if (md) {
    return [
      `| ${head.join(" | ")} |`,
      `|${head.map(() => "---").join("|")}|`,
      ...rows.map((r) => `| ${r.join(" | ")} |`),
    ].join("\n");
  }
  const w = head.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  return all.map((r) => r.map((c, i) => String(c).padEnd(w[i])).join("  ")).join("\n");
}

// ---- main ---------------------------------------------------------------------------------
preflight();
const started = new Date();
const raw = {};
const notes = [];
const wasmFile = path.join(PKG, "web", "baseten_edge_bg.wasm");
const pkgInfo = { wasmBytes: fs.statSync(wasmFile).size, builtAt: fs.statSync(wasmFile).mtime.toISOString() };
log(`pkg/ built ${pkgInfo.builtAt} (${pkgInfo.wasmBytes} bytes of wasm); mock ${MOCK_BIN}; ${RUNS} runs per figure`);

try {
  if (SECTIONS.includes("stream")) {
    log("1/5 stream decode (20,000 chunks, in memory) ...");
    const r = (raw.stream = await section("stream", {}, 600_000));
    const o = r.results.objects, t = r.results.text;
    const area = "1 stream decode";
    for (const [mode, set] of [["objects", o], ["text", t]]) {
      rows.push([area, `chunks/s, ${mode}: openai / eventsource-parser / floor`, spread(set.ours),
        `${fmtRate(set.openai.median)} / ${fmtRate(set.esp.median)} / ${fmtRate(set.floor.median)}`, "", "", ""]);
    }
    const ro = ratio(o.ours.median, o.openai.median), rf = ratio(o.ours.median, o.floor.median), rt = ratio(t.ours.median, t.openai.median);
    row(area, "objects: ours / openai", fmtRate(o.ours.median), fmtRate(o.openai.median), `${ro.toFixed(2)}x`, ">= 1.5x", ro >= 1.5);
    row(area, "objects: ours / floor", fmtRate(o.ours.median), fmtRate(o.floor.median), `${rf.toFixed(2)}x`, ">= 0.67x (within 1.5x)", rf >= 1 / 1.5);
    row(area, "text: ours / openai", fmtRate(t.ours.median), fmtRate(t.openai.median), `${rt.toFixed(2)}x`, ">= 3x", rt >= 3);
    const rtf = ratio(t.ours.median, t.floor.median);
    row(area, "text: ours / floor", fmtRate(t.ours.median), fmtRate(t.floor.median), `${rtf.toFixed(2)}x`, "-", null);
  }

  let url = null;
  if (SECTIONS.includes("requests") || SECTIONS.includes("batch")) {
    url = await startMock();
    log(`mock ${url} (pid ${mock.pid})`);
  }
  if (SECTIONS.includes("requests")) {
    log("2/5 request overhead (5,000 requests, concurrency 1 and 64) ...");
    const r = (raw.requests = await section("requests", { MOCK_URL: url }, 900_000));
    const area = "2 request overhead";
    for (const c of ["c1", "c64"]) {
      const s = r.results[c];
      const conc = c.slice(1);
      const rp = ratio(s["predict: ours"].median, s["predict: raw fetch"].median);
      row(area, `predict req/s, concurrency ${conc}: ours / raw fetch`, spread(s["predict: ours"]), spread(s["predict: raw fetch"]), `${rp.toFixed(2)}x`, ">= 0.9x (within 10%)", rp >= 0.9);
      const rc = ratio(s["chat: ours"].median, s["chat: openai"].median);
      row(area, `chat req/s, concurrency ${conc}: ours / openai`, spread(s["chat: ours"]), spread(s["chat: openai"]), `${rc.toFixed(2)}x`, "-", null);
      // The same calls on each transport of ours (the Node transport is the default on Node).
      for (const call of ["predict", "chat"]) {
        for (const t of ["node h2c", "fetch"]) {
          const x = s[`${call}: ours (${t})`];
          if (!x) continue;
          const rt = ratio(x.median, s[`${call}: ours`].median);
          row(area, `${call} req/s, concurrency ${conc}: ours (${t}) / ours (node http/1.1, the default)`, spread(x), spread(s[`${call}: ours`]), `${rt.toFixed(2)}x`, "-", null);
        }
      }
    }
    const st = r.results.streams;
    if (st) {
      for (const who of ["stream: ours", "stream: ours (node h2c)", "stream: openai"]) {
        const rs = ratio(st[who].median, st["stream: ours (fetch)"].median);
        const label = who === "stream: ours" ? "ours (node http/1.1, the default)" : who.slice(8);
        row(area, `chat streams/s (50 tokens), concurrency 16: ${label} / ours (fetch)`, spread(st[who]), spread(st["stream: ours (fetch)"]), `${rs.toFixed(2)}x`, "-", null);
      }
    }
  }
  if (SECTIONS.includes("batch")) {
    log("3/5 batch (20,000 and 100,000 items, batch 16, concurrency 64; each transport) ...");
    const r = (raw.batch = await section("batch", { MOCK_URL: url }, 3_600_000));
    const area = "3 batch";
    if (!r.h2c.ok) notes.push(`The mock does not serve HTTP/2 with prior knowledge (${r.h2c.why}); @basetenlabs/performance-client speaks only that, so it fails: ${r.perfError}`);
    const lead = "ours (node h2c)";
    for (const n of r.sizes) {
      for (const kind of ["batchPost", "embed"]) {
        const s = r.results[`${kind}@${n}`];
        const pc = s["performance-client"];
        for (const who of Object.keys(s)) {
          if (who === "performance-client" || !s[who]?.median) continue;
          const label = `${kind} items/s, ${n.toLocaleString("en")} items: ${who} / performance-client`;
          const target = who === lead ? ">= 1.0x" : "-";
          if (pc?.median) {
            const rr = ratio(s[who].median, pc.median);
            row(area, label, spread(s[who]), spread(pc), `${rr.toFixed(2)}x`, target, who === lead ? rr >= 1.0 : null);
          } else {
            row(area, label, spread(s[who]), "FAILED (no h2c)", "-", target, null);
          }
        }
      }
    }
  }
  stopMock();

  if (SECTIONS.includes("size")) {
    log("4/5 size and start ...");
    const r = (raw.size = await section("size", {}, 120_000));
    const area = "4 size";
    const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
    const openaiMin = `openai bundled+min: ${kb(r.bundled.openai.gzip)} (${kb(r.bundled.openai.bytes)} raw)`;
    row(area, "shipped pkg/chat/web (baseten-edge/chat): wasm + glue, gzip", `${kb(r.shipped.total.gzip)} (${kb(r.shipped.total.bytes)} raw; wasm ${kb(r.shipped.wasm.gzip)} gz, glue ${kb(r.shipped.glue.gzip)} gz)`,
      openaiMin, ratio(r.shipped.total.gzip, r.bundled.openai.gzip), "<= 30 KB gzip", r.shipped.total.gzip <= 30_000);
    row(area, "chat use via baseten-edge/chat/web bundled+min (esbuild) + wasm, gzip", `${kb(r.bundled.ours.total.gzip)} (${kb(r.bundled.ours.total.bytes)} raw)`,
      `${kb(r.bundled.openai.gzip)} (${kb(r.bundled.openai.bytes)} raw)`, ratio(r.bundled.ours.total.gzip, r.bundled.openai.gzip), "-", null);
    row(area, "chat use via baseten-edge/chat (wasm inlined) bundled+min, gzip", `${kb(r.bundled.oursInline.gzip)} (${kb(r.bundled.oursInline.bytes)} raw)`,
      `${kb(r.bundled.openai.gzip)} (${kb(r.bundled.openai.bytes)} raw)`, ratio(r.bundled.oursInline.gzip, r.bundled.openai.gzip), "-", null);
    row(area, "full package pkg/web: wasm + glue, gzip (informational)", `${kb(r.shippedFull.total.gzip)} (${kb(r.shippedFull.total.bytes)} raw; wasm ${kb(r.shippedFull.wasm.gzip)} gz)`,
      openaiMin, ratio(r.shippedFull.total.gzip, r.bundled.openai.gzip), "-", null);
    row(area, "chat use with the full build bundled+min + wasm, gzip (informational)", `${kb(r.bundled.oursFull.total.gzip)} (${kb(r.bundled.oursFull.total.bytes)} raw)`,
      `${kb(r.bundled.openai.gzip)} (${kb(r.bundled.openai.bytes)} raw)`, ratio(r.bundled.oursFull.total.gzip, r.bundled.openai.gzip), "-", null);
    const starts = { ours: [], openai: [] };
    for (let i = 0; i < RUNS; i++) {
      for (const who of ["ours", "openai"]) {
        starts[who].push(await runChild([path.join(BENCH_DIR, "sections", "start-child.mjs"), who, who === "ours" ? r.bundled.ours.js.file : r.bundled.openai.file, r.wasmFile], { timeoutMs: 60_000 }));
      }
    }
    raw.start = starts;
    fs.rmSync(r.dir, { recursive: true, force: true });
    const med = (who, k) => median(starts[who].map((s) => s[k]));
    const inst = med("ours", "compileMs") + med("ours", "instantiateMs");
    const instRuns = starts.ours.map((s) => s.compileMs + s.instantiateMs);
    row("4 start (Node)", "compile + instantiate the wasm", `${ms(inst)} (${ms(Math.min(...instRuns))}-${ms(Math.max(...instRuns))})`,
      `glue import ${ms(med("ours", "importMs"))}; openai import ${ms(med("openai", "importMs"))}`, "-", "<= 5 ms", inst <= 5);
    row("4 start (Node)", "import..ready / first streamed call", `${ms(med("ours", "readyMs"))} / ${ms(med("ours", "firstCallMs"))}`,
      `${ms(med("openai", "readyMs"))} / ${ms(med("openai", "firstCallMs"))}`, `${(med("ours", "totalMs") / med("openai", "totalMs")).toFixed(2)}x total`, "-", null);

    log("4/5 start in workerd (Miniflare) ...");
    const w = (raw.startWorkerd = await runChild([path.join(BENCH_DIR, "sections", "start-workerd.mjs")], { timeoutMs: 240_000 }));
    const wd = (f) => stats(w.runs.map(f));
    const msr = (s) => `${ms(s.median)} (${ms(s.min)}-${ms(s.max)})`;
    // In-worker figures are whole milliseconds (workerd's clock steps): 0 means under 1 ms.
    const wms = (s) => `${s.median < 1 ? "< 1 ms" : `${s.median} ms`} (${s.min}-${s.max} ms)`;
    const plus = (x) => `${x >= 0 ? "+" : ""}${ms(x)}`;
    const initW = wd((r) => r.initWorkerMs);
    const firstOurs = wd((r) => r.firstRequestMs.ours), firstEmpty = wd((r) => r.firstRequestMs.empty);
    const firstDelta = wd((r) => r.firstRequestMs.ours - r.firstRequestMs.empty);
    row("4 start (workerd)", "instantiate: initSync({ module }) timed in the worker (1 ms steps)", wms(initW),
      `from Node: cold 1st request /init - empty worker's 1st request, median of the differences ${plus(firstDelta.median)}`, "-", "<= 5 ms", initW.median <= 5);
    row("4 start (workerd)", "cold 1st request after start, from Node: /init / empty worker", msr(firstOurs), msr(firstEmpty),
      plus(firstDelta.median), "-", null);
    const callW = wd((r) => r.firstCallWorkerMs), call = wd((r) => r.firstCallMs);
    const warmCall = wd((r) => r.warmCallMs), warmCallW = wd((r) => r.warmCallWorkerMs), warmNoop = wd((r) => r.warmNoopMs.ours);
    row("4 start (workerd)", "first streamed call: in the worker / request from Node", `${wms(callW)} / ${msr(call)}`,
      `warm call ${wms(warmCallW)} / ${ms(warmCall.median)}; warm no-op request ${ms(warmNoop.median)}`, "-", "-", null);
    const readyOurs = wd((r) => r.readyMs.ours), readyEmpty = wd((r) => r.readyMs.empty);
    row("4 start (workerd)", "new Miniflare() .. ready (workerd start + worker load, wasm compile)", msr(readyOurs), `empty worker ${msr(readyEmpty)}`,
      plus(median(w.runs.map((r) => r.readyMs.ours - r.readyMs.empty))), "-", null);
    notes.push(`Start in workerd (section 4, Miniflare ${JSON.parse(fs.readFileSync(path.join(BENCH_DIR, "node_modules", "miniflare", "package.json"), "utf8")).version}, compatibility date ${w.compatibilityDate}): `
      + "two workers bundled by esbuild with the .wasm as a separate module (as wrangler does), each run in a fresh Miniflare per run (one warm-up run first, not kept): "
      + "ours (pkg/web glue + the wasm module; /init calls initSync({ module }), /call makes the same first call as the Node row, a 20-chunk streamed chat from an in-memory fetch read with textStream(), /noop does nothing) "
      + "and an empty worker (answers every request at once), the baseline. "
      + "workerd builds the WebAssembly.Module when it loads the worker (Workers may not compile wasm from bytes at run time), so any compile work done then is inside `new Miniflare() .. ready` "
      + "(mostly the workerd process start, spread of tens of ms; the ratio column there is the median of the per-run differences, ours - empty: the load of ours' bundle and wasm module), not in the requests. "
      + "\"in the worker\" figures are performance.now() read inside the worker around initSync() or the call: workerd's clock is coarsened to 1 ms steps "
      + "(here it does advance during computation; in production Workers it advances only on I/O), so 0 means under 1 ms. "
      + "\"from Node\" figures are performance.now() in Node around mf.dispatchFetch() + reading the body, so they include the Node -> workerd loopback HTTP round trip and request dispatch: "
      + "cold 1st request = the first request after ready (ours: /init, i.e. instantiate; empty worker: nothing), their difference being the instantiate cost seen from outside; "
      + `first streamed call = ours' 2nd request (/call, right after /init); warm = median of ${w.warmRounds} further requests in the same instance.`);
  }

  if (SECTIONS.includes("memory")) {
    log("5/5 memory (10,000 streamed chats) ...");
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await section("memory", {}, 300_000));
    raw.memory = runs;
    const m = (k, f) => median(runs.map((r) => r[k][f]));
    const w1 = m("at1k", "wasmBytes"), w10 = m("at10k", "wasmBytes"), h1 = m("at1k", "heapUsed"), h10 = m("at10k", "heapUsed");
    const mb = (b) => `${(b / 1048576).toFixed(2)} MiB`;
    row("5 memory", "wasm memory at 1k -> 10k chats", `${mb(w1)} -> ${mb(w10)}`, "-", `${(w10 / w1).toFixed(2)}x`, "flat (<= 1.1x)", w10 <= w1 * 1.1);
    row("5 memory", "JS heap (after gc) at 1k -> 10k chats", `${mb(h1)} -> ${mb(h10)}`, "-", `${(h10 / h1).toFixed(2)}x`, "flat (<= 1.1x)", h10 <= h1 * 1.1);
  }
} catch (e) {
  stopMock();
  console.error(`bench failed: ${e.stack || e}`);
  process.exit(1);
}

// ---- output -------------------------------------------------------------------------------
const cpu = os.cpus()[0]?.model?.trim() || "unknown";
const load = os.loadavg().map((x) => x.toFixed(2)).join(" ");
const machine = `${os.cpus().length} cores (nproc ${execFileSync("nproc").toString().trim()}), ${cpu}, Node ${process.version}, ${os.type()} ${os.release()}`;
console.log(`\nbaseten-edge benchmarks, ${started.toISOString()}, ${machine}`);
console.log(`figures: median of ${RUNS} runs (min-max in parentheses); load average at the end: ${load}\n`);
console.log(table(false));
for (const n of notes) console.log(`\nnote: ${n}`);

const resultsFile = process.env.BENCH_RESULTS ? path.resolve(process.env.BENCH_RESULTS) : path.join(BENCH_DIR, "RESULTS.md");
const keep = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, "utf8").split(/^(?=## Profile)/m)[1] ?? "" : "";
const md = `# Benchmark results

- Command: \`${["node", "bench/run.mjs", ...process.argv.slice(2)].join(" ")}\`${process.env.MOCK_BIN ? ` with \`MOCK_BIN=${process.env.MOCK_BIN}\`` : ""}${process.env.BENCH_SECTIONS ? ` \`BENCH_SECTIONS=${process.env.BENCH_SECTIONS}\`` : ""}${process.env.PKG_DIR ? ` \`PKG_DIR=${process.env.PKG_DIR}\`` : ""}
- Date: ${started.toISOString()} (took ${((Date.now() - started) / 1000).toFixed(0)} s)
- Machine: ${machine}; load average at the end ${load}
- Package: pkg/ built ${pkgInfo.builtAt}, ${pkgInfo.wasmBytes} bytes of wasm
- Each figure is the median of ${RUNS} runs (min-max in parentheses), contenders interleaved within a run.

${table(true)}

${notes.map((n) => `- ${n}`).join("\n")}

<details><summary>Raw figures</summary>

\`\`\`json
${JSON.stringify(raw, null, 1)}
\`\`\`
</details>

${keep}`;
fs.writeFileSync(resultsFile, md);
console.log(`\nwrote ${path.relative(process.cwd(), resultsFile)}`);
