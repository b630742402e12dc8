// ChatCompletionStream.tee() through the built package against the mock, and the generic tee of
// streams.js on its own: two independent branches, each with every chunk in order; one may run
// ahead; closing one leaves the other reading; an error reaches both.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startMock } from "./mock.mjs";
import { teeIterator } from "../../src/js/streams.js";

let mock;
let Baseten;
before(async () => {
  mock = await startMock(["--token-rate", "0"]);
  ({ Baseten } = await import("../../pkg/node.mjs"));
});
after(async () => {
  await mock?.stop();
});

const chat = (content, extra = {}) => ({ model: "mock-model", messages: [{ role: "user", content }], stream: true, ...extra });
const ids = async (it) => {
  const out = [];
  for await (const c of it) out.push(JSON.stringify(c));
  return out;
};

test("both branches yield every chunk in order, one read after the other", async () => {
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url });
  const plain = await ids(await client.chat.completions.create(chat("one two three four five")));
  const [a, b] = (await client.chat.completions.create(chat("one two three four five"))).tee();
  const left = await ids(a);
  const right = await ids(b);
  assert.equal(left.length, plain.length);
  assert.deepEqual(left, right);
  assert.ok(left.length > 3);
});

test("branches read concurrently at different speeds; each has the views of a stream", async () => {
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url });
  const stream = await client.chat.completions.create(chat("alpha beta gamma delta"), { headers: { "x-mock-token-rate": "200" } });
  const [a, b] = stream.tee();
  assert.equal(a.requestId, stream.requestId);
  const slow = (async () => {
    let text = "";
    for await (const d of b.textStream()) {
      text += d;
      await new Promise((r) => setTimeout(r, 15));
    }
    return text;
  })();
  const final = await a.finalChatCompletion();
  assert.equal(await slow, final.choices[0].message.content);
  await assert.rejects(stream.next(), TypeError);
});

test("toReadableStream() on a branch gives SSE; the other branch still reads", async () => {
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url });
  const [a, b] = (await client.chat.completions.create(chat("log me forward me"))).tee();
  const sse = await new Response(a.toReadableStream()).text();
  assert.match(sse, /data: \[DONE\]\n\n$/);
  const final = await b.finalChatCompletion();
  assert.match(final.choices[0].message.content, /forward me/);
});

test("closing one branch early leaves the other reading to the end", async () => {
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url });
  const stream = await client.chat.completions.create(chat("a b c d e f g h", { max_tokens: 40 }), {
    headers: { "x-mock-token-rate": "200" },
  });
  const [a, b] = stream.tee();
  for await (const _ of a) break;
  assert.deepEqual(await a.next(), { value: undefined, done: true });
  const final = await b.finalChatCompletion();
  assert.equal(final.choices[0].finish_reason !== undefined, true);
});

test("closing both branches aborts the request", async () => {
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url });
  const stream = await client.chat.completions.create(chat("x", { max_tokens: 200 }), { headers: { "x-mock-token-rate": "20" } });
  const [a, b] = stream.tee();
  const t0 = Date.now();
  for await (const _ of a) break;
  for await (const _ of b) break;
  await assert.rejects(b.finalChatCompletion(), { name: "AbortError" });
  assert.ok(Date.now() - t0 < 2000, "did not wait for 200 tokens at 20/s");
});

test("an error reaches both branches", async () => {
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url });
  const stream = await client.chat.completions.create(chat("x y z"), { headers: { "x-mock-fault": "truncate" } });
  const [a, b] = stream.tee();
  await assert.rejects(ids(a), { name: "TruncatedStreamError" });
  await assert.rejects(ids(b), { name: "TruncatedStreamError" });
});

test("generic teeIterator: order, independent cancel, errors to both", async () => {
  let returned = 0;
  const src = (items, fail) => {
    let i = 0;
    return {
      next: () => (i < items.length ? Promise.resolve({ value: items[i++], done: false })
        : fail ? Promise.reject(new Error("boom")) : Promise.resolve({ value: undefined, done: true })),
      return: () => { returned++; return Promise.resolve({ value: undefined, done: true }); },
    };
  };
  const [a, b] = teeIterator(src([1, 2, 3]));
  const got = [];
  for await (const v of a) got.push(v);
  assert.deepEqual(got, [1, 2, 3]);
  const gotB = [];
  for await (const v of b) gotB.push(v);
  assert.deepEqual(gotB, [1, 2, 3]);

  const [c, d] = teeIterator(src([1, 2, 3, 4]));
  assert.equal((await c.next()).value, 1);
  await c.return();
  assert.equal(returned, 0, "the source runs on for the other branch");
  const rest = [];
  for await (const v of d) rest.push(v);
  assert.deepEqual(rest, [1, 2, 3, 4]);

  const [e, f] = teeIterator(src([1], true));
  await assert.rejects(async () => { for await (const _ of e); }, /boom/);
  await assert.rejects(async () => { for await (const _ of f); }, /boom/);

  const [g, h] = teeIterator(src([1, 2]));
  await g.return();
  await h.return();
  assert.equal(returned, 1, "the source stops once both are closed");
  const bytes = await new Response(teeIterator(src([new Uint8Array([104, 105])]))[0].toReadableStream()).text();
  assert.equal(bytes, "hi");
});
