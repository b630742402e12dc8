// Async predict: `client.asyncPredict(input, options)`, then a live status timeline drawn by
// polling `client.asyncRequest(id)`, a Cancel button (`cancelAsyncRequest`), and the deployment's
// queue status and wake.
import { $, onSubmit, h, jsonEditor, parseJson, ResultView, guardButton, numberOrUndefined, formatMs, showError, hideError, disableKeepingFocus } from "./ui.js";
import { createClient, mockUrl, usingMock } from "./settings.js";
import { js } from "./code.js";

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "EXPIRED", "CANCELED", "WEBHOOK_FAILED"]);

let editor;
let view;
let active = null; // { controller, client, id, t0 }

export function setup() {
  view = new ResultView("async");
  editor = jsonEditor($("async-input"), $("async-input-msg"), { onRun: submit, formatButton: $("async-format") });
  onSubmit($("async-form"), submit);
  $("async-cancel").addEventListener("click", cancel);
  $("async-queue").addEventListener("click", queueStatus);
  $("async-wake").addEventListener("click", wake);
  if (mockUrl()) {
    $("async-webhook-sink").textContent = `${mockUrl()}/__mock/webhook-sink`;
    $("async-webhook-mock").hidden = false;
  }
}

function options() {
  const o = {};
  const priority = $("async-priority").value;
  if (priority !== "") o.priority = Number(priority);
  const webhook = $("async-webhook").value.trim();
  if (webhook) o.webhookEndpoint = webhook;
  const maxQueue = numberOrUndefined($("async-max-queue"));
  if (maxQueue !== undefined) o.maxTimeInQueueSeconds = maxQueue;
  return o;
}

function pollInterval() {
  return Math.max(50, numberOrUndefined($("async-poll")) ?? 250);
}

function mark(me, status, detail = "") {
  if (active !== me) return;
  const at = performance.now() - me.t0;
  $("async-timeline").append(
    h("li", { "data-status": status }, h("time", {}, `+${formatMs(at)}`), " ", h("span", { class: "badge" }, status), detail ? ` ${detail}` : ""),
  );
  if (TERMINAL.has(status) || /^[A-Z_]+$/.test(status)) {
    $("async-state").textContent = status;
    $("async-state").dataset.state = status.toLowerCase();
  }
}

const sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      reject(signal.reason);
    }, { once: true });
  });

const submit = guardButton("async-run", async () => {
  const input = editor.read();
  if (!input.ok) {
    // The last request's result would stand under the new message: cleared (a request still
    // polled goes on in the mock, but the page stops following it).
    active?.controller.abort();
    active = null;
    view.clear();
    $("async-timeline").replaceChildren();
    $("async-state").textContent = "not sent: the input is not valid JSON";
    $("async-state").dataset.state = "idle";
    disableKeepingFocus($("async-cancel"), $("async-input"));
    return;
  }
  active?.controller.abort();
  const me = { controller: new AbortController(), client: null, id: null, t0: performance.now() };
  active = me;
  $("async-timeline").replaceChildren();
  $("async-state").textContent = "submitting";
  $("async-state").dataset.state = "submitting";
  view.busy("Submitting…");
  const trace = {};
  try {
    me.client = createClient(trace);
    const { requestId } = await me.client.asyncPredict(input.value, { ...options(), signal: me.controller.signal });
    me.id = requestId;
    view.facts(trace, performance.now() - me.t0);
    view.set("request-id", requestId);
    mark(me, "SUBMITTED", `(HTTP ${trace.status})`);
    $("async-cancel").disabled = false;
    view.output.textContent = "Polling client.asyncRequest(requestId)…";
  } catch (e) {
    view.facts(trace, performance.now() - me.t0);
    view.fail(e, trace);
    $("async-state").textContent = "failed to submit";
    $("async-state").dataset.state = "error";
    return;
  }
  poll(me);
});

async function poll(me) {
  let last = null;
  try {
    for (;;) {
      const status = await me.client.asyncRequest(me.id, { signal: me.controller.signal });
      if (active !== me) return;
      if (status?.status !== last) {
        last = status?.status;
        const errors = Array.isArray(status?.errors) && status.errors.length ? status.errors.map((e) => e.code).join(", ") : "";
        mark(me, String(last), errors);
      }
      view.done(status);
      if (TERMINAL.has(last)) break;
      await sleep(pollInterval(), me.controller.signal);
    }
  } catch (e) {
    if (active !== me || me.controller.signal.aborted) return;
    view.fail(e);
    $("async-state").textContent = "polling failed";
    $("async-state").dataset.state = "error";
  } finally {
    if (active === me) disableKeepingFocus($("async-cancel"), $("async-run"));
  }
}

async function cancel() {
  const me = active;
  if (!me?.id) return;
  try {
    const r = await me.client.cancelAsyncRequest(me.id);
    mark(me, r?.canceled ? "CANCEL ACCEPTED" : "CANCEL REFUSED", r?.message ? `(${r.message})` : "");
  } catch (e) {
    view.fail(e);
  }
}

/** What a failed deployment call (queue status, wake) says: its URL and, for a 404 from a
 * server other than the mock, that a proxy such as examples/worker does not serve the route. */
function deployError(e, trace, what) {
  const known = { url: trace.url ? `${trace.method} ${trace.url}` : undefined };
  if (e?.status === 404 && !usingMock()) {
    known.hint =
      `The server at the base URL has no ${what} route. The proxy Worker in examples/worker does not serve it ` +
      "(it forwards predict, streamed predict, chat and async requests only): ask the local mock, " +
      "or a proxy that forwards this URL to Baseten with your key.";
  }
  showError($("async-deploy-error"), e, known);
}

async function queueStatus() {
  const out = $("async-deploy-output");
  hideError($("async-deploy-error"));
  out.textContent = "Asking…";
  const trace = {};
  try {
    const q = await createClient(trace).asyncQueueStatus();
    out.textContent = `${q.num_queued_requests} queued, ${q.num_in_progress_requests} in progress (model ${q.model_id}, deployment ${q.deployment_id})`;
  } catch (e) {
    out.textContent = "";
    deployError(e, trace, "queue status");
  }
}

async function wake() {
  const out = $("async-deploy-output");
  hideError($("async-deploy-error"));
  out.textContent = "Asking…";
  const trace = {};
  try {
    await createClient(trace).wake();
    out.textContent = `Wake requested (HTTP ${trace.status}).`;
  } catch (e) {
    out.textContent = "";
    deployError(e, trace, "wake");
  }
}

export function code() {
  const input = parseJson($("async-input").value);
  const opts = options();
  const interval = pollInterval();
  return [
    `const { requestId } = await client.asyncPredict(${input.ok ? js(input.value) : "/* the input is not valid JSON yet */ {}"}${Object.keys(opts).length ? `, ${js(opts)}` : ""});`,
    "",
    "// One status: await client.asyncRequest(requestId); cancel a queued one:",
    "// await client.cancelAsyncRequest(requestId). Or wait for the end:",
    `const status = await client.waitForAsyncRequest(requestId, { pollIntervalMs: ${interval} });`,
    "console.log(status.status, status.errors);",
  ].join("\n");
}
