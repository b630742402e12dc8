// The playground (www/) end to end, the streamed predict panel: bytes painted as they arrive,
// then the numbers; Stop.
// Run by run.sh; the shared setup (mock, server, browser) and helpers are in helpers.mjs.
import assert from "node:assert/strict";
import { HEX32, pageTest, text, shot, openTab, recordPaints, codePanel } from "./helpers.mjs";

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
  assert.match(await codePanel(page), /client\.predictStream\(/);
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
