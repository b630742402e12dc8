// The playground: settings kept in sessionStorage, a predict form, latency and request id.
import init, { Baseten } from "/pkg/web/baseten_edge.js";

const $ = (id) => document.getElementById(id);
const fields = ["baseUrl", "modelId", "environment", "apiKey"];

async function main() {
  await init();
  const config = await (await fetch("/config.json")).json();
  for (const f of fields) {
    const saved = sessionStorage.getItem(`baseten-edge:${f}`);
    if (saved !== null) $(f).value = saved;
  }
  if (!$("baseUrl").value && !$("modelId").value && config.mockUrl) {
    $("baseUrl").value = config.mockUrl;
    $("apiKey").value = $("apiKey").value || config.mockApiKey;
  }
  for (const f of fields) $(f).addEventListener("input", () => sessionStorage.setItem(`baseten-edge:${f}`, $(f).value));

  $("predict").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("input-error").textContent = "";
    let input;
    try {
      input = JSON.parse($("input").value);
    } catch (e) {
      $("input-error").textContent = `Invalid JSON: ${e.message}`;
      return;
    }
    $("run").disabled = true;
    $("output").textContent = "…";
    const started = performance.now();
    try {
      const client = makeClient();
      const out = await client.predict(input);
      $("output").textContent = JSON.stringify(out, null, 2);
      $("requestId").textContent = "-";
    } catch (e) {
      $("output").textContent = `${e.name}${e.status ? ` (${e.status})` : ""}: ${e.message}`;
      $("requestId").textContent = e.requestId ?? "-";
    } finally {
      $("latency").textContent = `${(performance.now() - started).toFixed(1)} ms`;
      $("run").disabled = false;
    }
  });
}

function makeClient() {
  const opts = { apiKey: $("apiKey").value || undefined };
  if ($("baseUrl").value) opts.baseUrl = $("baseUrl").value;
  if ($("modelId").value) opts.modelId = $("modelId").value;
  if ($("environment").value) opts.environment = $("environment").value;
  return new Baseten(opts);
}

main().catch((e) => {
  $("output").textContent = `Failed to start: ${e.message}`;
});
