// The response helpers in Cloudflare's runtime, from the packed tarball (the chat build,
// `baseten-edge/chat`, bundled by wrangler and run by Miniflare/workerd against the mock):
// `tee()` to log one copy of a chat stream (in `ctx.waitUntil`) while the other is forwarded to
// the client as SSE; `asResponse()` to forward the upstream Response itself, body unread; and
// `withResponse()` for the request id.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startMock } from "./lib/mock.mjs";
import { makeProject } from "./lib/harness.mjs";
import { wranglerBuild, startWorker } from "./lib/workerd.mjs";

const WORKER = `import { Baseten } from "baseten-edge/chat";

// What the logging copy read, by request (the isolate lives on between requests here).
const logs = new Map();

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const client = new Baseten({ apiKey: "test-key", baseUrl: env.MOCK_URL });
    const body = (content, stream) => ({ model: "m", messages: [{ role: "user", content }], stream });
    if (url.pathname === "/tee") {
      const id = url.searchParams.get("id");
      const stream = await client.chat.completions.create(body("log me and forward me", true));
      const [log, forward] = stream.tee();
      ctx.waitUntil((async () => {
        let text = "";
        let chunks = 0;
        for await (const chunk of log) {
          chunks++;
          text += chunk.choices[0]?.delta?.content ?? "";
          // The log is slower than the client: it must not hold the forwarded copy back.
          await new Promise((r) => setTimeout(r, 2));
        }
        logs.set(id, { text, chunks, requestId: log.requestId });
      })());
      return new Response(forward.toReadableStream(), { headers: { "content-type": "text/event-stream" } });
    }
    if (url.pathname === "/log") {
      return Response.json(logs.get(url.searchParams.get("id")) ?? null);
    }
    if (url.pathname === "/raw") {
      const upstream = await client.chat.completions.create(body("raw please", true)).asResponse();
      return new Response(upstream.body, { status: upstream.status, headers: { "content-type": upstream.headers.get("content-type"), "x-unread": String(!upstream.bodyUsed) } });
    }
    if (url.pathname === "/with") {
      const { data, response, requestId } = await client.chat.completions.create(body("plain", false)).withResponse();
      return Response.json({ object: data.object, status: response.status, requestId, same: requestId === data._request_id });
    }
    return new Response("not found", { status: 404 });
  },
};
`;

let mock;
let project;
let worker;
before(async () => {
  mock = await startMock(["--token-rate", "200"]);
  project = await makeProject("helpers", {
    files: {
      "worker.mjs": WORKER,
      "wrangler.jsonc": JSON.stringify({ name: "helpers", main: "worker.mjs", compatibility_date: "2025-09-01" }),
    },
  });
  const built = await wranglerBuild(project.dir);
  worker = await startWorker({ ...built, bindings: { MOCK_URL: mock.url } });
}, { timeout: 150_000 });
after(async () => {
  await worker?.mf.dispose();
  await mock?.stop();
  project?.cleanup();
}, { timeout: 30_000 });

const get = (path) => fetch(worker.url + path, { signal: AbortSignal.timeout(20_000) });

test("workerd: tee() logs one copy in waitUntil and forwards the other as SSE", { timeout: 60_000 }, async () => {
  const id = String(Date.now());
  const res = await get(`/tee?id=${id}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type"), /text\/event-stream/);
  const events = (await res.text()).split("\n\n").filter(Boolean);
  assert.equal(events.at(-1), "data: [DONE]");
  const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice("data: ".length)));
  const forwarded = chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("");
  assert.match(forwarded, /log me and forward me/);
  let logged = null;
  for (let i = 0; i < 100 && logged === null; i++) {
    logged = await (await get(`/log?id=${id}`)).json();
    if (logged === null) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(logged, "the logging copy finished");
  assert.equal(logged.text, forwarded);
  assert.equal(logged.chunks, chunks.length);
  assert.equal(typeof logged.requestId, "string");
});

test("workerd: asResponse() forwards the upstream event stream unread", { timeout: 60_000 }, async () => {
  const res = await get("/raw");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("x-unread"), "true");
  const text = await res.text();
  assert.match(text, /^data: /);
  assert.match(text, /data: \[DONE\]/);
});

test("workerd: withResponse() gives the data, the response and the request id", { timeout: 60_000 }, async () => {
  const r = await (await get("/with")).json();
  assert.deepEqual(r, { object: "chat.completion", status: 200, requestId: r.requestId, same: true });
  assert.equal(typeof r.requestId, "string");
});
