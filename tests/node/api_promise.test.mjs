// The response helpers of every single-request call (APIPromise, as openai-node's) through the
// built package against the mock: awaitable as before, asResponse() gives the Response of the
// successful attempt with its body unread, withResponse() gives { data, response, requestId },
// error statuses still reject with the typed error after the retries, and each call sends one
// request whichever helpers are used.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startMock, mockGet } from "./mock.mjs";

let mock;
let Baseten;
let APIError;
before(async () => {
  mock = await startMock(["--token-rate", "0"]);
  ({ Baseten, APIError } = await import("../../pkg/node.mjs"));
});
after(async () => {
  await mock?.stop();
});

let n = 0;
/** A client whose every request carries a fresh fault key, and a count of what it sent. */
function keyed(faults = "") {
  const key = `api-${process.pid}-${Date.now()}-${n++}`;
  const headers = { "x-mock-fault-key": key };
  if (faults) headers["x-mock-fault"] = faults;
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url, openaiBaseUrl: `${mock.url}/v1`, headers });
  const sent = async () => (await mockGet(mock.url, `/__mock/requests?key=${key}`)).length;
  return { client, sent };
}
const chat = (extra = {}) => ({ model: "mock-model", messages: [{ role: "user", content: "hello there" }], ...extra });

test("awaited as before; the promise is a Promise with the helpers", async () => {
  const { client, sent } = keyed();
  const p = client.predict({ prompt: "hi" });
  assert.ok(p instanceof Promise);
  assert.equal(typeof p.asResponse, "function");
  assert.equal(typeof p.withResponse, "function");
  const value = await p;
  assert.equal(typeof value, "object");
  assert.equal(await sent(), 1);
});

test("asResponse(): the Response with its body unread, the user reads it; one request", async () => {
  const { client, sent } = keyed();
  const res = await client.chat.completions.create(chat()).asResponse();
  assert.ok(res instanceof Response);
  assert.equal(res.status, 200);
  assert.equal(res.bodyUsed, false);
  const json = await res.json();
  assert.equal(json.object, "chat.completion");
  assert.equal(await sent(), 1);
});

test("withResponse(): data, the response and its request id", async () => {
  const { client, sent } = keyed();
  const { data, response, requestId } = await client.chat.completions.create(chat()).withResponse();
  assert.equal(data.object, "chat.completion");
  assert.ok(response instanceof Response);
  assert.equal(response.bodyUsed, true);
  assert.equal(typeof requestId, "string");
  assert.equal(requestId, response.headers.get("x-baseten-request-id"));
  assert.equal(data._request_id, requestId);
  assert.equal(await sent(), 1);
});

test("asResponse() then await: one request, the body parsed when the value is asked for", async () => {
  const { client, sent } = keyed();
  const p = client.embeddings.create({ model: "e", input: ["a", "b"] });
  const res = await p.asResponse();
  assert.equal(res.bodyUsed, false);
  const data = await p;
  assert.equal(data.data.length, 2);
  assert.equal(res.bodyUsed, true);
  const again = await p.withResponse();
  assert.equal(again.data, data);
  assert.equal(again.response, res);
  assert.equal(await sent(), 1);
});

test("a value asked for long after the headers came is read then (models.list, asyncPredict)", async () => {
  const { client, sent } = keyed();
  const models = client.models.list();
  const queued = client.asyncPredict({ x: 1 });
  await new Promise((r) => setTimeout(r, 200));
  assert.equal((await models).object, "list");
  assert.equal(typeof (await queued).requestId, "string");
  assert.equal(await sent(), 2);
});

test("error statuses reject with the typed error after the retries, from every helper", async () => {
  const { client, sent } = keyed("fail:1:503,status:404");
  const p = client.predict({ x: 1 });
  await assert.rejects(p.asResponse(), (e) => e instanceof APIError && e.name === "NotFoundError" && e.attempts === 2);
  await assert.rejects(p.withResponse(), { name: "NotFoundError" });
  await assert.rejects(p, { name: "NotFoundError" });
  assert.equal(await sent(), 2);
});

test("retries: the response is the final attempt's", async () => {
  const { client, sent } = keyed("fail:1:503");
  const { data, response } = await client.predict({ x: 1 }).withResponse();
  assert.equal(response.status, 200);
  assert.equal(typeof data, "object");
  assert.equal(await sent(), 2);
});

test("a 2xx body that is not JSON rejects with the typed error, even when read late", async () => {
  const { client } = keyed("malformed-json");
  const p = client.predict({ x: 1 });
  const res = await p.asResponse();
  assert.equal(res.bodyUsed, false);
  await assert.rejects(p, { name: "DecodeError", kind: "decode", status: 200, requestId: res.headers.get("x-baseten-request-id") });
  await assert.rejects(client.predict({ x: 1 }), { name: "DecodeError", status: 200 });
});

test("stream: true with asResponse(): the event stream's Response, unread", async () => {
  const { client, sent } = keyed();
  const res = await client.chat.completions.create(chat({ stream: true })).asResponse();
  assert.equal(res.bodyUsed, false);
  assert.match(res.headers.get("content-type"), /text\/event-stream/);
  const text = await res.text();
  assert.match(text, /data: \[DONE\]/);
  assert.equal(await sent(), 1);
});

test("stream: true with withResponse(): a ChatCompletionStream and the response", async () => {
  const { client, sent } = keyed();
  const { data: stream, response, requestId } = await client.chat.completions.create(chat({ stream: true })).withResponse();
  assert.equal(response.status, 200);
  assert.equal(stream.requestId, requestId);
  const final = await stream.finalChatCompletion();
  assert.match(final.choices[0].message.content, /hello there/);
  assert.equal(await sent(), 1);
});

test("predictStream and sync stream: asResponse() unread, await gives the ByteStream", async () => {
  const { client } = keyed();
  const res = await client.predictStream({ stream: true, n: 3, interval_ms: 1 }).asResponse();
  assert.equal(res.bodyUsed, false);
  assert.ok((await res.text()).length > 0);
  const stream = await client.predictStream({ stream: true, n: 3, interval_ms: 1 });
  assert.ok((await stream.text()).length > 0);
  const sync = client.sync("POST", "v1/chat/completions", chat({ stream: true }), { stream: true });
  const raw = await sync.asResponse();
  assert.equal(raw.bodyUsed, false);
  assert.match(raw.headers.get("content-type"), /text\/event-stream/);
  const bytes = await sync;
  assert.match(await bytes.text(), /data: \[DONE\]/);
  assert.equal(raw.bodyUsed, true);
});

test("a caller's abort still stops a body read after the headers", async () => {
  const { client } = keyed("stall-body:2000");
  const ac = new AbortController();
  const p = client.predict({ x: 1 }, { signal: ac.signal });
  await p.asResponse();
  const t0 = Date.now();
  setTimeout(() => ac.abort(), 50);
  await assert.rejects(p, { name: "AbortError" });
  assert.ok(Date.now() - t0 < 1500);
});

test("the CommonJS entry (node.cjs) too gives WHATWG Responses over the Node transport", async () => {
  const { createRequire } = await import("node:module");
  const cjs = createRequire(import.meta.url)("../../pkg/node.cjs");
  const client = new cjs.Baseten({ apiKey: "test-key", baseUrl: mock.url, openaiBaseUrl: `${mock.url}/v1` });
  const res = await client.chat.completions.create(chat()).asResponse();
  assert.ok(res instanceof Response);
  assert.equal((await res.json()).object, "chat.completion");
  const { response } = await client.chat.completions.create(chat()).withResponse();
  assert.ok(response instanceof Response);
  assert.equal(response.bodyUsed, true);
});
