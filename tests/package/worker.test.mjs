// examples/worker (the Baseten proxy Worker) built by wrangler against the packed tarball and run
// in Miniflare (workerd), its upstream pointed at the mock through a recording proxy
// (lib/recorder.mjs) that timestamps what the worker asked and when each answer ended or was cut.
// The mock paces chat tokens at 20/s so that streams last long enough to watch.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { join } from "node:path";
import { startMock } from "./lib/mock.mjs";
import { startRecorder } from "./lib/recorder.mjs";
import { ROOT, makeProject, copyTree } from "./lib/harness.mjs";
import { wranglerBuild, startWorker } from "./lib/workerd.mjs";

const ALLOWED = "https://app.example.com";
const SECRET = "whsec-test"; // the mock's default --webhook-secret
const OLD_SECRET = "whsec-being-rotated-out";
const MAX_BODY = 4096;
const WEBHOOK_MAX_BODY = 4 * MAX_BODY;
const TOKENS_PER_SECOND = 20;

let mock;
let otherMock;
let recorder;
let project;
let worker;
before(async () => {
  mock = await startMock(["--token-rate", String(TOKENS_PER_SECOND)]);
  otherMock = await startMock(["--webhook-secret", "some-other-secret"]);
  recorder = await startRecorder(mock.url);
  project = await makeProject("worker");
  copyTree(join(ROOT, "examples/worker"), project.dir); // src/, wrangler.jsonc; package.json replaced:
  project.write("package.json", JSON.stringify({ name: "proxy-under-test", private: true, type: "module" }));
  const built = await wranglerBuild(project.dir);
  worker = await startWorker({
    ...built,
    bindings: {
      BASETEN_API_KEY: "test-key",
      // Two secrets, as during a rotation: deliveries signed with either are accepted.
      BASETEN_WEBHOOK_SECRET: `${OLD_SECRET}, ${SECRET}`,
      BASETEN_BASE_URL: recorder.url,
      BASETEN_OPENAI_BASE_URL: recorder.url + "/v1",
      ALLOWED_ORIGINS: `${ALLOWED}, https://other.example.com`,
      MAX_BODY_BYTES: String(MAX_BODY),
      WEBHOOK_MAX_BODY_BYTES: String(WEBHOOK_MAX_BODY),
    },
    kvNamespaces: ["RESULTS"],
  });
}, { timeout: 150_000 });
after(async () => {
  await worker?.mf.dispose();
  await recorder?.close();
  await mock?.stop();
  await otherMock?.stop();
  project?.cleanup();
}, { timeout: 30_000 });

const call = (path, init = {}) => fetch(worker.url + path, { signal: AbortSignal.timeout(15_000), ...init });
const post = (path, body, headers = {}) =>
  call(path, { method: "POST", headers: { "content-type": "application/json", origin: ALLOWED, ...headers }, body: JSON.stringify(body) });
const chatBody = (maxTokens, extra = {}) => ({ model: "m", messages: [{ role: "user", content: "stream" }], stream: true, max_tokens: maxTokens, ...extra });

async function until(what, fn, ms = 10_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("CORS: allowed origins, preflight, refusal before any upstream call", { timeout: 30_000 }, async () => {
  const ok = await call("/health", { headers: { origin: ALLOWED } });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get("access-control-allow-origin"), ALLOWED);
  assert.match(ok.headers.get("vary"), /Origin/);

  const pre = await call("/v1/chat/completions", {
    method: "OPTIONS",
    headers: { origin: "https://other.example.com", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get("access-control-allow-origin"), "https://other.example.com");
  assert.match(pre.headers.get("access-control-allow-methods"), /POST/);
  assert.match(pre.headers.get("access-control-allow-headers"), /content-type/i);
  assert.equal(pre.headers.get("access-control-max-age"), "600");

  const deniedPre = await call("/predict", {
    method: "OPTIONS",
    headers: { origin: "https://evil.example.com", "access-control-request-method": "POST" },
  });
  assert.equal(deniedPre.status, 403);
  assert.equal(deniedPre.headers.get("access-control-allow-origin"), null);

  const before = recorder.log.length;
  const denied = await post("/predict", { a: 1 }, { origin: "https://evil.example.com" });
  assert.equal(denied.status, 403);
  assert.equal(denied.headers.get("access-control-allow-origin"), null);
  assert.equal(recorder.log.length, before, "no upstream request for a refused origin");

  const noOrigin = await call("/predict", { method: "POST", body: JSON.stringify({ server: true }) });
  assert.equal(noOrigin.status, 200, "requests without Origin (not from a browser) pass");
  assert.equal(noOrigin.headers.get("access-control-allow-origin"), null);
});

test("POST /predict: JSON through, the key stays in the worker", { timeout: 30_000 }, async () => {
  const res = await post("/predict", { prompt: "hi", n: 1 }, { accept: "application/json" });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/json");
  assert.ok(res.headers.get("x-baseten-request-id"), "the upstream request id is passed on");
  const text = await res.text();
  assert.deepEqual(JSON.parse(text), { prompt: "hi", n: 1 });
  assert.ok(![...res.headers.values()].some((v) => v.includes("test-key")) && !text.includes("test-key"));
  const last = await mock.get("/__mock/last");
  assert.equal(last.path, "/environments/production/predict");
  assert.equal(last.headers.authorization, "Bearer test-key");
  assert.equal(last.headers.origin, undefined, "the browser's origin is not forwarded");
});

test("request size limit: 413 by Content-Length and for a chunked body, before any upstream call", { timeout: 30_000 }, async () => {
  const before = recorder.log.length;
  const big = await post("/predict", { pad: "x".repeat(MAX_BODY) });
  assert.equal(big.status, 413);
  assert.equal(big.headers.get("access-control-allow-origin"), ALLOWED, "errors carry CORS headers");
  const chunked = new ReadableStream({
    start(c) {
      for (let i = 0; i < 8; i++) c.enqueue(new TextEncoder().encode("x".repeat(1024)));
      c.close();
    },
  });
  const res = await call("/predict", { method: "POST", body: chunked, duplex: "half", headers: { origin: ALLOWED } });
  assert.equal(res.status, 413);
  // Webhook deliveries carry the model's output: their own, larger limit.
  const hook = await call("/webhook", { method: "POST", body: "x".repeat(MAX_BODY + 1) });
  assert.equal(hook.status, 401, "over the browser limit but under the webhook one: checked, not refused");
  const huge = await call("/webhook", { method: "POST", body: "x".repeat(WEBHOOK_MAX_BODY + 1) });
  assert.equal(huge.status, 413);
  assert.equal(recorder.log.length, before);
  const fine = await post("/predict", { pad: "x".repeat(MAX_BODY - 100) });
  assert.equal(fine.status, 200);
});

test("streaming chat: SSE passes through chunk by chunk, the first before the upstream ends", { timeout: 30_000 }, async () => {
  const tokens = 30; // 1.5 s at 20 tokens/s
  const started = Date.now();
  const res = await post("/v1/chat/completions", chatBody(tokens));
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type"), /^text\/event-stream/);
  assert.equal(res.headers.get("access-control-allow-origin"), ALLOWED);
  const upstream = recorder.log.at(-1);
  assert.equal(upstream.path, "/v1/chat/completions");

  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const chunks = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push({ at: Date.now(), text: decoder.decode(value, { stream: true }) });
  }
  const body = chunks.map((c) => c.text).join("");
  const events = body.split("\n\n").filter(Boolean);
  assert.ok(events.every((e) => e.startsWith("data: ")), body);
  assert.equal(events.at(-1), "data: [DONE]");
  const deltas = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)).choices[0]?.delta?.content ?? "");
  assert.match(deltas.join(""), /^Hello! You said: stream/);

  assert.ok(upstream.finishedAt, "the upstream answer ended");
  const first = chunks[0].at;
  assert.ok(first < upstream.finishedAt - 700, `first chunk at +${first - started} ms, upstream ended at +${upstream.finishedAt - started} ms`);
  assert.ok(chunks.length >= tokens / 2, `${chunks.length} chunks: the stream was not gathered`);
  const spread = chunks.at(-1).at - first;
  assert.ok(spread >= 1000, `chunks arrived over ${spread} ms`);
});

test("POST /predict (not Accept: application/json): raw bytes pass through as they come", { timeout: 30_000 }, async () => {
  const res = await post("/predict", { stream: true, n: 4, interval_ms: 150 });
  assert.equal(res.status, 200);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const arrivals = [];
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    arrivals.push(Date.now());
    text += decoder.decode(value, { stream: true });
  }
  assert.equal(text, "chunk 0\nchunk 1\nchunk 2\nchunk 3\n");
  assert.ok(arrivals.length >= 3 && arrivals.at(-1) - arrivals[0] >= 300, `arrivals ${arrivals.map((t) => t - arrivals[0])}`);
});

test("a client that disconnects mid-stream aborts the upstream request", { timeout: 30_000 }, async () => {
  const controller = new AbortController();
  const res = await fetch(worker.url + "/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", origin: ALLOWED },
    body: JSON.stringify(chatBody(200)), // 10 s of tokens
    signal: controller.signal,
  });
  assert.equal(res.status, 200);
  const upstream = recorder.log.at(-1);
  const reader = res.body.getReader();
  await reader.read();
  await reader.read();
  const abortedAt = Date.now();
  controller.abort();
  await until("the upstream connection to close", () => upstream.closedAt, 5000);
  assert.equal(upstream.closedEarly, true, "the upstream answer was cut, not finished");
  assert.equal(upstream.finishedAt, null);
  assert.ok(upstream.closedAt - abortedAt < 2000, `upstream closed ${upstream.closedAt - abortedAt} ms after the client left`);
});

test("upstream errors: statuses mapped for the browser, mid-stream errors as an SSE error event", { timeout: 30_000 }, async () => {
  try {
    recorder.inject({ "x-mock-fault": "status:404" });
    const notFound = await post("/predict", { a: 1 });
    assert.equal(notFound.status, 404);
    assert.equal((await notFound.json()).error.type, "NotFoundError");

    recorder.inject({ "x-mock-fault": "status:401" });
    const auth = await post("/predict", { a: 1 });
    assert.equal(auth.status, 502, "a refused key is the proxy's problem, not the browser's");
    const { error } = await auth.json();
    assert.equal(error.type, "AuthenticationError");
    assert.equal(auth.headers.get("access-control-allow-origin"), ALLOWED);

    recorder.inject({ "x-mock-fault": "error-event" });
    const res = await post("/v1/chat/completions", chatBody(6));
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.match(body, /event: error\ndata: \{"error":\{"message":".*","type":"StreamError"/);
    assert.ok(!body.includes("[DONE]"));
  } finally {
    recorder.inject({});
  }
  const bad = await call("/predict", { method: "POST", headers: { origin: ALLOWED }, body: "{not json" });
  assert.equal(bad.status, 400);
  const unknown = await call("/nope", { headers: { origin: ALLOWED } });
  assert.equal(unknown.status, 404);
});

function sign(body, secret = SECRET) {
  return "v1=" + createHmac("sha256", secret).update(body).digest("hex");
}

test("POST /webhook: HMAC-SHA256 signatures checked (test-signed deliveries)", { timeout: 30_000 }, async () => {
  const payload = (id, time = new Date().toISOString()) =>
    JSON.stringify({ request_id: id, model_id: "m", deployment_id: "d", type: "async_request_completed", time, data: { output: { id } }, errors: [] });
  const hook = (body, signature) => call("/webhook", { method: "POST", body, headers: signature === undefined ? {} : { "x-baseten-signature": signature } });

  const good = payload("hook1");
  assert.equal((await hook(good, sign(good))).status, 200);
  const stored = await call("/async/hook1/result", { headers: { origin: ALLOWED } });
  assert.equal(stored.status, 200);
  assert.deepEqual((await stored.json()).data, { output: { id: "hook1" } });

  const rotated = payload("hook2");
  const several = `v1=${"0".repeat(64)}, ${sign(rotated)}`;
  assert.equal((await hook(rotated, several)).status, 200, "any one of several v1= values may match");
  const byOld = payload("hook4");
  assert.equal((await hook(byOld, sign(byOld, OLD_SECRET))).status, 200, "either configured secret may sign");

  const rejected = async (body, signature, code) => {
    const res = await hook(body, signature);
    assert.equal(res.status, 401, `${code}: ${res.status}`);
    assert.equal((await res.json()).error.code, code);
  };
  await rejected(good, undefined, "missing_signature");
  await rejected(good, "sha256=abc", "malformed_signature");
  await rejected(good, sign(good, "wrong-secret"), "signature_mismatch");
  await rejected(good.replace("hook1", "hook9"), sign(good), "signature_mismatch");
  const stale = payload("hook3", new Date(Date.now() - 3600_000).toISOString());
  await rejected(stale, sign(stale), "timestamp_out_of_tolerance");
  assert.equal((await call("/async/hook9/result", { headers: { origin: ALLOWED } })).status, 404);
});

test("POST /webhook: real signed deliveries from the mock, accepted; a wrong secret's, refused", { timeout: 40_000 }, async () => {
  // A browser starts an async request through the proxy; Baseten (the mock) POSTs the result to
  // the proxy's /webhook, which verifies and stores it; the browser fetches it.
  const input = { job: "webhook-e2e", mock_queue_ms: 20, mock_run_ms: 20 };
  const started = await post("/async", input);
  assert.equal(started.status, 201);
  const { requestId } = await started.json();
  const sent = (await mock.get("/__mock/last")).body;
  assert.equal(JSON.parse(sent).webhook_endpoint, worker.url + "/webhook");
  const result = await until("the webhook result", async () => {
    const r = await call(`/async/${requestId}/result`, { headers: { origin: ALLOWED } });
    return r.status === 200 ? r.json() : null;
  });
  assert.equal(result.request_id, requestId);
  assert.deepEqual(result.data.output, input);
  const status = await (await call(`/async/${requestId}`, { headers: { origin: ALLOWED } })).json();
  assert.equal(status.status, "SUCCEEDED");
  assert.equal(status.webhook_status, "SUCCEEDED");

  // A delivery signed with another secret (another mock) is refused: its webhook_status FAILED.
  const other = await fetch(otherMock.url + "/environments/production/async_predict", {
    method: "POST",
    headers: { authorization: "Bearer test-key", "content-type": "application/json" },
    body: JSON.stringify({ model_input: { job: "forged", mock_queue_ms: 10, mock_run_ms: 10 }, webhook_endpoint: worker.url + "/webhook" }),
  });
  assert.equal(other.status, 201);
  const forgedId = (await other.json()).request_id;
  const final = await until("the forged delivery to fail", async () => {
    const r = await fetch(`${otherMock.url}/async_request/${forgedId}`, { headers: { authorization: "Bearer test-key" } });
    const s = r.ok ? await r.json() : null;
    return s && s.webhook_status !== "PENDING" && s.status === "SUCCEEDED" ? s : null;
  }, 30_000);
  assert.equal(final.webhook_status, "FAILED");
  assert.equal((await call(`/async/${forgedId}/result`, { headers: { origin: ALLOWED } })).status, 404);
});

test("the package's own client, pointed at the proxy without a key, uses it like Baseten", { timeout: 30_000 }, async () => {
  const { Baseten } = await import(project.path("node_modules/baseten-edge/node.mjs"));
  const viaProxy = new Baseten({ baseUrl: worker.url, openaiBaseUrl: worker.url + "/v1", maxRetries: 0 });
  assert.deepEqual(await viaProxy.predict({ hello: "proxy" }), { hello: "proxy" });
  const bytes = await viaProxy.predictStream({ stream: true, n: 3, interval_ms: 10 });
  assert.equal(await bytes.text(), "chunk 0\nchunk 1\nchunk 2\n");
  const chat = await viaProxy.chat.completions.create(chatBody(5));
  let text = "";
  for await (const delta of chat.textStream()) text += delta;
  assert.equal(text, "Hello! You said: stream Hello!");
  const { requestId } = await viaProxy.asyncPredict({ job: "package", mock_queue_ms: 10, mock_run_ms: 10 }, { priority: 2 });
  const done = await viaProxy.waitForAsyncRequest(requestId, { pollIntervalMs: 20, timeoutMs: 10_000 });
  assert.equal(done.status, "SUCCEEDED");
  const upstream = recorder.log.find((e) => e.path.endsWith("/async_predict") && e.start >= Date.now() - 15_000 && e.headers["content-length"]);
  assert.equal(upstream.headers.authorization, "Bearer test-key", "the worker adds the key");
  const sent = (await mock.get("/__mock/requests?limit=50")).filter((r) => r.path.endsWith("/async_predict")).at(-1);
  assert.equal(JSON.parse(sent.body).webhook_endpoint, worker.url + "/webhook", "the webhook is the proxy's own");
  assert.equal(JSON.parse(sent.body).priority, 2);
  await assert.rejects(viaProxy.asyncRequest("bad id!"), { name: "ConfigurationError" });
});
