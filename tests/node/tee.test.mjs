// ChatCompletionStream.tee() through the built package against the mock, and the generic tee of
// streams.js on its own: two independent branches, each with every chunk in order; one may run
// ahead; closing one leaves the other reading; an error reaches both.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startMock } from "./mock.mjs";
import { tee } from "../../src/js/streams.js";

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
/** A chunk as text, without what differs between two requests (`id`, `created`). */
const key = (c) => JSON.stringify({ ...c, id: undefined, created: undefined });
const ids = async (it) => {
  const out = [];
  for await (const c of it) out.push(key(c));
  return out;
};

test("both branches yield every chunk in order, one read after the other", async () => {
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url });
  const plain = await ids(await client.chat.completions.create(chat("one two three four five")));
  const [a, b] = (await client.chat.completions.create(chat("one two three four five"))).tee();
  const left = await ids(a);
  const right = await ids(b);
  assert.deepEqual(left, plain);
  assert.deepEqual(left, right);
  assert.ok(left.length > 3);
});

test("a stream partly read: both branches get the rest, what was buffered included", async () => {
  const client = new Baseten({ apiKey: "test-key", baseUrl: mock.url });
  const plain = await ids(await client.chat.completions.create(chat("one two three four five")));
  const stream = await client.chat.completions.create(chat("one two three four five"));
  const first = key((await stream.next()).value);
  const second = key((await stream.next()).value);
  const [a, b] = stream.tee();
  const left = await ids(a);
  assert.deepEqual([first, second, ...left], plain);
  assert.deepEqual(await ids(b), left);
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

test("the generic tee: order, a branch ahead, independent cancel, errors to both", async () => {
  const source = (items, fail) => {
    let i = 0;
    let pulls = 0;
    const pull = () => {
      pulls++;
      return i < items.length ? Promise.resolve(items[i++]) : fail ? Promise.reject(new Error("boom")) : Promise.resolve(null);
    };
    return { pull, pulls: () => pulls };
  };
  const drain = async (b) => {
    const out = [];
    for (let v = await b.next(); v !== null; v = await b.next()) out.push(v);
    return out;
  };
  const s = source([1, 2, 3]);
  const [a, b] = tee(s.pull);
  assert.deepEqual(await drain(a), [1, 2, 3]);
  assert.deepEqual(await drain(b), [1, 2, 3]);
  assert.equal(s.pulls(), 4, "each result pulled once for both branches");

  const t = source([1, 2, 3, 4]);
  const [c, d] = tee(t.pull);
  assert.equal(await c.next(), 1);
  assert.equal(c.cancel(), false, "the other branch still reads");
  await assert.rejects(c.next(), TypeError);
  assert.deepEqual(await drain(d), [1, 2, 3, 4]);
  assert.equal(d.cancel(), true, "both cancelled: the source may stop");

  const [e, f] = tee(source([1], true).pull);
  await assert.rejects(drain(e), /boom/);
  await assert.rejects(drain(f), /boom/);
});
