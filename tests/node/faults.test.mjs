// The fault matrix (tests/fault_matrix.json) through the built package in Node: each row's
// fault meets its call and must give exactly the listed outcome, attempts, waits and time taken.
// Each row has its own time limit, so a hang fails that row and the suite goes on. Every row
// runs on each transport: the global fetch, the Node transport over HTTP/1.1 keep-alive, and
// the Node transport over HTTP/2 (h2c: the mock speaks both on one port).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { startMock, mockGet } from "./mock.mjs";

const ROW_LIMIT_MS = 20_000;
const { rows } = JSON.parse(readFileSync(new URL("../fault_matrix.json", import.meta.url), "utf8"));
let mock;
let Baseten;
before(async () => {
  mock = await startMock();
  ({ Baseten } = await import("../../pkg/node.mjs"));
});
after(async () => {
  await mock?.stop();
});

async function run(client, call, opts) {
  if (call === "predict") return client.predict({ row: 1 }, opts);
  if (call === "stream") return (await client.predictStream({ stream: true, n: 3, interval_ms: 10 }, opts)).text();
  if (call === "chat") {
    const body = { model: "m", messages: [{ role: "user", content: "hi" }], stream: true };
    return (await client.chat.completions.create(body, opts)).finalChatCompletion();
  }
  if (call === "responses") {
    return (await client.responses.create({ model: "m", input: "hi", stream: true }, opts)).finalResponse();
  }
  if (call === "batchPost") return client.batchPost("items/fault", [{ row: 1 }], opts);
  throw new Error(`unknown call ${call}`);
}

const TRANSPORTS = {
  fetch: { transport: "fetch" },
  "node http/1.1": { transport: "node" },
  "node h2c": { transport: "node", h2c: true },
};

for (const [name, transport] of Object.entries(TRANSPORTS)) rows.forEach((row, i) => {
  test(`${name} row ${i}: ${row.fault} / ${row.call}`, { timeout: ROW_LIMIT_MS }, async () => {
    const key = `n${process.pid}-${Date.now()}-${name.replace(/\W/g, "")}-${i}`;
    const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url, openaiBaseUrl: `${mock.url}/v1`, ...transport, ...row.clientOptions });
    const opts = {
      headers: { "x-mock-fault": row.fault, "x-mock-fault-key": key, "x-mock-token-rate": "0" },
      ...row.options,
    };
    let value, error;
    const started = performance.now();
    try {
      value = await run(client, row.call, opts);
    } catch (e) {
      error = e;
    }
    const elapsed = performance.now() - started;
    const seen = (await mockGet(mock.url, `/__mock/requests?key=${key}`))
      .filter((r) => r.method !== "OPTIONS")
      .map((r) => r.received_at_ms)
      .sort((a, b) => a - b);
    const want = row.expect;
    const okCount = seen.length === want.attempts || (want.transportMayRepeat && seen.length > want.attempts);
    const outcome = error ? `${error.name} (${error.code}): ${error.message}` : "success";
    assert.ok(okCount, `the mock saw ${seen.length} attempts, expected ${want.attempts}; outcome: ${outcome}`);
    const gaps = seen.slice(1).map((t, k) => t - seen[k]);
    if (want.minGapMs !== undefined) assert.ok(gaps.every((g) => g >= want.minGapMs), `waits ${gaps} < ${want.minGapMs}`);
    if (want.maxGapMs !== undefined) assert.ok(gaps.every((g) => g <= want.maxGapMs), `waits ${gaps} > ${want.maxGapMs}`);
    if (want.error) {
      assert.ok(error, `expected ${want.error}, got success`);
      assert.equal(error.name, want.error, error.message);
      assert.ok(error instanceof Error);
      assert.equal(error.attempts, want.attempts);
      if (want.code) assert.equal(error.code, want.code);
    } else {
      assert.equal(error, undefined, error && `${error.name}: ${error.message}`);
      if ("value" in want) assert.deepEqual(value, want.value);
    }
    if (want.maxElapsedMs !== undefined) assert.ok(elapsed <= want.maxElapsedMs, `took ${elapsed} ms > ${want.maxElapsedMs}`);
  });
});
