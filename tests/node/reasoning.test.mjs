// Reasoning ("thinking") in chat streams, through the package against the mock: models whose
// name says so think first, in `delta.reasoning_content` (Baseten's Model APIs) or, with "vllm"
// in the name, `delta.reasoning`. reasoningStream() yields the thinking, textStream() only the
// answer, and the final completion carries both under the name the server used.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startMock } from "./mock.mjs";
import { Baseten } from "../../pkg/node.mjs";
import { Baseten as ChatOnly } from "../../pkg/chat/node.mjs";

let mock;
before(async () => {
  mock = await startMock();
});
after(async () => {
  await mock?.stop();
});

const THINKING = "The user said 3 words. I will answer kindly.";
const ANSWER = "Hello! You said: why is sky";
const body = (model, extra = {}) => ({
  model,
  messages: [{ role: "user", content: "why is sky" }],
  max_tokens: 6,
  ...extra,
});

for (const [model, field] of [["deepseek-reasoner", "reasoning_content"], ["qwen-thinking-vllm", "reasoning"]]) {
  for (const Client of [Baseten, ChatOnly]) {
    const client = () => new Client({ apiKey: "test-key", openaiBaseUrl: mock.url + "/v1" });
    const build = Client === Baseten ? "full" : "chat";

    test(`${build}, ${model}: reasoningStream() is the thinking, textStream() the answer`, async () => {
      let thinking = "";
      for await (const t of (await client().chat.completions.create(body(model, { stream: true }))).reasoningStream()) thinking += t;
      assert.equal(thinking, THINKING);
      let text = "";
      for await (const t of (await client().chat.completions.create(body(model, { stream: true }))).textStream()) text += t;
      assert.equal(text, ANSWER);
    });

    test(`${build}, ${model}: the final completion has both, under the server's name (${field})`, async () => {
      const stream = await client().chat.completions.create(body(model, { stream: true }));
      const first = await stream.next();
      assert.equal(first.value.choices[0].delta.role, "assistant");
      const done = await stream.finalChatCompletion();
      const message = done.choices[0].message;
      assert.equal(message[field], THINKING);
      assert.equal(message.content, ANSWER);
      const other = field === "reasoning" ? "reasoning_content" : "reasoning";
      assert.equal(message[other], undefined);
      const plain = await client().chat.completions.create(body(model));
      assert.equal(plain.choices[0].message[field], THINKING);
      assert.equal(plain.choices[0].message.content, ANSWER);
    });
  }
}

test("a model that does not reason: reasoningStream() ends with nothing", async () => {
  const client = new Baseten({ apiKey: "test-key", openaiBaseUrl: mock.url + "/v1" });
  const parts = [];
  for await (const t of (await client.chat.completions.create(body("mock-model", { stream: true }))).reasoningStream()) parts.push(t);
  assert.deepEqual(parts, []);
});

test("reading objects, thinking and answer can be told apart chunk by chunk", async () => {
  const client = new Baseten({ apiKey: "test-key", openaiBaseUrl: mock.url + "/v1" });
  const order = [];
  for await (const chunk of await client.chat.completions.create(body("deepseek-reasoner", { stream: true }))) {
    const d = chunk.choices[0]?.delta ?? {};
    if (d.reasoning_content) order.push("think");
    if (d.content) order.push("answer");
  }
  const firstAnswer = order.indexOf("answer");
  assert.ok(firstAnswer > 0 && order.lastIndexOf("think") < firstAnswer, order.join(","));
});
