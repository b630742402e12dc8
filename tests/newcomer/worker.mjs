// The Worker under `wrangler dev` in front of the mock, checked as the Worker's README tells a
// newcomer to use it: a streamed chat arriving as server-sent events, an async request whose
// webhook result is stored in the local KV namespace, and the playground's origin allowed.
//   node worker.mjs WORKER_URL PAGE_URL
import assert from "node:assert/strict";

const [worker, page] = process.argv.slice(2);
const headers = { "content-type": "application/json", origin: "http://127.0.0.1:8080" };

const health = await fetch(`${worker}/health`);
assert.equal(health.status, 200);
// dev:mock sets no PROXY_AUTH_SECRET: the Worker is open, and says so on every answer.
assert.equal(health.headers.get("x-proxy-auth"), "off");

const res = await fetch(`${worker}/v1/chat/completions`, {
  method: "POST",
  headers,
  body: JSON.stringify({ messages: [{ role: "user", content: "through the Worker" }], stream: true, max_tokens: 8 }),
});
assert.equal(res.status, 200);
assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
assert.equal(res.headers.get("access-control-allow-origin"), "http://127.0.0.1:8080");
let text = "", reads = 0, done = false, buffer = "";
const decoder = new TextDecoder();
for await (const bytes of res.body) {
  reads++;
  buffer += decoder.decode(bytes, { stream: true });
  // Whole events only: a read may end anywhere, even inside a line.
  const events = buffer.split("\n\n");
  buffer = events.pop() ?? "";
  for (const event of events) {
    const data = event.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
    if (data === "[DONE]") done = true;
    else if (data) text += JSON.parse(data).choices[0]?.delta?.content ?? "";
  }
}
assert.equal(buffer, "", "nothing after the last event");
assert.ok(done, "the stream ended with [DONE]");
assert.match(text, /^Hello! You said: through the Worker/);
assert.ok(reads > 1, `the stream came in pieces (${reads} reads)`);
console.log(`streamed chat through the Worker: "${text}" in ${reads} reads`);

const started = await fetch(`${worker}/async`, { method: "POST", headers, body: JSON.stringify({ prompt: "later" }) });
assert.equal(started.status, 201);
const { requestId } = await started.json();
let result;
for (let i = 0; i < 40 && !result; i++) {
  const r = await fetch(`${worker}/async/${requestId}/result`, { headers });
  if (r.status === 200) result = await r.json();
  else await new Promise((ok) => setTimeout(ok, 250));
}
assert.ok(result, "the webhook's result reached the local KV namespace");
assert.equal(result.request_id, requestId);
assert.deepEqual(result.data, { output: { prompt: "later" } });
console.log(`async result stored by /webhook in the local KV: ${requestId}`);
