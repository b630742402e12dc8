// examples/worker routing several deployments by public `org/model` names (MODELS), in workerd
// (Miniflare) against the mock, whose request log shows where each request went: a model's
// environment and a pinned deployment on BASETEN_BASE_URL, and Model APIs
// (BASETEN_MODEL_APIS_BASE_URL); servedModelName rewriting; unknown names; fallbacks on a 503 or
// 429 before the body, and none once a stream has started; MODELS checked with a clear 500.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { MODELS, SECRET, caller, startGateway, tagUpstream } from "./lib/gateway.mjs";
import { ROOT } from "./lib/harness.mjs";

let gw;
let call;
before(async () => {
  gw = await startGateway("gateway-models", { PROXY_AUTH_SECRET: SECRET, MODELS: JSON.stringify(MODELS) });
  call = caller(gw);
}, { timeout: 180_000 });
after(() => gw?.stop(), { timeout: 30_000 });

/** POST `path` with `body` and a fresh token (each request its own rate-limit budget). */
const post = (path, body) =>
  call(path, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${gw.token()}` }, body: JSON.stringify(body) });
const chat = (model, extra = {}) => post("/v1/chat/completions", { model, messages: [{ role: "user", content: "route" }], max_tokens: 4, ...extra });

test("each public name goes to its own upstream: an environment, a deployment, Model APIs", { timeout: 60_000 }, async () => {
  const upstream = tagUpstream(gw);
  const answers = [];
  for (const model of ["acme/llama-3-70b", "acme/fast", "deepseek-ai/DeepSeek-V3.1"]) {
    const res = await chat(model);
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get("x-proxy-model"), model);
    answers.push((await res.json()).choices[0].message.content);
  }
  assert.deepEqual(answers, Array(3).fill("Hello! You said: route"));
  const embed = await post("/v1/embeddings", { model: "acme/fast", input: ["a b", "c"] });
  assert.equal(embed.status, 200);
  assert.equal((await embed.json()).data.length, 2);
  const resp = await post("/v1/responses", { model: "deepseek-ai/DeepSeek-V3.1", input: "hi", max_output_tokens: 3 });
  assert.equal(resp.status, 200);
  assert.equal((await resp.json()).object, "response");
  const completion = await post("/v1/completions", { model: "acme/llama-3-70b", prompt: "p", max_tokens: 2 });
  assert.equal(completion.status, 200);

  const seen = (await upstream()).map((r) => [r.path, JSON.parse(r.body).model, r.headers.authorization]);
  assert.deepEqual(seen, [
    ["/environments/staging/sync/v1/chat/completions", "llama-3-70b", "Bearer test-key"], // servedModelName
    ["/deployment/dep1/sync/v1/chat/completions", "acme/fast", "Bearer test-key"],
    ["/v1/chat/completions", "deepseek-ai/DeepSeek-V3.1", "Bearer test-key"],
    ["/deployment/dep1/sync/v1/embeddings", "acme/fast", "Bearer test-key"],
    ["/v1/responses", "deepseek-ai/DeepSeek-V3.1", "Bearer test-key"],
    ["/environments/staging/sync/v1/completions", "llama-3-70b", "Bearer test-key"],
  ]);
});

test("streams are routed too: chat and responses events pass through", { timeout: 60_000 }, async () => {
  const upstream = tagUpstream(gw);
  const res = await chat("acme/fast", { stream: true });
  assert.match(res.headers.get("content-type"), /^text\/event-stream/);
  const text = await res.text();
  assert.ok(text.trimEnd().endsWith("data: [DONE]"), text);
  const resp = await post("/v1/responses", { model: "deepseek-ai/DeepSeek-V3.1", input: "hi", stream: true, max_output_tokens: 3 });
  const events = await resp.text();
  assert.match(events, /response\.output_text\.delta/);
  assert.match(events, /response\.(completed|incomplete)/);
  assert.deepEqual((await upstream()).map((r) => r.path), ["/deployment/dep1/sync/v1/chat/completions", "/v1/responses"]);
});

test("an unknown name, or none: 404 listing the known names, no upstream call", { timeout: 30_000 }, async () => {
  const upstream = tagUpstream(gw);
  for (const model of ["acme/unknown", undefined]) {
    const res = await chat(model);
    assert.equal(res.status, 404);
    const { error } = await res.json();
    assert.equal(error.code, "model_not_found");
    assert.deepEqual(error.known, Object.keys(MODELS));
    assert.match(error.message, /acme\/fast/);
  }
  assert.deepEqual(await upstream(), []);
});

test("fallbacks: a 503 or 429 before the body moves on to the next route, streamed or not", { timeout: 60_000 }, async () => {
  for (const [fault, stream] of [["fail:1:503", false], ["fail:1:503", true], ["fail:1:429", false]]) {
    const upstream = tagUpstream(gw, fault);
    const res = await chat("acme/llama-3-70b", { stream });
    assert.equal(res.status, 200, `${fault}: ${await res.clone().text()}`);
    assert.equal(res.headers.get("x-proxy-model"), "acme/fast", "the fallback answered");
    const body = await res.text();
    if (stream) assert.match(body, /"content":"route"[\s\S]*data: \[DONE\]\n\n$/);
    else assert.equal(JSON.parse(body).choices[0].message.content, "Hello! You said: route");
    const seen = (await upstream()).map((r) => [r.path, JSON.parse(r.body).model]);
    assert.deepEqual(seen, [
      ["/environments/staging/sync/v1/chat/completions", "llama-3-70b"], // refused at once: no retry on this route
      ["/deployment/dep1/sync/v1/chat/completions", "acme/fast"],
    ], fault);
  }
  // A client error is not the route's fault: no fallback.
  const upstream = tagUpstream(gw, "fail:1:422");
  const res = await chat("acme/llama-3-70b");
  assert.equal(res.status, 422);
  assert.equal((await upstream()).length, 1);
  gw.recorder.inject({});
});

test("fallbacks: a stream that has started is never switched", { timeout: 60_000 }, async () => {
  const upstream = tagUpstream(gw, "disconnect-mid-stream");
  const res = await chat("acme/llama-3-70b", { stream: true, max_tokens: 12 });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("x-proxy-model"), "acme/llama-3-70b");
  const body = await res.text();
  assert.match(body, /data: \{/, "the first route's events arrived");
  assert.match(body, /event: error\ndata: /, "then its failure, as an SSE error event");
  assert.ok(!body.includes("[DONE]"));
  gw.recorder.inject({});
  const seen = (await upstream()).map((r) => r.path);
  assert.deepEqual(seen, ["/environments/staging/sync/v1/chat/completions"], "no request to the fallback");
});

test("MODELS is checked at first use: a bad entry is a 500 naming it (never the key)", { timeout: 60_000 }, async () => {
  const { modelRoutes } = await import(join(ROOT, "examples/worker/src/models.js"));
  const bad = [
    ["{not json", /MODELS is not valid JSON/],
    ["[]", /MODELS must be a JSON object/],
    [{ "a/b": { modelId: "x", deployement: "d" } }, /"a\/b": unknown field "deployement"/],
    [{ "a/b": { environment: "staging" } }, /"a\/b" needs exactly one of modelId and "modelApis": true/],
    [{ "a/b": { modelId: "x", modelApis: true } }, /"a\/b" needs exactly one/],
    [{ "a/b": { modelId: "x", environment: "e", deployment: "d" } }, /"a\/b": environment and deployment exclude each other/],
    [{ "a/b": { modelId: "x", fallbacks: ["c/d"] } }, /"a\/b": fallback "c\/d" is not a name in MODELS/],
    [{ "a/b": { modelId: "x", fallbacks: ["a/b"] } }, /"a\/b": it cannot be its own fallback/],
    [{ "a/b": { modelApis: "yes" } }, /"a\/b": modelApis must be true/],
  ];
  for (const [value, message] of bad) {
    assert.throws(() => modelRoutes({ MODELS: typeof value === "string" ? value : JSON.stringify(value) }), (e) => e.httpStatus === 500 && message.test(e.message), String(message));
  }
  assert.equal(modelRoutes({}), null, "no MODELS: the single-model variables");
  assert.deepEqual([...modelRoutes({ MODELS })].map(([k]) => k), Object.keys(MODELS), "an object (wrangler.jsonc vars may hold JSON) works too");

  // In the Worker itself.
  const { mf, options } = gw.worker;
  await mf.setOptions({ ...options, bindings: { ...options.bindings, MODELS: JSON.stringify({ "acme/x": { modelId: "m", deployement: "d" } }) } });
  const url = (await mf.ready).origin;
  const res = await fetch(url + "/v1/chat/completions", {
    method: "POST",
    headers: { authorization: `Bearer ${gw.token()}` },
    body: JSON.stringify({ model: "acme/x", messages: [] }),
  });
  const text = await res.text();
  assert.equal(res.status, 500);
  assert.equal(JSON.parse(text).error.type, "proxy_configuration_error");
  assert.match(JSON.parse(text).error.message, /MODELS entry "acme\/x": unknown field "deployement"/);
  assert.ok(!text.includes("test-key"));
});
