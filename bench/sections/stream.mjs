// 1. Stream decode: one 20,000-chunk chat completion stream served from memory in 1-4 KiB
// pieces, consumed (a) into chunk objects and (b) into delta text only, by each contender.
// Runs are interleaved (warm-up, then RUNS rounds of every contender) so that a noisy neighbour
// hits every contender alike.
import OpenAI from "openai";
import { createParser } from "eventsource-parser";
import { loadOurs, report, RUNS, stats, within } from "../lib/common.mjs";
import { makeStream, sseFetch } from "../lib/stream-data.mjs";

const CHUNKS = Number(process.env.STREAM_CHUNKS || 20000);
const data = makeStream({ chunks: CHUNKS });
const { Baseten } = await loadOurs();
const BODY = { model: "smollm2", messages: [{ role: "user", content: "hi" }], stream: true };

const ours = new Baseten({ apiKey: "k", openaiBaseUrl: "http://bench.invalid/v1", fetch: sseFetch(data.pieces) });
const openai = new OpenAI({ apiKey: "k", baseURL: "http://bench.invalid/v1", fetch: sseFetch(data.pieces), maxRetries: 0 });
const respond = sseFetch(data.pieces);

// Every contender returns { chunks, text } so the results can be checked against each other.
const objects = {
  async ours() {
    const s = await ours.chat.completions.create(BODY);
    let chunks = 0, text = "";
    for await (const c of s) {
      chunks++;
      const d = c.choices[0]?.delta?.content;
      if (d) text += d;
    }
    return { chunks, text };
  },
  async openai() {
    const s = await openai.chat.completions.create(BODY);
    let chunks = 0, text = "";
    for await (const c of s) {
      chunks++;
      const d = c.choices[0]?.delta?.content;
      if (d) text += d;
    }
    return { chunks, text };
  },
  async esp() {
    let chunks = 0, text = "";
    await readEsp((obj) => {
      chunks++;
      const d = obj.choices[0]?.delta?.content;
      if (d) text += d;
    });
    return { chunks, text };
  },
  async floor() {
    let chunks = 0, text = "";
    await readFloor((obj) => {
      chunks++;
      const d = obj.choices[0]?.delta?.content;
      if (d) text += d;
    });
    return { chunks, text };
  },
};

const texts = {
  async ours() {
    const s = await ours.chat.completions.create(BODY);
    let text = "";
    for await (const t of s.textStream()) text += t;
    return { chunks: CHUNKS, text };
  },
  async openai() {
    const s = await openai.chat.completions.create(BODY);
    let text = "";
    for await (const c of s) {
      const d = c.choices[0]?.delta?.content;
      if (d) text += d;
    }
    return { chunks: CHUNKS, text };
  },
  async esp() {
    let text = "";
    await readEsp((obj) => {
      const d = obj.choices[0]?.delta?.content;
      if (d) text += d;
    });
    return { chunks: CHUNKS, text };
  },
  async floor() {
    let text = "";
    await readFloor((obj) => {
      const d = obj.choices[0]?.delta?.content;
      if (d) text += d;
    });
    return { chunks: CHUNKS, text };
  },
};

async function readEsp(onChunk) {
  const res = await respond();
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let done = false;
  const parser = createParser({
    onEvent(ev) {
      if (done) return;
      if (ev.data === "[DONE]") done = true;
      else onChunk(JSON.parse(ev.data));
    },
  });
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    parser.feed(decoder.decode(r.value, { stream: true }));
  }
}

// The floor: TextDecoder + indexOf("\n\n") + JSON.parse, nothing else.
async function readFloor(onChunk) {
  const res = await respond();
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    buf += decoder.decode(r.value, { stream: true });
    let start = 0, end;
    while ((end = buf.indexOf("\n\n", start)) !== -1) {
      const ev = buf.slice(start, end);
      start = end + 2;
      if (ev.startsWith("data: ")) {
        const d = ev.slice(6);
        if (d === "[DONE]") return;
        onChunk(JSON.parse(d));
      }
    }
    buf = buf.slice(start);
  }
}

const results = {};
for (const [mode, set] of [["objects", objects], ["text", texts]]) {
  const times = Object.fromEntries(Object.keys(set).map((k) => [k, []]));
  for (let round = 0; round <= RUNS; round++) {
    for (const [name, fn] of Object.entries(set)) {
      globalThis.gc?.();
      const t0 = performance.now();
      const out = await within(120_000, fn(), `stream ${mode} ${name}`);
      const ms = performance.now() - t0;
      if (out.chunks !== CHUNKS || out.text !== data.text) {
        throw new Error(`stream ${mode} ${name}: got ${out.chunks} chunks, ${out.text.length} chars of text; expected ${CHUNKS}, ${data.text.length}`);
      }
      if (round > 0) times[name].push(CHUNKS / (ms / 1000));
    }
  }
  results[mode] = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, stats(v)]));
}
report({ section: "stream", chunks: CHUNKS, bytes: data.bytes, pieces: data.pieces.length, results });
