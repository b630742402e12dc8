// Redirects on the Node transport, as fetch follows them: 307/308 keep the method and body, 303
// (and 302 after a POST) become a GET without one, a hop to another origin drops the API key,
// `redirect: "manual"` and "error", a loop fails typed, the fragment never reaches the server.
// HTTP/1.1 and h2c servers on 127.0.0.1.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import http2 from "node:http2";
import { createRequire } from "node:module";
import { Baseten, APIConnectionError } from "../../pkg/node.mjs";
import { listen } from "./listen.mjs";

const { nodeFetch } = createRequire(import.meta.url)("../../pkg/node_transport.cjs");
const KEY = "sk-redirect-test-key";

/** A server (node:http, or node:http2 with `h2`) whose routes redirect; it records what reaches it. */
async function redirecting(h2, other = "") {
  const seen = [];
  const handler = (req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, body, auth: req.headers.authorization ?? null, type: req.headers["content-type"] ?? null });
      const to = (status, location) => {
        res.writeHead(status, { location, "content-type": "text/plain" });
        res.end("moved");
      };
      const [path] = req.url.split("?");
      if (path.endsWith("/307")) return to(307, "/echo?from=307");
      if (path === "/303") return to(303, "/echo?from=303");
      if (path === "/302") return to(302, "/echo?from=302");
      if (path === "/away") return to(308, `${other}/echo?from=away`);
      if (path.endsWith("/loop")) return to(302, "/loop");
      if (path === "/nowhere") return to(301, "ftp://127.0.0.1/x");
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ method: req.method, url: req.url, body }));
    });
  };
  const server = h2 ? http2.createServer(handler) : http.createServer(handler);
  const url = `http://127.0.0.1:${await listen(server)}`;
  return { url, seen };
}

for (const h2 of [false, true]) {
  const name = h2 ? "h2c" : "HTTP/1.1";
  test(`${name}: redirects followed as fetch follows them`, { timeout: 30_000 }, async () => {
    const elsewhere = await redirecting(h2);
    const { url, seen } = await redirecting(h2, elsewhere.url);
    const client = new Baseten({ apiKey: KEY, baseUrl: url, h2c: h2 });
    const fetch = nodeFetch({ h2c: h2 });
    const post = (path, init = {}) => fetch(`${url}${path}`, { method: "POST", headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" }, body: '{"a":1}', ...init });

    // 307 through the package: the same POST and body at the new place.
    assert.deepEqual(await client.sync("POST", "307", { a: 1 }), { method: "POST", url: "/echo?from=307", body: '{"a":1}' });
    const res = await post("/307");
    assert.equal(res.status, 200);
    assert.equal(res.redirected, true);
    assert.deepEqual(await res.json(), { method: "POST", url: "/echo?from=307", body: '{"a":1}' });

    for (const code of ["303", "302"]) {
      const r = await post(`/${code}`);
      assert.deepEqual(await r.json(), { method: "GET", url: `/echo?from=${code}`, body: "" }, code);
      assert.equal(seen.at(-1).type, null, `${code}: the body's content-type is dropped with it`);
      assert.equal(seen.at(-1).auth, `Bearer ${KEY}`, `${code}: same origin keeps the key`);
    }

    // Another origin: the key is not sent there.
    const away = await post("/away");
    assert.deepEqual(await away.json(), { method: "POST", url: "/echo?from=away", body: '{"a":1}' });
    assert.equal(elsewhere.seen.at(-1).auth, null, "no Authorization to another origin");

    const manual = await post("/307", { redirect: "manual" });
    assert.equal(manual.status, 307);
    assert.equal(manual.headers.get("location"), "/echo?from=307");
    await assert.rejects(post("/307", { redirect: "error" }), (e) => e instanceof TypeError && /redirect/.test(e.cause.message));
    await assert.rejects(fetch(`${url}/loop`), (e) => e instanceof TypeError && /more than 20 redirects/.test(e.cause.message));
    await assert.rejects(fetch(`${url}/nowhere`), (e) => e instanceof TypeError && /ftp:/.test(e.cause.message));
    await assert.rejects(client.sync("GET", "loop"), (e) => e instanceof APIConnectionError && !e.message.includes(KEY));

    // The fragment is not sent.
    await (await fetch(`${url}/echo?q=1#frag`)).text();
    assert.equal(seen.at(-1).url, "/echo?q=1");
  });
}

for (const h2 of [false, true]) {
  test(`${h2 ? "h2c" : "HTTP/1.1"}: a redirect whose body never ends is dropped (its request ended), nothing held`, { timeout: 30_000 }, async () => {
    let closed;
    const redirectClosed = new Promise((ok) => (closed = ok));
    const handler = (req, res) => {
      if (req.url.endsWith("/start")) {
        res.writeHead(302, { location: "/final", "content-type": "text/plain" });
        const chunk = Buffer.alloc(16384, 120);
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once("drain", pump);
        };
        res.on("close", () => closed(true));
        pump();
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"ok":true}');
    };
    const server = h2 ? http2.createServer(handler) : http.createServer(handler);
    const client = new Baseten({ apiKey: KEY, baseUrl: `http://127.0.0.1:${await listen(server)}`, h2c: h2, timeoutMs: 5000, maxRetries: 0 });
    assert.deepEqual(await client.sync("GET", "start"), { ok: true });
    assert.equal(await Promise.race([redirectClosed, new Promise((ok) => setTimeout(() => ok(false), 5000).unref())]), true, "the redirect's endless body was cut off");
  });
}
