// The playground's WebSocket panel in Chromium: directly against the mock (the page has the
// mock's key, which a browser cannot send on a WebSocket: a ConfigurationError saying why), and
// through a proxy that holds the key (fake-proxy.mjs, the Worker's stand-in): connect, send,
// each message with its time, a close with the server's code.
// Run by run.sh; the shared setup (mock, server, browser) and helpers are in helpers.mjs.
import assert from "node:assert/strict";
import { startFakeProxy } from "./fake-proxy.mjs";
import { pageTest, text, shot, openTab, mock, codePanel } from "./helpers.mjs";

pageTest("websocket: directly against the mock, the key cannot go on a socket: a ConfigurationError says why", async ({ page }) => {
  await openTab(page, "websocket");
  assert.equal(await page.inputValue("#apiKey"), "test-key");
  await page.click("#ws-connect");
  await page.waitForSelector("#ws-error:not([hidden])");
  assert.equal(await text(page, "#ws-error .error-name"), "ConfigurationError");
  assert.match(await text(page, "#ws-error .error-message"), /a browser cannot send the API key on a WebSocket.*proxy Worker/);
  assert.doesNotMatch(await text(page, "#ws-error"), /test-key/);
  assert.equal(await page.getAttribute("#ws-state", "data-state"), "error");
  assert.ok(await page.isDisabled("#ws-send"));
  assert.match(await codePanel(page), /client\.websocket\(\)/);
});

pageTest("websocket: through the proxy, connect, send, messages with their times, the server's close code", async ({ page }) => {
  const proxy = await startFakeProxy(mock.url, "test-key");
  try {
    await page.fill("#baseUrl", proxy.url);
    assert.equal(await page.inputValue("#apiKey"), "", "the mock's key is cleared for another server");
    await openTab(page, "websocket");
    await page.click("#ws-connect");
    await page.waitForSelector("#ws-state[data-state=streaming]");
    assert.equal(await text(page, "#ws-url"), `${proxy.url.replace("http:", "ws:")}/environments/production/websocket`);
    await page.fill("#ws-message", "hello through the proxy");
    await page.click("#ws-send");
    await page.waitForSelector("#ws-log li.ws-received");
    assert.equal(await text(page, "#ws-log li.ws-received .ws-text"), "hello through the proxy");
    await page.fill("#ws-message", JSON.stringify({ mock: "stream", n: 3, interval_ms: 30, text: "one two three" }));
    await page.press("#ws-message", "Enter");
    await page.waitForFunction(() => [...document.querySelectorAll("#ws-log li.ws-received")].some((li) => li.textContent.includes('"done"')));
    const received = await page.$$eval("#ws-log li.ws-received", (lis) => lis.map((li) => ({ ms: Number(li.dataset.ms), text: li.querySelector(".ws-text").textContent, time: li.querySelector(".ws-time").textContent })));
    assert.deepEqual(received.slice(1, 4).map((r) => JSON.parse(r.text).text), ["one ", "two ", "three "]);
    for (const r of received) assert.match(r.time, /^\+\d+ ms$|^\+\d+\.\d\d s$/);
    const times = received.map((r) => r.ms);
    assert.deepEqual(times, [...times].sort((a, b) => a - b), "times in arrival order");
    await shot(page, "desktop-websocket.png");
    await page.fill("#ws-message", JSON.stringify({ mock: "close", code: 4001, reason: "bye" }));
    await page.click("#ws-send");
    await page.waitForSelector("#ws-state[data-state=done]");
    assert.equal(await text(page, "#ws-close"), "4001 (bye)");
    assert.equal(await text(page, "#ws-error .error-name"), "WebSocketCloseError");
    assert.ok(await page.isDisabled("#ws-send"));
    // What reached the proxy: the upgrade, with no key.
    const up = proxy.requests.filter((r) => r.method === "UPGRADE");
    assert.equal(up.length, 1);
    assert.equal(up[0].headers.authorization, undefined);
    assert.equal(up[0].headers["sec-websocket-protocol"], undefined, "no proxy token: no subprotocols");
  } finally {
    await proxy.close();
  }
});

pageTest("websocket: the settings' proxy token goes as subprotocols, never as a key", async ({ page }) => {
  const proxy = await startFakeProxy(mock.url, "test-key");
  try {
    await page.fill("#baseUrl", proxy.url);
    await page.fill("#proxyToken", "eyJzdWIiOiJ1In0.c2lnbmF0dXJl");
    await openTab(page, "websocket");
    assert.match(await codePanel(page), /client\.websocket\(\{ proxyToken \}\)/);
    await page.click("#ws-connect");
    await page.waitForSelector("#ws-state[data-state=streaming]");
    await page.fill("#ws-message", "with a token");
    await page.click("#ws-send");
    await page.waitForSelector("#ws-log li.ws-received");
    assert.equal(await text(page, "#ws-log li.ws-received .ws-text"), "with a token");
    const up = proxy.requests.filter((r) => r.method === "UPGRADE");
    assert.equal(up.length, 1);
    assert.equal(up[0].headers.authorization, undefined);
    assert.equal(up[0].headers["sec-websocket-protocol"], "baseten-proxy, baseten-proxy-token.eyJzdWIiOiJ1In0.c2lnbmF0dXJl");
    await page.click("#ws-disconnect");
    await page.waitForSelector("#ws-state[data-state=done]");
  } finally {
    await proxy.close();
  }
});
