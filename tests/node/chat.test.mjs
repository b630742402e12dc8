// Streaming chat through the built package in Node, as openai-node users write it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startMock, mockGet } from "./mock.mjs";

let mock;
let Baseten;
before(async () => {
  mock = await startMock(["--token-rate", "0"]);
  ({ Baseten } = await import("./client.mjs"));
});
after(async () => {
  await mock?.stop();
});

const body = (extra = {}) => ({
  model: "mock-model",
  messages: [{ role: "user", content: "stream me" }],
  ...extra,
});

test("for await over chat.completions.create({ stream: true })", async () => {
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url });
  const stream = await client.chat.completions.create(body({ stream: true, stream_options: { include_usage: true } }));
  let text = "";
  let usage = null;
  let finish = null;
  for await (const chunk of stream) {
    for (const c of chunk.choices) {
      text += c.delta?.content ?? "";
      finish = c.finish_reason ?? finish;
    }
    usage = chunk.usage ?? usage;
  }
  assert.match(text, /stream me/);
  assert.equal(finish, "stop");
  assert.ok(usage.total_tokens > 0);
  const last = await mockGet(mock.url, "/__mock/last");
  assert.equal(last.path, "/environments/production/sync/v1/chat/completions");
  assert.equal(last.headers.accept, "text/event-stream");
});

test("textStream, finalChatCompletion and an SSE ReadableStream for proxying", async () => {
  const client = new Baseten({ apiKey: "test-key", openaiBaseUrl: `${mock.url}/v1` });
  const plain = await client.chat.completions.create(body());
  const expected = plain.choices[0].message.content;

  let text = "";
  for await (const delta of (await client.chat.completions.create(body({ stream: true }))).textStream()) text += delta;
  assert.equal(text, expected);

  const final = await (await client.chat.completions.create(body({ stream: true }))).finalChatCompletion();
  assert.equal(final.choices[0].message.content, expected);
  assert.equal(final.choices[0].message.role, "assistant");

  const sse = await new Response((await client.chat.completions.create(body({ stream: true }))).toReadableStream()).text();
  const events = sse.split("\n\n").filter(Boolean);
  assert.equal(events.at(-1), "data: [DONE]");
  const rebuilt = events
    .slice(0, -1)
    .map((e) => JSON.parse(e.slice("data: ".length)))
    .map((c) => c.choices[0]?.delta?.content ?? "")
    .join("");
  assert.equal(rebuilt, expected);
});

test("a truncated stream rejects with TruncatedStreamError, never ends quietly", async () => {
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url });
  const stream = await client.chat.completions.create(body({ stream: true }), { headers: { "x-mock-fault": "truncate" } });
  await assert.rejects(async () => {
    for await (const _ of stream);
  }, { name: "TruncatedStreamError" });
});

test("breaking out of the loop aborts the upstream request", async () => {
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url });
  const stream = await client.chat.completions.create(body({ stream: true, max_tokens: 200 }), {
    headers: { "x-mock-token-rate": "20" },
  });
  const t0 = Date.now();
  for await (const _ of stream) break;
  assert.equal((await stream.next()).done, true);
  assert.ok(Date.now() - t0 < 2000, "did not wait for 200 tokens at 20/s");
});
