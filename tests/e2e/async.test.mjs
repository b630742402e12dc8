// The playground (www/) end to end, the async panel: submit, a live timeline, cancel, a
// failure; the deployment's queue and wake.
// Run by run.sh; the shared setup (mock, server, browser) and helpers are in helpers.mjs.
import assert from "node:assert/strict";
import { startFakeProxy } from "./fake-proxy.mjs";
import { HEX32, mock, mockJson, pageTest, text, shot, openTab, codePanel } from "./helpers.mjs";

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
  assert.match(await codePanel(page), /client\.asyncPredict\(/);
  assert.match(await codePanel(page), /priority: 1/);
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

pageTest("async: the webhook hint gives the mock's real sink URL, which receives the delivery", async ({ page }) => {
  await openTab(page, "async");
  const sink = `${mock.url}/__mock/webhook-sink`;
  assert.equal(await text(page, "#async-webhook-sink"), sink);
  assert.ok(await page.isVisible("#async-webhook-sink"));
  assert.doesNotMatch(await text(page, "#async-webhook-hint"), /\{mock\}/);
  // The URL works as given.
  await page.fill("#async-webhook", sink);
  await page.fill("#async-input", JSON.stringify({ prompt: "hook", mock_queue_ms: 50, mock_run_ms: 50 }));
  await page.click("#async-run");
  await page.waitForSelector("#async-state[data-state=succeeded]");
  const rid = await text(page, "#async-request-id");
  await page.waitForFunction(async ([url, rid]) => {
    const hooks = await (await fetch(url)).json();
    return JSON.stringify(hooks).includes(rid);
  }, [`${mock.url}/__mock/webhooks`, rid]);
});

pageTest("async: behind the proxy Worker, Queue status and Wake say which URL is missing and why", async ({ page, allowConsole }) => {
  allowConsole(/status of 404/);
  const proxy = await startFakeProxy(mock.url, "test-key");
  try {
    await page.fill("#baseUrl", proxy.url);
    await openTab(page, "async");
    await page.click("#async-queue");
    await page.waitForSelector("#async-deploy-error:not([hidden])");
    assert.equal(await text(page, "#async-deploy-error .error-name"), "NotFoundError");
    assert.match(await text(page, "#async-deploy-error .error-url"), new RegExp(`^GET ${proxy.url}/\\S+queue`));
    const hint = await text(page, "#async-deploy-error .error-hint");
    assert.match(hint, /no queue status route/);
    assert.match(hint, /examples\/worker does not serve it/);
    await page.click("#async-wake");
    await page.waitForFunction(() => /no wake route/.test(document.querySelector("#async-deploy-error .error-hint")?.textContent));
    assert.match(await text(page, "#async-deploy-error .error-url"), new RegExp(`^POST ${proxy.url}/\\S+wake`));
  } finally {
    await proxy.close();
  }
});
