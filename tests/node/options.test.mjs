// The option tables (core::options, as pkg/cli-tables.json carries them) against the built
// package: every call refuses a misspelt option, and every option of every table is read (a
// value of the wrong type is refused with an error naming it), all before any request.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startMock, mockGet } from "./mock.mjs";
import * as lib from "../../pkg/node.mjs";
import { readFileSync } from "node:fs";

const { tables: TABLES } = JSON.parse(readFileSync(new URL("../../pkg/cli-tables.json", import.meta.url), "utf8"));

let mock;
let client;
before(async () => {
  mock = await startMock();
  client = new lib.Baseten({ apiKey: "test-key", baseUrl: mock.url, openaiBaseUrl: mock.url + "/v1" });
});
after(async () => {
  await mock?.stop();
});

const body = JSON.stringify({ request_id: "r", time: new Date().toISOString() });
const chat = { model: "m", messages: [{ role: "user", content: "hi" }] };

/** Every call that takes an options object, by the table of that object. */
const CALLS = {
  client: [["new Baseten", (o) => new lib.Baseten({ baseUrl: mock.url, ...o })]],
  call: [
    ["predict", (o) => client.predict({}, o)],
    ["predictStream", (o) => client.predictStream({}, o)],
    ["asyncRequest", (o) => client.asyncRequest("r1", o)],
    ["cancelAsyncRequest", (o) => client.cancelAsyncRequest("r1", o)],
    ["asyncQueueStatus", (o) => client.asyncQueueStatus(o)],
    ["wake", (o) => client.wake(o)],
    ["chat.completions.create", (o) => client.chat.completions.create(chat, o)],
    ["chat.completions.create stream", (o) => client.chat.completions.create({ ...chat, stream: true }, o)],
    ["completions.create", (o) => client.completions.create({ model: "m", prompt: "p" }, o)],
    ["embeddings.create", (o) => client.embeddings.create({ model: "m", input: "a" }, o)],
    ["models.list", (o) => client.models.list(o)],
  ],
  sync: [["sync", (o) => client.sync("GET", "/items/1", undefined, o)]],
  async_predict: [["asyncPredict", (o) => client.asyncPredict({}, o)]],
  retry_config: [["asyncPredict inferenceRetryConfig", (o) => client.asyncPredict({}, { inferenceRetryConfig: o })]],
  wait: [["waitForAsyncRequest", (o) => client.waitForAsyncRequest("r1", o)]],
  batch: [["batchPost", (o) => client.batchPost("r", [{}], o)]],
  embed: [["embed", (o) => client.embed(["a"], { model: "m", ...o })]],
  rerank: [["rerank", (o) => client.rerank("q", ["a"], o)]],
  classify: [["classify", (o) => client.classify(["a"], o)], ["predictTokens", (o) => client.predictTokens(["a"], o)]],
  webhook: [["verifyWebhook", (o) => lib.verifyWebhook(body, "v1=00", "s", o)]],
  proxy_token: [["verifyProxyToken", (o) => lib.verifyProxyToken("a.b", "s", o)]],
  websocket: [["websocket", (o) => client.websocket(o).then((ws) => ws.close())]],
};

/** A value of the wrong type for each option type. */
const WRONG = {
  Str: 12, OneOf: "neither", Num: "1", Ints: "1", Millis: -1, Limit: "1", Bool: "yes", Signal: {},
  Headers: 7, Fetch: "fetch", Progress: 1, Time: "now", Table: 3, SocketClass: "WebSocket",
};

/** The error `call(options)` fails with (thrown or rejected), or null. */
async function failure(call, options) {
  try {
    await call(options);
    return null;
  } catch (e) {
    return e;
  }
}

test("every table has its calls here, and every method of the client is among them", () => {
  assert.deepEqual(Object.keys(CALLS).sort(), Object.keys(TABLES).sort());
  const listed = new Set(Object.values(CALLS).flat().map(([name]) => name.split(" ")[0]));
  const proto = lib.Baseten.prototype;
  const methods = Object.getOwnPropertyNames(proto).filter((n) => typeof Object.getOwnPropertyDescriptor(proto, n).value === "function");
  for (const m of methods) {
    if (["constructor", "free", "__destroy_into_raw"].includes(m)) continue;
    assert.ok(listed.has(m), `${m}: a method whose options this file does not check`);
  }
  // The OpenAI-compatible views: every method of each.
  for (const view of ["chat.completions", "completions", "embeddings", "models"]) {
    const obj = view.split(".").reduce((o, k) => o[k], client);
    for (const m of Object.getOwnPropertyNames(Object.getPrototypeOf(obj))) {
      if (typeof obj[m] !== "function" || ["constructor", "free", "__destroy_into_raw"].includes(m)) continue;
      assert.ok(listed.has(`${view}.${m}`), `${view}.${m}: a method whose options this file does not check`);
    }
  }
});

test("every call refuses a misspelt option with a ConfigurationError naming it, and sends nothing", async () => {
  const before = (await mockGet(mock.url, "/__mock/requests?limit=1000000")).length;
  for (const [id, calls] of Object.entries(CALLS)) {
    for (const [name, call] of calls) {
      for (const key of ["timeoutMS", "maxRetry", "signaal"]) {
        const e = await failure(call, { [key]: 1 });
        assert.ok(e instanceof lib.ConfigurationError, `${name} (${id}) with ${key}: ${e}`);
        assert.ok(e instanceof lib.BasetenError);
        assert.match(e.message, new RegExp(`unknown option "${key}"`), name);
      }
    }
  }
  assert.equal((await mockGet(mock.url, "/__mock/requests?limit=1000000")).length, before, "no request reached the mock");
});

test("every option of every table is read: a wrong type is refused, naming the option", async () => {
  let checked = 0;
  for (const [id, table] of Object.entries(TABLES)) {
    const fields = [];
    for (let t = table; t; t = t.extends && Object.values(TABLES).find((x) => x.name === t.extends)) {
      fields.push(...t.fields);
    }
    for (const field of fields) {
      const wrong = WRONG[field.ty.t];
      assert.ok(wrong !== undefined, `a wrong value for type ${field.ty.t}`);
      for (const [name, call] of CALLS[id]) {
        const e = await failure(call, { [field.key]: wrong });
        assert.ok(e instanceof lib.ConfigurationError, `${name} with ${field.key}: ${JSON.stringify(wrong)}: ${e}`);
        assert.match(e.message, new RegExp(`\\.${field.key} must be`), `${name}: ${e.message}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 100, `${checked} options checked`);
});
