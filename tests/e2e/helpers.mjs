// The shared setup of the playground's end-to-end tests (tests/e2e/*.test.mjs): each test file
// imports it, and importing it registers the hooks that start, on free ports of 127.0.0.1, the
// mock model server, scripts/serve.mjs (the playground) and Debian's Chromium (playwright-core,
// no downloaded browser) before the file's tests, and stop all three (by pid) after them.
// Each file runs in its own process (node --test), so each has its own mock.
//
//   MOCK_BIN   the mock binary (default: $CARGO_TARGET_DIR or target/, then release/baseten-mock)
//   CHROMIUM   the browser (default: /usr/bin/chromium)
//
// Screenshots go to tests/artifacts/ (gitignored); a failing test leaves failed-<name>.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM_FLAGS } from "../common/chromium.mjs";

export const root = fileURLToPath(new URL("../../", import.meta.url));
const artifacts = join(root, "tests", "artifacts");
const mockBin = resolve(process.env.MOCK_BIN ?? join(resolve(root, process.env.CARGO_TARGET_DIR ?? "target"), "release", "baseten-mock"));
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const HEX32 = /^[0-9a-f]{32}$/;
/** pageTest's options for a phone. */
export const PHONE = { viewport: { width: 375, height: 812 }, mobile: true };

/** The mock: { child, url }, once the hooks have started it. */
export let mock;
let server; // { child, url }
let browser;

/** Spawns `cmd` and resolves once a stdout line matches `pattern` (its first group is the URL). */
function startProcess(name, cmd, args, pattern) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`${name} printed no address within 15 s:\n${out}`));
    }, 15_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`${name} could not start (${cmd}): ${e.message}`));
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready:\n${out}`));
    });
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d) => {
      out += d;
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1].replace(/\/$/, "") });
      }
    });
  });
}

/** Stops a child by its pid (SIGTERM, then SIGKILL after 5 s). */
async function stopProcess(p) {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once("exit", r));
  process.kill(p.child.pid, "SIGTERM");
  const timer = setTimeout(() => p.child.exitCode === null && process.kill(p.child.pid, "SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  mock = await startProcess("the mock", mockBin, ["--port", "0", "--quiet"], /listening on (http:\/\/\S+)/);
  server = await startProcess(
    "serve.mjs",
    process.execPath,
    [join(root, "scripts", "serve.mjs"), "--port", "0", "--mock", mock.url],
    /playground on (http:\/\/\S+)/,
  );
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_FLAGS });
});

after(async () => {
  await browser?.close();
  await stopProcess(server);
  await stopProcess(mock);
});

/** A port of 127.0.0.1 that nothing listens on (bound, then released). */
export function closedPort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** One of the mock's own routes (/__mock/...), parsed as JSON. */
export async function mockJson(path, init) {
  const r = await fetch(mock.url + path, init);
  return r.json();
}

/** The id of the last request the mock got (null if none). */
export async function lastRequestId() {
  const r = await fetch(`${mock.url}/__mock/last`);
  return r.ok ? (await r.json()).id : null;
}

/**
 * Runs `fn` with a fresh page (own context: own sessionStorage) on the playground, ready.
 * Any console error or uncaught page error fails the test, except those `allowConsole(re)`
 * declares expected (Chromium logs each HTTP error status of a fetch as a console error).
 */
export function pageTest(name, fn, { viewport = { width: 1280, height: 900 }, mobile = false, colorScheme = "light" } = {}) {
  test(name, async () => {
    const context = await browser.newContext({ viewport, isMobile: mobile, hasTouch: mobile, deviceScaleFactor: 1, colorScheme });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const problems = [];
    const allowed = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    try {
      const response = await page.goto(`${server.url}/`);
      await page.waitForSelector("body[data-ready=true]");
      await fn({ page, response, allowConsole: (re) => allowed.push(re) });
      const unexpected = problems.filter((p) => !allowed.some((re) => re.test(p)));
      assert.deepEqual(unexpected, [], "no unexpected console errors");
    } catch (e) {
      const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").slice(0, 60);
      await page.screenshot({ path: join(artifacts, `failed-${slug}.png`), fullPage: true }).catch(() => {});
      if (problems.length) e.message += `\nconsole: ${problems.join("\n")}`;
      throw e;
    } finally {
      await context.close();
    }
  });
}

export const text = (page, sel) => page.locator(sel).textContent();
/**
 * The code panel's text once its pending redraw has run: the page redraws it in an animation
 * frame after an input or change (app.js), so it is read two frames later.
 */
export async function codePanel(page) {
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(undefined)))));
  return text(page, "#code");
}
export const shot = (page, file, opts = {}) => page.screenshot({ path: join(artifacts, file), fullPage: true, ...opts });

/** Reloads the page and waits until it is ready again. */
export async function reload(page) {
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
}

export async function openTab(page, name) {
  await page.click(`#tab-${name}`);
  await page.waitForSelector(`#panel-${name}:not([hidden])`);
}

/** The id of the element that has the focus. */
export function focusedId(page) {
  return page.evaluate(() => document.activeElement?.id);
}

/** Opens the Advanced settings and sets the extra headers. */
export async function setExtraHeaders(page, value) {
  await page.locator("#advanced summary").click();
  await page.fill("#extraHeaders", value);
}

/**
 * Whether Trusted Types refuse a string as HTML (so nothing a server says can run): probes
 * innerHTML; Chromium reports the refusal on the console ("requires 'TrustedHTML' assignment").
 */
export function innerHtmlRefused(page) {
  return page.evaluate(() => {
    try {
      document.createElement("div").innerHTML = "<b>x</b>";
      return false;
    } catch (e) {
      return e instanceof TypeError;
    }
  });
}

/**
 * Samples, on every animation frame until `doneSel` appears, the length of the text the user
 * sees in `sel` (the last match). Resolves to the distinct lengths in order and the final one.
 */
export function recordPaints(page, sel, doneSel) {
  return page.evaluate(
    ([sel, doneSel]) =>
      new Promise((resolve) => {
        const seen = [];
        const started = performance.now();
        const frame = () => {
          const els = document.querySelectorAll(sel);
          const len = els.length ? els[els.length - 1].textContent.length : 0;
          if (seen[seen.length - 1] !== len) seen.push(len);
          if (document.querySelector(doneSel) || performance.now() - started > 15_000) resolve(seen);
          else requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }),
    [sel, doneSel],
  );
}

/** Opens the Batch tab, generates `n` inputs and sets the batching fields. */
export async function setupBatch(page, { n = 40, batchSize = 4, concurrency = 3, retries, budget, collect = true, simulate } = {}) {
  await openTab(page, "batch");
  await page.fill("#batch-generate-n", String(n));
  await page.click("#batch-generate");
  await page.fill("#batch-size", String(batchSize));
  await page.fill("#batch-concurrency", String(concurrency));
  if (retries !== undefined) await page.fill("#batch-retries", String(retries));
  if (budget !== undefined) await page.fill("#batch-retry-budget", String(budget));
  await page.setChecked("#batch-collect", collect);
  await page.setChecked("#batch-simulate", simulate !== undefined);
  if (simulate !== undefined) await page.fill("#batch-fail-count", String(simulate));
  return (await page.inputValue("#batch-input")).split("\n");
}

/** The words of `sel`'s header cells that are broken across lines (none, when they wrap between words). */
export function wordsSplitAcrossLines(page, sel) {
  return page.evaluate((sel) => {
    const split = [];
    for (const cell of document.querySelectorAll(sel)) {
      for (const node of cell.childNodes) {
        if (node.nodeType !== Node.TEXT_NODE) continue;
        for (const m of node.data.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          if (new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1) split.push(m[0]);
        }
      }
    }
    return split;
  }, sel);
}

/** Asserts the page does not scroll sideways at phone width. */
export async function assertFits(page, what) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 375, `${what}: page is ${w}px wide`);
}
