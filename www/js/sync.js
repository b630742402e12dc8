// Sync routes: any method on the model's own server (`.../sync/{path}`) with
// `client.sync(method, path, body)`; the answer, status, request id and latency.
import { $, onSubmit, jsonEditor, parseJson, ResultView, guardButton } from "./ui.js";
import { createClient } from "./settings.js";
import { js } from "./code.js";

let editor;
let view;

const hasBody = () => !["GET", "HEAD", "DELETE"].includes($("sync-method").value);

export function setup() {
  view = new ResultView("sync");
  editor = jsonEditor($("sync-body"), $("sync-body-msg"), { allowEmpty: true, onRun: run, formatButton: $("sync-format") });
  onSubmit($("sync-form"), run);
  const syncBody = () => {
    const on = hasBody();
    $("sync-body").disabled = !on;
    $("sync-body-hint").textContent = on ? "Sent as JSON; leave empty to send no body." : `${$("sync-method").value} requests are sent without a body.`;
  };
  $("sync-method").addEventListener("change", syncBody);
  syncBody();
}

const run = guardButton("sync-run", async () => {
  let body;
  if (hasBody()) {
    const parsed = editor.read();
    if (!parsed.ok) return view.clear();
    body = parsed.value;
  }
  view.busy();
  const trace = {};
  const t0 = performance.now();
  try {
    const client = createClient(trace);
    const out = await client.sync($("sync-method").value, $("sync-path").value.trim(), body);
    view.facts(trace, performance.now() - t0);
    view.done(out === null ? "(empty body)" : out);
  } catch (e) {
    view.facts(trace, performance.now() - t0);
    view.fail(e, trace);
  }
});

export function code() {
  const method = $("sync-method").value;
  const path = $("sync-path").value.trim();
  const body = hasBody() ? parseJson($("sync-body").value, { allowEmpty: true }) : { ok: true, value: undefined };
  const args = [JSON.stringify(method), JSON.stringify(path)];
  if (!body.ok) args.push("/* the body is not valid JSON yet */ {}");
  else if (body.value !== undefined) args.push(js(body.value));
  return [`const answer = await client.sync(${args.join(", ")});`, "console.log(answer);"].join("\n");
}
