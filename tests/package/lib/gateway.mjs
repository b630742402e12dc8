// The proxy Worker (examples/worker) as a gateway under test: built by wrangler against the
// packed tarball, run in Miniflare (workerd) with its wrangler.jsonc rate-limit binding simulated
// by Miniflare, its upstream the mock through a recorder (lib/recorder.mjs, which can inject
// mock faults). Tokens are minted with the package's own mintProxyToken, as a backend would.
import assert from "node:assert/strict";
import { join } from "node:path";
import { startMock } from "./mock.mjs";
import { startRecorder } from "./recorder.mjs";
import { ROOT, makeProject, copyTree } from "./harness.mjs";
import { wranglerBuild, startWorker } from "./workerd.mjs";

export const ALLOWED = "https://app.example.com";
export const SECRET = "proxy-secret-new";
export const OLD_SECRET = "proxy-secret-old";
/** Requests per key and window: small, so that a burst passes it. */
export const LIMIT = 4;
/** The window (10 s: Cloudflare's shortest) and the 429's Retry-After. */
export const PERIOD = 10;

export const MODELS = {
  "acme/llama-3-70b": { modelId: "abcd1234", environment: "staging", servedModelName: "llama-3-70b", fallbacks: ["acme/fast"] },
  "acme/fast": { modelId: "wxyz5678", deployment: "dep1" },
  "deepseek-ai/DeepSeek-V3.1": { modelApis: true },
};

/**
 * Starts the mock, the recorder and the Worker; `bindings` are added to (or replace) the
 * defaults. Resolves to `{ mock, recorder, worker, pkg, output, token(claims?), stop() }`:
 * `pkg` is the packed package (node.mjs), `output()` what the Worker printed so far.
 */
export async function startGateway(name, bindings = {}, { tools = [] } = {}) {
  const mock = await startMock(["--token-rate", "100"]);
  const recorder = await startRecorder(mock.url);
  const project = await makeProject(name, { tools });
  copyTree(join(ROOT, "examples/worker"), project.dir);
  project.write("package.json", JSON.stringify({ name: "gateway-under-test", private: true, type: "module" }));
  const built = await wranglerBuild(project.dir);
  // The binding as wrangler.jsonc declares it, with a small limit and the shortest period.
  const declared = (built.config.ratelimits ?? []).find((r) => r.name === "RATE_LIMITER");
  assert.ok(declared, "wrangler.jsonc declares the RATE_LIMITER binding");
  let printed = "";
  const worker = await startWorker({
    ...built,
    bindings: Object.fromEntries(
      Object.entries({
        BASETEN_API_KEY: "test-key",
        BASETEN_WEBHOOK_SECRET: "whsec-test",
        BASETEN_BASE_URL: recorder.url,
        BASETEN_OPENAI_BASE_URL: recorder.url + "/v1",
        BASETEN_MODEL_APIS_BASE_URL: recorder.url + "/v1",
        ALLOWED_ORIGINS: ALLOWED,
        RATE_LIMIT_PERIOD: String(PERIOD),
        ...bindings,
      }).filter(([, v]) => v !== undefined),
    ),
    ratelimits: [{ ...declared, simple: { limit: LIMIT, period: PERIOD } }],
    onOutput: (text) => (printed += text),
  });
  const pkg = await import(project.path("node_modules/baseten-edge/node.mjs"));
  let n = 0;
  return {
    mock,
    recorder,
    worker,
    pkg,
    project,
    output: () => printed,
    /** A token for a fresh `sub` (so that each test has its own rate-limit budget), valid 10 min. */
    token(claims = {}, secret = SECRET) {
      return pkg.mintProxyToken({ sub: `user-${process.pid}-${++n}`, exp: Math.floor(Date.now() / 1000) + 600, ...claims }, secret);
    },
    async stop() {
      await worker?.mf.dispose();
      await recorder?.close();
      await mock?.stop();
      project?.cleanup();
    },
  };
}

/** A fetch of the Worker, bounded. */
export function caller(gw) {
  return (path, init = {}) => fetch(gw.worker.url + path, { signal: AbortSignal.timeout(20_000), ...init });
}

let tags = 0;
/**
 * Tags the Worker's next upstream requests with a fresh mock fault key (the recorder adds the
 * header), with the mock fault `fault` when given (e.g. "fail:1:503"); returns a function that
 * resolves to the mock's recorded requests with that key, oldest first.
 */
export function tagUpstream(gw, fault) {
  const key = `gw-${process.pid}-${++tags}`;
  gw.recorder.inject({ "x-mock-fault-key": key, ...(fault ? { "x-mock-fault": fault } : {}) });
  return () => gw.mock.get(`/__mock/requests?key=${key}`);
}

/** Runs `burst()` inside one rate-limit window (Miniflare's are fixed, of PERIOD seconds from the
 * epoch): waits for a fresh window when little of this one is left, and runs it again (up to
 * three times) if it straddled two windows anyway. */
export async function inOneWindow(burst) {
  const windowOf = (t) => Math.floor(t / (PERIOD * 1000));
  for (let attempt = 0; ; attempt++) {
    const left = PERIOD * 1000 - (Date.now() % (PERIOD * 1000));
    if (left < 3000) await new Promise((r) => setTimeout(r, left + 50));
    const start = Date.now();
    const result = await burst();
    if (windowOf(start) === windowOf(Date.now()) || attempt === 2) return result;
  }
}
