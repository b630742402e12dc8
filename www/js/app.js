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
import * as websocket from "./websocket.js";

// `start`: what the header suggests once the page is ready, for the open tab.
const panels = {
  chat: { module: chat, title: "the chat request", openai: true, start: "Press Send in the chat to see tokens stream." },
  predict: { module: predict, title: "predict", start: "Press Predict to send the JSON and see the answer." },
  stream: { module: stream, title: "the streamed predict", start: "Press Stream to see the body painted as it arrives." },
  async: { module: asyncPanel, title: "async predict", start: "Press Submit to queue a request and follow its status." },
  sync: { module: sync, title: "the sync route", start: "Press Send to call a route of the model's own server." },
  embeddings: { module: embeddings, title: "embeddings", openai: true, start: "Press Embed to compare the lines' vectors." },
  batch: { module: batch, title: "the batch call", openai: () => batch.usesOpenai(), start: "Press Run batch to send many inputs at once." },
  websocket: { module: websocket, title: "the WebSocket", start: "Press Connect (through the proxy Worker: browsers cannot send the key on a WebSocket)." },
};

/** The header's line once the page is ready: what to press on this tab. */
function ready(tab) {
  if (document.body.dataset.ready !== "true") return;
  $("app-status").textContent = `Ready. ${panels[tab].start}`;
}

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
  const tabs = setupTabs($("tabs"), (tab) => {
    renderCode?.(); // at once: the panel changed
    ready(tab);
  });
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
  document.body.dataset.ready = "true";
  ready(tabs.current());
}
