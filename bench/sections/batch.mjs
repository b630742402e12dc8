// 3. Batch: batchPost and embed of 20,000 items (batch size 16, concurrency 64) against the
// mock: this package, @basetenlabs/performance-client (native, HTTP/2 prior knowledge only) and
// a Promise-pool fetch loop with the same concurrency.
import http2 from "node:http2";
import { createRequire } from "node:module";
import { loadOurs, pool, report, RUNS, stats, within } from "../lib/common.mjs";

const URL_ = process.env.MOCK_URL;
const KEY = "test-key";
const N = Number(process.env.BATCH_ITEMS || 20000);
const BATCH = 16;
const CONC = 64;
const WARM = Math.min(N, 2000);
const { Baseten } = await loadOurs();
const ours = new Baseten({ apiKey: KEY, baseUrl: URL_, openaiBaseUrl: `${URL_}/v1` });
const ROUTE = "items/bench";
const SYNC_PATH = `/environments/production/sync/${ROUTE}`;
const EMBED_PATH = "/v1/embeddings";
const headers = { authorization: `Bearer ${KEY}`, "content-type": "application/json", accept: "application/json" };

const payloadsOf = (n) => Array.from({ length: n }, (_, i) => ({ text: `item ${i}`, i }));
const textsOf = (n) => Array.from({ length: n }, (_, i) => `text number ${i}`);

/** Whether the server answers HTTP/2 with prior knowledge (h2c), within 3 s. */
function probeH2c(url) {
  return new Promise((resolve) => {
    const session = http2.connect(url);
    const done = (ok, why) => {
      clearTimeout(timer);
      session.destroy();
      resolve({ ok, why });
    };
    const timer = setTimeout(() => done(false, "no HTTP/2 answer within 3 s (the server speaks HTTP/1.1 only)"), 3000);
    session.on("error", (e) => done(false, `HTTP/2 connection error: ${e.code || e.message}`));
    session.on("close", () => done(false, "the server closed the connection on the HTTP/2 preface"));
    const req = session.request({ ":path": "/__mock/health" });
    req.on("response", (h) => done(true, `h2c status ${h[":status"]}`));
    req.on("error", (e) => done(false, `HTTP/2 request error: ${e.code || e.message}`));
    req.end();
  });
}

let perf = null;
let perfWhy = "";
const h2c = await probeH2c(URL_);
try {
  const { PerformanceClient } = createRequire(import.meta.url)("@basetenlabs/performance-client");
  perf = new PerformanceClient(URL_, KEY);
  // One small call decides whether it can talk to this server at all (bounded).
  await within(15_000, perf.batchPost(SYNC_PATH, [{ probe: 1 }], 1, 5), "performance-client probe");
} catch (e) {
  perf = null;
  perfWhy = String(e?.message || e).split("\n").slice(0, 3).join(" / ");
}

const batchPost = {
  ours: async (payloads) => (await ours.batchPost(ROUTE, payloads, { batchSize: BATCH, maxConcurrentRequests: CONC })).data,
  "performance-client": perf && (async (payloads) => (await perf.batchPost(SYNC_PATH, payloads, CONC, 60)).data),
  "fetch loop": async (payloads) => {
    const out = new Array(payloads.length);
    await pool(payloads.length, CONC, async (i) => {
      const r = await fetch(`${URL_}${SYNC_PATH}`, { method: "POST", headers, body: JSON.stringify(payloads[i]) });
      if (!r.ok) throw new Error(`status ${r.status}`);
      out[i] = await r.json();
    });
    return out;
  },
};

const embed = {
  ours: async (texts) => (await ours.embed(texts, { model: "mock-model", batchSize: BATCH, maxConcurrentRequests: CONC })).data,
  "performance-client": perf && (async (texts) => (await perf.embed(texts, "mock-model", null, null, null, CONC, BATCH, 60)).data),
  "fetch loop": async (texts) => {
    const out = new Array(texts.length);
    const batches = Math.ceil(texts.length / BATCH);
    await pool(batches, CONC, async (b) => {
      const input = texts.slice(b * BATCH, (b + 1) * BATCH);
      const r = await fetch(`${URL_}${EMBED_PATH}`, { method: "POST", headers, body: JSON.stringify({ input, model: "mock-model" }) });
      if (!r.ok) throw new Error(`status ${r.status}`);
      for (const item of (await r.json()).data) {
        item.index += b * BATCH;
        out[item.index] = item;
      }
    });
    return out;
  },
};

function checkPost(data, payloads) {
  if (data.length !== payloads.length || data[data.length - 1]?.item?.i !== payloads.length - 1) {
    throw new Error(`batchPost: bad result (${data.length} items)`);
  }
}
function checkEmbed(data, texts) {
  if (data.length !== texts.length || data.some((d, i) => d.index !== i || d.embedding.length !== 8)) {
    throw new Error(`embed: bad result (${data.length} items)`);
  }
}

const results = {};
for (const [kind, set, inputsOf, check] of [
  ["batchPost", batchPost, payloadsOf, checkPost],
  ["embed", embed, textsOf, checkEmbed],
]) {
  const rates = {};
  for (const [name, fn] of Object.entries(set)) rates[name] = fn ? [] : null;
  for (let round = 0; round <= RUNS; round++) {
    for (const [name, fn] of Object.entries(set)) {
      if (!fn) continue;
      const inputs = inputsOf(round === 0 ? WARM : N);
      globalThis.gc?.();
      const t0 = performance.now();
      const data = await within(180_000, fn(inputs), `${kind} ${name}`);
      const ms = performance.now() - t0;
      check(data, inputs);
      if (round > 0) rates[name].push(inputs.length / (ms / 1000));
    }
  }
  results[kind] = Object.fromEntries(
    Object.entries(rates).map(([k, v]) => [k, v ? stats(v) : { failed: perfWhy, h2c: h2c.why }]),
  );
}
report({ section: "batch", n: N, batchSize: BATCH, concurrency: CONC, h2c, perfError: perf ? null : perfWhy, results });
process.exit(0);
