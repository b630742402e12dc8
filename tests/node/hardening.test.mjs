// Misuse and hostile servers, through the built package: input refused before any request,
// the key kept out of every error, timers that must not fire early, and servers that answer a
// streaming request with JSON, stall inside an error body, or break it off. Each server is a
// real HTTP server on 127.0.0.1 that counts what it receives.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { Baseten, verifyWebhook } from "./client.mjs";

/** A server answering every request with `handler`; `hits` counts requests, `closed` the
 * requests whose connection went away before the handler ended them. */
async function serve(handler) {
  const state = { hits: 0, closed: 0, times: [] };
  const server = createServer((req, res) => {
    state.hits += 1;
    state.times.push(performance.now());
    res.on("close", () => {
      if (!res.writableEnded) state.closed += 1;
    });
    handler(req, res, state);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    state,
    stop: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

async function rejects(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail("expected a rejection");
}

const KEY = "sk-live-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

test("an echoed key is scrubbed even where the message is clipped inside it", async () => {
  const s = await serve((req, res) => {
    // The key lands across character 500, where messages are cut: 14 of its characters stay.
    const msg = `${"x".repeat(470)} bad key ${req.headers.authorization}`;
    res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: msg }));
  });
  try {
    const e = await rejects(new Baseten({ apiKey: KEY, baseUrl: s.url }).predict({}));
    assert.equal(e.name, "AuthenticationError");
    const all = `${e.message} ${e.stack} ${String(e)} ${JSON.stringify(e)} ${e.body}`;
    assert.ok(!all.includes(KEY.slice(0, 12)), all.slice(-200));
    assert.match(e.message, /\[REDACTED\]/);
  } finally {
    await s.stop();
  }
});

test("a key passed in headers (to a gateway) is scrubbed from errors too", async () => {
  const s = await serve((req, res) => {
    res.writeHead(401, { "content-type": "application/json" })
      .end(JSON.stringify({ error: `invalid credentials: ${req.headers.authorization} / ${req.headers["x-api-key"]}` }));
  });
  try {
    const client = new Baseten({ baseUrl: s.url, headers: { Authorization: `Bearer ${KEY}`, "X-Api-Key": "other-secret-123" } });
    const e = await rejects(client.predict({}));
    const all = `${e.message} ${e.body} ${e.stack}`;
    assert.ok(!all.includes(KEY) && !all.includes("other-secret-123"), all);
    assert.match(e.message, /Bearer \[REDACTED\] \/ \[REDACTED\]/);
  } finally {
    await s.stop();
  }
});

test("a short dummy key does not mangle messages, and is still scrubbed where it stands alone", async () => {
  const s = await serve((req, res) => {
    res.writeHead(400, { "content-type": "application/json" })
      .end(JSON.stringify({ error: "max_tokens exceeds context; key x" }));
  });
  try {
    const e = await rejects(new Baseten({ apiKey: "x", baseUrl: s.url }).predict({}));
    assert.equal(e.message, "max_tokens exceeds context; key [REDACTED]");
  } finally {
    await s.stop();
  }
});

test("bad input is a ConfigurationError raised before any request", async () => {
  const s = await serve((req, res) => res.end('{"request_id":"r1"}'));
  try {
    const client = new Baseten({ apiKey: "test-key", baseUrl: s.url });
    const cases = [
      () => new Baseten({ apiKey: "sk-abc\r\n", baseUrl: s.url }),
      () => new Baseten({ apiKey: "\nsk-abc", baseUrl: s.url }),
      () => new Baseten({ apiKey: "k", modelId: "m", deploymentId: "d1" }),
      () => client.sync("GET", "/items/1", { a: 1 }),
      () => client.sync("HEAD", "/items/1", "x"),
      () => client.sync("TRACE", "/items/1"),
      () => client.sync("connect", "/items/1"),
      () => client.asyncPredict({}, { webhookEndpoint: "http://example.com/hook" }),
      () => client.asyncPredict({}, { webhookEndpoint: "https://user:pw@example.com/hook" }),
      () => client.asyncPredict({}, { webhookEndpoint: "https://" }),
    ];
    for (const make of cases) {
      let e;
      try {
        await make();
      } catch (err) {
        e = err;
      }
      assert.equal(e?.name, "ConfigurationError", `${make}: ${e}`);
    }
    assert.equal(s.state.hits, 0);
    const unknown = (() => { try { new Baseten({ apiKey: "k", modelId: "m", deploymentId: "d" }); } catch (e) { return e; } })();
    assert.match(unknown.message, /unknown option "deploymentId"/);
    assert.match(unknown.message, /deployment/);
    // What is allowed: no body (undefined or null) on GET, http webhooks to loopback.
    await client.sync("GET", "/items/1");
    await client.sync("GET", "/items/1", null);
    await client.asyncPredict({}, { webhookEndpoint: "http://127.0.0.1:9/hook" });
    assert.equal(s.state.hits, 3);
  } finally {
    await s.stop();
  }
});

test("timeouts beyond setTimeout's range never fire (they used to fire at once)", async () => {
  const s = await serve((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    setTimeout(() => res.end('{"ok":true}'), 150);
  });
  try {
    const client = new Baseten({ apiKey: "k", baseUrl: s.url, timeoutMs: 3e9, idleTimeoutMs: 3e9, headersTimeoutMs: 3e9 });
    assert.deepEqual(await client.predict({}), { ok: true });
    const bytes = await client.predictStream({});
    let n = 0;
    for await (const chunk of bytes) n += chunk.length;
    assert.equal(n, 11);
  } finally {
    await s.stop();
  }
});

test("a streaming chat answered with JSON raises the server's error or a not_event_stream DecodeError", async () => {
  const bodies = {
    "/err/chat/completions": [200, { error: { message: "model not found", code: "model_not_found" } }],
    "/plain/chat/completions": [200, { id: "c", object: "chat.completion", choices: [] }],
  };
  const s = await serve((req, res) => {
    const [status, body] = bodies[req.url];
    res.writeHead(status, { "content-type": "application/json", "x-request-id": "rid-1" }).end(JSON.stringify(body));
  });
  try {
    const body = { model: "m", messages: [{ role: "user", content: "hi" }], stream: true };
    const e1 = await rejects(new Baseten({ openaiBaseUrl: `${s.url}/err` }).chat.completions.create(body));
    assert.equal(e1.name, "StreamError");
    assert.equal(e1.message, "model not found");
    assert.equal(e1.code, "model_not_found");
    assert.equal(e1.requestId, "rid-1");
    const e2 = await rejects(new Baseten({ openaiBaseUrl: `${s.url}/plain` }).chat.completions.create(body));
    assert.equal(e2.name, "DecodeError");
    assert.equal(e2.code, "not_event_stream");
    assert.equal(e2.status, 200);
    assert.match(e2.body, /chat\.completion/);
  } finally {
    await s.stop();
  }
});

test("an error body that stalls is ended by the idle timeout, in streaming and JSON calls", { timeout: 20000 }, async () => {
  const s = await serve((req, res) => {
    res.writeHead(503, { "content-type": "application/json" });
    res.write('{"error":"par');
  });
  try {
    const client = new Baseten({ baseUrl: s.url, openaiBaseUrl: `${s.url}/v1`, maxRetries: 0 });
    const calls = {
      chat: () => client.chat.completions.create({ model: "m", messages: [], stream: true }, { idleTimeoutMs: 300 }),
      predictStream: () => client.predictStream({}, { idleTimeoutMs: 300 }),
      predict: () => client.predict({}, { idleTimeoutMs: 300 }),
    };
    for (const [name, call] of Object.entries(calls)) {
      const t0 = performance.now();
      const e = await rejects(call());
      const ms = performance.now() - t0;
      assert.equal(e.name, "TimeoutError", `${name}: ${e}`);
      assert.equal(e.code, "idle_timeout", name);
      assert.ok(ms >= 250 && ms < 3000, `${name} took ${ms} ms`);
    }
  } finally {
    await s.stop();
  }
});

test("an error body cut off by a reset keeps its status and Retry-After", { timeout: 20000 }, async () => {
  const s = await serve((req, res, state) => {
    if (state.hits === 1) {
      res.writeHead(503, { "content-type": "application/json", "retry-after": "1", "content-length": "100" });
      res.write('{"err');
      setTimeout(() => res.socket.destroy(), 20);
    } else {
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":1}');
    }
  });
  try {
    const out = await new Baseten({ baseUrl: s.url }).predict({});
    assert.deepEqual(out, { ok: 1 });
    assert.equal(s.state.hits, 2);
    const gap = s.state.times[1] - s.state.times[0];
    assert.ok(gap >= 950, `waited ${gap} ms, the server asked for 1000`);
  } finally {
    await s.stop();
  }
});

test("a 2xx body cut off: one call fails typed and is not sent again (the server did the work); a batch's request is", { timeout: 20000 }, async () => {
  const s = await serve((req, res, state) => {
    if (state.hits === 1 || req.url.includes("/predict")) {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"ok"');
      setTimeout(() => res.socket.destroy(), 20);
    } else {
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":1}');
    }
  });
  try {
    const client = new Baseten({ baseUrl: s.url });
    const e = await rejects(client.predict({}));
    assert.equal(e.name, "APIConnectionError", String(e));
    assert.equal(e.attempts, 1);
    assert.equal(s.state.hits, 1, "a single call is not repeated");
    s.state.hits = 0;
    const out = await client.batchPost("r", [{ a: 1 }]);
    assert.deepEqual(out.data, [{ ok: 1 }]);
    assert.equal(s.state.hits, 2, "the batch's request was sent again");
  } finally {
    await s.stop();
  }
});

test("error.retryable follows x-should-retry; batch calls keep the client's maxRetries", async () => {
  const s = await serve((req, res) => {
    res.writeHead(503, { "content-type": "application/json", "x-should-retry": "false" }).end('{"error":"draining"}');
  });
  try {
    const e = await rejects(new Baseten({ baseUrl: s.url }).predict({}));
    assert.equal(e.name, "InternalServerError");
    assert.equal(e.attempts, 1);
    assert.equal(e.retryable, false);
  } finally {
    await s.stop();
  }
  const t = await serve((req, res) => res.writeHead(503).end());
  try {
    const e = await rejects(new Baseten({ baseUrl: t.url, maxRetries: 0 }).batchPost("r", [{}]));
    assert.equal(e.attempts, 1);
    assert.equal(t.state.hits, 1);
  } finally {
    await t.stop();
  }
});

test("verifyWebhook: a trailing comma, V1, toleranceSeconds Infinity and now as a Date", async () => {
  const { createHmac } = await import("node:crypto");
  const body = JSON.stringify({ request_id: "r", time: "2026-01-01T00:00:00Z", data: null, errors: [] });
  const sig = createHmac("sha256", "s3cret").update(body).digest("hex");
  const at = new Date("2026-01-01T00:01:00Z");
  for (const header of [`v1=${sig},`, `V1=${sig}`]) {
    assert.equal(verifyWebhook(body, header, "s3cret", { now: at }).request_id, "r", header);
  }
  assert.equal(verifyWebhook(body, `v1=${sig}`, ["s3cret"], { toleranceSeconds: Infinity }).request_id, "r");
  // A Date that is not a date is refused, never replaced by the clock.
  assert.throws(() => verifyWebhook(body, `v1=${sig}`, "s3cret", { now: new Date("garbage") }), (e) => e.name === "ConfigurationError");
  assert.throws(() => verifyWebhook(body, `v1=${sig}`, "s3cret"), (e) => e.code === "timestamp_out_of_tolerance");
});

test("a chat stream dropped unread is aborted once it is collected", { timeout: 20000 }, async () => {
  const { setFlagsFromString } = await import("node:v8");
  const { runInNewContext } = await import("node:vm");
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc");
  const s = await serve((req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write('data: {"choices":[{"index":0,"delta":{"content":"hi"}}]}\n\n');
    // ... and never ends on its own.
  });
  try {
    const client = new Baseten({ openaiBaseUrl: `${s.url}/v1` });
    await (async () => {
      await client.chat.completions.create({ model: "m", messages: [], stream: true });
    })();
    for (let i = 0; i < 100 && s.state.closed === 0; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(s.state.closed, 1, "the dropped stream's connection was closed");
  } finally {
    await s.stop();
  }
});

test("a bad baseUrl is blamed on baseUrl, even with an openaiBaseUrl derived from it", () => {
  const message = (opts) => {
    try {
      new Baseten(opts);
    } catch (e) {
      assert.equal(e.name, "ConfigurationError");
      return e.message;
    }
    assert.fail(`accepted ${JSON.stringify(opts)}`);
  };
  // What a page does with a proxy's URL: `${baseUrl}/v1` for chat. The user typed baseUrl.
  for (const typed of ["not a url", "example.com", "ftp://example.com"]) {
    const m = message({ baseUrl: typed, openaiBaseUrl: `${typed}/v1` });
    assert.match(m, /^baseUrl /, `${typed}: ${m}`);
    assert.doesNotMatch(m, /openaiBaseUrl/);
  }
  // A good baseUrl with a bad openaiBaseUrl still names openaiBaseUrl.
  assert.match(message({ baseUrl: "https://proxy.example.com", openaiBaseUrl: "not a url" }), /^openaiBaseUrl contains whitespace/);
});

test("a string argument of the wrong type is a ConfigurationError naming it, not a trap", async () => {
  const { Baseten, ConfigurationError, verifyWebhook } = await import("../../pkg/node.mjs");
  const c = new Baseten({ baseUrl: "http://127.0.0.1:9", maxRetries: 0 });
  const calls = {
    route: () => c.sync("GET", {}),
    method: () => c.sync(7, "/x"),
    requestId: () => c.asyncRequest({}),
    "requestId ": () => c.cancelAsyncRequest(null),
    "requestId  ": () => c.waitForAsyncRequest(5),
    "route ": () => c.batchPost(null, []),
    query: () => c.rerank(1, []),
    signatureHeader: () => verifyWebhook("{}", 5, "s"),
  };
  for (const [what, call] of Object.entries(calls)) {
    const e = await (async () => call())().then(() => null, (err) => err);
    assert.ok(e instanceof ConfigurationError, `${what}: ${e}`);
    assert.match(e.message, new RegExp(`^${what.trim()} must be`), what);
  }
});
