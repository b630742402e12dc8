// The playground (www/) end to end, the predict panel: the echo and its facts, invalid JSON
// caught first, the environment and deployment settings.
// Run by run.sh; the shared setup (mock, server, browser) and helpers are in helpers.mjs.
import assert from "node:assert/strict";
import { HEX32, mock, mockJson, lastRequestId, pageTest, text, shot, openTab, focusedId, codePanel } from "./helpers.mjs";

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

  const code = await codePanel(page);
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
  assert.equal(await focusedId(page), "predict-input");
  assert.equal(await lastRequestId(), before, "no request for invalid JSON");
  // The previous answer is gone: no 200 and no output under the new message.
  for (const f of ["status", "request-id", "latency", "attempts", "url"]) assert.equal(await text(page, `#predict-${f}`), "-", f);
  assert.equal(await text(page, "#predict-output"), "");
  assert.ok(await page.isHidden("#predict-output"));
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
  assert.match(await codePanel(page), /deployment: "dep42"/);
  await page.selectOption("#envKind", "development");
  assert.ok(await page.isDisabled("#envName"));
  await page.click("#predict-run");
  await page.waitForFunction(() => document.getElementById("predict-url").textContent.endsWith("/development/predict"));
  assert.match(await codePanel(page), /development: true/);
});
