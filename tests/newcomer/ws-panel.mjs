// The playground's WebSocket panel through the real Worker under `wrangler dev` (which holds
// the mock's key): the page's base URL set to the Worker, no key, connect, send, read the echo.
//   node ws-panel.mjs PAGE_URL WORKER_URL
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { CHROMIUM_FLAGS } from "../common/chromium.mjs";

const require = createRequire(fileURLToPath(new URL("../e2e/package.json", import.meta.url)));
const { chromium } = require("playwright-core");
const [pageUrl, worker] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_FLAGS });
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(pageUrl);
  await page.waitForSelector("body[data-ready=true]"); // the tabs are set up too
  await page.fill("#baseUrl", worker);
  assert.equal(await page.inputValue("#apiKey"), "", "no key in the page for the Worker");
  await page.click("#tab-websocket");
  await page.waitForSelector("#panel-websocket:not([hidden])");
  await page.click("#ws-connect");
  await page.waitForSelector("#ws-state[data-state=streaming], #ws-state[data-state=error]", { timeout: 30_000 });
  const state = await page.getAttribute("#ws-state", "data-state");
  assert.equal(state, "streaming", `not connected: ${await page.textContent("#ws-error")}`);
  await page.fill("#ws-message", "hello through the Worker");
  await page.click("#ws-send");
  await page.waitForSelector("#ws-log li.ws-received", { timeout: 30_000 });
  assert.equal(await page.textContent("#ws-log li.ws-received .ws-text"), "hello through the Worker");
  await page.click("#ws-disconnect");
  await page.waitForSelector("#ws-state[data-state=done]");
  assert.equal(await page.textContent("#ws-close"), "1000 (closed from the playground)");
  assert.deepEqual(errors, []);
  console.log(`WebSocket panel through the Worker: echo received, closed ${await page.textContent("#ws-close")}`);
} catch (e) {
  if (process.env.WS_PANEL_SHOT) await (await browser.contexts()[0]?.pages()[0])?.screenshot({ path: process.env.WS_PANEL_SHOT });
  throw e;
} finally {
  await browser.close();
}
