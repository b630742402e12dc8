// The playground (www/) end to end, the chat panel: streamed tokens and their numbers, Stop,
// failures mid-stream and before it, the model list.
// Run by run.sh; the shared setup (mock, server, browser) and helpers are in helpers.mjs.
import assert from "node:assert/strict";
import { HEX32, mock, mockJson, pageTest, text, shot, setExtraHeaders, recordPaints, codePanel } from "./helpers.mjs";

pageTest("chat: tokens are painted as they arrive, with TTFT, tokens/s, total and a plot", async ({ page }) => {
  const paints = recordPaints(page, "#chat-log li.assistant .content", "#chat-log li.assistant[data-state=done]");
  await page.click("#chat-send");
  const seen = await paints;
  await page.waitForSelector("#chat-log li.assistant[data-state=done]");
  const final = (await text(page, "#chat-log li.assistant .content")).length;
  const partial = seen.filter((n) => n > 0 && n < final);
  assert.ok(partial.length >= 2, `at least two partial paints before the end, saw lengths ${seen.join(",")} (final ${final})`);
  assert.equal(seen[seen.length - 1], final);

  const reply = await text(page, "#chat-log li.assistant .content");
  assert.match(reply, /^Hello! You said: Hello! How does streaming work\?/);
  assert.equal(reply.trim().split(/\s+/).length, 48, "max tokens 48: 48 words from the mock");
  assert.match(await text(page, "#chat-request-id"), HEX32);
  // The mock's reply (8 words) is cycled until max tokens (48) cuts it: "length", as a real server says.
  assert.equal(await text(page, "#chat-finish"), "length");
  assert.equal(await text(page, "#chat-log li.assistant .msg-state"), "done (length)");
  assert.match(await text(page, "#chat-usage"), /48 completion/);
  assert.match(await text(page, "#chat-url"), new RegExp(`^POST ${mock.url}/v1/chat/completions$`));
  assert.match(await text(page, "#chat-state"), /Done: 48 tokens/);

  // The numbers: the mock paces 50 tokens/s by default.
  assert.match(await text(page, "#chat-metrics-ttft"), /^\d+ ms$/);
  assert.equal(await text(page, "#chat-metrics-count"), "48");
  const rate = Number(await text(page, "#chat-metrics-rate"));
  assert.ok(rate > 25 && rate < 100, `about 50 tokens/s, got ${rate}`);
  assert.match(await text(page, "#chat-metrics-total"), /^(\d+ ms|\d+\.\d\d s)$/);
  assert.equal(await page.locator("#chat-metrics-plot circle").count(), 48);
  assert.match(await text(page, "#chat-metrics-plot title"), /48 tokens over/);

  // What was sent: the system prompt, temperature and max tokens, streamed, with the key.
  const last = await mockJson("/__mock/last");
  const body = JSON.parse(last.body);
  assert.equal(body.stream, true);
  assert.equal(body.temperature, 0.7);
  assert.equal(body.max_tokens, 48);
  assert.deepEqual(body.messages[0], { role: "system", content: "You are a helpful assistant." });
  assert.equal(last.headers.authorization, "Bearer test-key");

  // A second turn carries the conversation.
  await page.fill("#chat-message", "And again?");
  await page.press("#chat-message", "Enter");
  await page.waitForSelector("#chat-log li.assistant:nth-of-type(4)[data-state=done]");
  const second = JSON.parse((await mockJson("/__mock/last")).body);
  assert.deepEqual(second.messages.map((m) => m.role), ["system", "user", "assistant", "user"]);
  assert.equal(await text(page, "#chat-finish"), "length", "the second turn is cut at max tokens too");
  assert.match(await codePanel(page), /content: "And again\?"|role: "assistant"/);
  await shot(page, "desktop-chat.png");
});

pageTest("chat: Stop aborts the stream, the text stops growing and the aborted state shows", async ({ page }) => {
  await setExtraHeaders(page, "x-mock-token-rate: 20");
  await page.fill("#chat-max-tokens", "400");
  await page.click("#chat-send");
  const content = page.locator("#chat-log li.assistant .content");
  await page.waitForFunction(() => (document.querySelector("#chat-log li.assistant .content")?.textContent.length ?? 0) > 20);
  await page.click("#chat-stop");
  await page.waitForSelector("#chat-log li.assistant[data-state=aborted]");
  const stoppedAt = (await content.textContent()).length;
  await page.waitForTimeout(600); // 12 more tokens would have arrived at 20/s
  assert.equal((await content.textContent()).length, stoppedAt, "nothing painted after Stop");
  assert.ok(stoppedAt < 400 * 3, "stopped long before the end");
  assert.match(await text(page, "#chat-state"), /Stopped \(AbortError\)/);
  assert.equal(await page.getAttribute("#chat-state", "data-state"), "aborted");
  assert.equal(await text(page, "#chat-log li.assistant .msg-state"), "stopped");
  assert.ok(await page.isDisabled("#chat-stop"));
  assert.equal(await page.locator("#chat-error").isHidden(), true, "a Stop is not an error");
  // Focus did not fall to <body> when Stop was disabled.
  assert.notEqual(await page.evaluate(() => document.activeElement.tagName), "BODY");
  // The extra header went out with the request.
  const req = (await mockJson("/__mock/requests?limit=5")).filter((r) => r.method === "POST").pop();
  assert.equal(req.headers["x-mock-token-rate"], "20");
  await shot(page, "desktop-chat-stopped.png");
});

pageTest("chat: a mid-stream failure renders as an error, partial text kept", async ({ page, allowConsole }) => {
  allowConsole(/net::ERR_INCOMPLETE_CHUNKED_ENCODING|net::ERR_/);
  await setExtraHeaders(page, "x-mock-fault: disconnect-mid-stream");
  await page.click("#chat-send");
  await page.waitForSelector("#chat-log li.assistant[data-state=error]");
  const name = await page.getAttribute("#chat-error", "data-name");
  assert.ok(["APIConnectionError", "TruncatedStreamError", "StreamError"].includes(name), `error name ${name}`);
  assert.match(await text(page, "#chat-error .error-kind"), /\w+/);
  assert.match(await text(page, "#chat-log li.assistant .content"), /^Hello! You said/, "the tokens before the cut stay");
  assert.match(await text(page, "#chat-request-id"), HEX32, "the stream's request id stays shown");
  const rid = await text(page, "#chat-request-id");
  // The error itself has no request id today (see the report); the page adds the stream's.
  assert.match(await text(page, "#chat-error .error-request-id"), new RegExp(`^${rid}( \\(of the stream\\))?$`));
  assert.match(await text(page, "#chat-state"), /Failed/);
  // The message is put back so it can be sent again.
  assert.notEqual(await page.inputValue("#chat-message"), "");
});

pageTest("chat: a failed request still shows its request id, attempts and URL", async ({ page, allowConsole }) => {
  allowConsole(/status of 503/);
  await setExtraHeaders(page, "x-mock-fault: status:503");
  await page.fill("#maxRetries", "1");
  await page.click("#chat-send");
  await page.waitForSelector("#chat-log li.assistant[data-state=error]");
  assert.equal(await text(page, "#chat-error .error-status"), "503");
  const rid = await text(page, "#chat-error .error-request-id");
  assert.match(rid, HEX32);
  assert.equal(await text(page, "#chat-request-id"), rid);
  assert.equal(await text(page, "#chat-attempts"), "2 (1 retry)");
  assert.equal(await text(page, "#chat-url"), `POST ${mock.url}/v1/chat/completions`);
});

pageTest("chat: a failed turn below a long conversation is scrolled into view", async ({ page, allowConsole }) => {
  allowConsole(/status of 503/);
  // A conversation longer than the log's height, quickly (no pacing).
  await setExtraHeaders(page, "x-mock-token-rate: 0");
  await page.fill("#maxRetries", "0");
  await page.fill("#chat-max-tokens", "120");
  for (let i = 1; i <= 3; i++) {
    await page.fill("#chat-message", `turn ${i}`);
    await page.click("#chat-send");
    await page.waitForSelector(`#chat-log li.assistant:nth-of-type(${2 * i})[data-state=done]`);
  }
  const log = page.locator("#chat-log");
  assert.ok(await log.evaluate((el) => el.scrollHeight > el.clientHeight + 200), "the log overflows");
  // Scrolled back to the top, as a reader of the earlier turns would be; then a turn fails.
  await log.evaluate((el) => (el.scrollTop = 0));
  await page.fill("#extraHeaders", "x-mock-fault: status:503");
  await page.fill("#chat-message", "this one fails");
  await page.click("#chat-send");
  await page.waitForSelector("#chat-log li.assistant[data-state=error]");
  const [li, box] = await page.evaluate(() => {
    const rect = (el) => { const r = el.getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; };
    return [rect(document.querySelector("#chat-log li.assistant[data-state=error]")), rect(document.getElementById("chat-log"))];
  });
  assert.ok(li.top >= box.top - 1 && li.bottom <= box.bottom + 1, `the failed turn (${li.top}-${li.bottom}) within the log's view (${box.top}-${box.bottom})`);
  const height = await page.evaluate(() => innerHeight);
  assert.ok(li.top >= -1 && li.bottom <= height + 1, `and within the window (0-${height}): ${li.top}-${li.bottom}`);
});

pageTest("chat: List models fills the model list", async ({ page }) => {
  await page.click("#chat-list-models");
  await page.waitForFunction(() => /Models: /.test(document.getElementById("chat-models-msg").textContent));
  assert.match(await text(page, "#chat-models-msg"), /mock-model/);
  assert.equal(await page.locator("#chat-models option").first().getAttribute("value"), "mock-model");
});

pageTest("chat: a reasoning model's thinking shows in a block of its own, folded once the answer starts", async ({ page }) => {
  await page.fill("#chat-model", "deepseek-reasoner");
  await page.fill("#chat-max-tokens", "6");
  await page.fill("#chat-message", "why is sky");
  await page.click("#chat-send");
  await page.waitForSelector("#chat-log li.assistant[data-state=done]");
  const thinking = page.locator("#chat-log li.assistant details.thinking");
  assert.equal(await thinking.count(), 1);
  assert.equal(await text(page, "#chat-log li.assistant .thinking-text"), "The user said 3 words. I will answer kindly.");
  assert.equal(await thinking.evaluate((d) => d.open), false, "folded once the answer came");
  assert.equal(await text(page, "#chat-log li.assistant .content"), "Hello! You said: why is sky");
  await page.click("#chat-log li.assistant details.thinking summary");
  assert.equal(await thinking.evaluate((d) => d.open), true, "opens on a click");
  await shot(page, "desktop-chat-thinking.png");
  // A model that does not reason has no such block.
  await page.fill("#chat-model", "mock-model");
  await page.fill("#chat-message", "hi");
  await page.click("#chat-send");
  await page.waitForSelector("#chat-log li.assistant:nth-of-type(4)[data-state=done]");
  assert.equal(await page.locator("#chat-log li.assistant:nth-of-type(4) details.thinking").count(), 0);
});

pageTest("chat: the Responses API switch streams through client.responses.create, thinking included", async ({ page }) => {
  await page.selectOption("#chat-api", "responses");
  assert.match(await codePanel(page), /client\.responses\.create\(/);
  await page.fill("#chat-model", "mock-reasoner");
  await page.fill("#chat-max-tokens", "6");
  await page.fill("#chat-message", "why is sky");
  await page.click("#chat-send");
  await page.waitForSelector("#chat-log li.assistant[data-state=done]");
  assert.equal(await text(page, "#chat-log li.assistant .content"), "Hello! You said: why is sky");
  assert.ok((await text(page, "#chat-log li.assistant .thinking-text")).length > 0, "the reasoning item's text is shown");
  assert.equal(await text(page, "#chat-finish"), "completed");
  assert.match(await text(page, "#chat-usage"), /^\d+ prompt \+ \d+ completion = \d+$/); // output tokens include the reasoning
  assert.match(await text(page, "#chat-url"), new RegExp(`^POST ${mock.url}/v1/responses$`));
  const sent = JSON.parse((await mockJson("/__mock/last")).body);
  assert.equal(sent.stream, true);
  assert.equal(sent.max_output_tokens, 6);
  assert.equal(sent.instructions, "You are a helpful assistant.");
  assert.deepEqual(sent.input, [{ role: "user", content: "why is sky" }]);

  // A second turn carries the conversation as input items; a cut answer says why.
  await page.fill("#chat-max-tokens", "2");
  await page.fill("#chat-message", "again");
  await page.click("#chat-send");
  await page.waitForSelector("#chat-log li.assistant:nth-of-type(4)[data-state=done]");
  assert.equal(await text(page, "#chat-finish"), "incomplete: max_output_tokens");
  const second = JSON.parse((await mockJson("/__mock/last")).body);
  assert.deepEqual(second.input.map((m) => m.role), ["user", "assistant", "user"]);
  await shot(page, "desktop-chat-responses.png");
});
