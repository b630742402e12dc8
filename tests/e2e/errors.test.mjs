// The playground (www/) end to end, how errors render (mostly on the predict panel): a wrong
// key, an injected fault, retries, an unreachable base URL with its hint, a bad model id.
// Run by run.sh; the shared setup (mock, server, browser) and helpers are in helpers.mjs.
import assert from "node:assert/strict";
import { HEX32, mock, closedPort, mockJson, lastRequestId, pageTest, text, shot, openTab, setExtraHeaders, focusedId, codePanel } from "./helpers.mjs";

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
  assert.doesNotMatch(await codePanel(page), /wrong-key-123/);
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
  assert.match(await codePanel(page), /maxRetries: 2/);
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
  assert.equal(await focusedId(page), "proxy-note");
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
