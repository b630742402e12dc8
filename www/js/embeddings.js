// Embeddings: `client.embeddings.create({ model, input })` with one input per line; a table
// of the vectors (dimensions, norm, first values) and their cosine similarities.
import { $, onSubmit, runOnCtrlEnter, textLines, linesToRun, h, ResultView, guardButton, numberOrUndefined } from "./ui.js";
import { createClient, usingMock } from "./settings.js";
import { js } from "./code.js";

let view;

export function setup() {
  view = new ResultView("embeddings");
  if (!$("embeddings-model").value && usingMock()) $("embeddings-model").value = "mock-model";
  onSubmit($("embeddings-form"), run);
  runOnCtrlEnter($("embeddings-input"), run);
}

function inputs() {
  return textLines($("embeddings-input"));
}

function request() {
  const lines = inputs();
  const b = { model: $("embeddings-model").value.trim() || "model", input: lines.length === 1 ? lines[0] : lines };
  const dims = numberOrUndefined($("embeddings-dimensions"));
  if (dims !== undefined) b.dimensions = dims;
  return b;
}

const norm = (v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const cosine = (a, b) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0) / (norm(a) * norm(b) || 1);

function table(texts, vectors) {
  const results = $("embeddings-results");
  const rows = vectors.map((v, i) =>
    h("tr", {}, h("th", { scope: "row" }, texts[i] ?? `#${i}`), h("td", {}, String(v.length)), h("td", {}, norm(v).toFixed(3)), h("td", { class: "mono" }, v.slice(0, 4).map((x) => x.toFixed(3)).join(", ") + (v.length > 4 ? ", …" : ""))),
  );
  const parts = [
    h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Vectors" },
      h("table", { id: "embeddings-table" },
        h("caption", {}, `${vectors.length} vector${vectors.length === 1 ? "" : "s"}`),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Input"), h("th", { scope: "col" }, "Dimensions"), h("th", { scope: "col" }, "Norm"), h("th", { scope: "col" }, "First values"))),
        h("tbody", {}, rows))),
  ];
  if (vectors.length > 1) {
    parts.push(
      h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Cosine similarities" },
        h("table", { id: "embeddings-similarity" },
          h("caption", {}, "Cosine similarity"),
          h("thead", {}, h("tr", {}, h("td", {}), texts.map((t, i) => h("th", { scope: "col" }, `#${i + 1}`)))),
          h("tbody", {}, vectors.map((a, i) => h("tr", {}, h("th", { scope: "row" }, `#${i + 1}`), vectors.map((b) => h("td", { class: "mono" }, cosine(a, b).toFixed(3)))))))),
    );
  }
  results.replaceChildren(...parts);
}

const run = guardButton("embeddings-run", async () => {
  const lines = linesToRun($("embeddings-input"), $("embeddings-input-msg"), "Type at least one line of text.");
  if (!lines) return;
  $("embeddings-results").replaceChildren();
  view.busy();
  const trace = {};
  const t0 = performance.now();
  try {
    const client = createClient(trace);
    const out = await client.embeddings.create(request());
    view.facts(trace, performance.now() - t0);
    view.done(out);
    const vectors = (out?.data ?? []).slice().sort((a, b) => a.index - b.index).map((d) => d.embedding);
    if (vectors.every(Array.isArray)) table(lines, vectors);
    else $("embeddings-results").replaceChildren(h("p", {}, "The vectors are not arrays of numbers (base64?): see the raw response."));
  } catch (e) {
    view.facts(trace, performance.now() - t0);
    view.fail(e, trace);
  }
});

export function code() {
  return [
    `const res = await client.embeddings.create(${js(request())});`,
    "for (const d of res.data) console.log(d.index, d.embedding.length);",
  ].join("\n");
}
