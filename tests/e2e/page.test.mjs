// The playground (www/) end to end, the page itself: loading with the mock prefilled, its
// security policy (CSP, Trusted Types, the key in sessionStorage only), also under a plain
// static server; the message when the package is not built; the dark colour scheme.
// Run by run.sh; the shared setup (mock, server, browser) and helpers are in helpers.mjs.
import assert from "node:assert/strict";
import { startPlainServer } from "./plain-server.mjs";
import { root, mock, pageTest, text, shot, reload, innerHtmlRefused, codePanel } from "./helpers.mjs";

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
  assert.equal(await text(page, "#app-status"), "Ready. Press Send in the chat to see tokens stream.");
  // The header's suggestion follows the tab.
  for (const [tab, button] of [["predict", "Predict"], ["stream", "Stream"], ["async", "Submit"], ["sync", "Send"], ["embeddings", "Embed"], ["batch", "Run batch"]]) {
    await page.click(`#tab-${tab}`);
    const status = await text(page, "#app-status");
    assert.match(status, new RegExp(`^Ready\\. Press ${button} `), tab);
    assert.doesNotMatch(status, /chat/, tab);
    assert.equal(await text(page, `#${tab}-run`), button, `${tab}: the button it names`);
  }

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
  assert.ok(await innerHtmlRefused(page), "innerHTML with a string is refused");

  // Settings survive a reload of the tab (sessionStorage), and the code panel never shows the key.
  await page.fill("#modelId", "abcd1234");
  await reload(page);
  assert.equal(await page.inputValue("#modelId"), "abcd1234");
  assert.equal(await page.inputValue("#apiKey"), "test-key");
  const code = await codePanel(page);
  assert.match(code, /apiKey: process\.env\.BASETEN_API_KEY/);
  assert.doesNotMatch(code, /test-key/);
  await shot(page, "desktop-start.png");

  // A mock from an earlier run of play.sh listened elsewhere: the page follows the new one.
  await page.evaluate(() => {
    sessionStorage.setItem("baseten-edge:seenMockUrl", "http://127.0.0.1:9");
    sessionStorage.setItem("baseten-edge:baseUrl", "http://127.0.0.1:9");
  });
  await reload(page);
  assert.equal(await page.inputValue("#baseUrl"), mock.url);
});

pageTest("served by a plain static server (no CSP header), the page's own <meta> policy holds and the page works", async ({ page, allowConsole }) => {
  const plain = await startPlainServer(root);
  try {
    allowConsole(/status of 404/); // no /config.json there: no mock to prefill
    const response = await page.goto(`${plain.url}/`);
    await page.waitForSelector("body[data-ready=true]");
    assert.equal(response.headers()["content-security-policy"], undefined);
    allowConsole(/requires 'TrustedHTML' assignment/); // the report of the probe below
    assert.ok(await innerHtmlRefused(page), "Trusted Types enforced by the meta policy");
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
