// Predict: a JSON editor with validation, `client.predict(input)`, the answer, request id,
// status and latency.
import { $, onSubmit, jsonEditor, parseJson, ResultView, guardButton } from "./ui.js";
import { createClient } from "./settings.js";
import { js } from "./code.js";

let editor;
let view;

export function setup() {
  view = new ResultView("predict");
  editor = jsonEditor($("predict-input"), $("predict-input-msg"), { onRun: run, formatButton: $("predict-format") });
  onSubmit($("predict-form"), run);
}

const run = guardButton("predict-run", async () => {
  const input = editor.read();
  if (!input.ok) return view.clear();
  view.busy();
  const trace = {};
  const t0 = performance.now();
  try {
    const client = createClient(trace);
    const out = await client.predict(input.value);
    view.facts(trace, performance.now() - t0);
    view.done(out);
  } catch (e) {
    view.facts(trace, performance.now() - t0);
    view.fail(e, trace);
  }
});

export function code() {
  const input = parseJson($("predict-input").value);
  return [
    `const output = await client.predict(${input.ok ? js(input.value) : "/* the input is not valid JSON yet */ {}"});`,
    "console.log(output);",
  ].join("\n");
}
