// 5. Memory: 10,000 short streamed chats one after another (in-memory fetch), reading the wasm
// memory size and the JS heap (after gc; run with --expose-gc) at 1k and 10k.
import { loadOurs, report, within } from "../lib/common.mjs";
import { makeStream, sseFetch } from "../lib/stream-data.mjs";

if (!globalThis.gc) throw new Error("run with node --expose-gc");
const TOTAL = Number(process.env.MEMORY_CHATS || 10000);
const MARK = Math.min(1000, TOTAL);
const data = makeStream({ chunks: 20, minPiece: 256, maxPiece: 1024 });
const { Baseten, memory } = await loadOurs();
const client = new Baseten({ apiKey: "k", openaiBaseUrl: "http://bench.invalid/v1", fetch: sseFetch(data.pieces) });
const BODY = { model: "m", messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true } };

async function settle() {
  // Two collections with turns of the event loop between them, so FinalizationRegistry
  // callbacks (which free the Rust side of collected wrappers) get to run.
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function sample() {
  await settle();
  return { wasmBytes: memory.buffer.byteLength, heapUsed: process.memoryUsage().heapUsed };
}

const marks = {};
const t0 = performance.now();
await within(300_000, (async () => {
  for (let i = 1; i <= TOTAL; i++) {
    const s = await client.chat.completions.create(BODY);
    let text = "";
    // Odd chats read objects, even ones the text view: both paths are exercised.
    if (i % 2) for await (const c of s) text += c.choices[0]?.delta?.content ?? "";
    else for await (const t of s.textStream()) text += t;
    if (text !== data.text) throw new Error(`chat ${i}: wrong text`);
    if (i === MARK) marks.at1k = await sample();
  }
})(), "memory run");
marks.at10k = await sample();
report({ section: "memory", chats: TOTAL, seconds: (performance.now() - t0) / 1000, ...marks });
