// The embedding server's routes (BEI) through the package against the mock, which, like the real
// server, refuses more than 128 inputs in one request with a 413: `predictTokens`, and the batch
// size of embed, rerank, classify and predictTokens held to 128 before anything is sent.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startMock } from "./mock.mjs";
import { Baseten, ConfigurationError } from "../../pkg/node.mjs";

let mock;
let client;
before(async () => {
  mock = await startMock();
  client = new Baseten({ apiKey: "test-key", baseUrl: mock.url, openaiBaseUrl: mock.url + "/v1" });
});
after(async () => {
  await mock?.stop();
});

test("predictTokens: one token list per input, in input order, across requests", async () => {
  const texts = Array.from({ length: 7 }, (_, i) => `Word${i} and more ${i}`);
  const res = await client.predictTokens(texts, { batchSize: 3, rawScores: false });
  assert.equal(res.data.length, 7);
  res.data.forEach((tokens, i) => {
    assert.deepEqual(tokens.map((t) => t.token), [`Word${i}`, "and", "more", `${i}`]);
    assert.equal(typeof tokens[0].results.ENTITY, "number");
  });
  assert.deepEqual(res.individualRequestInputs, [[0, 3], [3, 6], [6, 7]]);
});

test("300 inputs at the default batch size: three requests, none refused", async () => {
  const texts = Array.from({ length: 300 }, (_, i) => `t${i}`);
  for (const call of [
    () => client.embed(texts, { model: "m" }),
    () => client.rerank("q", texts),
    () => client.classify(texts),
    () => client.predictTokens(texts),
  ]) {
    const res = await call();
    assert.deepEqual(res.individualRequestInputs, [[0, 128], [128, 256], [256, 300]]);
    assert.equal(res.data.length, 300);
  }
});

test("a batchSize over 128 is a ConfigurationError that says why, and sends nothing", async () => {
  const calls = {
    embed: (o) => client.embed(["a"], { model: "m", ...o }),
    rerank: (o) => client.rerank("q", ["a"], o),
    classify: (o) => client.classify(["a"], o),
    predictTokens: (o) => client.predictTokens(["a"], o),
  };
  for (const [name, call] of Object.entries(calls)) {
    await assert.rejects(call({ batchSize: 129 }), (e) => {
      assert.ok(e instanceof ConfigurationError, `${name}: ${e}`);
      assert.match(e.message, new RegExp(`batchSize 129 is too large for ${name}: .*more than 128 inputs in one request \\(413\\)`));
      return true;
    });
    for (const bad of [0, 2.5]) {
      await assert.rejects(call({ batchSize: bad }), { name: "ConfigurationError", message: `batchSize must be a whole number from 1 to 128 for ${name}` });
    }
    await assert.rejects(call({ batchSize: 2000 }), { message: new RegExp(`^batchSize 2000 is too large for ${name}`) });
    const ok = await call({ batchSize: 128 });
    assert.equal(ok.data.length, 1, name);
  }
  // batchPost talks to any route: its range stays 1..1024.
  const res = await client.batchPost("items/bs", [{ a: 1 }], { batchSize: 1024 });
  assert.equal(res.data.length, 1);
});

test("the server's own 413 reaches the caller as a typed error (batchPost has no such limit)", async () => {
  const many = Array.from({ length: 129 }, (_, i) => `t${i}`);
  await assert.rejects(client.batchPost("predict", [{ inputs: many }]), (e) => {
    assert.equal(e.status, 413);
    assert.match(e.message, /batch size 129 > maximum allowed batch size 128/);
    return true;
  });
});
