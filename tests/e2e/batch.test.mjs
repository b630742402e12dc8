// The playground (www/) end to end, the batch panel: embed, rerank, classify and batchPost;
// progress, per-request errors, retries and their budget, fail-fast, Stop; at phone width.
// Run by run.sh; the shared setup (mock, server, browser) and helpers are in helpers.mjs.
import assert from "node:assert/strict";
import { HEX32, PHONE, mock, mockJson, pageTest, text, shot, openTab, setExtraHeaders, setupBatch, assertFits, codePanel } from "./helpers.mjs";

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
  // Progress counts requests (10 of 4 inputs), one step at a time, and ends at 100 %. The
  // number of requests is the library's plan, known from its first progress report: before
  // that the bar reads 0 / 0.
  const counted = seen.filter((t) => t !== "0 / 0 requests (0%)");
  const done = counted.map((t) => Number(/^(\d+) \/ 10 requests/.exec(t)?.[1]));
  assert.ok(done.every(Number.isInteger), `progress texts: ${seen.join(" | ")}`);
  assert.ok(seen.length - counted.length <= 1, `0 / 0 only before the first report: ${seen.join(" | ")}`);
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
  for (const r of await page.locator("#batch-table tbody td.mono").allTextContents()) assert.match(r, /^64 dims: \[-?\d\.\d{3}, /);
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
  const code = await codePanel(page);
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
  assert.match(await codePanel(page), /client\.rerank\("a fast fox", texts, \{/);

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
  assert.match(await codePanel(page), /client\.batchPost\("items\/batch", payloads, \{/);
  assert.doesNotMatch(await codePanel(page), /batchSize/);
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
  const code = await codePanel(page);
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
  // The bar is full (every request ended) but says failure, in the danger colour, not green.
  assert.equal(await text(page, "#batch-progress-text"), "2 / 2 requests (100%), failed");
  assert.equal(await page.getAttribute("#batch-progress", "data-state"), "failed");
  const [bar, danger, accent] = await page.evaluate(() => {
    const probe = (v) => {
      const el = document.createElement("span");
      el.style.color = `var(${v})`;
      document.body.append(el);
      const c = getComputedStyle(el).color;
      el.remove();
      return c;
    };
    return [getComputedStyle(document.getElementById("batch-progress")).accentColor, probe("--danger"), probe("--accent")];
  });
  assert.equal(bar, danger);
  assert.notEqual(bar, accent);
  // A run that succeeds is back to the plain bar.
  await page.setChecked("#batch-simulate", false);
  await page.click("#batch-run");
  await page.waitForSelector("#batch-state[data-state=done]");
  assert.equal(await page.getAttribute("#batch-progress", "data-state"), null);
  assert.equal(await text(page, "#batch-progress-text"), "2 / 2 requests (100%)");
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
    await assertFits(page, "batch, done");
    assert.equal(await page.locator("#batch-table tbody tr").count(), 24);
    assert.equal(await page.locator("#batch-plot rect.bar.retried").count(), 2);
    await shot(page, "phone-batch.png");
    await page.locator("#batch-plot").scrollIntoViewIfNeeded();
    await shot(page, "phone-batch-numbers.png", { fullPage: false });
  },
  PHONE,
);
