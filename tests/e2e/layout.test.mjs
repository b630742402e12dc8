// The playground (www/) end to end, keyboard and phone width across the panels: labels, tab
// keys and focus, predict and async by keyboard alone; every panel fits at 375 px.
// Run by run.sh; the shared setup (mock, server, browser) and helpers are in helpers.mjs.
import assert from "node:assert/strict";
import { PHONE, closedPort, mockJson, pageTest, text, shot, openTab, setupBatch, wordsSplitAcrossLines, assertFits, focusedId } from "./helpers.mjs";

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
  assert.equal(await focusedId(page), "tab-predict");
  assert.equal(await page.getAttribute("#tab-predict", "aria-selected"), "true");
  assert.ok(await page.isVisible("#panel-predict"));
  assert.ok(await page.isHidden("#panel-chat"));
  await page.keyboard.press("End");
  assert.equal(await focusedId(page), "tab-websocket");
  await page.keyboard.press("Home");
  assert.equal(await focusedId(page), "tab-chat");
  assert.equal(await page.getAttribute("#tab-predict", "tabindex"), "-1");
  // Focus is visible: an outline after keyboard navigation.
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, "none");
  await shot(page, "desktop-keyboard-tabs.png", { fullPage: false, clip: { x: 0, y: 0, width: 1280, height: 300 } });

  // The whole chat by keyboard: Tab from the tabs into the panel, type, Enter sends.
  await page.keyboard.press("Tab");
  assert.equal(await focusedId(page), "chat-api"); // the API switch comes first
  await page.keyboard.press("Tab");
  assert.equal(await focusedId(page), "chat-model");
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
    if ((await focusedId(page)) === id) return;
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
  }
  assert.fail(`#${id} not reached by ${back ? "Shift+Tab" : "Tab"} in ${max} presses`);
}

/** Replaces the focused editor's text by typing, as a keyboard user would, and runs it (Ctrl+Enter). */
async function typeAndRun(page, value) {
  await page.keyboard.press("Control+A");
  await page.keyboard.type(value);
  await page.keyboard.press("Control+Enter");
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
  assert.equal(await focusedId(page), "predict-input");
  await typeAndRun(page, '{"typed": "by keys"}');
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
  assert.equal(await focusedId(page), "async-input");
  await typeAndRun(page, '{"prompt": "keys", "mock_queue_ms": 300, "mock_run_ms": 300}');
  await page.waitForSelector("#async-state[data-state=succeeded]");
  // A long-queued request, cancelled from the keyboard.
  assert.equal(await focusedId(page), "async-input", "the focus stayed in the editor");
  await typeAndRun(page, '{"prompt": "never", "mock_queue_ms": 20000}');
  await page.waitForSelector('#async-timeline li[data-status="QUEUED"]');
  await tabTo(page, "async-cancel");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#async-state[data-state=canceled]");
  assert.notEqual(await page.evaluate(() => document.activeElement.tagName), "BODY", "the focus stays in the panel");
  await shot(page, "desktop-keyboard-async.png", { fullPage: false });
});

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
  PHONE,
);

pageTest(
  "phone width (375 px): no sideways scrolling, settings folded, chat streams",
  async ({ page }) => {
    await assertFits(page, "at the start");
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
      await assertFits(page, tab);
    }
    await openTab(page, "chat");
    await shot(page, "phone-chat.png");
    await page.locator("#chat-metrics").scrollIntoViewIfNeeded();
    await shot(page, "phone-chat-numbers.png", { fullPage: false });
  },
  PHONE,
);

pageTest(
  "phone (390 px): the first screen reaches the tabs; the proxy note is folded to its heading and opens",
  async ({ page }) => {
    const tabs = await page.locator("#tabs").boundingBox();
    assert.ok(tabs.y + tabs.height <= 844, `the tabs end at ${tabs.y + tabs.height}px, below the first screen (844px)`);
    const note = page.locator("#proxy-note");
    assert.deepEqual(await note.evaluate((d) => [d.tagName, d.open]), ["DETAILS", false], "the note is folded");
    assert.ok(await page.isVisible("#proxy-note summary"), "its heading stays");
    assert.ok(await page.isHidden("#proxy-note p"));
    await page.click("#proxy-note summary");
    assert.ok(await page.isVisible("#proxy-note p"), "one tap opens it");
    assert.match(await text(page, "#proxy-note p"), /CORS/);
    await shot(page, "phone-first-screen.png", { fullPage: false });
  },
  { viewport: { width: 390, height: 844 }, mobile: true },
);

pageTest("desktop: the proxy note is open", async ({ page }) => {
  assert.equal(await page.locator("#proxy-note").evaluate((d) => d.open), true);
  assert.ok(await page.isVisible("#proxy-note p"));
});

/** Whether the code panel hides anything sideways (its lines wider than its box). */
const codeOverflow = (page) => page.locator(".code-block").evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));

pageTest(
  "code panel: a long line wraps at phone width, nothing hidden sideways",
  async ({ page }) => {
    await page.fill("#chat-system", "You are a helpful assistant who answers in one short sentence and never uses more words than needed.");
    await page.fill("#chat-model", "a-model-name-without-any-break-that-is-much-longer-than-a-phone-is-wide-0123456789");
    await page.waitForFunction(() => /never uses more words/.test(document.getElementById("code").textContent));
    const { scroll, client } = await codeOverflow(page);
    assert.ok(scroll <= client, `the code is ${scroll}px wide in a ${client}px box`);
    await assertFits(page, "the code panel");
    await page.locator("#code-section").scrollIntoViewIfNeeded();
    await shot(page, "phone-code.png", { fullPage: false });
  },
  PHONE,
);
