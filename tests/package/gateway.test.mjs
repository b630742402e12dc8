// examples/worker as a gateway, in workerd (Miniflare) against the mock: proxy tokens (every
// outcome, rotation, scoped models), the rate limit (wrangler.jsonc's RATE_LIMITER binding as
// Miniflare simulates it), MAX_OUTPUT_TOKENS, and clients through it with a token: openai-node
// and the package's own (which honours the 429's Retry-After). A second Worker has no
// PROXY_AUTH_SECRET: open, it says so (one warning, `x-proxy-auth: off`) and limits per client IP.
// Routing by MODELS and fallbacks: gateway-models.test.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ALLOWED, LIMIT, MODELS, OLD_SECRET, PERIOD, SECRET, caller, inOneWindow, startGateway, tagUpstream } from "./lib/gateway.mjs";
import { launchChromium, serveStatic, smokeInPage } from "./lib/harness.mjs";

const MAX_OUTPUT = 8;
let gw; // auth on, MODELS
let open; // auth off, the single-model variables
let call;
let callOpen;
before(async () => {
  [gw, open] = await Promise.all([
    startGateway("gateway-auth", { PROXY_AUTH_SECRET: `${SECRET}, ${OLD_SECRET}`, MODELS: JSON.stringify(MODELS), MAX_OUTPUT_TOKENS: String(MAX_OUTPUT) }, { tools: ["openai"] }),
    startGateway("gateway-open", { MAX_OUTPUT_TOKENS: undefined }),
  ]);
  call = caller(gw);
  callOpen = caller(open);
}, { timeout: 240_000 });
after(async () => {
  await gw?.stop();
  await open?.stop();
}, { timeout: 30_000 });

const chat = (model, extra = {}) => JSON.stringify({ model, messages: [{ role: "user", content: "gate" }], max_tokens: 4, ...extra });
const post = (path, body, headers = {}) => call(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
const bearer = (token) => ({ authorization: `Bearer ${token}` });

/** base64url of a string. */
const b64u = (s) => Buffer.from(s).toString("base64url");

test("auth: every refusal is a JSON 401/403 before any upstream call, never echoing the token", { timeout: 60_000 }, async () => {
  const upstream = tagUpstream(gw);
  const now = Math.floor(Date.now() / 1000);
  const good = gw.token();
  const [payload, signature] = good.split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
  const cases = [
    // curl: no Origin, no token
    ["no Authorization (no Origin: not a browser)", {}, 401, "missing_token"],
    ["another scheme", { authorization: `Basic ${b64u("user:pass")}` }, 401, "malformed_token"],
    ["the Api-Key scheme", { authorization: `Api-Key ${good}` }, 401, "malformed_token"],
    ["not a token", bearer("not-a-token"), 401, "malformed_token"],
    ["forged: signed with another secret", bearer(gw.token({}, "some-other-secret")), 401, "bad_signature"],
    ["tampered: another sub under the old signature", bearer(`${b64u(JSON.stringify({ ...claims, sub: "admin" }))}.${signature}`), 401, "bad_signature"],
    ["tampered: a longer expiry", bearer(`${b64u(JSON.stringify({ ...claims, exp: claims.exp + 86400 }))}.${signature}`), 401, "bad_signature"],
    ["tampered signature", bearer(`${payload}.${signature.slice(0, -2)}${signature.endsWith("AA") ? "BB" : "AA"}`), 401, "bad_signature"],
    ["expired an hour ago", bearer(gw.token({ exp: now - 3600 })), 401, "expired_token"],
    ["scoped to another model", bearer(gw.token({ models: ["acme/fast"] })), 403, "model_not_allowed"],
    ["from a browser, no token", { origin: ALLOWED }, 401, "missing_token"],
  ];
  for (const [what, headers, status, code] of cases) {
    const res = await post("/v1/chat/completions", chat("acme/llama-3-70b"), headers);
    const text = await res.text();
    assert.equal(res.status, status, `${what}: ${text}`);
    assert.match(res.headers.get("content-type"), /^application\/json/, what);
    const { error } = JSON.parse(text);
    assert.equal(error.code, code, what);
    assert.equal(error.type, status === 401 ? "authentication_error" : "permission_error", what);
    const sent = headers.authorization?.split(" ")[1];
    if (sent) assert.ok(!text.includes(sent) && ![...res.headers.values()].some((v) => v.includes(sent)), `${what}: the token is not echoed`);
    assert.equal(res.headers.get("x-proxy-auth"), null, "auth is on");
    if (status === 401) assert.match(res.headers.get("www-authenticate"), /^Bearer/);
    if (headers.origin) assert.equal(res.headers.get("access-control-allow-origin"), ALLOWED, "a browser can read the refusal");
  }
  // The other routes behind the gate too.
  for (const [method, path] of [["POST", "/predict"], ["POST", "/async"], ["GET", "/async/abc"], ["GET", "/async/abc/result"], ["GET", "/v1/models"], ["POST", "/v1/embeddings"], ["GET", "/nope"]]) {
    const res = await call(path, { method, body: method === "POST" ? "{}" : undefined });
    assert.equal(res.status, 401, `${method} ${path}`);
  }
  assert.deepEqual(await upstream(), [], "no request reached the upstream");

  // Outside the gate: preflights (Authorization allowed), /health, and the webhook's own check.
  const pre = await call("/v1/chat/completions", {
    method: "OPTIONS",
    headers: { origin: ALLOWED, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
  });
  assert.equal(pre.status, 204);
  assert.match(pre.headers.get("access-control-allow-headers"), /\bAuthorization\b/i);
  // What openai-node asks for from a browser (its x-stainless-* headers); nothing else is allowed.
  const stainless = "authorization, content-type, x-stainless-arch, x-stainless-lang, x-stainless-os, x-stainless-package-version, x-stainless-retry-count, x-stainless-runtime, x-stainless-runtime-version, x-stainless-timeout";
  const pre2 = await call("/v1/chat/completions", {
    method: "OPTIONS",
    headers: { origin: ALLOWED, "access-control-request-method": "POST", "access-control-request-headers": `${stainless}, x-evil` },
  });
  assert.equal(pre2.status, 204);
  const allowed = pre2.headers.get("access-control-allow-headers").toLowerCase().split(/,\s*/);
  for (const h of stainless.split(", ")) assert.ok(allowed.includes(h), `${h} allowed`);
  assert.ok(!allowed.includes("x-evil"));
  assert.equal((await call("/health")).status, 200);
  const hook = await call("/webhook", { method: "POST", body: "{}" });
  assert.equal(hook.status, 401);
  assert.equal((await hook.json()).error.code, "missing_signature", "the webhook answers with its own signature check");
});

test("auth: valid tokens pass, signed with either secret (rotation), within the clock skew, scoped or not", { timeout: 60_000 }, async () => {
  const upstream = tagUpstream(gw);
  const now = Math.floor(Date.now() / 1000);
  const tokens = [
    ["the new secret", gw.token()],
    ["the old secret, during a rotation", gw.token({}, OLD_SECRET)],
    ["expired 5 s ago, within the 30 s skew", gw.token({ exp: now - 5 })],
    ["scoped to this model", gw.token({ models: ["acme/llama-3-70b", "acme/fast"] })],
  ];
  for (const [what, token] of tokens) {
    const res = await post("/v1/chat/completions", chat("acme/llama-3-70b"), bearer(token));
    assert.equal(res.status, 200, `${what}: ${await res.clone().text()}`);
    assert.equal((await res.json()).object, "chat.completion", what);
  }
  const sent = await upstream();
  assert.equal(sent.length, tokens.length);
  for (const r of sent) {
    assert.equal(r.headers.authorization, "Bearer test-key", "the upstream gets the proxy's key, never the token");
  }
});

test("auth: a scoped token sees only its models, and not the routes that name none", { timeout: 30_000 }, async () => {
  const scoped = gw.token({ models: ["acme/fast", "not/in-models"] });
  const list = await call("/v1/models", { headers: bearer(scoped) });
  assert.equal(list.status, 200);
  assert.deepEqual((await list.json()).data.map((m) => m.id), ["acme/fast"]);
  const all = await (await call("/v1/models", { headers: bearer(gw.token()) })).json();
  assert.deepEqual(all.data.map((m) => m.id), Object.keys(MODELS));
  const unknown = await post("/v1/chat/completions", chat("acme/secret"), bearer(scoped));
  assert.equal(unknown.status, 404);
  assert.deepEqual((await unknown.json()).error.known, ["acme/fast"], "the 404 lists only the names this token may use");
  const predict = await post("/predict", "{}", bearer(scoped));
  assert.equal(predict.status, 403);
  assert.equal((await predict.json()).error.code, "model_not_allowed");
});

test("rate limit: a burst past the limit gets 429 + Retry-After, per token sub, before any upstream call", { timeout: 60_000 }, async () => {
  const token = gw.token();
  const other = gw.token();
  const statuses = await inOneWindow(async () => {
    const out = [];
    for (let i = 0; i < LIMIT + 2; i++) out.push(await call("/v1/models", { headers: bearer(token) }));
    out.push(await call("/v1/models", { headers: bearer(other) }));
    return out;
  });
  assert.deepEqual(statuses.map((r) => r.status), [...Array(LIMIT).fill(200), 429, 429, 200], "another sub has its own budget");
  const limited = statuses[LIMIT];
  assert.equal(limited.headers.get("retry-after"), String(PERIOD), "the binding's period");
  const { error } = await limited.json();
  assert.equal(error.type, "rate_limit_error");
  assert.equal(error.code, "rate_limited");

  // Counted before the upstream call: a limited chat request never leaves the Worker.
  const upstream = tagUpstream(gw);
  const chatToken = gw.token();
  const chats = await inOneWindow(async () => {
    const out = [];
    for (let i = 0; i < LIMIT + 1; i++) out.push((await post("/v1/chat/completions", chat("acme/fast"), bearer(chatToken))).status);
    return out;
  });
  assert.equal(chats.at(-1), 429);
  assert.equal((await upstream()).length, chats.filter((s) => s === 200).length);
});

test("rate limit: WebSocket upgrades count too (a burst of them gets 429 + Retry-After before any upstream socket)", { timeout: 60_000 }, async () => {
  const { WebSocket } = await import("ws");
  const token = gw.token();
  /** The HTTP status of one upgrade attempt on the relay (101 when it opened). */
  const upgrade = () =>
    new Promise((resolve) => {
      const ws = new WebSocket(gw.worker.url.replace(/^http/, "ws") + "/websocket", { headers: bearer(token) });
      ws.on("unexpected-response", (_req, res) => {
        resolve({ status: res.statusCode, retryAfter: res.headers["retry-after"] });
        res.resume();
        ws.terminate();
      });
      ws.on("open", () => {
        resolve({ status: 101 });
        ws.close();
      });
      ws.on("error", (e) => resolve({ status: "error", message: e.message }));
      setTimeout(() => {
        resolve({ status: "pending" });
        ws.terminate();
      }, 3000);
    });
  // All at once, inside one window: the gate counts each before it opens anything upstream (this
  // gateway's upstream, the recorder, does not answer upgrades: those that pass stay pending).
  const outcomes = await inOneWindow(() => Promise.all(Array.from({ length: LIMIT + 1 }, upgrade)));
  const limited = outcomes.filter((o) => o.status === 429);
  assert.equal(limited.length, 1, JSON.stringify(outcomes));
  assert.equal(limited[0].retryAfter, String(PERIOD));
});

test("rate limit: the package's own client, given the token as apiKey, waits for the 429's Retry-After", { timeout: 60_000 }, async () => {
  const token = gw.token();
  const attempts = [];
  const client = new gw.pkg.Baseten({
    apiKey: token, // sent as `Authorization: Bearer <token>`
    baseUrl: gw.worker.url,
    openaiBaseUrl: gw.worker.url + "/v1",
    maxRetries: 1,
    fetch: async (url, init) => {
      const res = await fetch(url, init);
      attempts.push(res.status);
      return res;
    },
  });
  // Spend the budget with seconds left in the window, so that the client's own backoff (500 ms)
  // would retry inside it (and fail): only waiting for Retry-After gets through.
  await inOneWindow(async () => {
    for (let i = 0; i < LIMIT; i++) assert.equal((await call("/v1/models", { headers: bearer(token) })).status, 200);
  });
  const answer = await client.chat.completions.create({ model: "acme/fast", messages: [{ role: "user", content: "patient" }], max_tokens: 3 });
  assert.deepEqual(attempts, [429, 200]);
  assert.equal(answer.choices[0].message.content, "Hello! You said:");
});

test("MAX_OUTPUT_TOKENS caps every chat, completion and responses request (the mock's view)", { timeout: 60_000 }, async () => {
  const upstream = tagUpstream(gw);
  const send = async (path, body) => {
    const res = await post(path, JSON.stringify({ model: "acme/fast", ...body }), bearer(gw.token()));
    assert.equal(res.status, 200, `${path} ${JSON.stringify(body)}: ${await res.clone().text()}`);
    return body.stream ? res.text() : res.json();
  };
  const messages = [{ role: "user", content: "cap" }];
  await send("/v1/chat/completions", { messages, max_tokens: 100 });
  await send("/v1/chat/completions", { messages, max_completion_tokens: 100 });
  await send("/v1/chat/completions", { messages, max_tokens: 3 });
  await send("/v1/chat/completions", { messages });
  await send("/v1/completions", { prompt: "cap", max_tokens: 50 });
  await send("/v1/completions", { prompt: "cap" });
  const resp = await send("/v1/responses", { input: "cap", max_output_tokens: 500 });
  await send("/v1/responses", { input: "cap" });
  await send("/v1/chat/completions", { messages, max_tokens: 100, max_output_tokens: 9000, stream: true });
  // The route's own field is always set (to the smallest asked for): another field, which the
  // server may ignore, never stands in for it.
  await send("/v1/chat/completions", { messages, max_output_tokens: 1 });
  await send("/v1/completions", { prompt: "cap", max_completion_tokens: 1 });
  await send("/v1/responses", { input: "cap", max_tokens: 1 });
  await send("/v1/chat/completions", { messages, n: 1 });
  const pick = ({ max_tokens, max_completion_tokens, max_output_tokens }) => ({ max_tokens, max_completion_tokens, max_output_tokens });
  const got = (await upstream()).map((r) => ({ path: r.path.replace(/^.*\/v1/, "/v1"), ...pick(JSON.parse(r.body)) }));
  const c = MAX_OUTPUT;
  assert.deepEqual(got, [
    { path: "/v1/chat/completions", max_tokens: c, max_completion_tokens: undefined, max_output_tokens: undefined },
    { path: "/v1/chat/completions", max_tokens: c, max_completion_tokens: c, max_output_tokens: undefined },
    { path: "/v1/chat/completions", max_tokens: 3, max_completion_tokens: undefined, max_output_tokens: undefined },
    { path: "/v1/chat/completions", max_tokens: c, max_completion_tokens: undefined, max_output_tokens: undefined },
    { path: "/v1/completions", max_tokens: c, max_completion_tokens: undefined, max_output_tokens: undefined },
    { path: "/v1/completions", max_tokens: c, max_completion_tokens: undefined, max_output_tokens: undefined },
    { path: "/v1/responses", max_tokens: undefined, max_completion_tokens: undefined, max_output_tokens: c },
    { path: "/v1/responses", max_tokens: undefined, max_completion_tokens: undefined, max_output_tokens: c },
    { path: "/v1/chat/completions", max_tokens: c, max_completion_tokens: undefined, max_output_tokens: c },
    { path: "/v1/chat/completions", max_tokens: 1, max_completion_tokens: undefined, max_output_tokens: 1 },
    { path: "/v1/completions", max_tokens: 1, max_completion_tokens: 1, max_output_tokens: undefined },
    { path: "/v1/responses", max_tokens: 1, max_completion_tokens: undefined, max_output_tokens: 1 },
    { path: "/v1/chat/completions", max_tokens: c, max_completion_tokens: undefined, max_output_tokens: undefined },
  ]);
  assert.equal(resp.usage.output_tokens, c, "the model stopped at the cap");
  const bad = await post("/v1/chat/completions", chat("acme/fast", { max_tokens: "100000" }), bearer(gw.token()));
  assert.equal(bad.status, 400, "a cap field that is not a number is refused, not passed on");
  // n and best_of would multiply the cap: refused before any upstream call.
  const before = (await upstream()).length;
  for (const more of [{ n: 2 }, { best_of: 3 }, { n: "2" }]) {
    const res = await post("/v1/chat/completions", chat("acme/fast", more), bearer(gw.token()));
    assert.equal(res.status, 400, JSON.stringify(more));
  }
  const completions = await post("/v1/completions", JSON.stringify({ model: "acme/fast", prompt: "x", n: 4 }), bearer(gw.token()));
  assert.equal(completions.status, 400);
  assert.equal((await upstream()).length, before, "nothing reached the upstream");
  // /predict: the model's own body, so the fields are lowered where present, never added (the
  // mock's predict echoes what it received).
  const predicted = async (body) => {
    const res = await post("/predict", JSON.stringify(body), { ...bearer(gw.token()), accept: "application/json" });
    assert.equal(res.status, 200);
    return res.json();
  };
  assert.deepEqual(await predicted({ prompt: "x", max_tokens: 100000 }), { prompt: "x", max_tokens: c });
  assert.deepEqual(await predicted({ prompt: "x", max_tokens: 2 }), { prompt: "x", max_tokens: 2 });
  assert.deepEqual(await predicted({ prompt: "x" }), { prompt: "x" });
  // A model's own input is not refused for its own fields (a custom `n`, a string max_tokens).
  assert.deepEqual(await predicted({ n: 4, max_tokens: "many" }), { n: 4, max_tokens: "many" });
  // /async: the model input is capped as predict's is.
  const asyncUp = tagUpstream(gw);
  const started = await post("/async", JSON.stringify({ prompt: "x", max_tokens: 100000 }), bearer(gw.token()));
  assert.equal(started.status, 201, await started.clone().text());
  const sent = (await asyncUp()).map((r) => JSON.parse(r.body));
  assert.deepEqual(sent.map((b) => b.model_input), [{ prompt: "x", max_tokens: c }]);
});

test("openai-node through the gateway with a token: chat, streamed chat, models, refusals as its own errors", { timeout: 60_000 }, async () => {
  const { default: OpenAI, AuthenticationError, PermissionDeniedError } = await import(gw.project.path("node_modules/openai/index.mjs"));
  const upstream = tagUpstream(gw);
  const client = new OpenAI({ apiKey: gw.token({ models: ["acme/llama-3-70b", "deepseek-ai/DeepSeek-V3.1"] }), baseURL: gw.worker.url + "/v1", maxRetries: 0 });
  const done = await client.chat.completions.create({ model: "acme/llama-3-70b", messages: [{ role: "user", content: "openai-node" }], max_tokens: 5 });
  assert.equal(done.choices[0].message.content, "Hello! You said: openai-node Hello!");
  const stream = await client.chat.completions.create({ model: "deepseek-ai/DeepSeek-V3.1", messages: [{ role: "user", content: "streamed" }], max_tokens: 4, stream: true });
  let text = "";
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    text += chunk.choices[0]?.delta?.content ?? "";
  }
  assert.equal(text, "Hello! You said: streamed");
  assert.ok(chunks >= 4, `${chunks} chunks`);
  const models = [];
  for await (const m of client.models.list()) models.push(m.id);
  assert.deepEqual(models, ["acme/llama-3-70b", "deepseek-ai/DeepSeek-V3.1"]);
  await assert.rejects(client.chat.completions.create({ model: "acme/fast", messages: [{ role: "user", content: "x" }] }), PermissionDeniedError);
  const forged = new OpenAI({ apiKey: gw.token({}, "forged"), baseURL: gw.worker.url + "/v1", maxRetries: 0 });
  await assert.rejects(forged.models.list(), (e) => e instanceof AuthenticationError && e.status === 401 && e.code === "bad_signature");
  assert.deepEqual((await upstream()).map((r) => r.path), ["/environments/staging/sync/v1/chat/completions", "/v1/chat/completions"]);
});

test("the package's own client with the token as apiKey: predict, chat and async through the gateway", { timeout: 60_000 }, async () => {
  const token = gw.token();
  const client = new gw.pkg.Baseten({ apiKey: token, baseUrl: gw.worker.url, openaiBaseUrl: gw.worker.url + "/v1", maxRetries: 0 });
  assert.deepEqual(await client.predict({ through: "gate" }), { through: "gate" });
  const stream = await client.chat.completions.create({ model: "acme/fast", messages: [{ role: "user", content: "own" }], max_tokens: 3, stream: true });
  let text = "";
  for await (const t of stream.textStream()) text += t;
  assert.equal(text, "Hello! You said:");
  const legacy = new gw.pkg.Baseten({ apiKey: token, authScheme: "api-key", baseUrl: gw.worker.url, maxRetries: 0 });
  await assert.rejects(legacy.predict({ a: 1 }), (e) => e.name === "AuthenticationError" && e.status === 401 && !e.message.includes(token));
});

test("in Chromium: the package's client and openai-node with the token as apiKey pass the preflight; the page reads refusals and Retry-After", { timeout: 90_000 }, async () => {
  // The page's origin must be allowed: the Worker restarted with it added (its last test).
  const site = await serveStatic(gw.project.dir);
  const browser = await launchChromium();
  try {
    const { mf, options } = gw.worker;
    await mf.setOptions({ ...options, bindings: { ...options.bindings, ALLOWED_ORIGINS: `${ALLOWED}, ${site.url}` } });
    const worker = (await mf.ready).origin;
    const page = `<!doctype html><script type="importmap">{ "imports": { "baseten-edge": "./node_modules/baseten-edge/browser.mjs", "openai": "./node_modules/openai/index.mjs" } }</script>
<script type="module">
import { Baseten } from "baseten-edge";
import OpenAI from "openai";
const W = ${JSON.stringify(worker)};
const options = (apiKey) => ({ baseUrl: W, openaiBaseUrl: W + "/v1", apiKey, maxRetries: 0 });
try {
  const client = new Baseten(options(${JSON.stringify(gw.token())}));
  const stream = await client.chat.completions.create({ model: "acme/fast", messages: [{ role: "user", content: "browser" }], max_tokens: 4, stream: true });
  let text = "";
  for await (const t of stream.textStream()) text += t;
  const predicted = await client.predict({ from: "the page" });
  // openai-node in the page, as the Worker's README shows it (its x-stainless-* headers pass the preflight).
  const openai = new OpenAI({ apiKey: ${JSON.stringify(gw.token())}, baseURL: W + "/v1", dangerouslyAllowBrowser: true, maxRetries: 0 });
  let openaiText = "";
  for await (const chunk of await openai.chat.completions.create({ model: "acme/fast", messages: [{ role: "user", content: "openai-node" }], max_tokens: 4, stream: true })) {
    openaiText += chunk.choices[0]?.delta?.content ?? "";
  }
  let refused = null;
  try {
    await new Baseten(options(${JSON.stringify(gw.token({}, "forged"))})).predict({ a: 1 });
  } catch (e) {
    refused = { name: e.name, status: e.status };
  }
  // ${2 * LIMIT + 1} calls span at most two windows: one of them gets past the limit.
  const limited = [];
  for (let i = 0; i < ${2 * LIMIT + 1}; i++) {
    const r = await fetch(W + "/v1/models", { headers: { authorization: "Bearer " + ${JSON.stringify(gw.token())} } });
    if (r.status === 429) limited.push(r.headers.get("retry-after"));
  }
  window.__smoke = { text, predicted, openaiText, refused, retryAfter: limited[0] ?? null };
} catch (e) {
  window.__smokeError = String((e && e.stack) || e);
}
</script>`;
    gw.project.write("gateway.html", page);
    const result = await smokeInPage(browser, site.url + "/gateway.html");
    assert.deepEqual(result, {
      text: "Hello! You said: browser",
      predicted: { from: "the page" },
      openaiText: "Hello! You said: openai-node",
      refused: { name: "AuthenticationError", status: 401 },
      retryAfter: String(PERIOD),
    });
  } finally {
    await browser.close();
    await site.close();
  }
});

test("auth off: the Worker is open but says so (one warning per isolate, x-proxy-auth: off) and limits per client IP", { timeout: 60_000 }, async () => {
  const health = await callOpen("/health");
  assert.equal(health.headers.get("x-proxy-auth"), "off");
  const res = await callOpen("/v1/chat/completions", { method: "POST", body: JSON.stringify({ model: "mock-model", messages: [{ role: "user", content: "open" }], max_tokens: 3 }), headers: { "cf-connecting-ip": "198.51.100.1" } });
  assert.equal(res.status, 200, "no token needed, no Origin needed");
  assert.equal(res.headers.get("x-proxy-auth"), "off");
  const fromBrowser = await callOpen("/v1/models", { headers: { origin: ALLOWED, "cf-connecting-ip": "198.51.100.2" } });
  assert.equal(fromBrowser.status, 200);
  assert.deepEqual((await fromBrowser.json()).data.map((m) => m.id), ["mock-model"], "without MODELS, the upstream's list");
  assert.match(fromBrowser.headers.get("access-control-expose-headers"), /x-proxy-auth/);
  assert.equal((await callOpen("/nope")).headers.get("x-proxy-auth"), "off", "errors say it too");

  const ip = "203.0.113.7";
  const statuses = await inOneWindow(async () => {
    const out = [];
    for (let i = 0; i < LIMIT + 1; i++) out.push((await callOpen("/v1/models", { headers: { "cf-connecting-ip": ip } })).status);
    out.push((await callOpen("/v1/models", { headers: { "cf-connecting-ip": "203.0.113.8" } })).status);
    return out;
  });
  assert.deepEqual(statuses, [...Array(LIMIT).fill(200), 429, 200], "per client IP");
  const warnings = open.output().split("PROXY_AUTH_SECRET is not set").length - 1;
  assert.equal(warnings, 1, `one warning for all these requests:\n${open.output()}`);
  assert.equal(gw.output().includes("PROXY_AUTH_SECRET is not set"), false, "no warning with auth on");
});
