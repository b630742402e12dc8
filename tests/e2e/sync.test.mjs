// The playground (www/) end to end, the sync routes panel: PUT then GET an item, a 404.
// Run by run.sh; the shared setup (mock, server, browser) and helpers are in helpers.mjs.
import assert from "node:assert/strict";
import { mock, pageTest, text, shot, openTab, codePanel } from "./helpers.mjs";

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
  assert.match(await codePanel(page), /client\.sync\("PUT", "items\/7", \{ name: "gadget", price: 3 \}\)/);

  await page.selectOption("#sync-method", "GET");
  assert.ok(await page.isDisabled("#sync-body"), "GET has no body");
  await page.click("#sync-run");
  await page.waitForFunction(() => document.getElementById("sync-url").textContent.startsWith("GET"));
  assert.deepEqual(JSON.parse(await text(page, "#sync-output")), { id: "7", item: { name: "gadget", price: 3 } });
  assert.match(await codePanel(page), /client\.sync\("GET", "items\/7"\)/);
  await shot(page, "desktop-sync.png");

  await page.fill("#sync-path", "items/does-not-exist");
  await page.click("#sync-run");
  await page.waitForSelector("#sync-error:not([hidden])");
  assert.equal(await text(page, "#sync-error .error-name"), "NotFoundError");
  assert.equal(await text(page, "#sync-error .error-status"), "404");
  assert.match(await text(page, "#sync-error .error-body"), /Item not found/);

  // Invalid JSON after a call: the message at the field, and nothing of the last call left.
  await page.selectOption("#sync-method", "PUT");
  await page.fill("#sync-path", "items/7");
  await page.click("#sync-run");
  await page.waitForFunction(() => document.getElementById("sync-status").textContent === "200");
  await page.fill("#sync-body", '{"name": }');
  await page.click("#sync-run");
  assert.match(await text(page, "#sync-body-msg"), /^Invalid JSON/);
  for (const f of ["status", "request-id", "latency", "attempts", "url"]) assert.equal(await text(page, `#sync-${f}`), "-", f);
  assert.ok(await page.isHidden("#sync-output"), "the 200's output is gone");
  assert.ok(await page.isHidden("#sync-error"));
});
