// Batch: `client.embed`, `rerank`, `classify` and `batchPost`, the calls with the semantics of
// Baseten's performance client. Many inputs (one a line, or generated) split into requests of
// `batchSize`, `maxConcurrentRequests` in flight, retries within `maxRetries` and the shared
// `retryBudget`, hedging, collected errors; a progress bar fed by `onProgress`, Stop (an
// AbortController), the results in input order, and each request's time as a bar plot drawn
// here as inline SVG. "Simulate failures" asks the mock to fail the first K requests of this
// run (`x-mock-fault: fail:K:503` with a fresh `x-mock-fault-key`), so retries can be watched:
// every HTTP attempt the client makes goes through the page's fetch, which counts them.
import { $, onSubmit, runOnCtrlEnter, textLines, linesToRun, h, guardButton, numberOrUndefined, showError, hideError, disableKeepingFocus, formatMs, js } from "./ui.js";
import { createClient, usingMock } from "./settings.js";

const SVG = "http://www.w3.org/2000/svg";
const H = 150; // the plot's height; its width is the one it is shown at (1 unit = 1 px)
const PAD = { left: 50, right: 8, top: 10, bottom: 22 };

const KINDS = {
  embed: {
    field: "batch-model-field",
    hint: "Each line is a text embedded through the OpenAI base URL's /embeddings; data[i] is line i's vector.",
  },
  rerank: {
    field: "batch-query-field",
    hint: "Each line is scored against the query through …/sync/rerank; data[i] is line i's score.",
  },
  classify: {
    field: null,
    hint: "Each line is classified through …/sync/predict; data[i] is line i's labels with their scores.",
  },
  batchPost: {
    field: "batch-route-field",
    hint: 'Each line is one payload POSTed to …/sync/{route}: the line itself if it is a JSON object or array, else { "input": line }.',
  },
};

const SUBJECTS = [
  "The quick brown fox", "A sleepy cat", "Quarterly revenue", "A great sunny day", "Terrible traffic",
  "Fresh sourdough bread", "The distributed system", "A good night's sleep", "The old lighthouse", "A noisy neighbour",
];
const ENDINGS = [
  "jumps over the lazy dog", "waits for the bus", "beats the forecast", "calls for a picnic", "ruins the morning",
  "comes out of the oven", "loses a packet", "changes everything", "guides the ships home", "plays the drums",
];

let active = null; // { controller, stopped, done, total }
let plotted = [[], [], [], null]; // drawPlot's arguments, to redraw at a new width
let faultKey = ""; // the x-mock-fault-key of the run under way (fresh per run)

export function setup() {
  if (!$("batch-model").value && usingMock()) $("batch-model").value = "mock-model";
  onSubmit($("batch-form"), run);
  runOnCtrlEnter($("batch-input"), run);
  $("batch-input").addEventListener("input", countInputs);
  $("batch-kind").addEventListener("change", syncKind);
  $("batch-simulate").addEventListener("change", syncSimulate);
  $("batch-fail-count").addEventListener("input", syncSimulate);
  $("batch-generate").addEventListener("click", generate);
  $("batch-stop").addEventListener("click", stop);
  syncKind();
  syncSimulate();
  countInputs();
  drawPlot([], [], []);
  // Drawn at the width it is shown at, so the labels keep their size on a phone.
  let lastWidth = 0;
  new ResizeObserver(() => {
    const w = Math.round($("batch-plot").getBoundingClientRect().width);
    if (w && w !== lastWidth) {
      lastWidth = w;
      drawPlot(...plotted);
    }
  }).observe($("batch-plot"));
}

/** Whether the call goes through the OpenAI base URL (for the code panel's client). */
export function usesOpenai() {
  return $("batch-kind").value === "embed";
}

function kind() {
  return $("batch-kind").value in KINDS ? $("batch-kind").value : "embed";
}

function syncKind() {
  const k = kind();
  for (const [name, def] of Object.entries(KINDS)) if (def.field) $(def.field).hidden = name !== k;
  $("batch-kind-hint").textContent = KINDS[k].hint;
  // batchPost sends one payload a request: the batch size does not apply.
  $("batch-size").disabled = k === "batchPost";
}

function failCount() {
  const n = numberOrUndefined($("batch-fail-count"));
  return n !== undefined && n >= 1 ? Math.floor(n) : 1;
}

const faultSpec = () => `fail:${failCount()}:503:retry-after-ms=100`;

function syncSimulate() {
  $("batch-fail-count").disabled = !$("batch-simulate").checked;
  $("batch-fault-spec").textContent = `x-mock-fault: ${faultSpec()}`;
}

function inputs() {
  return textLines($("batch-input"));
}

function countInputs() {
  const n = inputs().length;
  $("batch-input-count").textContent = `${n} input${n === 1 ? "" : "s"}.`;
}

function generate() {
  const n = Math.min(Math.max(Math.floor(numberOrUndefined($("batch-generate-n")) ?? 40), 1), 5000);
  const lines = Array.from({ length: n }, (_, i) => `${SUBJECTS[i % SUBJECTS.length]} ${ENDINGS[Math.floor(i / SUBJECTS.length) % ENDINGS.length]} (#${i + 1})`);
  $("batch-input").value = lines.join("\n");
  $("batch-input-msg").textContent = "";
  countInputs();
  document.dispatchEvent(new Event("playground:changed"));
}

/** A batchPost payload from a line: the line if it is a JSON object or array, else `{ input }`. */
function payload(line) {
  try {
    const v = JSON.parse(line);
    if (v !== null && typeof v === "object") return v;
  } catch {
    // plain text
  }
  return { input: line };
}

/** The call's options, without the callbacks and the signal. */
function options({ forCode = false } = {}) {
  const k = kind();
  const o = {};
  if (k === "embed") o.model = $("batch-model").value.trim() || "model";
  const num = (id) => numberOrUndefined($(id));
  if (k !== "batchPost") o.batchSize = num("batch-size");
  o.maxConcurrentRequests = num("batch-concurrency");
  o.maxRetries = num("batch-retries");
  o.retryBudget = num("batch-retry-budget");
  o.hedgeDelayMs = num("batch-hedge-delay");
  o.hedgeBudget = num("batch-hedge-budget");
  if ($("batch-collect").checked) o.collectErrors = true;
  if ($("batch-simulate").checked) {
    o.headers = { "x-mock-fault": faultSpec(), "x-mock-fault-key": forCode ? "<a fresh key each run>" : faultKey };
  }
  for (const key of Object.keys(o)) if (o[key] === undefined) delete o[key];
  return o;
}

/** What identifies a request among its attempts: the inputs its body carries. */
function bodyKey(body) {
  try {
    const v = JSON.parse(body);
    if (kind() === "batchPost") return JSON.stringify(v);
    return JSON.stringify(v.input ?? v.texts ?? v.inputs ?? v);
  } catch {
    return String(body);
  }
}

function setState(state, text) {
  $("batch-state").dataset.state = state;
  $("batch-state").textContent = text;
}

/** The bar and its text; `outcome` ("failed": every request failed or the call rejected,
 * "partial": some failed) colours the bar and is said in the text, so a full bar is not
 * taken for a success. */
function setProgress(done, total, outcome = "") {
  const bar = $("batch-progress");
  bar.max = Math.max(total, 1);
  bar.value = done;
  if (outcome) bar.dataset.state = outcome;
  else delete bar.dataset.state;
  const pct = total ? Math.round((done / total) * 100) : 0;
  const said = { failed: ", failed", partial: ", some failed" }[outcome] ?? "";
  $("batch-progress-text").textContent = `${done} / ${total} requests (${pct}%)${said}`;
}

function stop() {
  if (!active) return;
  active.stopped = true;
  active.controller.abort();
}

/** Counts every HTTP attempt (first tries, retries, hedges) and how each was answered. */
class AttemptLog {
  constructor() {
    this.byKey = new Map(); // body key -> { sent, inFlight, retries, hedges }
    this.sent = 0;
    this.retries = 0;
    this.hedges = 0;
    this.answers = new Map(); // "200", "503", "aborted", ... -> count
  }

  send(key) {
    let r = this.byKey.get(key);
    if (!r) this.byKey.set(key, (r = { sent: 0, inFlight: 0, retries: 0, hedges: 0 }));
    // A second attempt while the first is unanswered is a hedge; after an answer, a retry.
    if (r.sent > 0 && r.inFlight > 0) {
      r.hedges++;
      this.hedges++;
    } else if (r.sent > 0) {
      r.retries++;
      this.retries++;
    }
    r.sent++;
    r.inFlight++;
    this.sent++;
    return r;
  }

  answer(r, label) {
    r.inFlight--;
    this.answers.set(label, (this.answers.get(label) ?? 0) + 1);
  }

  text() {
    if (!this.sent) return "-";
    const answers = [...this.answers].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ×${n}`).join(", ");
    const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
    return `${this.sent} sent (${plural(this.retries, "retry", "retries")}, ${plural(this.hedges, "hedge", "hedges")})${answers ? `; answers: ${answers}` : ""}`;
  }
}

const run = guardButton("batch-run", async () => {
  const lines = linesToRun($("batch-input"), $("batch-input-msg"), "Type at least one line, or generate some.");
  if (!lines) return;
  const k = kind();
  faultKey = $("batch-simulate").checked ? `batch-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}` : "";
  // The number of requests is the library's plan: onProgress reports it with each answer.
  const me = { controller: new AbortController(), stopped: false, done: 0, total: 0 };
  active = me;
  $("batch-stop").disabled = false;
  hideError($("batch-error"));
  $("batch-errors").replaceChildren();
  $("batch-results").replaceChildren();
  for (const id of ["batch-requests", "batch-attempts", "batch-failed", "batch-total", "batch-throughput", "batch-times", "batch-url"]) $(id).textContent = "-";
  $("batch-fault-key").textContent = faultKey || "-";
  drawPlot([], [], []);
  setProgress(0, 0);
  setState("running", `Running: ${lines.length} inputs…`);

  const log = new AttemptLog();
  let painting = false;
  const paintAttempts = () => {
    if (painting) return;
    painting = true;
    requestAnimationFrame(() => {
      painting = false;
      $("batch-attempts").textContent = log.text();
    });
  };
  const trace = {
    onSend: (url, init) => {
      paintAttempts();
      return log.send(bodyKey(init?.body));
    },
    onAnswer: (r, res, e) => {
      log.answer(r, res ? String(res.status) : e?.name === "AbortError" ? "aborted" : "no answer");
      paintAttempts();
    },
  };
  const opts = {
    ...options(),
    onProgress: (done, total) => {
      // The library also reports the requests a Stop cancels as done: the bar keeps the count
      // of those that had finished when Stop was pressed.
      if (me.stopped) return;
      me.done = done;
      if (total !== me.total) {
        $("batch-requests").textContent = `${total} for ${lines.length} inputs`;
        setState("running", `Running: ${lines.length} inputs in ${total} requests…`);
      }
      me.total = total;
      setProgress(done, total);
    },
    signal: me.controller.signal,
  };
  try {
    const client = createClient(trace);
    let res;
    if (k === "embed") res = await client.embed(lines, opts);
    else if (k === "rerank") res = await client.rerank($("batch-query").value, lines, opts);
    else if (k === "classify") res = await client.classify(lines, opts);
    else res = await client.batchPost($("batch-route").value.trim(), lines.map(payload), opts);
    $("batch-url").textContent = trace.url ? `${trace.method} ${trace.url}` : "-";
    $("batch-attempts").textContent = log.text();
    show(k, lines, log, res);
  } catch (e) {
    $("batch-url").textContent = trace.url ? `${trace.method} ${trace.url}` : "-";
    $("batch-attempts").textContent = log.text();
    if (me.stopped && e?.name === "AbortError") {
      const cancelled = me.total - me.done;
      setState("aborted", `Stopped (${e.name}) after ${me.done} of ${me.total} requests; the other ${cancelled} were cancelled or never sent.`);
    } else {
      const attempts = typeof e?.attempts === "number" ? ` after ${e.attempts} attempt${e.attempts === 1 ? "" : "s"}` : "";
      setState("error", `Failed: ${e?.name ?? "Error"}${e?.status ? ` (${e.status})` : ""}${attempts}, after ${me.done} of ${me.total} requests.`);
      setProgress(me.done, me.total, "failed");
      showError($("batch-error"), e);
    }
  } finally {
    if (active === me) {
      active = null;
      disableKeepingFocus($("batch-stop"), $("batch-run"));
    }
  }
});

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const rangeText = ([a, b]) => (b - a === 1 ? `input ${a + 1}` : `inputs ${a + 1}–${b}`);

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Renders a finished call: the numbers, the plot, the errors and the results. */
function show(k, lines, log, res) {
  const times = res.individualRequestTimesMs ?? [];
  const errors = res.errors ?? [];
  const data = res.data ?? [];
  // The library's plan: the inputs each request carried, which also identify its attempts.
  const ranges = res.individualRequestInputs ?? null;
  const keyOf = ([a, b]) => (k === "batchPost" ? JSON.stringify(payload(lines[a])) : JSON.stringify(lines.slice(a, b)));
  const attempts = times.map((_, i) => (ranges ? log.byKey.get(keyOf(ranges[i])) : null));
  const failed = errors.filter(Boolean).length;
  const allFailed = failed > 0 && failed === times.length; // nothing came through: no throughput
  const total = res.totalTimeMs;

  setProgress(times.length, times.length, allFailed ? "failed" : failed ? "partial" : "");
  $("batch-requests").textContent = `${times.length} for ${lines.length} inputs`;
  $("batch-failed").textContent = errors.length ? String(failed) : "0 (errors not collected)";
  $("batch-total").textContent = formatMs(total);
  const secs = total / 1000;
  $("batch-throughput").textContent = secs > 0 && !allFailed ? `${(lines.length / secs).toFixed(1)} inputs/s, ${(times.length / secs).toFixed(1)} requests/s` : "-";
  const sorted = [...times].sort((a, b) => a - b);
  $("batch-times").textContent = sorted.length
    ? `median ${formatMs(percentile(sorted, 50))}, p95 ${formatMs(percentile(sorted, 95))}, max ${formatMs(sorted[sorted.length - 1])}`
    : "-";
  drawPlot(times, errors, attempts, ranges);
  errorTable(errors, ranges);
  resultTable(k, lines, data, errors, ranges);
  if (allFailed) {
    setState(
      "error",
      `Failed: every request failed (${plural(times.length, "request")}, ${plural(lines.length, "input")}, no results) in ${formatMs(total)}.` +
        (log.retries ? ` ${plural(log.retries, "retry", "retries")} made.` : "") +
        " The errors are below.",
    );
    return;
  }
  setState(
    failed ? "partial" : "done",
    `Done: ${plural(lines.length, "input")} in ${plural(times.length, "request")}, ${formatMs(total)}` +
      (failed ? `; ${failed} failed.` : ".") +
      (log.retries ? ` ${plural(log.retries, "retry", "retries")} made.` : ""),
  );
}

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** One bar per request, its height the request's time; colour says how it went. */
function drawPlot(times, errors, attempts, ranges = null) {
  plotted = [times, errors, attempts, ranges];
  const svg = $("batch-plot");
  const title = $("batch-plot-title");
  const shown = Math.round(svg.getBoundingClientRect().width);
  const W = shown ? Math.max(shown, 200) : 480; // 0 while the panel is hidden
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  while (svg.lastChild && svg.lastChild !== title) svg.lastChild.remove();
  const n = times.length;
  const maxMs = Math.max(...times, 1);
  const x0 = PAD.left;
  const width = W - PAD.left - PAD.right;
  const y = (ms) => H - PAD.bottom - (ms / maxMs) * (H - PAD.top - PAD.bottom);
  svg.append(
    s("line", { class: "axis", x1: x0, y1: H - PAD.bottom, x2: W - PAD.right, y2: H - PAD.bottom }),
    s("line", { class: "axis", x1: x0, y1: PAD.top, x2: x0, y2: H - PAD.bottom }),
    s("text", { class: "tick", x: x0 - 4, y: PAD.top + 4, "text-anchor": "end" }, n ? formatMs(maxMs) : ""),
    s("text", { class: "tick", x: x0 - 4, y: H - PAD.bottom, "text-anchor": "end" }, "0"),
  );
  if (!n) {
    title.textContent = "Request times: nothing yet";
    const x = x0 + width / 2;
    svg.append(s("text", { class: "tick empty", x, y: (PAD.top + H - PAD.bottom) / 2, "text-anchor": "middle" }, "Each request's time shows here when a batch ends."));
    return;
  }
  const slot = width / n;
  const barW = Math.max(slot * (n > 60 ? 1 : 0.78), 0.5);
  const bars = s("g", { class: "bars" });
  let retried = 0;
  times.forEach((ms, i) => {
    const a = attempts[i];
    const state = errors[i] ? "failed" : a?.hedges ? "hedged" : a?.retries ? "retried" : "ok";
    if (state === "retried") retried++;
    const top = Math.min(y(ms), H - PAD.bottom - 1); // a visible sliver even at 0 ms
    const rect = s("rect", {
      class: `bar ${state}`,
      x: (x0 + i * slot + (slot - barW) / 2).toFixed(2),
      y: top.toFixed(2),
      width: barW.toFixed(2),
      height: (H - PAD.bottom - top).toFixed(2),
      "data-state": state,
    });
    const what = [`Request ${i + 1}${ranges ? ` (${rangeText(ranges[i])})` : ""}: ${formatMs(ms)}`];
    if (a) what.push(plural(a.sent, "attempt"));
    if (errors[i]) what.push(`${errors[i].name}${errors[i].status ? ` ${errors[i].status}` : ""}`);
    rect.append(s("title", {}, what.join(", ")));
    bars.append(rect);
  });
  svg.append(
    bars,
    s("text", { class: "tick", x: x0 + slot / 2, y: H - 6, "text-anchor": "middle" }, "1"),
    s("text", { class: "tick", x: W - PAD.right, y: H - 6, "text-anchor": "end" }, n > 1 ? `request ${n}` : ""),
  );
  const failed = errors.filter(Boolean).length;
  title.textContent =
    `${plural(n, "request")}, the slowest ${formatMs(maxMs)}` +
    (retried ? `; ${retried} answered after retries` : "") +
    (failed ? `; ${failed} failed` : "");
}

/** The collected errors, one row per failed request: name, kind, status, request id, attempts,
 * message. */
function errorTable(errors, ranges) {
  const rows = errors.map((e, i) => [e, i]).filter(([e]) => e);
  if (!rows.length) {
    $("batch-errors").replaceChildren();
    return;
  }
  $("batch-errors").replaceChildren(
    h("h3", { id: "batch-errors-h" }, "Errors"),
    h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": "batch-errors-h" },
      h("table", { id: "batch-errors-table", class: "errors-table" },
        h("caption", {}, `${rows.length} of ${plural(errors.length, "request")} failed`),
        h("thead", {}, h("tr", {}, ["Request", "Inputs", "Error", "Kind", "Status", "Request id", "Attempts", "Message"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, rows.map(([e, i]) =>
          h("tr", { "data-request": i },
            h("th", { scope: "row" }, String(i + 1)),
            h("td", {}, ranges ? rangeText(ranges[i]).replace(/^inputs? /, "") : "-"),
            h("td", { class: "error-name" }, e.name ?? "Error"),
            h("td", { class: "error-kind" }, e.kind ?? "-"),
            h("td", { class: "error-status" }, e.status ? String(e.status) : "-"),
            h("td", { class: "error-request-id mono" }, e.requestId ?? "-"),
            h("td", { class: "error-attempts" }, e.attempts !== undefined ? String(e.attempts) : "-"),
            h("td", { class: "error-message" }, e.message ?? ""),
          ))))),
  );
}

const fixed = (x) => (typeof x === "number" ? x.toFixed(3) : String(x));

/** One line about one result. */
function summary(k, item, ranks) {
  if (k === "embed") {
    const v = item.embedding;
    if (typeof v === "string") return `base64, ${v.length} chars`;
    if (!Array.isArray(v)) return JSON.stringify(item);
    return `${v.length} dims: [${v.slice(0, 3).map(fixed).join(", ")}${v.length > 3 ? ", …" : ""}]`;
  }
  if (k === "rerank") return `score ${fixed(item.score)}${ranks.has(item) ? `, rank ${ranks.get(item)} of ${ranks.size}` : ""}`;
  if (k === "classify" && Array.isArray(item)) {
    return [...item].sort((a, b) => b.score - a.score).map((c) => `${c.label} ${fixed(c.score)}`).join(", ");
  }
  const text = JSON.stringify(item) ?? String(item);
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

/** Every input with its result, in input order. */
function resultTable(k, lines, data, errors, ranges) {
  const ranks = new Map();
  if (k === "rerank") {
    data.filter(Boolean).sort((a, b) => b.score - a.score).forEach((item, r) => ranks.set(item, r + 1));
  }
  const requestOf = (i) => (ranges ? ranges.findIndex(([a, b]) => i >= a && i < b) : -1);
  const rows = lines.map((line, i) => {
    const item = data[i];
    if (item === null || item === undefined) {
      const req = requestOf(i);
      const e = req >= 0 ? errors[req] : null;
      const why = e ? `failed: request ${req + 1}, ${e.name}${e.status ? ` ${e.status}` : ""}` : "no result";
      return h("tr", { class: "failed", "data-index": i }, h("td", { class: "num" }, String(i + 1)), h("th", { scope: "row" }, line), h("td", {}, `— ${why}`));
    }
    return h("tr", { "data-index": i }, h("td", { class: "num" }, String(i + 1)), h("th", { scope: "row" }, line), h("td", { class: "mono" }, summary(k, item, ranks)));
  });
  const got = data.filter((d) => d !== null && d !== undefined).length;
  $("batch-results").replaceChildren(
    h("h3", { id: "batch-results-h" }, "Results"),
    h("div", { class: "table-wrap tall", tabindex: "0", role: "region", "aria-labelledby": "batch-results-h" },
      h("table", { id: "batch-table" },
        h("caption", {}, `${got} of ${plural(lines.length, "result")}, in input order`),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "#"), h("th", { scope: "col" }, "Input"), h("th", { scope: "col" }, "Result"))),
        h("tbody", {}, rows))),
  );
}

/** The inputs as code: all of them when few, else the first ones and a note. */
function listCode(name, values) {
  const SHOW = 6;
  const shown = values.length <= SHOW + 2 ? values : values.slice(0, SHOW);
  const items = shown.map((v) => `  ${js(v, "  ")},`);
  if (shown.length < values.length) items.push(`  // … ${values.length - shown.length} more, one per line as in the panel`);
  return values.length ? `const ${name} = [\n${items.join("\n")}\n];` : `const ${name} = [];`;
}

export function code() {
  const k = kind();
  const lines = inputs();
  const list = k === "batchPost" ? listCode("payloads", lines.map(payload)) : listCode("texts", lines);
  const call = {
    embed: "client.embed(texts, {",
    rerank: `client.rerank(${JSON.stringify($("batch-query").value)}, texts, {`,
    classify: "client.classify(texts, {",
    batchPost: `client.batchPost(${JSON.stringify($("batch-route").value.trim())}, payloads, {`,
  }[k];
  const opts = Object.entries(options({ forCode: true })).map(([key, v]) => `  ${key}: ${js(v, "  ")},`);
  return [
    list,
    "const controller = new AbortController(); // controller.abort() stops the whole batch",
    `const res = await ${call}`,
    ...opts,
    "  onProgress: (done, total) => console.log(`${done}/${total} requests`),",
    "  signal: controller.signal,",
    "});",
    "// res.data is in input order; one time per request, and the whole call's time:",
    "console.log(res.data.length, res.individualRequestTimesMs, res.totalTimeMs);",
    ...(options().collectErrors ? ["// With collectErrors, res.errors[i] is request i's error (or null):", "res.errors.forEach((e, i) => e && console.log(i, e.name, e.status, e.attempts));"] : []),
  ].join("\n");
}
