// End-to-end tests of the playground (www/) in Debian's Chromium (playwright-core, no
// downloaded browser), against the Rust mock model server. The suite starts the mock and
// scripts/serve.mjs itself on free ports, and stops both by pid at the end.
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
import { startFakeProxy } from "./fake-proxy.mjs";
import { startPlainServer } from "./plain-server.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const artifacts = join(root, "tests", "artifacts");
const mockBin = resolve(process.env.MOCK_BIN ?? join(resolve(root, process.env.CARGO_TARGET_DIR ?? "target"), "release", "baseten-mock"));
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const HEX32 = /^[0-9a-f]{32}$/;

let mock; // { child, url }
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
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await stopProcess(server);
  await stopProcess(mock);
});

/** A port of 127.0.0.1 that nothing listens on (bound, then released). */
function closedPort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function mockJson(path, init) {
  const r = await fetch(mock.url + path, init);
  return r.json();
}

/** The id of the last request the mock got (null if none). */
async function lastRequestId() {
  const r = await fetch(`${mock.url}/__mock/last`);
  return r.ok ? (await r.json()).id : null;
}

/**
 * Runs `fn` with a fresh page (own context: own sessionStorage) on the playground, ready.
 * Any console error or uncaught page error fails the test, except those `allowConsole(re)`
 * declares expected (Chromium logs each HTTP error status of a fetch as a console error).
 */
function pageTest(name, fn, { viewport = { width: 1280, height: 900 }, mobile = false, colorScheme = "light" } = {}) {
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

const text = (page, sel) => page.locator(sel).textContent();
const shot = (page, file, opts = {}) => page.screenshot({ path: join(artifacts, file), fullPage: true, ...opts });

async function openTab(page, name) {
  await page.click(`#tab-${name}`);
  await page.waitForSelector(`#panel-${name}:not([hidden])`);
}

/** Opens the Advanced settings and sets the extra headers. */
async function setExtraHeaders(page, value) {
  await page.locator("#advanced summary").click();
  await page.fill("#extraHeaders", value);
}

/**
 * Samples, on every animation frame until `doneSel` appears, the length of the text the user
 * sees in `sel` (the last match). Resolves to the distinct lengths in order and the final one.
 */
function recordPaints(page, sel, doneSel) {
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

// ---------------------------------------------------------------------------------------------

pageTest("loads with the mock prefilled, the CSP in force, the key in sessionStorage only", async ({ page, response, allowConsole }) => {
  const csp = response.headers()["content-security-policy"];
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
  assert.match(csp, /style-src 'self'(;|$)/);
  assert.match(csp, /require-trusted-types-for 'script'/);
  // The same policy in a <meta>, less frame-ancestors (which a meta policy cannot set).
  const meta = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', "content");
  const directives = (p) => p.split(";").map((d) => d.trim()).filter(Boolean);
  assert.deepEqual(directives(meta), directives(csp).filter((d) => !d.startsWith("frame-ancestors")));
  assert.equal(await page.inputValue("#baseUrl"), mock.url);
  assert.equal(await page.inputValue("#apiKey"), "test-key");
  assert.equal(await page.getAttribute("#apiKey", "type"), "password");
  assert.match(await text(page, "#backend"), /local mock/);
  assert.match(await text(page, "#app-status"), /Ready/);
  assert.match(await text(page, ".note"), /CORS/);
  assert.match(await text(page, ".note"), /proxy/);
  // The chat tab is the first thing a newcomer sees.
  assert.equal(await page.getAttribute("#tab-chat", "aria-selected"), "true");

  const storage = await page.evaluate(() => ({
    session: sessionStorage.getItem("baseten-edge:apiKey"),
    local: Object.keys(localStorage),
    url: location.href,
    cookies: document.cookie,
  }));
  assert.equal(storage.session, "test-key");
  assert.deepEqual(storage.local, []);
  assert.doesNotMatch(storage.url, /test-key/);
  assert.equal(storage.cookies, "");

  // Trusted Types with no policy: strings can't become HTML, so nothing a server says can run.
  allowConsole(/requires 'TrustedHTML' assignment/); // the report of the probe below
  const blocked = await page.evaluate(() => {
    try {
      document.createElement("div").innerHTML = "<b>x</b>";
      return false;
    } catch (e) {
      return e instanceof TypeError;
    }
  });
  assert.ok(blocked, "innerHTML with a string is refused");

  // Settings survive a reload of the tab (sessionStorage), and the code panel never shows the key.
  await page.fill("#modelId", "abcd1234");
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await page.inputValue("#modelId"), "abcd1234");
  assert.equal(await page.inputValue("#apiKey"), "test-key");
  const code = await text(page, "#code");
  assert.match(code, /apiKey: process\.env\.BASETEN_API_KEY/);
  assert.doesNotMatch(code, /test-key/);
  await shot(page, "desktop-start.png");

  // A mock from an earlier run of play.sh listened elsewhere: the page follows the new one.
  await page.evaluate(() => {
    sessionStorage.setItem("baseten-edge:seenMockUrl", "http://127.0.0.1:9");
    sessionStorage.setItem("baseten-edge:baseUrl", "http://127.0.0.1:9");
  });
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await page.inputValue("#baseUrl"), mock.url);
});

pageTest("settings: a reload keeps what was typed, key included; Use the local mock says when it replaces a key", async ({ page }) => {
  await page.fill("#baseUrl", "");
  await page.fill("#apiKey", "my-own-key");
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await page.inputValue("#baseUrl"), "", "the mock is not prefilled again");
  assert.equal(await page.inputValue("#apiKey"), "my-own-key");
  assert.match(await text(page, "#backend"), /nothing yet/);
  assert.equal(await text(page, "#apiKey-msg"), "");
  // Back to the mock: its key is needed (it accepts no other), and the page says it replaced one.
  await page.click("#useMock");
  assert.equal(await page.inputValue("#baseUrl"), mock.url);
  assert.equal(await page.inputValue("#apiKey"), "test-key");
  assert.match(await text(page, "#apiKey-msg"), /Your key was replaced by the mock's/);
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await page.inputValue("#apiKey"), "test-key");
});

pageTest("settings: the key's Show button is a toggle that keeps its label; its state is aria-pressed", async ({ page }) => {
  assert.equal(await page.getAttribute("#showKey", "aria-pressed"), "false");
  await page.click("#showKey");
  assert.equal(await page.getAttribute("#apiKey", "type"), "text");
  assert.equal(await page.getAttribute("#showKey", "aria-pressed"), "true");
  assert.equal(await text(page, "#showKey"), "Show", "the label does not flip as well");
  const [off, on] = await page.evaluate(() => {
    const b = document.getElementById("showKey");
    const on = getComputedStyle(b).backgroundColor;
    b.setAttribute("aria-pressed", "false");
    const off = getComputedStyle(b).backgroundColor;
    b.setAttribute("aria-pressed", "true");
    return [off, on];
  });
  assert.notEqual(on, off, "pressed looks pressed");
  await page.click("#showKey");
  assert.equal(await page.getAttribute("#apiKey", "type"), "password");
  assert.equal(await page.getAttribute("#showKey", "aria-pressed"), "false");
  assert.equal(await text(page, "#showKey"), "Show");
});

pageTest("served by a plain static server (no CSP header), the page's own <meta> policy holds and the page works", async ({ page, allowConsole }) => {
  const plain = await startPlainServer(root);
  try {
    allowConsole(/status of 404/); // no /config.json there: no mock to prefill
    const response = await page.goto(`${plain.url}/`);
    await page.waitForSelector("body[data-ready=true]");
    assert.equal(response.headers()["content-security-policy"], undefined);
    allowConsole(/requires 'TrustedHTML' assignment/); // the report of the probe below
    const blocked = await page.evaluate(() => {
      try {
        document.createElement("div").innerHTML = "<b>x</b>";
        return false;
      } catch (e) {
        return e instanceof TypeError;
      }
    });
    assert.ok(blocked, "Trusted Types enforced by the meta policy");
    allowConsole(/Applying inline style violates/); // the report of the probe below
    const inlineStyle = await page.evaluate(() => {
      const el = document.body.appendChild(document.createElement("p"));
      el.setAttribute("style", "color: rgb(1, 2, 3)");
      const applied = getComputedStyle(el).color === "rgb(1, 2, 3)";
      el.remove();
      return applied;
    });
    assert.equal(inlineStyle, false, "style-src 'self' from the meta policy");
    // The WebAssembly package compiled under the meta policy, and a call goes out.
    await page.fill("#baseUrl", mock.url);
    await page.fill("#apiKey", "test-key");
    await page.click("#chat-send");
    await page.waitForSelector("#chat-log li.assistant[data-state=done]");
  } finally {
    await plain.close();
  }
});

pageTest("without a built package the page says to run scripts/build.sh", async ({ page, allowConsole }) => {
  allowConsole(/status of 404|Failed to fetch dynamically imported module|baseten_edge\.js/);
  await page.route("**/pkg/web/baseten_edge.js", (route) => route.fulfill({ status: 404, body: "not found" }));
  await page.reload();
  await page.waitForSelector("#app-status[data-state=error]");
  assert.match(await text(page, "#app-status"), /run scripts\/build\.sh/);
});

pageTest("chat: tokens are painted as they arrive, with TTFT, tokens/s, total and a plot", async ({ page }) => {
  const paints = recordPaints(page, "#chat-log li.assistant .content", "#chat-log li.assistant[data-state=done]");
  await page.click("#chat-send");
  const seen = await paints;
  await page.waitForSelector("#chat-log li.assistant[data-state=done]");
  const final = (await text(page, "#chat-log li.assistant .content")).length;
  const partial = seen.filter((n) => n > 0 && n < final);
  assert.ok(partial.length >= 2, `at least two partial paints before the end, saw lengths ${seen.join(",")} (final ${final})`);
  assert.equal(seen[seen.length - 1], final);

  const reply = await text(page, "#chat-log li.assistant .content");
  assert.match(reply, /^Hello! You said: Hello! How does streaming work\?/);
  assert.equal(reply.trim().split(/\s+/).length, 48, "max tokens 48: 48 words from the mock");
  assert.match(await text(page, "#chat-request-id"), HEX32);
  assert.equal(await text(page, "#chat-finish"), "stop"); // the mock cycles its reply to max_tokens
  assert.match(await text(page, "#chat-usage"), /48 completion/);
  assert.match(await text(page, "#chat-url"), new RegExp(`^POST ${mock.url}/v1/chat/completions$`));
  assert.match(await text(page, "#chat-state"), /Done: 48 tokens/);

  // The numbers: the mock paces 50 tokens/s by default.
  assert.match(await text(page, "#chat-metrics-ttft"), /^\d+ ms$/);
  assert.equal(await text(page, "#chat-metrics-count"), "48");
  const rate = Number(await text(page, "#chat-metrics-rate"));
  assert.ok(rate > 25 && rate < 100, `about 50 tokens/s, got ${rate}`);
  assert.match(await text(page, "#chat-metrics-total"), /^(\d+ ms|\d+\.\d\d s)$/);
  assert.equal(await page.locator("#chat-metrics-plot circle").count(), 48);
  assert.match(await text(page, "#chat-metrics-plot title"), /48 tokens over/);

  // What was sent: the system prompt, temperature and max tokens, streamed, with the key.
  const last = await mockJson("/__mock/last");
  const body = JSON.parse(last.body);
  assert.equal(body.stream, true);
  assert.equal(body.temperature, 0.7);
  assert.equal(body.max_tokens, 48);
  assert.deepEqual(body.messages[0], { role: "system", content: "You are a helpful assistant." });
  assert.equal(last.headers.authorization, "Bearer test-key");

  // A second turn carries the conversation.
  await page.fill("#chat-message", "And again?");
  await page.press("#chat-message", "Enter");
  await page.waitForSelector("#chat-log li.assistant:nth-of-type(4)[data-state=done]");
  const second = JSON.parse((await mockJson("/__mock/last")).body);
  assert.deepEqual(second.messages.map((m) => m.role), ["system", "user", "assistant", "user"]);
  assert.match(await text(page, "#code"), /content: "And again\?"|role: "assistant"/);
  await shot(page, "desktop-chat.png");
});

pageTest("chat: Stop aborts the stream, the text stops growing and the aborted state shows", async ({ page }) => {
  await setExtraHeaders(page, "x-mock-token-rate: 20");
  await page.fill("#chat-max-tokens", "400");
  await page.click("#chat-send");
  const content = page.locator("#chat-log li.assistant .content");
  await page.waitForFunction(() => (document.querySelector("#chat-log li.assistant .content")?.textContent.length ?? 0) > 20);
  await page.click("#chat-stop");
  await page.waitForSelector("#chat-log li.assistant[data-state=aborted]");
  const stoppedAt = (await content.textContent()).length;
  await page.waitForTimeout(600); // 12 more tokens would have arrived at 20/s
  assert.equal((await content.textContent()).length, stoppedAt, "nothing painted after Stop");
  assert.ok(stoppedAt < 400 * 3, "stopped long before the end");
  assert.match(await text(page, "#chat-state"), /Stopped \(AbortError\)/);
  assert.equal(await page.getAttribute("#chat-state", "data-state"), "aborted");
  assert.equal(await text(page, "#chat-log li.assistant .msg-state"), "stopped");
  assert.ok(await page.isDisabled("#chat-stop"));
  assert.equal(await page.locator("#chat-error").isHidden(), true, "a Stop is not an error");
  // Focus did not fall to <body> when Stop was disabled.
  assert.notEqual(await page.evaluate(() => document.activeElement.tagName), "BODY");
  // The extra header went out with the request.
  const req = (await mockJson("/__mock/requests?limit=5")).filter((r) => r.method === "POST").pop();
  assert.equal(req.headers["x-mock-token-rate"], "20");
  await shot(page, "desktop-chat-stopped.png");
});

pageTest("chat: a mid-stream failure renders as an error, partial text kept", async ({ page, allowConsole }) => {
  allowConsole(/net::ERR_INCOMPLETE_CHUNKED_ENCODING|net::ERR_/);
  await setExtraHeaders(page, "x-mock-fault: disconnect-mid-stream");
  await page.click("#chat-send");
  await page.waitForSelector("#chat-log li.assistant[data-state=error]");
  const name = await page.getAttribute("#chat-error", "data-name");
  assert.ok(["APIConnectionError", "TruncatedStreamError", "StreamError"].includes(name), `error name ${name}`);
  assert.match(await text(page, "#chat-error .error-kind"), /\w+/);
  assert.match(await text(page, "#chat-log li.assistant .content"), /^Hello! You said/, "the tokens before the cut stay");
  assert.match(await text(page, "#chat-request-id"), HEX32, "the stream's request id stays shown");
  const rid = await text(page, "#chat-request-id");
  // The error itself has no request id today (see the report); the page adds the stream's.
  assert.match(await text(page, "#chat-error .error-request-id"), new RegExp(`^${rid}( \\(of the stream\\))?$`));
  assert.match(await text(page, "#chat-state"), /Failed/);
  // The message is put back so it can be sent again.
  assert.notEqual(await page.inputValue("#chat-message"), "");
});

pageTest("chat: a failed request still shows its request id, attempts and URL", async ({ page, allowConsole }) => {
  allowConsole(/status of 503/);
  await setExtraHeaders(page, "x-mock-fault: status:503");
  await page.fill("#maxRetries", "1");
  await page.click("#chat-send");
  await page.waitForSelector("#chat-log li.assistant[data-state=error]");
  assert.equal(await text(page, "#chat-error .error-status"), "503");
  const rid = await text(page, "#chat-error .error-request-id");
  assert.match(rid, HEX32);
  assert.equal(await text(page, "#chat-request-id"), rid);
  assert.equal(await text(page, "#chat-attempts"), "2 (1 retry)");
  assert.equal(await text(page, "#chat-url"), `POST ${mock.url}/v1/chat/completions`);
});

pageTest("chat: List models fills the model list", async ({ page }) => {
  await page.click("#chat-list-models");
  await page.waitForFunction(() => /Models: /.test(document.getElementById("chat-models-msg").textContent));
  assert.match(await text(page, "#chat-models-msg"), /mock-model/);
  assert.equal(await page.locator("#chat-models option").first().getAttribute("value"), "mock-model");
});

pageTest("predict: the echo, status, request id, latency and URL; invalid JSON is caught first", async ({ page }) => {
  await openTab(page, "predict");
  const input = { prompt: "Hello from the test", n: [1, 2, 3] };
  await page.fill("#predict-input", JSON.stringify(input));
  await page.click("#predict-run");
  await page.waitForFunction(() => !document.getElementById("predict-output").classList.contains("pending"));
  assert.deepEqual(JSON.parse(await text(page, "#predict-output")), input);
  assert.equal(await text(page, "#predict-status"), "200");
  assert.match(await text(page, "#predict-request-id"), HEX32);
  assert.match(await text(page, "#predict-latency"), /^\d+ ms$/);
  assert.equal(await text(page, "#predict-url"), `POST ${mock.url}/environments/production/predict`);
  const last = await mockJson("/__mock/last");
  assert.deepEqual(JSON.parse(last.body), input);

  const code = await text(page, "#code");
  assert.match(code, /await client\.predict\(\{ prompt: "Hello from the test", n: \[1, 2, 3\] \}\)/);
  assert.doesNotMatch(code, /test-key/);
  await shot(page, "desktop-predict.png");

  // Invalid JSON: a message with the position, the editor marked invalid, no request made.
  const before = await lastRequestId();
  await page.fill("#predict-input", '{"prompt": "oops",}');
  await page.click("#predict-run");
  const jsonMsg = await text(page, "#predict-input-msg");
  assert.match(jsonMsg, /^Invalid JSON at line 1, column 19: \S/);
  assert.doesNotMatch(jsonMsg, /position|line \d+ column|in JSON/, "the position is said once");
  assert.equal(await page.getAttribute("#predict-input", "aria-invalid"), "true");
  assert.equal(await page.evaluate(() => document.activeElement.id), "predict-input");
  assert.equal(await lastRequestId(), before, "no request for invalid JSON");
  // Format JSON pretty-prints once it is valid.
  await page.fill("#predict-input", '{"a":1,"b":[true,null]}');
  await page.click("#predict-format");
  assert.equal(await page.inputValue("#predict-input"), '{\n  "a": 1,\n  "b": [\n    true,\n    null\n  ]\n}');
  assert.equal(await text(page, "#predict-input-msg"), "");
});

pageTest("predict: environment and deployment settings choose the URL", async ({ page }) => {
  await openTab(page, "predict");
  await page.selectOption("#envKind", "deployment");
  await page.fill("#envName", "dep42");
  await page.click("#predict-run");
  await page.waitForFunction(() => document.getElementById("predict-status").textContent === "200");
  assert.equal(await text(page, "#predict-url"), `POST ${mock.url}/deployment/dep42/predict`);
  assert.match(await text(page, "#code"), /deployment: "dep42"/);
  await page.selectOption("#envKind", "development");
  assert.ok(await page.isDisabled("#envName"));
  await page.click("#predict-run");
  await page.waitForFunction(() => document.getElementById("predict-url").textContent.endsWith("/development/predict"));
  assert.match(await text(page, "#code"), /development: true/);
});

pageTest("errors: a wrong key is an AuthenticationError 401 with its request id", async ({ page, allowConsole }) => {
  allowConsole(/status of 401/);
  await page.fill("#apiKey", "wrong-key-123");
  await openTab(page, "predict");
  await page.click("#predict-run");
  await page.waitForSelector("#predict-error:not([hidden])");
  assert.equal(await page.getAttribute("#predict-error", "data-name"), "AuthenticationError");
  assert.equal(await text(page, "#predict-error .error-name"), "AuthenticationError");
  assert.equal(await text(page, "#predict-error .error-status"), "401");
  assert.equal(await text(page, "#predict-error .error-kind"), "authentication");
  const rid = await text(page, "#predict-error .error-request-id");
  assert.match(rid, HEX32);
  assert.equal(await text(page, "#predict-request-id"), rid);
  assert.equal(await text(page, "#predict-status"), "401");
  // The typed key appears nowhere on the page or in the code.
  assert.doesNotMatch(await page.locator("body").innerText(), /wrong-key-123/);
  assert.doesNotMatch(await text(page, "#code"), /wrong-key-123/);
  await shot(page, "desktop-error-401.png");
});

pageTest("errors: a fault injected by an extra header renders with name, status and request id", async ({ page, allowConsole }) => {
  allowConsole(/status of 503/);
  await setExtraHeaders(page, "x-mock-fault: status:503:x-should-retry=false");
  await openTab(page, "stream");
  await page.click("#stream-run");
  await page.waitForSelector("#stream-error:not([hidden])");
  assert.equal(await text(page, "#stream-error .error-name"), "InternalServerError");
  assert.equal(await text(page, "#stream-error .error-status"), "503");
  assert.match(await text(page, "#stream-error .error-request-id"), HEX32);
  assert.equal(await page.getAttribute("#stream-state", "data-state"), "error");
  // A bad extra header line is refused before any request, as a ConfigurationError.
  await page.fill("#extraHeaders", "no colon here");
  assert.match(await text(page, "#extraHeaders-msg"), /line 1/);
  await openTab(page, "sync");
  await page.click("#sync-run");
  await page.waitForSelector("#sync-error:not([hidden])");
  assert.equal(await text(page, "#sync-error .error-name"), "ConfigurationError");
});

pageTest("errors: Max retries is passed on; a retried failure succeeds, no retries shows one attempt", async ({ page, allowConsole }) => {
  allowConsole(/status of 503/);
  await openTab(page, "predict");
  // The first request with this fault key fails with a 503, the retry succeeds.
  const key = `retry-${Date.now()}`;
  await setExtraHeaders(page, `x-mock-fault: fail:1:503\nx-mock-fault-key: ${key}`);
  await page.fill("#maxRetries", "2");
  await page.click("#predict-run");
  await page.waitForFunction(() => document.getElementById("predict-status").textContent === "200", null, { timeout: 20_000 });
  const attempts = (await mockJson(`/__mock/requests?key=${key}`)).filter((r) => r.method === "POST");
  assert.equal(attempts.length, 2, "one failed attempt, one retry");
  assert.equal(await text(page, "#predict-attempts"), "2 (1 retry)", "the retry shows on a success too");
  assert.match(await text(page, "#code"), /maxRetries: 2/);
  // No retries: the 503 shows, after one attempt.
  await page.fill("#extraHeaders", "x-mock-fault: status:503");
  await page.fill("#maxRetries", "0");
  await page.click("#predict-run");
  await page.waitForSelector("#predict-error:not([hidden])");
  assert.equal(await text(page, "#predict-error .error-name"), "InternalServerError");
  assert.equal(await text(page, "#predict-error .error-attempts"), "1");
  assert.equal(await text(page, "#predict-error .error-retryable"), "true");
});

pageTest("errors: an unreachable base URL is a connection error, with a hint pointing at the proxy note", async ({ page, allowConsole }) => {
  allowConsole(/ERR_CONNECTION_REFUSED/);
  const url = `http://127.0.0.1:${await closedPort()}`;
  await page.fill("#baseUrl", url);
  await page.locator("#advanced summary").click();
  await page.fill("#maxRetries", "0");
  await openTab(page, "predict");
  await page.click("#predict-run");
  await page.waitForSelector("#predict-error:not([hidden])");
  assert.equal(await text(page, "#predict-error .error-kind"), "connection");
  assert.equal(await text(page, "#predict-error .error-name"), "APIConnectionError");
  const hint = await text(page, "#predict-error .error-hint");
  assert.match(hint, /unreachable, or it refuses calls from this page/);
  assert.match(hint, /CORS/);
  assert.equal(await text(page, "#predict-url"), `POST ${url}/environments/production/predict`);
  await shot(page, "desktop-error-connection.png");
  // The hint's link takes the focus to the proxy note and leaves the tab in the URL alone.
  await page.click("#predict-error .error-hint a");
  assert.equal(await page.evaluate(() => document.activeElement.id), "proxy-note");
  assert.equal(await page.evaluate(() => location.hash), "#predict");
  // Other errors have no such hint.
  await page.click("#useMock");
  await page.fill("#predict-input", "{}");
  await page.fill("#extraHeaders", "x-mock-fault: status:400");
  allowConsole(/status of 400/);
  await page.click("#predict-run");
  await page.waitForFunction(() => document.querySelector("#predict-error .error-status")?.textContent === "400");
  assert.equal(await page.locator("#predict-error .error-hint").count(), 0);
});

pageTest("errors: a bad model id is a ConfigurationError before any request", async ({ page }) => {
  await page.fill("#baseUrl", "");
  await page.fill("#modelId", "not/an-id");
  assert.match(await text(page, "#backend"), /Baseten model not\/an-id/);
  await openTab(page, "predict");
  const before = await lastRequestId();
  await page.click("#predict-run");
  await page.waitForSelector("#predict-error:not([hidden])");
  assert.equal(await text(page, "#predict-error .error-name"), "ConfigurationError");
  assert.equal(await lastRequestId(), before, "no request made");
  // "Use the local mock" puts everything back.
  await page.click("#useMock");
  assert.equal(await page.inputValue("#baseUrl"), mock.url);
  assert.equal(await page.inputValue("#modelId"), "");
});

pageTest("proxy: the Base URL field alone points chat and predict at a proxy like examples/worker, without the mock's key", async ({ page }) => {
  const proxy = await startFakeProxy(mock.url, "test-key");
  try {
    await page.fill("#baseUrl", proxy.url);
    assert.equal(await page.inputValue("#apiKey"), "", "the mock's key is not kept for another server");
    assert.equal(await page.evaluate(() => sessionStorage.getItem("baseten-edge:apiKey")), null);
    assert.match(await text(page, "#apiKey-msg"), /mock's key was cleared/);
    assert.equal(await page.getAttribute("#openaiBaseUrl", "placeholder"), `default: ${proxy.url}/v1`);
    assert.equal(await text(page, "#backend"), `base URL ${proxy.url} (a proxy or gateway)`);

    await page.click("#chat-send");
    await page.waitForSelector("#chat-log li.assistant[data-state=done]");
    assert.match(await text(page, "#chat-log li.assistant .content"), /^Hello! You said: Hello!/);
    assert.equal(await text(page, "#chat-url"), `POST ${proxy.url}/v1/chat/completions`);
    assert.match(await text(page, "#chat-request-id"), HEX32);
    assert.match(await text(page, "#code"), new RegExp(`openaiBaseUrl: "${proxy.url}/v1"`));

    await openTab(page, "predict");
    await page.fill("#predict-input", '{"via": "the proxy"}');
    await page.click("#predict-run");
    await page.waitForFunction(() => document.getElementById("predict-status").textContent === "200");
    assert.deepEqual(JSON.parse(await text(page, "#predict-output")), { via: "the proxy" });
    assert.equal(await text(page, "#predict-url"), `POST ${proxy.url}/environments/production/predict`);
    const code = await text(page, "#code");
    assert.match(code, new RegExp(`baseUrl: "${proxy.url}"`));
    assert.doesNotMatch(code, /apiKey/);

    // What reached the proxy: the two calls at the Worker's paths, with no key.
    const posts = proxy.requests.filter((r) => r.method === "POST");
    assert.deepEqual(posts.map((r) => r.path), ["/v1/chat/completions", "/environments/production/predict"]);
    assert.ok(posts.every((r) => r.headers.authorization === undefined), "no Authorization header");
    await shot(page, "desktop-proxy.png");
  } finally {
    await proxy.close();
  }
});

pageTest("streamed predict: bytes painted as they arrive, then the numbers", async ({ page }) => {
  await openTab(page, "stream");
  const body = { stream: true, text: "one two three four five six seven eight nine ten eleven twelve", n: 12, interval_ms: 60 };
  await page.fill("#stream-input", JSON.stringify(body));
  const paints = recordPaints(page, "#stream-output", "#stream-state[data-state=done]");
  await page.click("#stream-run");
  const seen = await paints;
  assert.equal(await text(page, "#stream-output"), body.text);
  const partial = seen.filter((n) => n > 0 && n < body.text.length);
  assert.ok(partial.length >= 2, `at least two partial paints, saw ${seen.join(",")}`);
  assert.equal(await text(page, "#stream-metrics-count"), "12");
  assert.equal(await text(page, "#stream-bytes"), String(body.text.length));
  assert.equal(await text(page, "#stream-status"), "200");
  assert.match(await text(page, "#stream-request-id"), HEX32);
  assert.match(await text(page, "#stream-metrics-ttft"), /^\d+ ms$/);
  assert.match(await text(page, "#stream-metrics-total"), /^(\d+ ms|\d+\.\d\d s)$/);
  assert.equal(await page.locator("#panel-stream dt", { hasText: "Latency" }).count(), 0, "no second, raw total time");
  assert.match(await text(page, "#stream-state"), /Done: 12 chunks/);
  assert.match(await text(page, "#code"), /client\.predictStream\(/);
  await shot(page, "desktop-stream.png");
});

pageTest("streamed predict: Stop aborts", async ({ page }) => {
  await openTab(page, "stream");
  await page.fill("#stream-input", JSON.stringify({ stream: true, n: 40, interval_ms: 100 }));
  await page.click("#stream-run");
  await page.waitForFunction(() => document.getElementById("stream-output").textContent.includes("chunk 2"));
  await page.click("#stream-stop");
  await page.waitForSelector("#stream-state[data-state=aborted]");
  const at = (await text(page, "#stream-output")).length;
  await page.waitForTimeout(400);
  assert.equal((await text(page, "#stream-output")).length, at);
  assert.match(await text(page, "#stream-state"), /Stopped \(AbortError\)/);
});

pageTest("async: submit, a live timeline to SUCCEEDED; cancel a queued request; a failure", async ({ page }) => {
  await openTab(page, "async");
  await page.fill("#async-input", JSON.stringify({ prompt: "later", mock_queue_ms: 500, mock_run_ms: 500 }));
  await page.fill("#async-poll", "100");
  await page.selectOption("#async-priority", "1");
  await page.click("#async-run");
  await page.waitForSelector("#async-state[data-state=succeeded]");
  const statuses = await page.locator("#async-timeline li").evaluateAll((lis) => lis.map((li) => li.dataset.status));
  assert.deepEqual(statuses, ["SUBMITTED", "QUEUED", "IN_PROGRESS", "SUCCEEDED"]);
  const rid = await text(page, "#async-request-id");
  assert.match(rid, HEX32);
  assert.equal(JSON.parse(await text(page, "#async-output")).request_id, rid);
  assert.equal(await text(page, "#async-status"), "201");
  const submitted = (await mockJson("/__mock/requests?limit=50")).filter((r) => r.path.endsWith("/async_predict")).pop();
  assert.equal(JSON.parse(submitted.body).priority, 1);
  assert.match(await text(page, "#code"), /client\.asyncPredict\(/);
  assert.match(await text(page, "#code"), /priority: 1/);
  await shot(page, "desktop-async.png");

  // Cancel while queued.
  await page.fill("#async-input", JSON.stringify({ prompt: "never", mock_queue_ms: 20000 }));
  await page.click("#async-run");
  await page.waitForSelector('#async-timeline li[data-status="QUEUED"]');
  assert.ok(await page.isEnabled("#async-cancel"));
  await page.click("#async-cancel");
  await page.waitForSelector("#async-state[data-state=canceled]");
  const after = await page.locator("#async-timeline li").evaluateAll((lis) => lis.map((li) => li.dataset.status));
  assert.ok(after.includes("CANCEL ACCEPTED"), after.join(","));
  assert.equal(after[after.length - 1], "CANCELED");
  assert.ok(await page.isDisabled("#async-cancel"));

  // A failing model.
  await page.fill("#async-input", JSON.stringify({ fail: true, mock_queue_ms: 50, mock_run_ms: 50 }));
  await page.click("#async-run");
  await page.waitForSelector("#async-state[data-state=failed]");
  assert.match(await text(page, '#async-timeline li[data-status="FAILED"]'), /MODEL_PREDICT_ERROR/);

  // The deployment's queue and wake.
  await page.click("#async-queue");
  await page.waitForFunction(() => /queued/.test(document.getElementById("async-deploy-output").textContent));
  assert.match(await text(page, "#async-deploy-output"), /\d+ queued, \d+ in progress \(model mock-model, deployment mock-deployment\)/);
  await page.click("#async-wake");
  await page.waitForFunction(() => /Wake requested/.test(document.getElementById("async-deploy-output").textContent));
  assert.match(await text(page, "#async-deploy-output"), /HTTP 202/);
});

pageTest("sync routes: PUT then GET an item, a 404 renders as NotFoundError", async ({ page, allowConsole }) => {
  allowConsole(/status of 404/);
  await openTab(page, "sync");
  await page.selectOption("#sync-method", "PUT");
  await page.fill("#sync-path", "items/7");
  await page.fill("#sync-body", '{"name": "gadget", "price": 3}');
  await page.click("#sync-run");
  await page.waitForFunction(() => document.getElementById("sync-status").textContent === "200");
  assert.deepEqual(JSON.parse(await text(page, "#sync-output")), { id: "7", item: { name: "gadget", price: 3 } });
  assert.equal(await text(page, "#sync-url"), `PUT ${mock.url}/environments/production/sync/items/7`);
  assert.match(await text(page, "#code"), /client\.sync\("PUT", "items\/7", \{ name: "gadget", price: 3 \}\)/);

  await page.selectOption("#sync-method", "GET");
  assert.ok(await page.isDisabled("#sync-body"), "GET has no body");
  await page.click("#sync-run");
  await page.waitForFunction(() => document.getElementById("sync-url").textContent.startsWith("GET"));
  assert.deepEqual(JSON.parse(await text(page, "#sync-output")), { id: "7", item: { name: "gadget", price: 3 } });
  assert.match(await text(page, "#code"), /client\.sync\("GET", "items\/7"\)/);
  await shot(page, "desktop-sync.png");

  await page.fill("#sync-path", "items/does-not-exist");
  await page.click("#sync-run");
  await page.waitForSelector("#sync-error:not([hidden])");
  assert.equal(await text(page, "#sync-error .error-name"), "NotFoundError");
  assert.equal(await text(page, "#sync-error .error-status"), "404");
  assert.match(await text(page, "#sync-error .error-body"), /Item not found/);
});

pageTest("embeddings: Ctrl+Enter runs it; vectors, dimensions and cosine similarities", async ({ page }) => {
  await openTab(page, "embeddings");
  await page.fill("#embeddings-input", "alpha\nbeta");
  await page.fill("#embeddings-dimensions", "16");
  await page.press("#embeddings-input", "Control+Enter"); // runs it, as in the JSON editors
  await page.waitForSelector("#embeddings-table");
  assert.equal(await page.inputValue("#embeddings-input"), "alpha\nbeta", "no newline typed");
  assert.equal(await page.locator("#embeddings-table tbody tr").count(), 2);
  const dims = await page.locator("#embeddings-table tbody tr td:nth-child(2)").allTextContents();
  assert.deepEqual(dims, ["16", "16"]);
  const diag = await page.locator("#embeddings-similarity tbody tr").evaluateAll((trs) => trs.map((tr, i) => tr.querySelectorAll("td")[i].textContent));
  assert.deepEqual(diag, ["1.000", "1.000"]);
  assert.match(await text(page, "#embeddings-request-id"), HEX32);
  assert.equal(await text(page, "#embeddings-url"), `POST ${mock.url}/v1/embeddings`);
  const body = JSON.parse((await mockJson("/__mock/last")).body);
  assert.deepEqual(body, { model: "mock-model", input: ["alpha", "beta"], dimensions: 16 });
  const code = await text(page, "#code");
  assert.match(code, /client\.embeddings\.create\(/);
  assert.match(code, /openaiBaseUrl: /);
  await shot(page, "desktop-embeddings.png");
});

/** Opens the Batch tab, generates `n` inputs and sets the batching fields. */
async function setupBatch(page, { n = 40, batchSize = 4, concurrency = 3, retries, budget, collect = true, simulate } = {}) {
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

/** Collects every text #batch-progress-text shows until the batch ends. */
function recordProgress(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const seen = [];
        const el = document.getElementById("batch-progress-text");
        const state = document.getElementById("batch-state");
        const obs = new MutationObserver(() => {
          if (seen[seen.length - 1] !== el.textContent) seen.push(el.textContent);
          if (!["running", "idle"].includes(state.dataset.state)) {
            obs.disconnect();
            resolve(seen);
          }
        });
        obs.observe(el, { childList: true, characterData: true, subtree: true });
        obs.observe(state, { attributes: true, childList: true, subtree: true });
      }),
  );
}

pageTest("batch: embed 40 inputs (batch size 4, 3 at once): 40 results in order, progress to 100%, request times", async ({ page }) => {
  const lines = await setupBatch(page, { n: 40, batchSize: 4, concurrency: 3 });
  assert.equal(lines.length, 40);
  assert.equal(new Set(lines).size, 40, "generated lines are distinct");
  assert.equal(await text(page, "#batch-input-count"), "40 inputs.");
  const progress = recordProgress(page);
  await page.click("#batch-run");
  const seen = await progress;
  await page.waitForSelector("#batch-state[data-state=done]");
  // Progress counts requests (10 of 4 inputs), one step at a time, and ends at 100 %.
  const done = seen.map((t) => Number(/^(\d+) \/ 10 requests/.exec(t)?.[1]));
  assert.ok(done.every(Number.isInteger), `progress texts: ${seen.join(" | ")}`);
  assert.ok(done.length >= 5, `several progress steps, saw ${seen.join(" | ")}`);
  assert.deepEqual(done, [...done].sort((a, b) => a - b), "progress only grows");
  assert.equal(seen[seen.length - 1], "10 / 10 requests (100%)");
  assert.equal(await page.evaluate(() => document.getElementById("batch-progress").value), 10);
  assert.equal(await page.evaluate(() => document.getElementById("batch-progress").max), 10);

  // 40 results, in input order, each a vector.
  const rows = page.locator("#batch-table tbody tr");
  assert.equal(await rows.count(), 40);
  assert.deepEqual(await page.locator("#batch-table tbody th").allTextContents(), lines);
  assert.deepEqual(await page.locator("#batch-table tbody tr").evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.index))), [...Array(40).keys()]);
  for (const r of await page.locator("#batch-table tbody td.mono").allTextContents()) assert.match(r, /^8 dims: \[-?\d\.\d{3}, /);
  assert.match(await text(page, "#batch-table caption"), /^40 of 40 results, in input order$/);
  assert.equal(await page.locator("#batch-errors-table").count(), 0);

  // The numbers and the bar plot: one bar per request.
  assert.equal(await text(page, "#batch-requests"), "10 for 40 inputs");
  assert.match(await text(page, "#batch-total"), /^(\d+ ms|\d+\.\d\d s)$/);
  assert.match(await text(page, "#batch-throughput"), /^\d+\.\d inputs\/s, \d+\.\d requests\/s$/);
  assert.match(await text(page, "#batch-times"), /^median \d+ ms, p95 \d+ ms, max \d+ ms$/);
  assert.match(await text(page, "#batch-attempts"), /^10 sent \(0 retries, 0 hedges\); answers: 200 ×10$/);
  assert.equal(await page.locator("#batch-plot rect.bar").count(), 10);
  assert.equal(await page.locator("#batch-plot rect.bar.ok").count(), 10);
  assert.match(await text(page, "#batch-plot-title"), /^10 requests, the slowest \d+ ms$/);
  assert.match(await text(page, "#batch-plot rect.bar:first-of-type title"), /^Request 1 \(inputs 1–4\): \d+ ms, 1 attempt$/);
  assert.equal(await text(page, "#batch-url"), `POST ${mock.url}/v1/embeddings`);
  assert.match(await text(page, "#batch-state"), /Done: 40 inputs in 10 requests/);

  // What the mock got: ten requests of four consecutive inputs.
  const ours = (await mockJson("/__mock/requests?limit=200"))
    .filter((r) => r.method === "POST" && r.path === "/v1/embeddings")
    .map((r) => JSON.parse(r.body))
    .filter((b) => Array.isArray(b.input) && lines.includes(b.input[0]));
  assert.equal(ours.length, 10);
  for (const b of ours) {
    assert.equal(b.model, "mock-model");
    const at = lines.indexOf(b.input[0]);
    assert.deepEqual(b.input, lines.slice(at, at + 4));
  }

  // The code panel shows the call with these options.
  const code = await text(page, "#code");
  assert.match(code, /const texts = \[/);
  assert.match(code, /\/\/ … 34 more, one per line as in the panel/);
  assert.match(code, /await client\.embed\(texts, \{/);
  assert.match(code, /batchSize: 4,/);
  assert.match(code, /maxConcurrentRequests: 3,/);
  assert.match(code, /collectErrors: true,/);
  assert.match(code, /onProgress: \(done, total\) =>/);
  assert.match(code, /signal: controller\.signal,/);
  assert.match(code, /openaiBaseUrl: /);
  assert.doesNotMatch(code, /test-key/);
  await page.locator("#batch-plot").scrollIntoViewIfNeeded();
  await shot(page, "desktop-batch.png");
});

pageTest("batch: rerank, classify and batchPost give one result per input, in order", async ({ page }) => {
  const lines = await setupBatch(page, { n: 9, batchSize: 4, concurrency: 2 });
  await page.selectOption("#batch-kind", "rerank");
  assert.ok(await page.isVisible("#batch-query"));
  assert.ok(await page.isHidden("#batch-model"));
  await page.click("#batch-run");
  await page.waitForSelector("#batch-state[data-state=done]");
  const rerank = await page.locator("#batch-table tbody td.mono").allTextContents();
  assert.equal(rerank.length, 9);
  const ranks = rerank.map((r) => Number(/^score \d\.\d{3}, rank (\d) of 9$/.exec(r)?.[1]));
  assert.deepEqual([...ranks].sort(), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(await text(page, "#batch-url"), `POST ${mock.url}/environments/production/sync/rerank`);
  assert.match(await text(page, "#code"), /client\.rerank\("a fast fox", texts, \{/);

  await page.selectOption("#batch-kind", "classify");
  await page.click("#batch-run");
  await page.waitForFunction(() => document.getElementById("batch-url").textContent.endsWith("/sync/predict") && document.getElementById("batch-state").dataset.state === "done");
  for (const r of await page.locator("#batch-table tbody td.mono").allTextContents()) assert.match(r, /^(positive|negative) \d\.\d{3}, (positive|negative) \d\.\d{3}$/);
  assert.equal(await page.locator("#batch-plot rect.bar").count(), 3, "9 inputs in requests of 4");

  await page.selectOption("#batch-kind", "batchPost");
  assert.ok(await page.isDisabled("#batch-size"), "batchPost sends one payload a request");
  await page.fill("#batch-input", 'first\n{"name": "second"}\nthird');
  await page.click("#batch-run");
  await page.waitForFunction(() => document.getElementById("batch-url").textContent.endsWith("/sync/items/batch") && document.getElementById("batch-state").dataset.state === "done");
  const posted = await page.locator("#batch-table tbody td.mono").allTextContents();
  assert.deepEqual(posted.map((p) => JSON.parse(p)), [
    { id: "batch", item: { input: "first" } },
    { id: "batch", item: { name: "second" } },
    { id: "batch", item: { input: "third" } },
  ]);
  assert.equal(await page.locator("#batch-plot rect.bar").count(), 3);
  assert.match(await text(page, "#code"), /client\.batchPost\("items\/batch", payloads, \{/);
  assert.doesNotMatch(await text(page, "#code"), /batchSize/);
  assert.ok(lines.length === 9);
});

pageTest("batch: collected errors show per request (name, kind, status, request id, attempts); the retry budget caps retries", async ({ page, allowConsole }) => {
  allowConsole(/status of 503/);
  // Three scripted 503s, two retries a request, but the default budget (5 % of 10 requests)
  // grants one retry in all: one failure is retried, two stay failures.
  await setupBatch(page, { n: 40, batchSize: 4, concurrency: 3, retries: 2, collect: true, simulate: 3 });
  assert.equal(await text(page, "#batch-fault-spec"), "x-mock-fault: fail:3:503:retry-after-ms=100");
  await page.click("#batch-run");
  await page.waitForSelector("#batch-state[data-state=partial]", { timeout: 20_000 });
  const key = await text(page, "#batch-fault-key");
  assert.match(key, /^batch-[a-z0-9]+-[a-z0-9]+$/);
  assert.match(await text(page, "#batch-state"), /Done: 40 inputs in 10 requests, .*; 2 failed\. 1 retry made\./);
  assert.equal(await page.locator("#batch-errors-table tbody tr").count(), 2);
  assert.deepEqual(await page.locator("#batch-errors-table .error-name").allTextContents(), ["InternalServerError", "InternalServerError"]);
  assert.deepEqual(await page.locator("#batch-errors-table .error-status").allTextContents(), ["503", "503"]);
  assert.deepEqual(await page.locator("#batch-errors-table .error-kind").allTextContents(), ["server", "server"]);
  const errorIds = await page.locator("#batch-errors-table .error-request-id").allTextContents();
  assert.equal(errorIds.length, 2);
  for (const id of errorIds) assert.match(id, HEX32);
  assert.notEqual(errorIds[0], errorIds[1]);
  assert.deepEqual(await page.locator("#batch-errors-table thead th").allTextContents(), ["Request", "Inputs", "Error", "Kind", "Status", "Request id", "Attempts", "Message"]);
  assert.deepEqual(await page.locator("#batch-errors-table .error-attempts").allTextContents(), ["1", "1"]);
  assert.match(await text(page, "#batch-errors-table caption"), /^2 of 10 requests failed$/);
  assert.equal(await text(page, "#batch-failed"), "2");
  // The failed requests' inputs have no result, and say which request failed.
  assert.equal(await page.locator("#batch-table tbody tr.failed").count(), 8);
  for (const t of await page.locator("#batch-table tbody tr.failed td:last-child").allTextContents()) {
    assert.match(t, /^— failed: request \d+, InternalServerError 503$/);
  }
  assert.match(await text(page, "#batch-table caption"), /^32 of 40 results/);
  assert.equal(await page.locator("#batch-plot rect.bar.failed").count(), 2);
  assert.equal(await page.locator("#batch-plot rect.bar.retried").count(), 1);
  assert.match(await text(page, "#batch-attempts"), /^11 sent \(1 retry, 0 hedges\); answers: 200 ×8, 503 ×3$/);
  // The mock saw the fault key on 11 POSTs: 10 requests and the one retry.
  const posts = (await mockJson(`/__mock/requests?key=${key}`)).filter((r) => r.method === "POST");
  assert.equal(posts.length, 11);
  assert.ok(posts.every((r) => r.headers["x-mock-fault"] === "fail:3:503:retry-after-ms=100"));
  const code = await text(page, "#code");
  assert.match(code, /"x-mock-fault": "fail:3:503:retry-after-ms=100"/);
  assert.match(code, /"x-mock-fault-key": "<a fresh key each run>"/);
  assert.match(code, /res\.errors\.forEach/);
  await page.locator("#batch-errors").scrollIntoViewIfNeeded();
  await shot(page, "desktop-batch-errors.png");
});

pageTest("batch: simulated failures are retried and succeed, the attempts show; fail-fast rejects with the error", async ({ page, allowConsole }) => {
  allowConsole(/status of 503/);
  await setupBatch(page, { n: 40, batchSize: 4, concurrency: 3, retries: 2, budget: 1, collect: true, simulate: 3 });
  await page.click("#batch-run");
  await page.waitForSelector("#batch-state[data-state=done]", { timeout: 20_000 });
  assert.match(await text(page, "#batch-state"), /Done: 40 inputs in 10 requests, [^;]*\. 3 retries made\./);
  assert.equal(await text(page, "#batch-failed"), "0");
  assert.equal(await page.locator("#batch-errors-table").count(), 0);
  assert.equal(await page.locator("#batch-table tbody tr:not(.failed)").count(), 40);
  assert.match(await text(page, "#batch-attempts"), /^13 sent \(3 retries, 0 hedges\); answers: 200 ×10, 503 ×3$/);
  assert.equal(await page.locator("#batch-plot rect.bar.retried").count(), 3);
  for (const t of await page.locator("#batch-plot rect.bar.retried title").allTextContents()) assert.match(t, /: \d+ ms, 2 attempts$/);
  // A retried request waited the 100 ms the 503 asked for.
  const retriedMs = await page.locator("#batch-plot rect.bar.retried title").evaluateAll((ts) => ts.map((t) => Number(/: (\d+) ms/.exec(t.textContent)?.[1])));
  assert.ok(retriedMs.every((ms) => ms >= 100), `retried requests took ${retriedMs.join(", ")} ms`);
  const key = await text(page, "#batch-fault-key");
  assert.equal((await mockJson(`/__mock/requests?key=${key}`)).filter((r) => r.method === "POST").length, 13);
  await page.locator("#batch-plot").scrollIntoViewIfNeeded();
  await shot(page, "desktop-batch-retries.png", { fullPage: false });

  // Fail-fast and no retries: the first 503 rejects the whole call, with its attempts.
  await page.fill("#batch-retries", "0");
  await page.setChecked("#batch-collect", false);
  await page.click("#batch-run");
  await page.waitForSelector("#batch-state[data-state=error]");
  assert.notEqual(await text(page, "#batch-fault-key"), key, "a fresh fault key each run");
  assert.equal(await text(page, "#batch-error .error-name"), "InternalServerError");
  assert.equal(await text(page, "#batch-error .error-status"), "503");
  assert.equal(await text(page, "#batch-error .error-attempts"), "1");
  assert.match(await text(page, "#batch-state"), /^Failed: InternalServerError \(503\) after 1 attempt, after \d+ of 10 requests\.$/);
  assert.equal(await page.locator("#batch-table").count(), 0);
});

pageTest("batch: Simulate failures with the form's defaults does what its hint says: the failure is retried and succeeds", async ({ page, allowConsole }) => {
  allowConsole(/status of 503/);
  await openTab(page, "batch");
  await page.setChecked("#batch-simulate", true);
  assert.match(await text(page, "#batch-simulate-hint"), /with the defaults, the one failure is retried and succeeds/);
  await page.click("#batch-run");
  await page.waitForSelector("#batch-state[data-state=done]");
  assert.match(await text(page, "#batch-state"), /^Done: 8 inputs in 2 requests, .*\. 1 retry made\.$/);
  assert.equal(await text(page, "#batch-failed"), "0");
  assert.match(await text(page, "#batch-attempts"), /^3 sent \(1 retry, 0 hedges\); answers: 200 ×2, 503 ×1$/);
  assert.equal(await page.locator("#batch-plot rect.bar.retried").count(), 1);
});

pageTest("batch: when every request fails, the state says so and no throughput is claimed", async ({ page, allowConsole }) => {
  allowConsole(/status of 503/);
  await setupBatch(page, { n: 8, batchSize: 4, concurrency: 2, retries: 0, collect: true, simulate: 2 });
  await page.click("#batch-run");
  await page.waitForSelector("#batch-state[data-state=error]");
  assert.match(await text(page, "#batch-state"), /^Failed: every request failed \(2 requests, 8 inputs, no results\) in (\d+ ms|\d+\.\d\d s)\. The errors are below\.$/);
  assert.equal(await text(page, "#batch-throughput"), "-");
  assert.equal(await text(page, "#batch-failed"), "2");
  assert.equal(await page.locator("#batch-errors-table tbody tr").count(), 2);
  assert.match(await text(page, "#batch-table caption"), /^0 of 8 results/);
});

pageTest("batch: Stop aborts the whole batch, nothing more is sent", async ({ page }) => {
  await setExtraHeaders(page, "x-mock-fault: stall-headers:150");
  await setupBatch(page, { n: 40, batchSize: 2, concurrency: 2 });
  await page.click("#batch-run");
  await page.waitForFunction(() => document.getElementById("batch-progress").value >= 2);
  await page.click("#batch-stop");
  await page.waitForSelector("#batch-state[data-state=aborted]");
  const at = await text(page, "#batch-progress-text");
  const m = /^Stopped \(AbortError\) after (\d+) of 20 requests; the other (\d+) were cancelled or never sent\.$/.exec(await text(page, "#batch-state"));
  assert.ok(m, await text(page, "#batch-state"));
  assert.equal(Number(m[1]) + Number(m[2]), 20);
  assert.equal(at, `${m[1]} / 20 requests (${Math.round(Number(m[1]) * 5)}%)`, "the bar shows what had finished");
  const stalled = async () =>
    (await mockJson("/__mock/requests?limit=200")).filter((r) => r.method === "POST" && r.headers["x-mock-fault"] === "stall-headers:150").length;
  const sent = await stalled();
  assert.ok(sent < 20, `only ${sent} of 20 requests sent`);
  await page.waitForTimeout(500); // three more rounds would have finished by now
  assert.equal(await text(page, "#batch-progress-text"), at, "no progress after Stop");
  assert.equal(await stalled(), sent, "no request after Stop");
  assert.ok(await page.locator("#batch-error").isHidden(), "a Stop is not an error");
  assert.ok(await page.isDisabled("#batch-stop"));
  assert.notEqual(await page.evaluate(() => document.activeElement.tagName), "BODY");
  assert.match(await text(page, "#batch-attempts"), /aborted ×\d/);
  await shot(page, "desktop-batch-stopped.png", { fullPage: false });
});

pageTest(
  "phone width (375 px): the batch panel fits and runs",
  async ({ page, allowConsole }) => {
    allowConsole(/status of 503/);
    await setupBatch(page, { n: 24, batchSize: 3, concurrency: 2, retries: 2, budget: 1, simulate: 2 });
    await page.evaluate(() => document.getElementById("panel-batch").scrollIntoView());
    await shot(page, "phone-batch-form.png", { fullPage: false });
    await page.click("#batch-run");
    await page.waitForSelector("#batch-state[data-state=done]", { timeout: 20_000 });
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w <= 375, `page is ${w}px wide`);
    assert.equal(await page.locator("#batch-table tbody tr").count(), 24);
    assert.equal(await page.locator("#batch-plot rect.bar.retried").count(), 2);
    await shot(page, "phone-batch.png");
    await page.locator("#batch-plot").scrollIntoViewIfNeeded();
    await shot(page, "phone-batch-numbers.png", { fullPage: false });
  },
  { viewport: { width: 375, height: 812 }, mobile: true },
);

/** The words of `sel`'s header cells that are broken across lines (none, when they wrap between words). */
function wordsSplitAcrossLines(page, sel) {
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

pageTest(
  "phone width (375 px): the embeddings tables wrap between words, never inside one",
  async ({ page }) => {
    await openTab(page, "embeddings");
    await page.fill("#embeddings-input", "The quick brown fox\nA fast auburn fox\nQuarterly tax filing\nInternationalization");
    await page.click("#embeddings-run");
    await page.waitForSelector("#embeddings-similarity");
    assert.deepEqual(await wordsSplitAcrossLines(page, "#embeddings-results th"), []);
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w <= 375, `page is ${w}px wide`);
    await page.locator("#embeddings-results").scrollIntoViewIfNeeded();
    await shot(page, "phone-embeddings.png", { fullPage: false });
  },
  { viewport: { width: 375, height: 812 }, mobile: true },
);

pageTest("code panel: follows the tab and the inputs, never shows the key", async ({ page }) => {
  const calls = {
    chat: /client\.chat\.completions\.create\(/,
    predict: /client\.predict\(/,
    stream: /client\.predictStream\(/,
    async: /client\.waitForAsyncRequest\(requestId/,
    sync: /client\.sync\(/,
    embeddings: /client\.embeddings\.create\(/,
    batch: /client\.embed\(texts, \{/,
  };
  for (const [tab, re] of Object.entries(calls)) {
    await openTab(page, tab);
    await page.waitForFunction(([t, re]) => location.hash === `#${t}` && new RegExp(re).test(document.getElementById("code").textContent), [tab, re.source]);
    const code = await text(page, "#code");
    assert.match(code, re, tab);
    assert.match(code, /^import \{ Baseten \} from "baseten-edge";/);
    assert.match(code, /apiKey: process\.env\.BASETEN_API_KEY/);
    assert.doesNotMatch(code, /test-key/);
  }
  await openTab(page, "chat");
  await page.fill("#chat-temperature", "1.3");
  await page.waitForFunction(() => /temperature: 1\.3/.test(document.getElementById("code").textContent));
  // Extra header values are hidden in the code, whatever their name, except the mock's x-mock-*.
  await setExtraHeaders(page, "x-proxy-token: s3cret\nx-tenant: acme-4711\nX-Mock-Token-Rate: 30");
  await page.waitForFunction(() => /"X-Mock-Token-Rate": "30"/.test(document.getElementById("code").textContent));
  const code = await text(page, "#code");
  assert.doesNotMatch(code, /s3cret|acme-4711/);
  assert.match(code, /"x-proxy-token": "<hidden>"/);
  assert.match(code, /"x-tenant": "<hidden>"/);
  // The tab is in the URL fragment, so a reload lands on it.
  await openTab(page, "sync");
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await page.getAttribute("#tab-sync", "aria-selected"), "true");
});

pageTest("keyboard and labels: every control is labelled, tabs work with arrows, focus is visible", async ({ page }) => {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll("input, select, textarea, button")]
      .filter((el) => {
        if (el.tagName === "BUTTON") return !el.textContent.trim() && !el.getAttribute("aria-label");
        return !(el.labels?.length || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby"));
      })
      .map((el) => el.id || el.outerHTML.slice(0, 60)),
  );
  assert.deepEqual(unlabelled, []);

  // From the top: the first Tab reaches the skip link, which is then visible.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.className), "skip");
  const box = await page.locator(".skip").boundingBox();
  assert.ok(box.x >= 0 && box.y >= 0, "skip link on screen when focused");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => location.hash), "#work");

  // Tabs: one tab stop, arrows move and select, Home/End jump.
  await page.focus("#tab-chat");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.evaluate(() => document.activeElement.id), "tab-predict");
  assert.equal(await page.getAttribute("#tab-predict", "aria-selected"), "true");
  assert.ok(await page.isVisible("#panel-predict"));
  assert.ok(await page.isHidden("#panel-chat"));
  await page.keyboard.press("End");
  assert.equal(await page.evaluate(() => document.activeElement.id), "tab-batch");
  await page.keyboard.press("Home");
  assert.equal(await page.evaluate(() => document.activeElement.id), "tab-chat");
  assert.equal(await page.getAttribute("#tab-predict", "tabindex"), "-1");
  // Focus is visible: an outline after keyboard navigation.
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, "none");
  await shot(page, "desktop-keyboard-tabs.png", { fullPage: false, clip: { x: 0, y: 0, width: 1280, height: 300 } });

  // The whole chat by keyboard: Tab from the tabs into the panel, type, Enter sends.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "chat-model");
  await page.focus("#chat-message");
  await page.keyboard.press("Control+A");
  await page.keyboard.type("typed with keys");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#chat-log li.assistant[data-state=done]");
  assert.match(await text(page, "#chat-log li.assistant .content"), /You said: typed with keys/);
  await shot(page, "desktop-keyboard-focus.png", { fullPage: false });
});

/** Presses Tab (Shift+Tab with `back`) until the element `#id` has the focus; fails after `max`. */
async function tabTo(page, id, { back = false, max = 60 } = {}) {
  for (let i = 0; i < max; i++) {
    if ((await page.evaluate(() => document.activeElement?.id)) === id) return;
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
  }
  assert.fail(`#${id} not reached by ${back ? "Shift+Tab" : "Tab"} in ${max} presses`);
}

/** Replaces the focused field's text by typing, as a keyboard user would. */
async function retype(page, value) {
  await page.keyboard.press("Control+A");
  await page.keyboard.type(value);
}

pageTest("keyboard only: predict and async (submit, wait, then cancel a queued request), no mouse", async ({ page }) => {
  // From the top of the page: the skip link, then into the tab list.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await tabTo(page, "tab-chat");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.getAttribute("#tab-predict", "aria-selected"), "true");

  // Predict: type the JSON, Ctrl+Enter runs it; then the Predict button by Tab and Enter.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "predict-input");
  await retype(page, '{"typed": "by keys"}');
  await page.keyboard.press("Control+Enter");
  await page.waitForFunction(() => document.getElementById("predict-status").textContent === "200");
  assert.deepEqual(JSON.parse(await text(page, "#predict-output")), { typed: "by keys" });
  const first = await text(page, "#predict-request-id");
  await tabTo(page, "predict-run");
  await page.keyboard.press("Enter");
  await page.waitForFunction((rid) => /^[0-9a-f]{32}$/.test(document.getElementById("predict-request-id").textContent) && document.getElementById("predict-request-id").textContent !== rid, first);
  assert.deepEqual(JSON.parse((await mockJson("/__mock/last")).body), { typed: "by keys" });

  // Async: back to the tabs, two to the right, submit by Ctrl+Enter and watch it succeed.
  await tabTo(page, "tab-predict", { back: true });
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.getAttribute("#tab-async", "aria-selected"), "true");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "async-input");
  await retype(page, '{"prompt": "keys", "mock_queue_ms": 300, "mock_run_ms": 300}');
  await page.keyboard.press("Control+Enter");
  await page.waitForSelector("#async-state[data-state=succeeded]");
  // A long-queued request, cancelled from the keyboard.
  assert.equal(await page.evaluate(() => document.activeElement.id), "async-input", "the focus stayed in the editor");
  await retype(page, '{"prompt": "never", "mock_queue_ms": 20000}');
  await page.keyboard.press("Control+Enter");
  await page.waitForSelector('#async-timeline li[data-status="QUEUED"]');
  await tabTo(page, "async-cancel");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#async-state[data-state=canceled]");
  assert.notEqual(await page.evaluate(() => document.activeElement.tagName), "BODY", "the focus stays in the panel");
  await shot(page, "desktop-keyboard-async.png", { fullPage: false });
});

/** Asserts the page does not scroll sideways at phone width. */
async function assertFits(page, what) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 375, `${what}: page is ${w}px wide`);
}

pageTest(
  "phone width (375 px): every panel, once used, still fits without sideways scrolling",
  async ({ page, allowConsole }) => {
    allowConsole(/status of 404|status of 503|ERR_CONNECTION_REFUSED/);
    await page.click("#chat-send");
    await page.waitForSelector("#chat-log li.assistant[data-state=done]");
    await assertFits(page, "chat");

    await openTab(page, "predict");
    await page.click("#predict-run");
    await page.waitForFunction(() => document.getElementById("predict-status").textContent === "200");
    await assertFits(page, "predict");

    await openTab(page, "stream");
    await page.fill("#stream-input", JSON.stringify({ stream: true, n: 6, interval_ms: 30 }));
    await page.click("#stream-run");
    await page.waitForSelector("#stream-state[data-state=done]");
    await assertFits(page, "streamed predict");

    await openTab(page, "async");
    await page.fill("#async-input", JSON.stringify({ prompt: "phone", mock_queue_ms: 200, mock_run_ms: 200 }));
    await page.click("#async-run");
    await page.waitForSelector("#async-state[data-state=succeeded]");
    await page.click("#async-queue");
    await page.waitForFunction(() => /queued/.test(document.getElementById("async-deploy-output").textContent));
    await assertFits(page, "async");
    await shot(page, "phone-async.png");

    await openTab(page, "sync");
    await page.click("#sync-run");
    await page.waitForFunction(() => document.getElementById("sync-status").textContent === "200");
    await assertFits(page, "sync");
    await page.fill("#sync-path", "items/no-such-item-with-a-rather-long-identifier-0123456789");
    await page.selectOption("#sync-method", "GET");
    await page.click("#sync-run");
    await page.waitForSelector("#sync-error:not([hidden])");
    await page.locator("#sync-error summary").click();
    await assertFits(page, "sync, a 404 with its body open");

    await openTab(page, "embeddings");
    await page.click("#embeddings-run");
    await page.waitForSelector("#embeddings-similarity");
    await page.locator("#embeddings-results").evaluate((el) => el.nextElementSibling.setAttribute("open", ""));
    await assertFits(page, "embeddings, raw response open");

    // Batch with every request failing: the errors table (with its request ids) must fit too.
    await setupBatch(page, { n: 8, batchSize: 4, concurrency: 2, retries: 0, simulate: 2 });
    await page.click("#batch-run");
    await page.waitForSelector("#batch-state[data-state=error]");
    await assertFits(page, "batch errors");
    assert.deepEqual(await wordsSplitAcrossLines(page, "#batch-errors-table td, #batch-errors-table th"), [], "no word cut in the errors table");
    await page.locator("#batch-errors").scrollIntoViewIfNeeded();
    await shot(page, "phone-batch-errors.png", { fullPage: false });

    // A connection error with its hint, the settings unfolded.
    await page.click("#settings-toggle");
    await page.fill("#baseUrl", `http://127.0.0.1:${await closedPort()}`);
    await page.locator("#advanced summary").click();
    await page.fill("#maxRetries", "0");
    await openTab(page, "predict");
    await page.click("#predict-run");
    await page.waitForSelector("#predict-error .error-hint");
    await assertFits(page, "a connection error");
    await page.locator("#predict-error").scrollIntoViewIfNeeded();
    await shot(page, "phone-error-connection.png", { fullPage: false });
  },
  { viewport: { width: 375, height: 812 }, mobile: true },
);

pageTest(
  "phone width (375 px): no sideways scrolling, settings folded, chat streams",
  async ({ page }) => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `page is ${width}px wide`);
    assert.ok(await page.isHidden("#settings"), "settings folded away when the mock is prefilled");
    assert.equal(await page.getAttribute("#settings-toggle", "aria-expanded"), "false");
    assert.equal(await text(page, "#settings-toggle"), "Show settings");
    assert.ok(await page.isVisible(".note"), "the proxy note stays visible");
    await shot(page, "phone-start.png", { fullPage: false });
    await page.click("#settings-toggle");
    assert.ok(await page.isVisible("#apiKey"));
    assert.equal(await text(page, "#settings-toggle"), "Hide settings");
    assert.equal(await page.getAttribute("#settings-toggle", "aria-expanded"), "true");
    await page.click("#chat-send");
    await page.waitForSelector("#chat-log li.assistant[data-state=done]");
    for (const tab of ["chat", "predict", "stream", "async", "sync", "embeddings", "batch"]) {
      await openTab(page, tab);
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(w <= 375, `${tab}: page is ${w}px wide`);
    }
    await openTab(page, "chat");
    await shot(page, "phone-chat.png");
    await page.locator("#chat-metrics").scrollIntoViewIfNeeded();
    await shot(page, "phone-chat-numbers.png", { fullPage: false });
  },
  { viewport: { width: 375, height: 812 }, mobile: true },
);

pageTest(
  "dark colour scheme: the page follows it",
  async ({ page }) => {
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = bg.match(/\d+/g).map(Number);
    assert.ok(r + g + b < 150, `a dark background, got ${bg}`);
    await page.click("#chat-send");
    await page.waitForSelector("#chat-log li.assistant[data-state=done]");
    await shot(page, "desktop-dark-chat.png", { fullPage: false });
  },
  { colorScheme: "dark" },
);
