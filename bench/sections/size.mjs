// 4a. Size: the wasm + JS glue as shipped (pkg/web), and the same chat-streaming use bundled and
// minified with esbuild for both this package and openai-node. Writes the bundles to a temp dir
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

const web = path.join(PKG, "web");
const snippets = fs.readdirSync(path.join(web, "snippets"), { recursive: true })
  .map((f) => path.join(web, "snippets", f))
  .filter((f) => f.endsWith(".js"));
const wasmFile = path.join(web, "baseten_edge_bg.wasm");
const glue = [path.join(web, "baseten_edge.js"), ...snippets];

const out = fs.mkdtempSync(path.join(os.tmpdir(), "baseten-edge-bench-"));
const entries = {
  ours: `import { initSync, Baseten } from ${JSON.stringify(path.join(web, "baseten_edge.js"))};
export function init(module) { initSync({ module }); }
export async function chat(fetch, text) {
  const c = new Baseten({ apiKey: "k", openaiBaseUrl: "http://bench.invalid/v1", fetch });
  const s = await c.chat.completions.create({ model: "m", messages: [{ role: "user", content: text }], stream: true });
  let out = "";
  for await (const t of s.textStream()) out += t;
  return out;
}`,
  openai: `import OpenAI from "openai";
export function init() {}
export async function chat(fetch, text) {
  const c = new OpenAI({ apiKey: "k", baseURL: "http://bench.invalid/v1", fetch, maxRetries: 0 });
  const s = await c.chat.completions.create({ model: "m", messages: [{ role: "user", content: text }], stream: true });
  let out = "";
  for await (const ch of s) out += ch.choices[0]?.delta?.content ?? "";
  return out;
}`,
};
const bundles = {};
for (const [name, contents] of Object.entries(entries)) {
  const file = path.join(out, `${name}.bundle.mjs`);
  await esbuild.build({
    stdin: { contents, resolveDir: BENCH_DIR, loader: "js" },
    bundle: true, minify: true, format: "esm", platform: "browser", target: "es2022",
    outfile: file, logLevel: "error",
  });
  bundles[name] = { file, ...sizeOf([file]) };
}

report({
  section: "size",
  dir: out,
  shipped: { wasm: sizeOf([wasmFile]), glue: sizeOf(glue), total: sizeOf([wasmFile, ...glue]) },
  bundled: { ours: { js: bundles.ours, total: { bytes: bundles.ours.bytes + sizeOf([wasmFile]).bytes, gzip: bundles.ours.gzip + sizeOf([wasmFile]).gzip } }, openai: bundles.openai },
});
