// 2. Request overhead: 5,000 small requests against the Rust mock at concurrency 1 and 64.
// predict: this package vs raw fetch (the floor). chat (non-streaming, /v1/chat/completions,
// mock at --token-rate 0): this package vs openai-node. This package on each transport: the Node
// transport over HTTP/1.1 (its default against an http:// URL) and over h2c, and the global fetch
// (undici, HTTP/1.1, what raw fetch and openai-node use).
import OpenAI from "openai";
import { loadOurs, pool, report, RUNS, stats, within } from "../lib/common.mjs";

const URL_ = process.env.MOCK_URL;
const KEY = "test-key";
const N = Number(process.env.REQUESTS || 5000);
const WARM = Math.min(N, 1000);
const { Baseten } = await loadOurs();
const ours = new Baseten({ apiKey: KEY, baseUrl: URL_, openaiBaseUrl: `${URL_}/v1` });
const oursH2c = new Baseten({ apiKey: KEY, baseUrl: URL_, openaiBaseUrl: `${URL_}/v1`, transport: "node", h2c: true });
const oursFetch = new Baseten({ apiKey: KEY, baseUrl: URL_, openaiBaseUrl: `${URL_}/v1`, transport: "fetch" });
const openai = new OpenAI({ apiKey: KEY, baseURL: `${URL_}/v1`, maxRetries: 0 });
const INPUT = { prompt: "hello", max_tokens: 8 };
const CHAT = { model: "mock-model", messages: [{ role: "user", content: "hi" }], max_tokens: 4 };
const predictUrl = `${URL_}/environments/production/predict`;
const predictInit = () => ({
  method: "POST",
  headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json", accept: "application/json" },
  body: JSON.stringify(INPUT),
});

const contenders = {
  "predict: ours": async () => check(await ours.predict(INPUT)),
  "predict: ours (node h2c)": async () => check(await oursH2c.predict(INPUT)),
  "predict: ours (fetch)": async () => check(await oursFetch.predict(INPUT)),
  "predict: raw fetch": async () => check(await (await fetch(predictUrl, predictInit())).json()),
  "chat: ours": async () => checkChat(await ours.chat.completions.create(CHAT)),
  "chat: ours (node h2c)": async () => checkChat(await oursH2c.chat.completions.create(CHAT)),
  "chat: ours (fetch)": async () => checkChat(await oursFetch.chat.completions.create(CHAT)),
  "chat: openai": async () => checkChat(await openai.chat.completions.create(CHAT)),
};

function check(out) {
  if (out?.prompt !== "hello") throw new Error(`unexpected predict answer ${JSON.stringify(out)}`);
}
function checkChat(out) {
  if (!out?.choices?.[0]?.message?.content) throw new Error(`unexpected chat answer ${JSON.stringify(out)}`);
}

const results = {};
for (const concurrency of [1, 64]) {
  const rates = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let round = 0; round <= RUNS; round++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const n = round === 0 ? WARM : N;
      globalThis.gc?.();
      const t0 = performance.now();
      await within(120_000, pool(n, concurrency, fn), `requests ${name} c=${concurrency}`);
      const ms = performance.now() - t0;
      if (round > 0) rates[name].push(n / (ms / 1000));
    }
  }
  results[`c${concurrency}`] = Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, stats(v)]));
}
// Streamed chat completions (50 tokens each, the mock at --token-rate 0) on each transport, and
// openai-node's stream: whole streams per second at concurrency 16.
const STREAMS = Number(process.env.STREAMS || 400);
const STREAM_BODY = { ...CHAT, stream: true, max_tokens: 50 };
async function drain(stream) {
  let n = 0;
  for await (const c of stream) if (c.choices?.[0]?.delta?.content) n++;
  if (n !== 50) throw new Error(`a stream of ${n} tokens, not 50`);
}
const streamers = {
  "stream: ours": async () => drain(await ours.chat.completions.create(STREAM_BODY)),
  "stream: ours (node h2c)": async () => drain(await oursH2c.chat.completions.create(STREAM_BODY)),
  "stream: ours (fetch)": async () => drain(await oursFetch.chat.completions.create(STREAM_BODY)),
  "stream: openai": async () => drain(await openai.chat.completions.create(STREAM_BODY)),
};
const streamRates = Object.fromEntries(Object.keys(streamers).map((k) => [k, []]));
for (let round = 0; round <= RUNS; round++) {
  for (const [name, fn] of Object.entries(streamers)) {
    const n = round === 0 ? 50 : STREAMS;
    globalThis.gc?.();
    const t0 = performance.now();
    await within(120_000, pool(n, 16, fn), `streams ${name}`);
    if (round > 0) streamRates[name].push(n / ((performance.now() - t0) / 1000));
  }
}
results.streams = Object.fromEntries(Object.entries(streamRates).map(([k, v]) => [k, stats(v)]));
report({ section: "requests", n: N, streams: STREAMS, results });
