// A connection that fails says where it was going: Node's fetch hides the reason in `cause`
// (ENOTFOUND, ECONNREFUSED); the APIConnectionError's message carries it with the host or the
// address and port, never the key.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { Baseten, APIConnectionError } from "../../pkg/node.mjs";

const KEY = "sk-never-in-messages";

test("a host that does not resolve: ENOTFOUND and the host name", async () => {
  const client = new Baseten({ apiKey: KEY, baseUrl: "http://nope.invalid", maxRetries: 0 });
  await assert.rejects(client.predict({}), (e) => {
    assert.ok(e instanceof APIConnectionError, String(e));
    assert.match(e.message, /ENOTFOUND \(host nope\.invalid\)/);
    assert.ok(!e.message.includes(KEY));
    return true;
  });
});

test("a port nobody listens on: ECONNREFUSED and the address", async () => {
  const port = await new Promise((ok) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => ok(p));
    });
  });
  const client = new Baseten({ apiKey: KEY, openaiBaseUrl: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
  await assert.rejects(client.chat.completions.create({ model: "m", messages: [] }), (e) => {
    assert.ok(e instanceof APIConnectionError, String(e));
    assert.match(e.message, new RegExp(`ECONNREFUSED \\(127\\.0\\.0\\.1:${port}\\)`));
    return true;
  });
});
