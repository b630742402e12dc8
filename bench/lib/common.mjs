// Shared helpers: paths, the package under test, timing, statistics, a bounded worker pool.
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";
import fs from "node:fs";

export const BENCH_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const ROOT = path.dirname(BENCH_DIR);
export const PKG = process.env.PKG_DIR ? path.resolve(process.env.PKG_DIR) : path.join(ROOT, "pkg");

export const RUNS = Number(process.env.BENCH_RUNS || 5);

/** The package as a Node user gets it (`baseten-edge` -> pkg/node.mjs), plus the wasm exports. */
export async function loadOurs() {
  const entry = path.join(PKG, "node.mjs");
  if (!fs.existsSync(entry)) {
    throw new Error(`${entry} is missing: build the package first with scripts/build.sh`);
  }
  const mod = await import(pathToFileURL(entry).href);
  const web = await import(pathToFileURL(path.join(PKG, "web", "baseten_edge.js")).href);
  // initSync() on an initialised module returns its exports (with `memory`) without re-instantiating.
  const exports = web.initSync();
  return { Baseten: mod.Baseten, memory: exports.memory };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** { median, min, max, runs } of a list of figures. */
export function stats(xs) {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs };
}

/** Runs `fn(i)` for i in [0, n) with at most `concurrency` in flight. */
export async function pool(n, concurrency, fn) {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, worker));
}

/** Rejects after `ms` (the benchmark is bounded in time). */
export function within(ms, promise, what) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** Prints the section's result for run.mjs to collect. */
export function report(obj) {
  process.stdout.write(`RESULT ${JSON.stringify(obj)}\n`);
}

/** The pids of `pid`'s descendants (Linux /proc; [] elsewhere), deepest first. */
export function descendants(pid) {
  const out = [];
  let tasks = [];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    let kids = [];
    try {
      kids = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {}
    for (const kid of kids) out.push(...descendants(kid), kid);
  }
  return out;
}

/** SIGKILLs, by pid, every process started (directly or not) by `pid` that is still alive. */
export function killDescendants(pid) {
  for (const p of descendants(pid)) {
    try {
      process.kill(p, "SIGKILL");
    } catch {}
  }
}
