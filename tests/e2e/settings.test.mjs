// The playground (www/) end to end, settings: what a reload keeps, the key's Show toggle, the
// Base URL pointing at a proxy, and the code panel, which follows tabs and inputs and never
// shows the key.
// Run by run.sh; the shared setup (mock, server, browser) and helpers are in helpers.mjs.
import assert from "node:assert/strict";
import { startFakeProxy } from "./fake-proxy.mjs";
import { HEX32, mock, pageTest, text, shot, reload, openTab, setExtraHeaders, codePanel } from "./helpers.mjs";

pageTest("settings: a reload keeps what was typed, key included; Use the local mock says when it replaces a key", async ({ page }) => {
  await page.fill("#baseUrl", "");
  await page.fill("#apiKey", "my-own-key");
  await reload(page);
  assert.equal(await page.inputValue("#baseUrl"), "", "the mock is not prefilled again");
  assert.equal(await page.inputValue("#apiKey"), "my-own-key");
  assert.match(await text(page, "#backend"), /nothing yet/);
  assert.equal(await text(page, "#apiKey-msg"), "");
  // Back to the mock: its key is needed (it accepts no other), and the page says it replaced one.
  await page.click("#useMock");
  assert.equal(await page.inputValue("#baseUrl"), mock.url);
  assert.equal(await page.inputValue("#apiKey"), "test-key");
  assert.match(await text(page, "#apiKey-msg"), /Your key was replaced by the mock's/);
  await reload(page);
  assert.equal(await page.inputValue("#apiKey"), "test-key");
});

pageTest("settings: the key's Show button is a toggle that keeps its label; its state is aria-pressed", async ({ page }) => {
  assert.equal(await page.getAttribute("#showKey", "aria-pressed"), "false");
  await page.click("#showKey");
  assert.equal(await page.getAttribute("#apiKey", "type"), "text");
  assert.equal(await page.getAttribute("#showKey", "aria-pressed"), "true");
  assert.equal(await text(page, "#showKey"), "Show", "the label does not flip as well");
  const [off, on] = await page.evaluate(() => {
    const b = document.getElementById("showKey");
    const on = getComputedStyle(b).backgroundColor;
    b.setAttribute("aria-pressed", "false");
    const off = getComputedStyle(b).backgroundColor;
    b.setAttribute("aria-pressed", "true");
    return [off, on];
  });
  assert.notEqual(on, off, "pressed looks pressed");
  await page.click("#showKey");
  assert.equal(await page.getAttribute("#apiKey", "type"), "password");
  assert.equal(await page.getAttribute("#showKey", "aria-pressed"), "false");
  assert.equal(await text(page, "#showKey"), "Show");
});

pageTest("proxy: the Base URL field alone points chat and predict at a proxy like examples/worker, without the mock's key", async ({ page }) => {
  const proxy = await startFakeProxy(mock.url, "test-key");
  try {
    await page.fill("#baseUrl", proxy.url);
    assert.equal(await page.inputValue("#apiKey"), "", "the mock's key is not kept for another server");
    assert.equal(await page.evaluate(() => sessionStorage.getItem("baseten-edge:apiKey")), null);
    assert.match(await text(page, "#apiKey-msg"), /mock's key was cleared/);
    assert.equal(await page.getAttribute("#openaiBaseUrl", "placeholder"), `default: ${proxy.url}/v1`);
    assert.equal(await text(page, "#backend"), `base URL ${proxy.url} (a proxy or gateway)`);

    await page.click("#chat-send");
    await page.waitForSelector("#chat-log li.assistant[data-state=done]");
    assert.match(await text(page, "#chat-log li.assistant .content"), /^Hello! You said: Hello!/);
    assert.equal(await text(page, "#chat-url"), `POST ${proxy.url}/v1/chat/completions`);
    assert.match(await text(page, "#chat-request-id"), HEX32);
    assert.match(await codePanel(page), new RegExp(`openaiBaseUrl: "${proxy.url}/v1"`));

    await openTab(page, "predict");
    await page.fill("#predict-input", '{"via": "the proxy"}');
    await page.click("#predict-run");
    await page.waitForFunction(() => document.getElementById("predict-status").textContent === "200");
    assert.deepEqual(JSON.parse(await text(page, "#predict-output")), { via: "the proxy" });
    assert.equal(await text(page, "#predict-url"), `POST ${proxy.url}/environments/production/predict`);
    const code = await codePanel(page);
    assert.match(code, new RegExp(`baseUrl: "${proxy.url}"`));
    assert.doesNotMatch(code, /apiKey/);

    // What reached the proxy: the two calls at the Worker's paths, with no key.
    const posts = proxy.requests.filter((r) => r.method === "POST");
    assert.deepEqual(posts.map((r) => r.path), ["/v1/chat/completions", "/environments/production/predict"]);
    assert.ok(posts.every((r) => r.headers.authorization === undefined), "no Authorization header");
    await shot(page, "desktop-proxy.png");
  } finally {
    await proxy.close();
  }
});

pageTest("proxy: the Proxy token field is sent as Authorization: Bearer to the proxy, kept like the key, never shown in code", async ({ page }) => {
  const proxy = await startFakeProxy(mock.url, "test-key");
  const token = "eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjk5OTk5OTk5OTl9.c2lnbmF0dXJlLW9mLXRoZS1iYWNrZW5k";
  try {
    await page.fill("#baseUrl", proxy.url);
    await page.fill("#proxyToken", token);
    assert.equal(await page.getAttribute("#proxyToken", "type"), "password");
    await page.click("#chat-send");
    await page.waitForSelector("#chat-log li.assistant[data-state=done]");
    assert.match(await text(page, "#chat-log li.assistant .content"), /^Hello! You said: Hello!/);
    await openTab(page, "predict");
    await page.fill("#predict-input", '{"with": "a token"}');
    await page.click("#predict-run");
    await page.waitForFunction(() => document.getElementById("predict-status").textContent === "200");
    assert.deepEqual(JSON.parse(await text(page, "#predict-output")), { with: "a token" });

    const posts = proxy.requests.filter((r) => r.method === "POST");
    assert.deepEqual(posts.map((r) => r.path), ["/v1/chat/completions", "/environments/production/predict"]);
    assert.ok(posts.every((r) => r.headers.authorization === `Bearer ${token}`), "each call carries the token");
    const preflights = proxy.requests.filter((r) => r.method === "OPTIONS");
    assert.ok(preflights.length > 0 && preflights.every((r) => /authorization/i.test(r.headers["access-control-request-headers"] ?? "")), "the browser asked to send Authorization");

    const code = await codePanel(page);
    assert.match(code, /apiKey: proxyToken, \/\/ from your backend's mintProxyToken/);
    assert.ok(!code.includes(token), "the code panel never shows the token");
    await reload(page);
    assert.equal(await page.inputValue("#proxyToken"), token, "kept in this tab's sessionStorage, as the key is");
    await page.click("#useMock");
    assert.equal(await page.inputValue("#proxyToken"), "", "the mock takes its own key, not a proxy token");
  } finally {
    await proxy.close();
  }
});

pageTest("settings: a bad Base URL is flagged at the field, and the error names baseUrl, not openaiBaseUrl", async ({ page }) => {
  await page.fill("#baseUrl", "not a url");
  assert.equal(await page.getAttribute("#baseUrl", "aria-invalid"), "true");
  const msg = await text(page, "#baseUrl-msg");
  assert.match(msg, /^baseUrl contains whitespace or control characters: enter an http:\/\/ or https:\/\/ URL/);
  assert.equal(await page.getAttribute("#baseUrl", "aria-describedby"), "baseUrl-hint baseUrl-msg");
  assert.match(await text(page, "#backend"), /base URL is not valid/);
  assert.equal(await page.getAttribute("#openaiBaseUrl", "placeholder"), "default: the model's …/sync/v1", "nothing derived from it");
  // What the issue saw: the Sync panel's error blamed openaiBaseUrl, which the user never touched.
  await openTab(page, "sync");
  await page.click("#sync-run");
  await page.waitForSelector("#sync-error:not([hidden])");
  assert.equal(await page.getAttribute("#sync-error", "data-name"), "ConfigurationError");
  assert.equal(await text(page, "#sync-error .error-message"), "baseUrl contains whitespace or control characters");
  // Chat too (it would use the derived openaiBaseUrl).
  await openTab(page, "chat");
  await page.click("#chat-send");
  await page.waitForSelector("#chat-error:not([hidden])");
  assert.match(await text(page, "#chat-error .error-message"), /^baseUrl /);
  // Other invalid forms, then a valid one clears the message.
  await page.fill("#baseUrl", "example.com");
  assert.match(await text(page, "#baseUrl-msg"), /^baseUrl must start with http:\/\/ or https:\/\//);
  await page.fill("#baseUrl", mock.url);
  assert.equal(await page.getAttribute("#baseUrl", "aria-invalid"), "false");
  assert.equal(await text(page, "#baseUrl-msg"), "");
  assert.ok(await page.isHidden("#baseUrl-msg"));
});

pageTest("code panel: follows the tab and the inputs, never shows the key", async ({ page }) => {
  const calls = {
    chat: /client\.chat\.completions\.create\(/,
    predict: /client\.predict\(/,
    stream: /client\.predictStream\(/,
    async: /client\.waitForAsyncRequest\(requestId/,
    sync: /client\.sync\(/,
    embeddings: /client\.embeddings\.create\(/,
    batch: /client\.embed\(texts, \{/,
  };
  for (const [tab, re] of Object.entries(calls)) {
    await openTab(page, tab);
    await page.waitForFunction(([t, re]) => location.hash === `#${t}` && new RegExp(re).test(document.getElementById("code").textContent), [tab, re.source]);
    const code = await codePanel(page);
    assert.match(code, re, tab);
    assert.match(code, /^import \{ Baseten \} from "baseten-edge";/);
    assert.match(code, /apiKey: process\.env\.BASETEN_API_KEY/);
    assert.doesNotMatch(code, /test-key/);
  }
  await openTab(page, "chat");
  await page.fill("#chat-temperature", "1.3");
  await page.waitForFunction(() => /temperature: 1\.3/.test(document.getElementById("code").textContent));
  // Extra header values are hidden in the code, whatever their name, except the mock's x-mock-*.
  await setExtraHeaders(page, "x-proxy-token: s3cret\nx-tenant: acme-4711\nX-Mock-Token-Rate: 30");
  await page.waitForFunction(() => /"X-Mock-Token-Rate": "30"/.test(document.getElementById("code").textContent));
  const code = await codePanel(page);
  assert.doesNotMatch(code, /s3cret|acme-4711/);
  assert.match(code, /"x-proxy-token": "<hidden>"/);
  assert.match(code, /"x-tenant": "<hidden>"/);
  // The tab is in the URL fragment, so a reload lands on it.
  await openTab(page, "sync");
  await reload(page);
  assert.equal(await page.getAttribute("#tab-sync", "aria-selected"), "true");
});
