// Shared helpers of the package tests: the packed tarball, throwaway projects in a temp dir that
// install it, bounded child processes, a static file server and headless Chromium.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync, readdirSync, existsSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { CHROMIUM_FLAGS } from "../../common/chromium.mjs";
import { expectedResponsesSmoke } from "../fixtures/smoke-core.mjs";

export const TEST_DIR = fileURLToPath(new URL("../", import.meta.url));
export const ROOT = join(TEST_DIR, "../..");
export const BIN = join(TEST_DIR, "node_modules/.bin");
const devDeps = JSON.parse(readFileSync(join(TEST_DIR, "package.json"), "utf8")).devDependencies;

/** `name@version` as pinned in tests/package/package.json (so the npm cache is warm). */
export const pinned = (name) => `${name}@${devDeps[name]}`;

/** Runs a command, bounded in time; resolves to `{ code, signal, stdout, stderr }` (never throws on exit code). */
export function run(cmd, args, { cwd, env, timeout = 60_000, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    if (input !== undefined) child.stdin.end(input);
    const timer = setTimeout(() => {
      stderr += `\n[harness] ${cmd} ${args.join(" ")}: killed after ${timeout} ms`;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    }, timeout);
    child.on("error", (e) => (clearTimeout(timer), reject(e)));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Throws with the output when a run failed. */
export function ok(res, what) {
  if (res.code !== 0) {
    throw new Error(`${what} exited with ${res.code ?? res.signal}\n--- stdout\n${res.stdout}\n--- stderr\n${res.stderr}`);
  }
  return res;
}

let packed;
/** The package tarball: $BASETEN_EDGE_TARBALL (run.sh packs once), else `npm pack` of pkg/ now. */
export async function tarball() {
  if (process.env.BASETEN_EDGE_TARBALL) return process.env.BASETEN_EDGE_TARBALL;
  if (!packed) {
    const dest = mkdtempSync(join(tmpdir(), "baseten-edge-pack-"));
    const res = ok(await run("npm", ["pack", "--pack-destination", dest, "--loglevel=error"], { cwd: join(ROOT, "pkg") }), "npm pack");
    packed = join(dest, res.stdout.trim().split("\n").pop());
    process.on("exit", () => rmSync(dest, { recursive: true, force: true }));
  }
  return packed;
}

/**
 * A throwaway project under the temp dir: a package.json, `files`, and
 * `npm install --no-audit --no-fund <tarball> ...tools`. `cleanup()` removes it (KEEP_TMP=1 keeps it).
 */
export async function makeProject(name, { tools = [], files = {}, type = "module" } = {}) {
  const dir = mkdtempSync(join(tmpdir(), `baseten-edge-${name}-`));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `smoke-${name}`, private: true, type }, null, 2));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  const tgz = await tarball();
  ok(
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", tgz, ...tools.map(pinned)], {
      cwd: dir,
      timeout: 180_000,
    }),
    `npm install in ${dir}`,
  );
  return {
    dir,
    path: (rel) => join(dir, rel),
    write(rel, text) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), text);
    },
    cleanup() {
      if (process.env.KEEP_TMP === "1") console.log(`# kept ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Copies a directory tree (no node_modules). */
export function copyTree(from, to) {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name === "dist" || e.name === ".wrangler") continue;
    if (e.isDirectory()) copyTree(join(from, e.name), join(to, e.name));
    else copyFileSync(join(from, e.name), join(to, e.name));
  }
}

/** The fixture smoke-core.mjs (see fixtures/). */
export const smokeCore = () => readFileSync(join(TEST_DIR, "fixtures/smoke-core.mjs"), "utf8");

/** The `SMOKE {...}` line a smoke script prints. */
export function parseSmoke(stdout) {
  const line = stdout.split("\n").find((l) => l.startsWith("SMOKE "));
  assert.ok(line, `no SMOKE line in:\n${stdout}`);
  return JSON.parse(line.slice(6));
}

/** What every runtime's smoke result must be. */
export function assertSmoke(r) {
  assert.deepEqual(r.predict, { prompt: "hello", n: 2 });
  assert.ok(r.deltas.length >= 4, `text deltas: ${JSON.stringify(r.deltas)}`);
  assert.match(r.deltas.join(""), /^Hello! You said: smoke/);
  assert.equal(r.sse.endsWithDone, true);
  assert.ok(r.sse.events >= 4, `SSE events: ${r.sse.events}`);
  assert.deepEqual(r.error, {
    isError: true,
    name: "NotFoundError",
    status: 404,
    retryable: false,
    requestId: "string",
    classes: ["BasetenError", "APIError", "NotFoundError"],
  });
  assert.deepEqual(r.misspelt, { classes: ["BasetenError", "ConfigurationError"], named: true });
  assert.deepEqual(r.webhook, { requestId: "r1", rejected: "WebhookVerificationError" });
  assert.deepEqual(r.webhookClasses, ["BasetenError", "WebhookVerificationError"]);
  assert.deepEqual(r.responses, expectedResponsesSmoke);
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".css": "text/css",
};

/** Serves `root` on 127.0.0.1 (a free port); resolves to `{ url, close() }`. */
export async function serveStatic(root) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    let file = join(root, path);
    if (!file.startsWith(root)) return res.writeHead(403).end();
    if (path.endsWith("/")) file = join(file, "index.html");
    if (!existsSync(file)) return res.writeHead(404).end("not found");
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => server.close(r)),
  };
}

export { CHROMIUM_FLAGS };

/** Headless Chromium from /usr/bin/chromium (never downloads a browser). */
export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_FLAGS, timeout: 30_000 });
}

/** Opens `url`, waits for `window.__smoke` (or `window.__smokeError`), returns it. */
export async function smokeInPage(browser, url) {
  const page = await browser.newPage();
  const logs = [];
  page.on("console", (m) => logs.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => logs.push(`pageerror: ${e.message}`));
  try {
    await page.goto(url, { timeout: 15_000 });
    await page.waitForFunction(() => window.__smoke || window.__smokeError, null, { timeout: 20_000 });
    const { result, error } = await page.evaluate(() => ({ result: window.__smoke, error: window.__smokeError }));
    if (error) throw new Error(`page error: ${error}\n${logs.join("\n")}`);
    return result;
  } catch (e) {
    e.message += `\nconsole:\n${logs.join("\n")}`;
    throw e;
  } finally {
    await page.close();
  }
}
