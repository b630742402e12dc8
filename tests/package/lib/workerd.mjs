// Cloudflare Workers under test: bundled by wrangler (`deploy --dry-run --outdir dist`, which
// resolves the package with the `workerd` condition and turns the .wasm import into a module),
// then run by Miniflare (workerd) on a free port of 127.0.0.1.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { BIN, run, ok, makeProject } from "./harness.mjs";

/** A wrangler.jsonc, comments and trailing commas removed. */
export function readJsonc(file) {
  let text = readFileSync(file, "utf8");
  text = text.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m, str) => str ?? "");
  text = text.replace(/,(\s*[}\]])/g, "$1");
  return JSON.parse(text);
}

/** `wrangler deploy --dry-run --outdir dist --env=` in `dir` (the top-level environment, as the
 * example Worker's `npm run deploy` does); resolves to the bundle's path. */
export async function wranglerBuild(dir) {
  const env = {
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_LOG: "warn",
    XDG_CONFIG_HOME: join(dir, ".config"),
    NO_COLOR: "1",
    CI: "1",
  };
  const res = ok(await run(join(BIN, "wrangler"), ["deploy", "--dry-run", "--outdir", "dist", "--env="], { cwd: dir, env, timeout: 90_000 }), "wrangler deploy --dry-run");
  // No warning from wrangler's build. (esbuild keeps quiet about files under node_modules, so
  // the duplicate snippet keys it reports for a linked package are checked on the glue itself:
  // tests/node/glue.test.mjs.)
  assert.doesNotMatch(res.stdout + res.stderr, /WARNING/, "wrangler's build gives no warning");
  const config = readJsonc(join(dir, "wrangler.jsonc"));
  const main = config.main.replace(/^.*\//, "").replace(/\.[cm]?[jt]s$/, ".js");
  return { script: join(dir, "dist", main), config };
}

/**
 * Runs a bundled worker in Miniflare; resolves to `{ mf, url, options }` (call `mf.dispose()`;
 * `mf.setOptions({ ...options, ... })` changes it).
 * `ratelimits`: wrangler.jsonc-style entries (`[{ name, simple: { limit, period } }]`), simulated
 * by Miniflare's in-memory rate limiter (a fixed window of `period` seconds per key).
 * `onOutput(text)`: receives what the worker writes to stdout and stderr (console.log, ...)
 * instead of this process's own output.
 */
export async function startWorker({ script, config, bindings = {}, kvNamespaces = [], ratelimits = [], onOutput }) {
  const { Miniflare } = await import("miniflare");
  const options = {
    modules: true,
    scriptPath: script,
    modulesRoot: dirname(script),
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags ?? [],
    bindings: { ...(config.vars ?? {}), ...bindings },
    kvNamespaces,
    ratelimits: Object.fromEntries(ratelimits.map((r) => [r.name, { simple: r.simple }])),
    ...(onOutput
      ? {
          handleRuntimeStdio(stdout, stderr) {
            stdout.on("data", (d) => onOutput(String(d)));
            stderr.on("data", (d) => onOutput(String(d)));
          },
        }
      : {}),
    host: "127.0.0.1",
    port: 0,
  };
  const mf = new Miniflare(options);
  const url = (await mf.ready).origin;
  return { mf, url, options };
}

/**
 * A worker whose module starts with `head` (which binds `lib`) and runs `runner` (exported by
 * `from`, one of `files`) against `mockUrl` on each request; bundled by wrangler, run by
 * Miniflare, requested once. Resolves to `{ result, bundle, dist }`.
 */
export async function runSmokeWorker(name, head, mockUrl, files, from, runner) {
  const project = await makeProject(name, {
    files: {
      ...files,
      "worker.mjs": `${head}
import { ${runner} } from "${from}";
export default {
  async fetch(request, env) {
    try {
      return Response.json(await ${runner}(lib, env.MOCK_URL));
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
    worker = await startWorker({ ...built, bindings: { MOCK_URL: mockUrl } });
    const res = await fetch(worker.url + "/", { signal: AbortSignal.timeout(20_000) });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    return { result: JSON.parse(text), bundle: readFileSync(built.script, "utf8"), dist: readdirSync(project.path("dist")) };
  } finally {
    await worker?.mf.dispose();
    project.cleanup();
  }
}
