// The Node transport's own HTTP/2 client (packaging/h2_connection.cjs) against a server we did
// not write (Node's http2, that is nghttp2): flow control both ways, CONTINUATION, informational
// responses and trailers, the server's stream limit, PING, abort; and against a raw socket that
// speaks broken HTTP/2: a typed failure, never a hang.
import { test } from "node:test";
import assert from "node:assert/strict";
import http2 from "node:http2";
import net from "node:net";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";

import { listen } from "./listen.mjs";

const { nodeFetch } = createRequire(import.meta.url)("../../pkg/node_transport.cjs");
/** Starts `server` (listen.mjs); resolves to its http:// origin. */
const origin = async (server) => `http://127.0.0.1:${await listen(server)}`;

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
  const url = await origin(server);
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
  const url = await origin(server);
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
  const url = await origin(server);
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
  const url = await origin(server);
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

/**
 * A raw server: answers the preface with SETTINGS, then `bad` (bytes) once a request comes (and
 * with `cut`, closes the connection 50 ms later).
 */
async function hostile(bad, cut = false) {
  const server = net.createServer((sock) => {
    let seen = 0;
    sock.on("data", (d) => {
      seen += d.length;
      if (seen > 24) {
        sock.write(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]));
        sock.write(bad);
        seen = -Infinity;
        if (cut) setTimeout(() => sock.end(), 50);
      }
    });
    sock.on("error", () => {});
  });
  return origin(server);
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
    const url = await hostile(bytes, name === "a cut mid-frame");
    const fetch = nodeFetch({ h2c: true });
    await assert.rejects(within(5000, fetch(`${url}/`), name), (e) => {
      assert.ok(e instanceof TypeError, `${name}: ${e}`);
      assert.equal(e.message, "fetch failed", name);
      assert.match(String(e.cause?.message), why, name);
      return true;
    }, name);
  }
});

/** A TCP proxy to `port` that hands the server's bytes on in random pieces of 1-`most` bytes. */
async function choppingProxy(port, seed, most) {
  let x = seed;
  const rand = () => ((x = (x * 1103515245 + 12345) >>> 0) % most) + 1;
  const server = net.createServer((client) => {
    const upstream = net.connect(port, "127.0.0.1");
    client.pipe(upstream);
    const queue = [];
    let pumping = false;
    const pump = () => {
      if (queue.length === 0) {
        pumping = false;
        return;
      }
      const buf = queue[0];
      const n = Math.min(rand(), buf.length);
      client.write(buf.subarray(0, n));
      if (n === buf.length) queue.shift();
      else queue[0] = buf.subarray(n);
      setImmediate(pump);
    };
    upstream.on("data", (d) => {
      queue.push(d);
      if (!pumping) {
        pumping = true;
        pump();
      }
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on("error", end);
    client.on("error", end);
  });
  return origin(server);
}

test("the server's bytes in random pieces (1-7 and 1-200 bytes): every answer whole and in place", { timeout: 60_000 }, async () => {
  const server = http2.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "x-request-id": `rid-${body.length}`, "set-cookie": ["a=1", "b=2"] });
      res.end(JSON.stringify({ got: body, pad: "p".repeat(body.length * 37) }));
    });
  });
  const served = await origin(server);
  for (const [seed, most] of [[1, 7], [2, 200], [3, 7]]) {
    const proxied = await choppingProxy(Number(new URL(served).port), seed, most);
    const fetch = nodeFetch({ h2c: true });
    const answers = await Promise.all(Array.from({ length: 40 }, async (_, i) => {
      const body = `item-${i}-${"q".repeat(i * 13)}`;
      const res = await fetch(`${proxied}/x`, { method: "POST", body });
      assert.equal(res.headers.get("x-request-id"), `rid-${body.length}`);
      assert.deepEqual(res.headers.getSetCookie(), ["a=1", "b=2"]);
      const v = JSON.parse(await res.text());
      assert.equal(v.got, body);
      assert.equal(v.pad.length, body.length * 37);
      return v.got;
    }));
    assert.equal(answers.length, 40);
  }
});

test("a request body never outruns the server's windows: 1,000 bytes, then as WINDOW_UPDATEs allow", { timeout: 30_000 }, async () => {
  let data = 0;
  let sock;
  let ready;
  const connected = new Promise((ok) => (ready = ok));
  const server = net.createServer((s) => {
    sock = s;
    let buf = Buffer.alloc(0);
    let preface = false;
    s.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      if (!preface && buf.length >= 24) {
        buf = buf.subarray(24);
        preface = true;
        // SETTINGS: INITIAL_WINDOW_SIZE 1000 (streams); the connection window stays 65,535.
        const p = Buffer.alloc(6);
        p.writeUInt16BE(4, 0);
        p.writeUInt32BE(1000, 2);
        s.write(frame(4, 0, 0, p));
        ready();
      }
      while (preface && buf.length >= 9) {
        const len = buf.readUIntBE(0, 3);
        if (buf.length < 9 + len) break;
        if (buf[3] === 0) data += len;
        buf = buf.subarray(9 + len);
      }
    });
    s.on("error", () => {});
  });
  const url = await origin(server);
  const fetch = nodeFetch({ h2c: true });
  // The server's SETTINGS first, then a 6,000-byte body.
  const warm = fetch(`${url}/warm`).catch(() => {});
  await connected;
  await new Promise((ok) => setTimeout(ok, 100));
  const sent = fetch(`${url}/up`, { method: "POST", body: Buffer.alloc(6000, 1) }).catch(() => {});
  await new Promise((ok) => setTimeout(ok, 300));
  assert.equal(data, 1000, "the first window");
  const wu = (id, n) => {
    const p = Buffer.alloc(4);
    p.writeUInt32BE(n, 0);
    return frame(8, 0, id, p);
  };
  sock.write(wu(3, 2500));
  await new Promise((ok) => setTimeout(ok, 300));
  assert.equal(data, 3500, "after a stream WINDOW_UPDATE of 2,500");
  sock.write(wu(3, 10_000));
  await new Promise((ok) => setTimeout(ok, 300));
  assert.equal(data, 6000, "the rest");
  sock.destroy();
  await Promise.all([warm, sent]);
});

test("an answer that comes before the whole request body was sent (a 413): the body of the answer arrives whole", { timeout: 30_000 }, async () => {
  const server = http2.createServer({ settings: { initialWindowSize: 1024 } });
  server.on("stream", (stream) => {
    // Reads nothing: the client's body waits for window while the answer goes out whole.
    stream.respond({ ":status": 413, "content-type": "application/json" });
    stream.end(JSON.stringify({ error: "too large", pad: "z".repeat(50_000) }));
  });
  const url = await origin(server);
  const fetch = nodeFetch({ h2c: true });
  const res = await fetch(`${url}/up`, { method: "POST", body: Buffer.alloc(2 << 20, 1) });
  assert.equal(res.status, 413);
  // Read late, after the stream is over on the server's side.
  await new Promise((ok) => setTimeout(ok, 100));
  const v = JSON.parse(await res.text());
  assert.equal(v.pad.length, 50_000);
});

test("a server that sends past the stream's window (1 MiB): the body breaks with FLOW_CONTROL_ERROR and nothing more is held", { timeout: 30_000 }, async () => {
  // HEADERS (:status 200), then 2 MiB of DATA at once, never waiting for a WINDOW_UPDATE.
  const chunk = Buffer.alloc(16384, 120);
  const flood = Buffer.concat([frame(1, 4, 1, Buffer.from([0x88])), ...Array.from({ length: 128 }, () => frame(0, 0, 1, chunk))]);
  const url = await hostile(flood);
  const res = await within(5000, nodeFetch({ h2c: true })(`${url}/`), "headers");
  assert.equal(res.status, 200);
  await within(5000, new Promise((ok) => res._source.once("_broken", ok)), "the stream's error");
  assert.equal(res._source.closed, true, "the stream is reset");
  assert.equal(res._source.queue.length, 0, "what came is dropped, not held");
  await assert.rejects(res.text(), (e) => e instanceof TypeError && /past the stream's window/.test(String(e.cause?.message)));
});
