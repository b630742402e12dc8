// 4b. One cold start in a fresh process: import the bundle, (ours) compile and instantiate the
// .wasm, then a first call: a short streamed chat from an in-memory fetch.
// argv: ours|openai, the bundle file (from size.mjs), the wasm file.
import fs from "node:fs";
import { pathToFileURL } from "node:url";
import { makeStream, sseFetch } from "../lib/stream-data.mjs";

const [who, bundle, wasmFile] = process.argv.slice(2);
const data = makeStream({ chunks: 20 });
const fetch = sseFetch(data.pieces);
const bytes = who === "ours" ? fs.readFileSync(wasmFile) : null;

// Warm Node's own fetch/stream machinery (loaded lazily on first use) so that neither library
// is charged for it.
await new Response(new ReadableStream({ pull(c) { c.enqueue(new Uint8Array(1)); c.close(); } })).text();

const t0 = performance.now();
const mod = await import(pathToFileURL(bundle).href);
const t1 = performance.now();
const module = who === "ours" ? new WebAssembly.Module(bytes) : null;
const t2 = performance.now();
mod.init(module);
const t3 = performance.now();
const text = await mod.chat(fetch, "hi");
const t4 = performance.now();
if (text !== data.text) throw new Error(`first call returned ${JSON.stringify(text)}`);
process.stdout.write(`RESULT ${JSON.stringify({
  importMs: t1 - t0, compileMs: t2 - t1, instantiateMs: t3 - t2, firstCallMs: t4 - t3,
  readyMs: t3 - t0, totalMs: t4 - t0,
})}\n`);
