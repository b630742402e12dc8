// 4a. Size: the wasm + JS glue as shipped, for the chat build (pkg/chat/web, what
// `baseten-edge/chat` loads) and the full build (pkg/web); and the same chat-streaming use bundled
// and minified with esbuild for both builds and for openai-node. The chat build is bundled through
// the package's own `exports` (a temp node_modules/baseten-edge links to pkg/): through
// `baseten-edge/chat/web` (the glue, with the .wasm beside it) and through `baseten-edge/chat`
// itself (what a bundler picks: the .wasm inlined as base64). Writes the bundles to a temp dir
// (printed) for the start-up section.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import * as esbuild from "esbuild";
import { BENCH_DIR, PKG, report } from "../lib/common.mjs";

const gz = (buf) => zlib.gzipSync(buf, { level: 9 }).length;
const sizeOf = (files) => {
  const bufs = files.map((f) => fs.readFileSync(f));
  return { bytes: bufs.reduce((a, b) => a + b.length, 0), gzip: bufs.reduce((a, b) => a + gz(b), 0) };
};
const plus = (a, b) => ({ bytes: a.bytes + b.bytes, gzip: a.gzip + b.gzip });

/** The shipped files of one web build: its .wasm, and its glue (the JS and its snippets). */
function shippedFiles(web) {
  const snippets = fs.readdirSync(path.join(web, "snippets"), { recursive: true })
    .map((f) => path.join(web, "snippets", f))
    .filter((f) => f.endsWith(".js"));
  return { wasm: path.join(web, "baseten_edge_bg.wasm"), glue: [path.join(web, "baseten_edge.js"), ...snippets] };
}
const shippedSize = ({ wasm, glue }) => ({ wasm: sizeOf([wasm]), glue: sizeOf(glue), total: sizeOf([wasm, ...glue]) });

const full = shippedFiles(path.join(PKG, "web"));
const chat = shippedFiles(path.join(PKG, "chat", "web"));

const out = fs.mkdtempSync(path.join(os.tmpdir(), "baseten-edge-bench-"));
fs.mkdirSync(path.join(out, "node_modules"));
fs.symlinkSync(PKG, path.join(out, "node_modules", "baseten-edge"), "dir");

const oursChat = (from, init) => `import { ${init ? "initSync, " : ""}Baseten } from ${JSON.stringify(from)};
export function init(module) { ${init ? "initSync({ module });" : ""} }
export async function chat(fetch, text) {
  const c = new Baseten({ apiKey: "k", openaiBaseUrl: "http://bench.invalid/v1", fetch });
  const s = await c.chat.completions.create({ model: "m", messages: [{ role: "user", content: text }], stream: true });
  let out = "";
  for await (const t of s.textStream()) out += t;
  return out;
}`;
const entries = {
  // The chat build through the subpath's web glue (the .wasm is a separate file, as shipped).
  ours: { contents: oursChat("baseten-edge/chat/web", true), resolveDir: out },
  // The chat build as a bundler picks it for `import ... from "baseten-edge/chat"`: one file.
  oursInline: { contents: oursChat("baseten-edge/chat", false), resolveDir: out },
  // The full build's web glue, for comparison.
  oursFull: { contents: oursChat(path.join(PKG, "web", "baseten_edge.js"), true), resolveDir: BENCH_DIR },
  openai: {
    contents: `import OpenAI from "openai";
export function init() {}
export async function chat(fetch, text) {
  const c = new OpenAI({ apiKey: "k", baseURL: "http://bench.invalid/v1", fetch, maxRetries: 0 });
  const s = await c.chat.completions.create({ model: "m", messages: [{ role: "user", content: text }], stream: true });
  let out = "";
  for await (const ch of s) out += ch.choices[0]?.delta?.content ?? "";
  return out;
}`,
    resolveDir: BENCH_DIR,
  },
};
const bundles = {};
for (const [name, { contents, resolveDir }] of Object.entries(entries)) {
  const file = path.join(out, `${name}.bundle.mjs`);
  await esbuild.build({
    stdin: { contents, resolveDir, loader: "js" },
    bundle: true, minify: true, format: "esm", platform: "browser", target: "es2022",
    outfile: file, logLevel: "error",
  });
  bundles[name] = { file, ...sizeOf([file]) };
}

const chatWasm = sizeOf([chat.wasm]);
const fullWasm = sizeOf([full.wasm]);
report({
  section: "size",
  dir: out,
  wasmFile: chat.wasm,
  shipped: shippedSize(chat),
  shippedFull: shippedSize(full),
  bundled: {
    ours: { js: bundles.ours, total: plus(bundles.ours, chatWasm) },
    oursInline: bundles.oursInline,
    oursFull: { js: bundles.oursFull, total: plus(bundles.oursFull, fullWasm) },
    openai: bundles.openai,
  },
});
