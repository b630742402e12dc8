// Every route of the mock over HTTP/2, through the Node transport: h2c (prior knowledge, the
// mock's plain port) and h2 over TLS (the mock's --tls-cert-out: a certificate it makes at
// start, given to the client as `ca`; h2 picked by ALPN). The mock says which protocol each
// request came on (`x-mock-http-version`).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startMock } from "./mock.mjs";
import { Baseten } from "../../pkg/node.mjs";

const dir = mkdtempSync(path.join(tmpdir(), "baseten-mock-tls-"));
const mocks = [];
after(async () => {
  for (const m of mocks) await m.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Every client method once, each checked for its shape. */
async function everyRoute(client) {
  const { data, response } = await client.predict({ hello: 1 }).withResponse();
  assert.deepEqual(data.hello, 1);
  assert.equal(response.headers.get("x-mock-http-version"), "HTTP/2.0");
  assert.equal(await (await client.predictStream({ stream: true, n: 3, interval_ms: 1 })).text(), "chunk 0\nchunk 1\nchunk 2\n");
  const queued = await client.asyncPredict({ x: 1 });
  assert.equal(typeof queued.requestId, "string");
  assert.equal((await client.asyncRequest(queued.requestId)).request_id, queued.requestId);
  assert.equal(typeof (await client.cancelAsyncRequest(queued.requestId)).canceled, "boolean");
  assert.equal(typeof (await client.asyncQueueStatus()).num_queued_requests, "number");
  await client.wake();
  assert.deepEqual((await client.sync("POST", "items/h2", { a: 1 })).item, { a: 1 });
  const chat = { model: "m", messages: [{ role: "user", content: "hi" }], max_tokens: 4 };
  assert.equal((await client.chat.completions.create(chat)).object, "chat.completion");
  const stream = await client.chat.completions.create({ ...chat, stream: true });
  assert.equal((await stream.finalChatCompletion()).object, "chat.completion");
  assert.equal((await client.completions.create({ model: "m", prompt: "hi", max_tokens: 3 })).object, "text_completion");
  assert.equal((await client.embeddings.create({ model: "m", input: ["a", "b"] })).data.length, 2);
  assert.equal((await client.models.list()).object, "list");
  assert.equal((await client.responses.create({ model: "m", input: "hi" })).object, "response");
  const rs = await client.responses.create({ model: "m", input: "hi", stream: true });
  assert.equal((await rs.finalResponse()).object, "response");
  assert.equal((await client.batchPost("items/h2", [{ a: 1 }, { a: 2 }])).data.length, 2);
  assert.equal((await client.embed(["a", "b", "c"], { model: "m", batchSize: 2 })).data.length, 3);
  assert.equal((await client.rerank("q", ["a", "b"])).data.length, 2);
  assert.equal((await client.classify(["a", "b"])).data.length, 2);
  assert.equal((await client.predictTokens(["Word and more"])).data.length, 1);
}

test("every route over h2c (prior knowledge)", { timeout: 60_000 }, async () => {
  const mock = await startMock(["--token-rate", "0"]);
  mocks.push(mock);
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url, openaiBaseUrl: `${mock.url}/v1`, transport: "node", h2c: true });
  await everyRoute(client);
});

test("every route over h2 with TLS: the mock's certificate made at start, given as `ca`", { timeout: 60_000 }, async () => {
  const certFile = path.join(dir, "cert.pem");
  const mock = await startMock(["--token-rate", "0", "--tls-cert-out", certFile]);
  mocks.push(mock);
  assert.match(mock.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const ca = readFileSync(certFile, "utf8");
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url, openaiBaseUrl: `${mock.url}/v1`, transport: "node", ca });
  await everyRoute(client);
});
