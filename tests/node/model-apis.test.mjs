// Baseten's Model APIs: a client with no model id, chain id or base URL sends the OpenAI-compatible
// calls to https://inference.baseten.co/v1 (seen here through an injected fetch, so nothing
// leaves the machine), refuses the native routes with a ConfigurationError that says why, and
// reads Model APIs' string-shaped errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as pkg from "../../pkg/node.mjs";
import * as chat from "../../pkg/chat/node.mjs";

/** A fetch that records each request and answers with `reply(url, init)`. */
function recorder(reply) {
  const seen = [];
  const fetch = async (url, init) => {
    seen.push({ url: String(url), method: init?.method ?? "GET", headers: new Headers(init?.headers), body: init?.body });
    return reply(String(url), init);
  };
  return { seen, fetch };
}

const json = (value, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json", "x-request-id": "req-ma-1" } });

const completion = {
  id: "chatcmpl-1", object: "chat.completion", created: 1, model: "deepseek-ai/DeepSeek-V3.1",
  choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
};

test("no model id: chat, completions, embeddings and models go to Model APIs", async () => {
  const r = recorder((url) => json(url.endsWith("/models") ? { object: "list", data: [] } : completion));
  const client = new pkg.Baseten({ apiKey: "sk-model-apis-secret", fetch: r.fetch });
  const out = await client.chat.completions.create({
    model: "deepseek-ai/DeepSeek-V3.1",
    messages: [{ role: "user", content: "hi" }],
  });
  assert.equal(out.choices[0].message.content, "hi");
  await client.completions.create({ model: "deepseek-ai/DeepSeek-V3.1", prompt: "hi" });
  await client.embeddings.create({ model: "baseten/embed", input: "hi" });
  await client.models.list();
  assert.deepEqual(r.seen.map((s) => `${s.method} ${s.url}`), [
    "POST https://inference.baseten.co/v1/chat/completions",
    "POST https://inference.baseten.co/v1/completions",
    "POST https://inference.baseten.co/v1/embeddings",
    "GET https://inference.baseten.co/v1/models",
  ]);
  assert.equal(r.seen[0].headers.get("authorization"), "Bearer sk-model-apis-secret");
  assert.equal(JSON.parse(r.seen[0].body).model, "deepseek-ai/DeepSeek-V3.1");
});

test("the chat build calls Model APIs too", async () => {
  const r = recorder(() => json(completion));
  const client = new chat.Baseten({ apiKey: "k", fetch: r.fetch });
  await client.chat.completions.create({ model: "moonshotai/Kimi-K2-Instruct", messages: [] });
  assert.equal(r.seen[0].url, "https://inference.baseten.co/v1/chat/completions");
});

test("authScheme api-key sends Api-Key, as Frontier Gateway federated keys need", async () => {
  const r = recorder(() => json(completion));
  const client = new pkg.Baseten({ apiKey: "fed-key-secret", authScheme: "api-key", fetch: r.fetch });
  await client.chat.completions.create({ model: "m", messages: [] });
  assert.equal(r.seen[0].url, "https://inference.baseten.co/v1/chat/completions");
  assert.equal(r.seen[0].headers.get("authorization"), "Api-Key fed-key-secret");
});

test("openaiBaseUrl still overrides the base", async () => {
  const r = recorder(() => json(completion));
  const client = new pkg.Baseten({ apiKey: "k", openaiBaseUrl: "https://gateway.example/v1/", fetch: r.fetch });
  await client.chat.completions.create({ model: "m", messages: [] });
  assert.equal(r.seen[0].url, "https://gateway.example/v1/chat/completions");
});

test("a model id keeps the model's own sync/v1 base", async () => {
  const r = recorder(() => json(completion));
  const client = new pkg.Baseten({ apiKey: "k", modelId: "abc123", fetch: r.fetch });
  await client.chat.completions.create({ model: "m", messages: [] });
  assert.equal(r.seen[0].url, "https://model-abc123.api.baseten.co/environments/production/sync/v1/chat/completions");
});

test("the native routes need a model or chain id, and say so without sending anything", async () => {
  const r = recorder(() => json({}));
  const client = new pkg.Baseten({ apiKey: "sk-model-apis-secret", fetch: r.fetch });
  const calls = {
    predict: () => client.predict({ x: 1 }),
    asyncPredict: () => client.asyncPredict({ x: 1 }, { webhookEndpoint: "https://hook.example/x" }),
    asyncRequest: () => client.asyncRequest("r1"),
    wake: () => client.wake(),
    sync: () => client.sync("GET", "health"),
  };
  for (const [name, call] of Object.entries(calls)) {
    await assert.rejects(call(), (e) => {
      assert.ok(e instanceof pkg.ConfigurationError, `${name}: ${e}`);
      assert.match(e.message, /needs a model or chain id: set modelId or chainId/, name);
      assert.ok(!e.message.includes("sk-model-apis-secret"));
      return true;
    });
  }
  assert.equal(r.seen.length, 0);
});

test("Model APIs' string-shaped errors become typed errors carrying the text", async () => {
  const r = recorder(() => json({ error: "Model deepseek-ai/Nope not found" }, 404));
  const client = new pkg.Baseten({ apiKey: "k", fetch: r.fetch, maxRetries: 0 });
  await assert.rejects(client.chat.completions.create({ model: "deepseek-ai/Nope", messages: [] }), (e) => {
    assert.ok(e instanceof pkg.NotFoundError, String(e));
    assert.ok(e instanceof pkg.APIError);
    assert.equal(e.status, 404);
    assert.equal(e.message, "Model deepseek-ai/Nope not found");
    assert.equal(e.requestId, "req-ma-1");
    return true;
  });
});
