// The newcomer's first chat: the playground that scripts/play.sh serves, in Debian's Chromium,
// exactly as a person uses it: open the page, press Send, read the streamed answer.
//   node chat.mjs PAGE_URL
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { CHROMIUM_FLAGS } from "../common/chromium.mjs";

const require = createRequire(fileURLToPath(new URL("../e2e/package.json", import.meta.url)));
const { chromium } = require("playwright-core");
const page_url = process.argv[2];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_FLAGS });
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(page_url);
  // The page's ready mark: its handlers are set up once the wasm is loaded, and a Send pressed
  // before that would submit the form natively and be lost.
  await page.waitForSelector("body[data-ready=true]");
  await page.waitForSelector("#chat-send:not([disabled])");
  await page.fill("#chat-message", "Hello from a new user");
  await page.click("#chat-send");
  await page.waitForSelector("#chat-log li.assistant[data-state=done]", { timeout: 60_000 });
  const answer = await page.textContent("#chat-log li.assistant .content");
  assert.match(answer ?? "", /^Hello! You said: Hello from a new user/);
  assert.match((await page.textContent("#chat-state")) ?? "", /^Done: \d+ tokens/);
  assert.deepEqual(errors, []);
  console.log(`chat in Chromium: "${answer.slice(0, 60)}..."`);
} finally {
  await browser.close();
}
