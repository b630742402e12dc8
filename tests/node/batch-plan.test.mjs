// The batch plan comes with the result (`individualRequestInputs`): the inputs each request
// carried, in request order, so that callers (the playground) never recompute it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startMock } from "./mock.mjs";
import { Baseten } from "../../pkg/node.mjs";

let mock;
let client;
before(async () => {
  mock = await startMock();
  client = new Baseten({ apiKey: "test-key", baseUrl: mock.url, openaiBaseUrl: mock.url + "/v1" });
});
after(async () => {
  await mock?.stop();
});

test("embed: batchSize inputs a request, in order, one range per request time", async () => {
  const texts = Array.from({ length: 10 }, (_, i) => `text ${i}`);
  const res = await client.embed(texts, { model: "m", batchSize: 3 });
  assert.deepEqual(res.individualRequestInputs, [[0, 3], [3, 6], [6, 9], [9, 10]]);
  assert.equal(res.individualRequestTimesMs.length, 4);
});

test("maxCharsPerRequest splits by characters, and the default batch size is the library's", async () => {
  const texts = ["a".repeat(40), "b".repeat(40), "c".repeat(40), "d"];
  const res = await client.classify(texts, { maxCharsPerRequest: 50 });
  assert.deepEqual(res.individualRequestInputs, [[0, 1], [1, 2], [2, 4]]);
  const many = await client.rerank("q", Array.from({ length: 300 }, (_, i) => `t${i}`));
  assert.deepEqual(many.individualRequestInputs, [[0, 128], [128, 256], [256, 300]]);
});

test("batchPost: one payload a request", async () => {
  const res = await client.batchPost("items/plan", [{ a: 1 }, { a: 2 }, { a: 3 }]);
  assert.deepEqual(res.individualRequestInputs, [[0, 1], [1, 2], [2, 3]]);
});
