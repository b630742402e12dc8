// The playground itself (loaded by main.js): the WebAssembly package, the settings, each panel,
// the tabs and the code panel. Nothing is logged to the console.
import init from "/pkg/web/baseten_edge.js";
import { $, setupTabs } from "./ui.js";
import { setupSettings } from "./settings.js";
import { setupCode } from "./code.js";
import * as chat from "./chat.js";
import * as predict from "./predict.js";
import * as stream from "./stream.js";
import * as asyncPanel from "./async.js";
import * as sync from "./sync.js";
import * as embeddings from "./embeddings.js";
import * as batch from "./batch.js";

const panels = {
  chat: { module: chat, title: "the chat request", openai: true },
  predict: { module: predict, title: "predict" },
  stream: { module: stream, title: "the streamed predict" },
  async: { module: asyncPanel, title: "async predict" },
  sync: { module: sync, title: "the sync route" },
  embeddings: { module: embeddings, title: "embeddings", openai: true },
  batch: { module: batch, title: "the batch call", openai: () => batch.usesOpenai() },
};

let renderCode = null;
let pending = false;
/** Redraws the code panel once per frame at most. */
function scheduleCode() {
  if (pending || !renderCode) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    renderCode();
  });
}

export async function start() {
  await init();
  await setupSettings(scheduleCode);
  for (const { module } of Object.values(panels)) module.setup();
  const tabs = setupTabs($("tabs"), () => renderCode?.()); // at once: the panel changed
  renderCode = setupCode(() => {
    const p = panels[tabs.current()];
    return { title: p.title, code: p.module.code, openai: typeof p.openai === "function" ? p.openai() : Boolean(p.openai) };
  });
  document.addEventListener("input", scheduleCode);
  document.addEventListener("change", scheduleCode);
  document.addEventListener("click", scheduleCode);
  document.addEventListener("playground:changed", scheduleCode);
  renderCode();
  $("app-status").dataset.state = "ready";
  $("app-status").textContent = "Ready. Press Send in the chat to see tokens stream.";
  document.body.dataset.ready = "true";
}
