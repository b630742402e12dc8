// The playground (www/) end to end, the embeddings panel: Ctrl+Enter, vectors and
// similarities; its tables at phone width.
// Run by run.sh; the shared setup (mock, server, browser) and helpers are in helpers.mjs.
import assert from "node:assert/strict";
import { HEX32, PHONE, mock, mockJson, pageTest, text, shot, openTab, wordsSplitAcrossLines, assertFits, codePanel } from "./helpers.mjs";

pageTest("embeddings: Ctrl+Enter runs it; vectors, dimensions and cosine similarities", async ({ page }) => {
  await openTab(page, "embeddings");
  await page.fill("#embeddings-input", "alpha\nbeta");
  await page.fill("#embeddings-dimensions", "16");
  await page.press("#embeddings-input", "Control+Enter"); // runs it, as in the JSON editors
  await page.waitForSelector("#embeddings-table");
  assert.equal(await page.inputValue("#embeddings-input"), "alpha\nbeta", "no newline typed");
  assert.equal(await page.locator("#embeddings-table tbody tr").count(), 2);
  const dims = await page.locator("#embeddings-table tbody tr td:nth-child(2)").allTextContents();
  assert.deepEqual(dims, ["16", "16"]);
  const diag = await page.locator("#embeddings-similarity tbody tr").evaluateAll((trs) => trs.map((tr, i) => tr.querySelectorAll("td")[i].textContent));
  assert.deepEqual(diag, ["1.000", "1.000"]);
  assert.match(await text(page, "#embeddings-request-id"), HEX32);
  assert.equal(await text(page, "#embeddings-url"), `POST ${mock.url}/v1/embeddings`);
  const body = JSON.parse((await mockJson("/__mock/last")).body);
  assert.deepEqual(body, { model: "mock-model", input: ["alpha", "beta"], dimensions: 16 });
  const code = await codePanel(page);
  assert.match(code, /client\.embeddings\.create\(/);
  assert.match(code, /openaiBaseUrl: /);
  await shot(page, "desktop-embeddings.png");
});

pageTest(
  "phone width (375 px): the embeddings tables wrap between words, never inside one",
  async ({ page }) => {
    await openTab(page, "embeddings");
    await page.fill("#embeddings-input", "The quick brown fox\nA fast auburn fox\nQuarterly tax filing\nInternationalization");
    await page.click("#embeddings-run");
    await page.waitForSelector("#embeddings-similarity");
    assert.deepEqual(await wordsSplitAcrossLines(page, "#embeddings-results th"), []);
    // The mock's vectors carry a little meaning (shared words): the two foxes are the nearest pair.
    const sim = await page.locator("#embeddings-similarity tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => Number(td.textContent))));
    assert.ok(sim[0][1] > sim[0][2] && sim[0][1] > sim[1][2], `foxes ${sim[0][1]}, fox/tax ${sim[0][2]} and ${sim[1][2]}`);
    await assertFits(page, "embeddings tables");
    await page.locator("#embeddings-results").scrollIntoViewIfNeeded();
    await shot(page, "phone-embeddings.png", { fullPage: false });
  },
  PHONE,
);
