// A stand-in for the proxy Worker (examples/worker) in the playground's e2e tests: the same
// browser-facing routes and CORS answers, forwarding to the mock with the key the browser
// never sees. Its preflight allows Content-Type and Authorization (the proxy token), as the
// Worker's does; it checks no token, and never forwards the browser's Authorization.
//
//   POST /v1/chat/completions, POST /environments/production/predict: forwarded, streamed back
//   GET /environments/production/websocket (Upgrade): relayed to the mock's socket with the key,
//     message by message both ways, each side closed when the other closes (as the Worker's
//     src/websocket.js does; the Worker itself is tested in tests/package/worker-websocket.test.mjs)
//   OPTIONS *: 204 with the CORS headers for any origin
//   anything else: 404 JSON
//
// `startFakeProxy(upstream, key)` resolves to { url, requests, close() }; `requests` lists what
// reached it ({ method, path, headers }), preflights included.
import { createServer } from "node:http";
import { Readable } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";

const ROUTES = new Set(["/v1/chat/completions", "/environments/production/predict"]);

export function startFakeProxy(upstream, key) {
  const requests = [];
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, "http://proxy").pathname;
    requests.push({ method: req.method, path, headers: { ...req.headers } });
    const origin = req.headers.origin;
    const cors = origin ? { "access-control-allow-origin": origin, "access-control-expose-headers": "x-baseten-request-id", vary: "Origin" } : {};
    if (req.method === "OPTIONS") {
      res.writeHead(204, { ...cors, "access-control-allow-methods": "GET, POST, OPTIONS", "access-control-allow-headers": "Content-Type, Authorization", "access-control-max-age": "600" });
      return res.end();
    }
    if (req.method !== "POST" || !ROUTES.has(path)) {
      res.writeHead(404, { ...cors, "content-type": "application/json" });
      return res.end(JSON.stringify({ error: { message: "not found", type: "proxy_error" } }));
    }
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const up = await fetch(upstream + path, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", accept: req.headers.accept ?? "*/*" },
      body: Buffer.concat(chunks),
    });
    const headers = { ...cors, "content-type": up.headers.get("content-type") ?? "application/octet-stream", "cache-control": "no-store" };
    const rid = up.headers.get("x-baseten-request-id");
    if (rid) headers["x-baseten-request-id"] = rid;
    res.writeHead(up.status, headers);
    if (up.body) Readable.fromWeb(up.body).pipe(res);
    else res.end();
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    const path = new URL(req.url, "http://proxy").pathname;
    requests.push({ method: "UPGRADE", path, headers: { ...req.headers } });
    if (path !== "/environments/production/websocket") return socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
    const up = new WebSocket(upstream.replace(/^http/, "ws") + path, { headers: { authorization: `Bearer ${key}` } });
    up.on("error", () => socket.destroy());
    up.on("open", () => {
      wss.handleUpgrade(req, socket, head, (browser) => {
        const sendable = (c) => (c === 1000 || (c >= 3000 && c <= 4999) ? c : 1000);
        browser.on("message", (data, isBinary) => up.send(data, { binary: isBinary }));
        up.on("message", (data, isBinary) => browser.send(data, { binary: isBinary }));
        browser.on("close", (code, reason) => up.close(sendable(code), reason));
        up.on("close", (code, reason) => browser.close(sendable(code), reason));
      });
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        requests,
        close: () => new Promise((r) => {
          server.closeAllConnections();
          server.close(r);
        }),
      });
    });
  });
}
