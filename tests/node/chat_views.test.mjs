// The views of one ChatCompletionStream (objects, textStream, toReadableStream,
// finalChatCompletion) through the built package: they share one queue, each behaves after the
// end, early close and abort are told apart, non-ASCII text survives the batch offsets, and a
// finished stream keeps no wasm memory.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startMock } from "./mock.mjs";

let mock;
let Baseten;
let memory;
before(async () => {
  mock = await startMock(["--token-rate", "0"]);
  ({ Baseten } = await import("../../pkg/node.mjs"));
  // initSync() on the module node.mjs already initialised returns its exports.
  ({ memory } = (await import("../../pkg/web/baseten_edge.js")).initSync());
});
after(async () => {
  await mock?.stop();
});

const body = (content, extra = {}) => ({
  model: "mock-model",
  messages: [{ role: "user", content }],
  ...extra,
});
const deltaText = (chunk) => chunk.choices.map((c) => c.delta?.content ?? c.text ?? "").join("");

test("views share one queue: objects, then text, then the final completion", async () => {
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url });
  const prompt = "one two three four five six seven eight";
  const expected = (await client.chat.completions.create(body(prompt))).choices[0].message.content;
  const stream = await client.chat.completions.create(body(prompt, { stream: true }));
  let text = "";
  for (let i = 0; i < 3; i++) {
    const r = await stream.next();
    assert.equal(r.done, false);
    text += deltaText(r.value);
  }
  for await (const t of stream.textStream()) {
    assert.equal(typeof t, "string");
    assert.ok(t.length > 0, "textStream skips chunks without text");
    text += t;
  }
  assert.equal(text, expected);
  const final = await stream.finalChatCompletion();
  assert.equal(final.choices[0].message.content, expected, "the final completion holds every view's chunks");
  assert.deepEqual(await stream.next(), { value: undefined, done: true });
  assert.equal(await new Response(stream.toReadableStream()).text(), "data: [DONE]\n\n");
  assert.equal(stream.status, 200);
  assert.equal(typeof stream.requestId, "string");
});

test("views share one queue: text first, then objects and SSE bytes from the same read", async () => {
  // The mock sends the whole answer in one write at token rate 0, so the text view's first read
  // holds every chunk, and the other views must take the rest of that read in full.
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url });
  const prompt = "alpha beta gamma delta epsilon zeta eta theta";
  const expected = (await client.chat.completions.create(body(prompt))).choices[0].message.content;
  const stream = await client.chat.completions.create(body(prompt, { stream: true }));
  const texts = stream.textStream();
  let text = (await texts.next()).value;
  const chunk = (await stream.next()).value;
  assert.equal(chunk.object, "chat.completion.chunk");
  text += deltaText(chunk);
  const reader = stream.toReadableStream().getReader();
  const event = new TextDecoder().decode((await reader.read()).value);
  assert.match(event, /^data: \{.*\}\n\n$/s);
  text += deltaText(JSON.parse(event.slice("data: ".length)));
  reader.releaseLock();
  for await (const t of texts) text += t;
  assert.equal(text, expected);
});

test("non-ASCII text (accents, CJK, emoji, U+2028) arrives intact in every view", async () => {
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url });
  const prompt = "héllo wörld 你好 🌍🚀 a\u2028b ✓ ñ";
  const expected = (await client.chat.completions.create(body(prompt))).choices[0].message.content;
  assert.match(expected, /🌍/);
  let objects = "";
  for await (const c of await client.chat.completions.create(body(prompt, { stream: true }))) objects += deltaText(c);
  assert.equal(objects, expected);
  let text = "";
  for await (const t of (await client.chat.completions.create(body(prompt, { stream: true }))).textStream()) text += t;
  assert.equal(text, expected);
  const sse = await new Response((await client.chat.completions.create(body(prompt, { stream: true }))).toReadableStream()).text();
  const rebuilt = sse
    .split("\n\n")
    .filter((e) => e && e !== "data: [DONE]")
    .map((e) => deltaText(JSON.parse(e.slice("data: ".length))))
    .join("");
  assert.equal(rebuilt, expected);
});

test("closing early: next() is done, finalChatCompletion() rejects with AbortError", async () => {
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url });
  // Paced, so that the stream is still live when it is closed (a stream whose end already
  // arrived has its completion, and keeps it).
  const stream = await client.chat.completions.create(body("a b c d e f", { stream: true, max_tokens: 200 }), {
    headers: { "x-mock-token-rate": "50" },
  });
  assert.equal((await stream.next()).done, false);
  assert.deepEqual(await stream.return(), { value: undefined, done: true });
  assert.deepEqual(await stream.next(), { value: undefined, done: true });
  await assert.rejects(stream.finalChatCompletion(), { name: "AbortError", kind: "aborted" });
});

test("abort() mid-stream: the pending read and later ones reject with AbortError", async () => {
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url });
  const stream = await client.chat.completions.create(body("x", { stream: true, max_tokens: 200 }), {
    headers: { "x-mock-token-rate": "20" },
  });
  assert.equal((await stream.next()).done, false);
  // Drain what is already buffered, so the next read waits on the network.
  const pending = (async () => {
    for (;;) await stream.next();
  })();
  setTimeout(() => stream.abort(), 100);
  await assert.rejects(pending, { name: "AbortError" });
  await assert.rejects(stream.next(), { name: "AbortError" });
  await assert.rejects(stream.finalChatCompletion(), { name: "AbortError" });
});

test("an error event mid-stream: the chunks before it first, then StreamError, again on later reads", async () => {
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url });
  const stream = await client.chat.completions.create(body("p q r s t u v w", { stream: true }), {
    headers: { "x-mock-fault": "error-event" },
  });
  let chunks = 0;
  let error;
  try {
    for await (const _ of stream) chunks++;
  } catch (e) {
    error = e;
  }
  assert.ok(chunks > 0, "chunks before the error are delivered");
  assert.equal(error?.name, "StreamError");
  assert.match(error.message, /boom/);
  await assert.rejects(stream.next(), { name: "StreamError" });
  await assert.rejects(stream.finalChatCompletion(), { name: "StreamError" });
});

test("finished streams keep no wasm memory: 3,000 chats do not grow it", async () => {
  // An in-memory SSE response, so the loop measures the library, not the network.
  const enc = new TextEncoder();
  const events = [];
  for (let i = 0; i < 20; i++) {
    const delta = i === 0 ? { role: "assistant", content: "" } : { content: `tok${i} ` };
    events.push({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta, finish_reason: i === 19 ? "stop" : null }] });
  }
  const sse = events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("") + "data: [DONE]\n\n";
  const fetch = async () =>
    new Response(new ReadableStream({ start(c) { c.enqueue(enc.encode(sse)); c.close(); } }), {
      headers: { "content-type": "text/event-stream" },
    });
  const client = new Baseten({ apiKey: "k", openaiBaseUrl: "http://in-memory.invalid/v1", fetch });
  const run = async (n) => {
    for (let i = 0; i < n; i++) {
      const s = await client.chat.completions.create(body("m", { stream: true }));
      if (i % 3 === 0) for await (const _ of s);
      else if (i % 3 === 1) for await (const _ of s.textStream());
      else await s.finalChatCompletion();
    }
  };
  await run(300);
  const before = memory.buffer.byteLength;
  await run(3000);
  const grown = memory.buffer.byteLength - before;
  // Without a gc(): nothing may wait for a finaliser. One 64 KiB page of slack for the allocator.
  assert.ok(grown <= 65536, `wasm memory grew by ${grown} bytes over 3,000 chats`);
});
