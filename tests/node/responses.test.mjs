// client.responses.create (the Responses API) through the package against the mock, in both
// builds: the Response with output_text, the ResponseStream's views (events in order, text,
// the final Response, SSE bytes), function calls, reasoning, incomplete, bridged streams, and
// the stream rules' typed errors.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startMock } from "./mock.mjs";
import * as full from "../../pkg/node.mjs";
import * as chat from "../../pkg/chat/node.mjs";

let mock;
before(async () => {
  mock = await startMock();
});
after(async () => {
  await mock?.stop();
});

const TOOLS = [{ type: "function", name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } }];
const ask = (extra = {}) => ({ model: "mock-model", input: "what is up", max_output_tokens: 6, ...extra });

for (const [build, pkg] of [["full", full], ["chat", chat]]) {
  const client = (opts = {}) => new pkg.Baseten({ apiKey: "test-key", openaiBaseUrl: mock.url + "/v1", ...opts });

  test(`${build}: without stream, the Response with output_text`, async () => {
    const r = await client().responses.create(ask());
    assert.equal(r.object, "response");
    assert.equal(r.status, "completed");
    assert.equal(r.output_text, "Hello! You said: what is up");
    assert.equal(r.output[0].type, "message");
    assert.equal(r.usage.output_tokens, 6);
  });

  test(`${build}: a stream's events in order, its text, and the final Response`, async () => {
    const stream = await client().responses.create(ask({ stream: true }));
    assert.equal(typeof stream.requestId, "string");
    assert.equal(stream.status, 200);
    const types = [];
    let deltas = "";
    for await (const e of stream) {
      types.push(e.type);
      if (e.type === "response.output_text.delta") deltas += e.delta;
    }
    assert.equal(types[0], "response.created");
    assert.equal(types.at(-1), "response.completed");
    assert.ok(types.includes("response.output_item.added") && types.includes("response.output_text.done"), types.join(","));
    assert.equal(deltas, "Hello! You said: what is up");
    const final = await stream.finalResponse();
    assert.equal(final.output_text, deltas);
    assert.equal(final.status, "completed");

    let text = "";
    for await (const t of (await client().responses.create(ask({ stream: true }))).textStream()) text += t;
    assert.equal(text, deltas);
  });

  test(`${build}: toReadableStream re-emits each event with its event: line, and no [DONE]`, async () => {
    const stream = await client().responses.create(ask({ stream: true }));
    const sse = await new Response(stream.toReadableStream()).text();
    const events = sse.split("\n\n").filter(Boolean);
    assert.match(events[0], /^event: response\.created\ndata: \{/);
    assert.match(events.at(-1), /^event: response\.completed\ndata: /);
    assert.ok(!sse.includes("[DONE]"));
    for (const e of events) {
      const [name, data] = e.split("\n");
      assert.equal(JSON.parse(data.slice(6)).type, name.slice(7));
    }
  });

  test(`${build}: a function call's arguments are assembled from their deltas`, async () => {
    const stream = await client().responses.create(ask({ stream: true, input: "weather in Paris", tools: TOOLS }));
    const argDeltas = [];
    for await (const e of stream) if (e.type === "response.function_call_arguments.delta") argDeltas.push(e.delta);
    assert.ok(argDeltas.length > 1, "the arguments came in pieces");
    const final = await stream.finalResponse();
    const call = final.output.find((o) => o.type === "function_call");
    assert.equal(call.name, "get_weather");
    assert.equal(call.arguments, argDeltas.join(""));
    assert.doesNotThrow(() => JSON.parse(call.arguments));
    assert.equal(final.output_text, "");
  });

  test(`${build}: a reasoning model's reasoning item has its text and summary`, async () => {
    const stream = await client().responses.create(ask({ stream: true, model: "mock-reasoner" }));
    const final = await stream.finalResponse();
    const reasoning = final.output.find((o) => o.type === "reasoning");
    assert.ok(reasoning, JSON.stringify(final.output));
    assert.ok(reasoning.summary[0].text.length > 0);
    assert.equal(final.output_text, "Hello! You said: what is up");
  });

  test(`${build}: response.incomplete resolves finalResponse() with its incomplete_details`, async () => {
    const stream = await client().responses.create(ask({ stream: true, max_output_tokens: 2 }));
    const final = await stream.finalResponse();
    assert.equal(final.status, "incomplete");
    assert.deepEqual(final.incomplete_details, { reason: "max_output_tokens" });
    assert.equal(final.output_text, "Hello! You");
  });

  test(`${build}: a bridged stream (no event: lines, data: [DONE]) reads the same`, async () => {
    const stream = await client().responses.create(ask({ stream: true, mock_bridge: true }));
    const final = await stream.finalResponse();
    assert.equal(final.output_text, "Hello! You said: what is up");
  });

  for (const [fault, cls, code] of [
    ["error-event", "StreamError", "server_error"],
    ["response-failed", "StreamError", "server_error"],
    ["truncate", "TruncatedStreamError", "incomplete_stream"],
    ["malformed-json", "DecodeError", "invalid_json"],
  ]) {
    test(`${build}: fault ${fault} is a ${cls} (${code}), after the events before it`, async () => {
      const stream = await client({ maxRetries: 0 }).responses.create(ask({ stream: true }), { headers: { "x-mock-fault": fault } });
      const seen = [];
      await assert.rejects(
        (async () => { for await (const e of stream) seen.push(e.type); })(),
        (e) => {
          assert.ok(e instanceof pkg[cls], `${e?.name}: ${e?.message}`);
          assert.ok(e instanceof pkg.BasetenError);
          assert.equal(e.code, code);
          return true;
        },
      );
      assert.equal(seen[0], "response.created");
      await assert.rejects(stream.finalResponse(), pkg[cls]);
    });
  }
}

test("no model id: responses go to Model APIs (seen through an injected fetch)", async () => {
  const seen = [];
  const fetch = async (url) => {
    seen.push(String(url));
    return new Response(JSON.stringify({ id: "r", object: "response", output: [{ type: "message", content: [{ type: "output_text", text: "hi" }] }] }), { headers: { "content-type": "application/json" } });
  };
  const r = await new full.Baseten({ apiKey: "k", fetch }).responses.create({ model: "deepseek-ai/DeepSeek-V3.1", input: "hi" });
  assert.deepEqual(seen, ["https://inference.baseten.co/v1/responses"]);
  assert.equal(r.output_text, "hi");
});
