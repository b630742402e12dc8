// A small static server for the playground: www/ at /, the built package at /pkg/, and
// /config.json telling the page where the local mock model server is. 127.0.0.1 only.
// Usage: node scripts/serve.mjs --port 8080 --mock http://127.0.0.1:PORT
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const port = Number(args.port ?? 8080);
const mockUrl = args.mock ?? "";

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".ts": "text/plain; charset=utf-8",
};
// Strict CSP: own scripts only (no inline code, no eval; 'wasm-unsafe-eval' only lets
// WebAssembly compile), own styles only (no inline styles), fetches and WebSockets to any model server
// (the base URL is the user's choice), no plugins, workers or frames, and Trusted Types with no
// policy: the page may not hand strings to HTML or script sinks at all (it builds DOM nodes).
// www/index.html carries the same policy in a <meta> (less frame-ancestors, which only a header
// can set); the e2e tests check that the two agree.
const csp = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' http: https: ws: wss:",
  "object-src 'none'",
  "worker-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join("; ");

function resolvePath(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null; // a malformed %-escape
  }
  const clean = normalize(decoded).replace(/^(\.\.[/\\])+/, "");
  if (clean.startsWith("/pkg/")) return join(root, clean);
  return join(root, "www", clean === "/" ? "index.html" : clean);
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, "http://localhost");
  if (url.pathname === "/config.json") {
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify({ mockUrl, mockApiKey: "test-key" }));
    return;
  }
  const path = resolvePath(url.pathname);
  if (!path || !path.startsWith(join(root, "www")) && !path.startsWith(join(root, "pkg"))) {
    res.writeHead(403).end();
    return;
  }
  try {
    const body = await readFile(path);
    res.writeHead(200, {
      "content-type": types[extname(path)] ?? "application/octet-stream",
      "content-security-policy": csp,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "no-cache",
    });
    res.end(body);
  } catch {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  }
});
server.on("listening", () => {
  const { port: actual } = server.address();
  console.log(`playground on http://127.0.0.1:${actual}/ (mock model server at ${mockUrl})`);
});
// A taken port (another playground, another program) falls back to a free one: the address
// printed above is the one to open.
server.on("error", (e) => {
  if (e.code === "EADDRINUSE" && server.address() === null && port !== 0) {
    console.error(`port ${port} is taken; using a free port instead`);
    server.listen(0, "127.0.0.1");
  } else {
    console.error(`playground server: ${e.message}`);
    process.exit(1);
  }
});
server.listen(port, "127.0.0.1");
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => server.close(() => process.exit(0)));
