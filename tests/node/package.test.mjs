// The built package (pkg/), imported as a user would: the Node ESM entry, the CommonJS build
// and the web build initialised by hand, each running predict, asyncPredict +
// waitForAsyncRequest, sync and wake against the mock.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { startMock, mockGet } from "./mock.mjs";

const require = createRequire(import.meta.url);
let mock;
before(async () => {
  mock = await startMock();
});
after(async () => {
  await mock?.stop();
});

async function loadWeb() {
  const web = await import("../../pkg/web/baseten_edge.js");
  web.initSync({ module: readFileSync(new URL("../../pkg/web/baseten_edge_bg.wasm", import.meta.url)) });
  return web;
}

const builds = {
  "node ESM entry (pkg/node.mjs)": () => import("../../pkg/node.mjs"),
  "nodejs CommonJS target": async () => require("../../pkg/nodejs/baseten_edge.js"),
  "web target with initSync": loadWeb,
};

for (const [name, load] of Object.entries(builds)) {
  test(`${name}: predict, asyncPredict + wait, sync, wake`, async () => {
    const { Baseten } = await load();
    const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url, environment: "staging" });

    assert.deepEqual(await client.predict({ prompt: "hello", n: 2 }), { prompt: "hello", n: 2 });
    const last = await mockGet(mock.url, "/__mock/last");
    assert.equal(last.path, "/environments/staging/predict");
    assert.equal(last.headers.authorization, "Bearer test-key");

    const { requestId } = await client.asyncPredict({ job: 1, mock_queue_ms: 30, mock_run_ms: 30 });
    assert.match(requestId, /^[0-9a-f]{32}$/);
    const done = await client.waitForAsyncRequest(requestId, { pollIntervalMs: 20 });
    assert.equal(done.status, "SUCCEEDED");

    assert.deepEqual(await client.sync("GET", "/health"), { status: "ok" });
    const put = await client.sync("PUT", "items/pkg", { v: name });
    assert.deepEqual(put.item, { v: name });
    assert.equal(await client.wake(), undefined);
  });
}

test("streamed predict is an async iterable and a ReadableStream", async () => {
  const { Baseten } = await import("../../pkg/node.mjs");
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url });
  const stream = await client.predictStream({ stream: true, n: 3, interval_ms: 10 });
  const parts = [];
  for await (const chunk of stream) {
    assert.ok(chunk instanceof Uint8Array);
    parts.push(Buffer.from(chunk).toString());
  }
  assert.equal(parts.join(""), "chunk 0\nchunk 1\nchunk 2\n");

  const s2 = await client.predictStream({ stream: true, n: 3, interval_ms: 10 });
  const text = await new Response(s2.toReadableStream()).text();
  assert.equal(text, "chunk 0\nchunk 1\nchunk 2\n");
});

test("breaking out of for-await aborts the request", async () => {
  const { Baseten } = await import("../../pkg/node.mjs");
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url });
  const stream = await client.predictStream({ stream: true, n: 50, interval_ms: 50 });
  const started = Date.now();
  for await (const _ of stream) break;
  const after = await stream.next();
  assert.equal(after.done, true);
  assert.ok(Date.now() - started < 1000, "did not wait for the rest of the stream");
});

test("errors are real Errors with name, status, requestId, code, retryable; the key never shows", async () => {
  const { Baseten } = await import("../../pkg/node.mjs");
  const key = "sk-live-DO-NOT-LEAK-42";
  const bad = new Baseten({ apiKey: key, baseUrl: mock.url });
  await assert.rejects(bad.predict({}), (e) => {
    assert.ok(e instanceof Error);
    assert.equal(e.name, "AuthenticationError");
    assert.equal(e.status, 401);
    assert.ok(e.requestId);
    assert.equal(e.retryable, false);
    assert.ok(!`${e.message} ${e.stack} ${JSON.stringify(e)} ${e.body}`.includes(key));
    return true;
  });
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url });
  await assert.rejects(
    client.predict({}, { headers: { "x-mock-fault": "status:429:openai" } }),
    (e) => e.name === "RateLimitError" && e.status === 429 && e.retryable === true && typeof e.code === "string",
  );
  assert.throws(() => new Baseten({ apiKey: key, modelId: "x.evil.com" }), (e) => {
    assert.equal(e.name, "ConfigurationError");
    assert.ok(!e.message.includes(key));
    return true;
  });
  assert.throws(() => new Baseten({ apiKey: `${key}\r\nX-Injected: 1`, modelId: "abc" }), (e) => {
    assert.equal(e.name, "ConfigurationError");
    assert.ok(!e.message.includes(key));
    return true;
  });
});
