// The Node transport's own HTTP/2 client (packaging/h2_connection.cjs) against a server we did
// not write (Node's http2, that is nghttp2): flow control both ways, CONTINUATION, informational
// responses and trailers, the server's stream limit, PING, abort; and against a raw socket that
// speaks broken HTTP/2: a typed failure, never a hang.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import http2 from "node:http2";
import net from "node:net";
import { once } from "node:events";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";

const { nodeFetch } = createRequire(import.meta.url)("../../pkg/node_transport.cjs");
const servers = [];
after(() => Promise.all(servers.map((s) => new Promise((ok) => s.close(() => ok())))));

async function listen(server) {
  const sockets = new Set();
  server.on("session", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  const close = server.close.bind(server);
  server.close = (cb) => {
    for (const s of sockets) s.destroy();
    return close(cb);
  };
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${server.address().port}`;
}

const sha = (b) => createHash("sha256").update(b).digest("hex");
const within = (ms, p, what) => Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error(`${what}: no answer in ${ms} ms`)), ms).unref())]);

test("flow control both ways: a 6 MiB request to a server with a 1 KiB window, a 24 MiB response", { timeout: 60_000 }, async () => {
  const big = Buffer.alloc(24 << 20);
  for (let i = 0; i < big.length; i += 4096) big.writeUInt32BE(i, i);
  const server = http2.createServer({ settings: { initialWindowSize: 1024 } }, (req, res) => {
    const h = createHash("sha256");
    let n = 0;
    req.on("data", (d) => {
      h.update(d);
      n += d.length;
    });
    req.on("end", () => {
      res.writeHead(200, { "x-got": String(n), "x-sha": h.digest("hex") });
      res.end(req.url === "/big" ? big : "");
    });
  });
  const url = await listen(server);
  const fetch = nodeFetch({ h2c: true });
  const body = Buffer.alloc(6 << 20, 7);
  const res = await fetch(`${url}/up`, { method: "POST", body });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("x-got"), String(body.length));
  assert.equal(res.headers.get("x-sha"), sha(body));
  await res.text();
  const down = await fetch(`${url}/big`, { method: "POST", body: "x" });
  const got = Buffer.from(await down.arrayBuffer());
  assert.equal(got.length, big.length);
  assert.equal(sha(got), sha(big));
});

test("a response header block over 16 KiB (CONTINUATION frames), repeated set-cookie, 103 then 200, trailers", async () => {
  const server = http2.createServer();
  server.on("stream", (stream, headers) => {
    if (headers[":path"] === "/hints") {
      stream.additionalHeaders({ ":status": 103, link: "</a.js>; rel=preload" });
      stream.respond({ ":status": 200, "content-type": "text/plain" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "x-trailer": "t" }));
      stream.end("after hints");
      return;
    }
    stream.respond({ ":status": 200, "x-big": "b".repeat(40_000), "set-cookie": ["a=1", "b=2"], "x-n": "1" });
    stream.end("{}");
  });
  const url = await listen(server);
  const fetch = nodeFetch({ h2c: true });
  const res = await fetch(`${url}/big-headers`);
  assert.equal(res.headers.get("x-big").length, 40_000);
  assert.deepEqual(res.headers.getSetCookie(), ["a=1", "b=2"]);
  assert.equal(res.headers.get("x-n"), "1");
  assert.equal(await res.text(), "{}");
  const hinted = await fetch(`${url}/hints`);
  assert.equal(hinted.status, 200);
  assert.equal(await hinted.text(), "after hints");
});

test("the server's SETTINGS_MAX_CONCURRENT_STREAMS holds: requests wait for room, none is refused", { timeout: 30_000 }, async () => {
  let open = 0;
  let most = 0;
  let refused = 0;
  const server = http2.createServer({ settings: { maxConcurrentStreams: 3 } }, (req, res) => {
    open += 1;
    most = Math.max(most, open);
    setTimeout(() => {
      open -= 1;
      res.end(req.url);
    }, 5);
  });
  server.on("session", (s) => s.on("frameError", () => (refused += 1)));
  const url = await listen(server);
  const fetch = nodeFetch({ h2c: true });
  // Let the server's SETTINGS arrive on a first connection, then 120 requests at once.
  await (await fetch(`${url}/warm`)).text();
  const texts = await Promise.all(Array.from({ length: 120 }, (_, i) => fetch(`${url}/r${i}`).then((r) => r.text())));
  texts.forEach((t, i) => assert.equal(t, `/r${i}`));
  // Four connections at most, three streams each.
  assert.ok(most <= 12, `the server saw ${most} streams open at once`);
  assert.equal(refused, 0);
});

test("PING from the server is answered; an aborted request resets its stream with CANCEL", async () => {
  let rst;
  const reset = new Promise((ok) => (rst = ok));
  let session;
  const server = http2.createServer();
  server.on("stream", (stream, headers) => {
    session = stream.session;
    if (headers[":path"] === "/hold") {
      stream.respond({ ":status": 200 });
      stream.write("partial");
      stream.on("close", () => rst(stream.rstCode));
      return;
    }
    stream.respond({ ":status": 200 });
    stream.end("ok");
  });
  const url = await listen(server);
  const fetch = nodeFetch({ h2c: true });
  assert.equal(await (await fetch(`${url}/`)).text(), "ok");
  const rtt = await new Promise((ok, no) => session.ping((e, ms) => (e ? no(e) : ok(ms))));
  assert.ok(rtt >= 0);
  const ctl = new AbortController();
  const res = await fetch(`${url}/hold`, { signal: ctl.signal });
  const reader = res.body.getReader();
  assert.equal(new TextDecoder().decode((await reader.read()).value), "partial");
  ctl.abort();
  await assert.rejects(reader.read(), (e) => e.name === "AbortError" || /terminated/.test(e.message));
  assert.equal(await within(5000, reset, "server close"), http2.constants.NGHTTP2_CANCEL);
});

/** A raw server: answers the preface with SETTINGS, then `bad` (bytes) once a request comes. */
async function hostile(bad) {
  const server = net.createServer((sock) => {
    let seen = 0;
    sock.on("data", (d) => {
      seen += d.length;
      if (seen > 24) {
        sock.write(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]));
        sock.write(bad);
        seen = -Infinity;
      }
    });
    sock.on("error", () => {});
  });
  return listen(server);
}
const frame = (type, flags, id, payload) => {
  const h = Buffer.alloc(9);
  h.writeUIntBE(payload.length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(id, 5);
  return Buffer.concat([h, payload]);
};

test("broken HTTP/2 from the server: a typed failure naming what broke, never a hang", { timeout: 30_000 }, async () => {
  const cases = {
    "an oversized frame": [Buffer.from([0, 0x40, 0x01, 0, 0, 0, 0, 0, 1]), /a frame of 16385 bytes/],
    "DATA before HEADERS": [frame(0, 1, 1, Buffer.from("x")), /DATA before its headers/],
    "garbage HPACK": [frame(1, 5, 1, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), /protocol error/],
    "PUSH_PROMISE": [frame(5, 4, 1, Buffer.from([0, 0, 0, 2, 0x82])), /PUSH_PROMISE/],
    "no :status": [frame(1, 5, 1, Buffer.from([0x82])), /no valid :status/],
    "a cut mid-frame": [Buffer.from([0, 0, 10, 1, 4, 0, 0, 0, 1, 0x88]), /closed/],
  };
  for (const [name, [bytes, why]] of Object.entries(cases)) {
    const url = await hostile(name === "a cut mid-frame" ? bytes : Buffer.concat([bytes]));
    if (name === "a cut mid-frame") {
      // The server closes after half a frame.
      servers.at(-1).on("connection", (s) => setTimeout(() => s.end(), 50));
    }
    const fetch = nodeFetch({ h2c: true });
    await assert.rejects(within(5000, fetch(`${url}/`), name), (e) => {
      assert.ok(e instanceof TypeError, `${name}: ${e}`);
      assert.equal(e.message, "fetch failed", name);
      assert.match(String(e.cause?.message), why, name);
      return true;
    }, name);
  }
});
