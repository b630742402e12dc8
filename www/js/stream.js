// Streamed predict: `client.predictStream(input)`, the body's bytes painted as they arrive
// (decoded as UTF-8 across chunk boundaries), chunk timing, and Stop (`stream.abort()`).
import { $, onSubmit, jsonEditor, parseJson, ResultView, guardButton, disableKeepingFocus } from "./ui.js";
import { createClient } from "./settings.js";
import { StreamMetrics } from "./metrics.js";
import { js } from "./code.js";

let editor;
let view;
let metrics;
let active = null; // { controller, stream }

export function setup() {
  view = new ResultView("stream");
  metrics = new StreamMetrics($("stream-metrics"), { unit: "chunk" });
  editor = jsonEditor($("stream-input"), $("stream-input-msg"), { onRun: run, formatButton: $("stream-format") });
  onSubmit($("stream-form"), run);
  $("stream-stop").addEventListener("click", stop);
}

function setState(state, text) {
  $("stream-state").dataset.state = state;
  $("stream-state").textContent = text;
}

function stop() {
  if (!active) return;
  active.stopped = true;
  active.controller.abort();
  active.stream?.abort();
}

const run = guardButton("stream-run", async () => {
  const input = editor.read();
  if (!input.ok) {
    view.clear();
    metrics.reset();
    $("stream-bytes").textContent = "-";
    setState("idle", "Not sent: the input is not valid JSON.");
    return;
  }
  const me = { controller: new AbortController(), stream: null, stopped: false };
  active = me;
  $("stream-stop").disabled = false;
  view.busy("Waiting for the first bytes…");
  setState("waiting", "Waiting for the response headers…");
  metrics.start();
  const trace = {};
  const out = view.output;
  let bytes = 0;
  try {
    const client = createClient(trace);
    const stream = await client.predictStream(input.value, { signal: me.controller.signal });
    me.stream = stream;
    view.set("status", String(stream.status));
    view.set("request-id", stream.requestId ?? "-");
    view.set("url", `${trace.method} ${trace.url}`);
    out.textContent = "";
    out.classList.remove("pending");
    const text = out.appendChild(document.createTextNode(""));
    const decoder = new TextDecoder();
    setState("streaming", "Streaming…");
    for await (const chunk of stream) {
      bytes += chunk.byteLength;
      text.appendData(decoder.decode(chunk, { stream: true }));
      out.scrollTop = out.scrollHeight;
      metrics.add(1);
      $("stream-bytes").textContent = String(bytes);
    }
    text.appendData(decoder.decode());
    out.removeAttribute("aria-busy");
    setState("done", `Done: ${metrics.arrivals.length} chunks, ${bytes} bytes.`);
  } catch (e) {
    out.removeAttribute("aria-busy");
    out.classList.remove("pending");
    if (me.stopped && e?.name === "AbortError") {
      setState("aborted", `Stopped (${e.name}) after ${metrics.arrivals.length} chunks, ${bytes} bytes.`);
    } else {
      setState("error", `Failed: ${e?.name ?? "Error"}`);
      if (!bytes) out.textContent = "";
      view.fail(e, trace, { requestId: me.stream?.requestId, status: me.stream?.status });
    }
  } finally {
    metrics.finish(); // its Total time is the stream's latency
    if (active === me) {
      active = null;
      disableKeepingFocus($("stream-stop"), $("stream-run"));
    }
  }
});

export function code() {
  const input = parseJson($("stream-input").value);
  return [
    `const stream = await client.predictStream(${input.ok ? js(input.value) : "/* the input is not valid JSON yet */ {}"});`,
    "console.log(stream.status, stream.requestId);",
    "const decoder = new TextDecoder();",
    "for await (const chunk of stream) process.stdout.write(decoder.decode(chunk, { stream: true }));",
    "// stream.abort() stops it; so does breaking out of the loop.",
  ].join("\n");
}
