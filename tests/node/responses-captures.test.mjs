// The whole JS path of client.responses.create against real bytes: each capture in
// tests/fixtures/responses/ (recorded from LiteLLM and LLMock, see its README) is served by a
// tiny node:http server on 127.0.0.1 with its recorded status and headers, the body written in
// random small pieces with small delays (a dropped connection is dropped again), and read
// through the built package (pkg/node.mjs): events in order, textStream, finalResponse, the
// non-streamed Response, and the typed errors. What each must give is in expected.json.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as pkg from "../../pkg/node.mjs";
import { rng } from "../common/rng.mjs";

const dir = fileURLToPath(new URL("../fixtures/responses/", import.meta.url));
const expected = JSON.parse(readFileSync(dir + "expected.json", "utf8"));
const MARK = Buffer.from("\n--- body (raw bytes, chunk-decoded) ---\n");
const SEEDS = [1, 2, 3];

function load(name) {
  const raw = readFileSync(dir + name + ".http");
  const at = raw.indexOf(MARK);
  const head = raw.subarray(0, at).toString("utf8").split("\n");
  const r = head.findIndex((l) => l.startsWith("--- response"));
  const request = JSON.parse(head[r - 1]);
  const status = Number(head[r + 1].split(" ")[0]);
  const headers = head.slice(r + 2).map((l) => [l.slice(0, l.indexOf(": ")), l.slice(l.indexOf(": ") + 2)]);
  return { name, request, status, headers, dropped: head[r].includes("dropped the connection"), body: raw.subarray(at + MARK.length) };
}

const captures = readdirSync(dir).filter((f) => f.endsWith(".http")).sort().map((f) => load(f.slice(0, -5)));
const byName = new Map(captures.map((c) => [c.name, c]));
/** The seed of the next request for each capture. */
const seedOf = new Map();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let server, url;
before(async () => {
  server = createServer(async (req, res) => {
    for await (const _ of req); // the request body
    const [, name, seed] = req.url.split("/");
    const c = byName.get(name);
    const skip = new Set(["transfer-encoding", "content-length", "connection", "date"]);
    res.writeHead(c.status, c.headers.filter(([k]) => !skip.has(k.toLowerCase())).flat());
    const r = rng(Number(seed));
    for (let i = 0; i < c.body.length; ) {
      const n = 1 + r.below(48);
      res.write(c.body.subarray(i, i + n));
      i += n;
      if (r.chance(0.3)) await sleep(r.below(3));
    }
    if (c.dropped) {
      // Every byte recorded is sent, then the connection drops with no chunk terminator.
      await new Promise((r) => res.write("", r));
      await sleep(5);
      res.socket.destroy();
    } else res.end();
  });
  server.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  url = `http://127.0.0.1:${server.address().port}`;
});
after(() => server?.close());

/** A client whose requests for `c` are served by the capture, cut by `seed`. */
const client = (c, seed) => new pkg.Baseten({ apiKey: "k", maxRetries: 0, openaiBaseUrl: `${url}/${c.name}/${seed}/v1` });

/** The event types and data a naive reading of the bytes gives, up to the first terminal event. */
function naive(body) {
  const blocks = body.toString("utf8").replaceAll("\r\n", "\n").split("\n\n");
  blocks.pop();
  const events = [];
  for (const b of blocks) {
    const data = b.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).replace(/^ /, ""));
    if (!data.length) continue;
    const d = data.join("\n");
    if (d === "[DONE]") break;
    let v;
    try { v = JSON.parse(d); } catch { break; }
    if (v.type === "error" || v.type === "response.failed") break;
    events.push(v);
    if (["response.completed", "response.incomplete"].includes(v.type)) break;
  }
  return events;
}

const deltas = (events, type, index) =>
  events.filter((e) => e.type === type && (index === undefined || e.output_index === index)).map((e) => e.delta).join("");

function checkResponse(name, r, want) {
  assert.equal(r.status, want.status, name);
  assert.equal(r.output_text, want.output_text, name);
  const calls = r.output.filter((i) => i.type === "function_call").map((i) => {
    JSON.parse(i.arguments);
    return [i.name, i.arguments];
  });
  assert.deepEqual(calls, want.calls ?? [], name);
}

for (const c of captures) {
  const want = expected[c.name];
  const sse = c.headers.some(([k, v]) => k.toLowerCase() === "content-type" && v.startsWith("text/event-stream"));
  test(`${c.name}: ${want.end}`, async () => {
    assert.ok(want, `${c.name} has no entry in expected.json`);
    for (const seed of SEEDS) {
      const name = `${c.name} (seed ${seed})`;
      const call = () => client(c, seed).responses.create(c.request);
      if (c.status !== 200) {
        await assert.rejects(call(), (e) => {
          assert.ok(e instanceof pkg.BasetenError, name);
          assert.equal(e.kind, want.end, name);
          assert.equal(e.status, c.status, name);
          assert.equal(e.code, want.code, name);
          return true;
        });
        continue;
      }
      if (!sse) {
        checkResponse(name, await call(), want);
        continue;
      }
      const stream = await call();
      const seen = [];
      const iterate = (async () => { for await (const e of stream) seen.push(e); })();
      const events = naive(c.body);
      if (want.end !== "ok") {
        // A dropped connection is a connection error over HTTP (js_end), where the bytes
        // alone only end early.
        const [kind, code] = [want.js_end ?? want.end, want.js_code ?? want.code];
        await assert.rejects(iterate, (e) => {
          assert.ok(e instanceof pkg.BasetenError, `${name}: ${e}`);
          assert.equal(e.kind, kind, name);
          assert.equal(e.code, code, name);
          return true;
        });
        assert.deepEqual(seen, events, `${name}: the events before the error`);
        await assert.rejects(stream.finalResponse(), (e) => e.kind === kind);
        continue;
      }
      await iterate;
      assert.deepEqual(seen, events, `${name}: every event, in order`);
      const text = deltas(seen, "response.output_text.delta");
      const final = await stream.finalResponse();
      assert.equal(final.output_text, text, `${name}: output_text is the deltas`);
      checkResponse(name, final, want);
      final.output.forEach((item, i) => {
        if (item.type === "function_call") {
          assert.equal(item.arguments, deltas(seen, "response.function_call_arguments.delta", i), name);
        }
      });
      const { output_text: _, ...rest } = final;
      assert.deepEqual(rest, events.at(-1).response, `${name}: the server's terminal Response`);

      let streamed = "";
      for await (const t of (await call()).textStream()) streamed += t;
      assert.equal(streamed, text, `${name}: textStream`);
      const direct = await (await call()).finalResponse();
      assert.deepEqual(direct, final, `${name}: finalResponse without iterating`);
    }
  });
}
