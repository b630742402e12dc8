// 3. Batch: batchPost and embed of 20,000 and 100,000 items (batch size 16, concurrency 64)
// against the mock: this package on each transport (the Node transport over h2c and over
// HTTP/1.1 keep-alive, the global fetch), @basetenlabs/performance-client (native, HTTP/2 prior
// knowledge only), a Promise-pool loop over node:http2 (h2c, the floor on the performance
// client's protocol) and the same loop over the global fetch (HTTP/1.1).
import http2 from "node:http2";
import { createRequire } from "node:module";
import { loadOurs, pool, report, RUNS, stats, within } from "../lib/common.mjs";

const URL_ = process.env.MOCK_URL;
const KEY = "test-key";
const SIZES = (process.env.BATCH_ITEMS || "20000,100000").split(",").map(Number);
const BATCH = 16;
const CONC = 64;
const WARM = 2000;
const { Baseten } = await loadOurs();
const client = (o) => new Baseten({ apiKey: KEY, baseUrl: URL_, openaiBaseUrl: `${URL_}/v1`, ...o });
const OURS = {
  "ours (node h2c)": client({ transport: "node", h2c: true }),
  "ours (node http/1.1)": client({ transport: "node" }),
  "ours (fetch)": client({ transport: "fetch" }),
};
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

/** A Promise-pool loop over node:http2 (h2c): `sessions` sessions, streams spread over them. */
const h2sessions = Array.from({ length: 4 }, () => http2.connect(URL_));
let h2next = 0;
function h2post(path, body) {
  return new Promise((resolve, reject) => {
    const s = h2sessions[h2next++ % h2sessions.length];
    const st = s.request({ ":method": "POST", ":path": path, ...headers });
    st.on("response", (h) => {
      const parts = [];
      st.on("data", (d) => parts.push(d));
      st.on("end", () => {
        if (h[":status"] < 200 || h[":status"] >= 300) return reject(new Error(`status ${h[":status"]}`));
        resolve(JSON.parse(Buffer.concat(parts).toString()));
      });
    });
    st.on("error", reject);
    st.end(body);
  });
}
/** The same loop over the global fetch (undici, HTTP/1.1). */
async function fetchPost(path, body) {
  const r = await fetch(`${URL_}${path}`, { method: "POST", headers, body });
  if (!r.ok) throw new Error(`status ${r.status}`);
  return r.json();
}

const batchPost = {
  ...Object.fromEntries(Object.entries(OURS).map(([name, c]) => [name, async (payloads) =>
    (await c.batchPost(ROUTE, payloads, { batchSize: BATCH, maxConcurrentRequests: CONC })).data])),
  "performance-client": perf && (async (payloads) => (await perf.batchPost(SYNC_PATH, payloads, CONC, 60)).data),
  ...Object.fromEntries([["http2 loop", h2post], ["fetch loop", fetchPost]].map(([name, post]) => [name, async (payloads) => {
    const out = new Array(payloads.length);
    await pool(payloads.length, CONC, async (i) => {
      out[i] = await post(SYNC_PATH, JSON.stringify(payloads[i]));
    });
    return out;
  }])),
};

const embed = {
  ...Object.fromEntries(Object.entries(OURS).map(([name, c]) => [name, async (texts) =>
    (await c.embed(texts, { model: "mock-model", batchSize: BATCH, maxConcurrentRequests: CONC })).data])),
  "performance-client": perf && (async (texts) => (await perf.embed(texts, "mock-model", null, null, null, CONC, BATCH, 60)).data),
  ...Object.fromEntries([["http2 loop", h2post], ["fetch loop", fetchPost]].map(([name, post]) => [name, async (texts) => {
    const out = new Array(texts.length);
    const batches = Math.ceil(texts.length / BATCH);
    await pool(batches, CONC, async (b) => {
      const input = texts.slice(b * BATCH, (b + 1) * BATCH);
      for (const item of (await post(EMBED_PATH, JSON.stringify({ input, model: "mock-model" }))).data) {
        item.index += b * BATCH;
        out[item.index] = item;
      }
    });
    return out;
  }])),
};

function checkPost(data, payloads) {
  if (data.length !== payloads.length || data[data.length - 1]?.item?.i !== payloads.length - 1) {
    throw new Error(`batchPost: bad result (${data.length} items)`);
  }
}
function checkEmbed(data, texts) {
  if (data.length !== texts.length || data.some((d, i) => d.index !== i || d.embedding.length !== data[0].embedding.length)) {
    throw new Error(`embed: bad result (${data.length} items; ${JSON.stringify(data.find((d, i) => d?.index !== i || d.embedding.length !== data[0].embedding.length))?.slice(0, 200)})`);
  }
}

const ONLY = process.env.BATCH_ONLY ? new RegExp(process.env.BATCH_ONLY) : null;
const results = {};
for (const n of SIZES) {
  for (const [kind, set, inputsOf, check] of [
    ["batchPost", batchPost, payloadsOf, checkPost],
    ["embed", embed, textsOf, checkEmbed],
  ]) {
    const rates = {};
    // Over 20,000 items the two fetch-based contenders (2-4k items/s) are left out: 100,000 items
    // would take them about 5 minutes a kind; their 20,000-item figures stand.
    const slow = (name) => n > 20000 && /fetch/.test(name) && !process.env.BATCH_ALL;
    const live = Object.entries(set).filter(([name]) => (!ONLY || ONLY.test(name)) && !slow(name));
    for (const [name, fn] of live) rates[name] = fn ? [] : null;
    for (let round = 0; round <= RUNS; round++) {
      for (const [name, fn] of live) {
        if (!fn) continue;
        const inputs = inputsOf(round === 0 ? WARM : n);
        globalThis.gc?.();
        const t0 = performance.now();
        const data = await within(600_000, fn(inputs), `${kind} ${name}`);
        const ms = performance.now() - t0;
        try {
          check(data, inputs);
        } catch (e) {
          throw new Error(`${name}: ${e.message}`);
        }
        if (round > 0) rates[name].push(inputs.length / (ms / 1000));
      }
    }
    results[`${kind}@${n}`] = Object.fromEntries(
      Object.entries(rates).map(([k, v]) => [k, v ? stats(v) : { failed: perfWhy, h2c: h2c.why }]),
    );
    process.stderr.write(`batch ${kind}@${n}: ${JSON.stringify(Object.fromEntries(Object.entries(results[`${kind}@${n}`]).map(([k, v]) => [k, Math.round(v.median ?? 0)])))}\n`);
  }
}
for (const s of h2sessions) s.close();
report({ section: "batch", sizes: SIZES, batchSize: BATCH, concurrency: CONC, h2c, perfError: perf ? null : perfWhy, results });
process.exit(0);
