// WebSocket: `client.websocket()`: connect, send text messages, and every message (sent and
// received) listed with its time since the socket opened. A browser cannot send the API key on a
// WebSocket: with a key in the settings the call is refused with a ConfigurationError that says
// so; through the proxy Worker (its URL as the base URL, no key) it connects, with the settings'
// proxy token when the Worker asks for one (sent as subprotocols).
import { $, h, onSubmit, guardButton, showError, hideError, formatMs, disableKeepingFocus } from "./ui.js";
import { createSocketClient, current } from "./settings.js";

let socket = null; // the open BasetenWebSocket
let openedAt = 0;

export function setup() {
  onSubmit($("ws-connect-form"), connect);
  onSubmit($("ws-send-form"), send);
  $("ws-disconnect").addEventListener("click", () => socket?.close(1000, "closed from the playground"));
}

function setState(state, text) {
  $("ws-state").dataset.state = state;
  $("ws-state").textContent = text;
}

/** Adds a line to the log: `dir` is "sent", "received" or "event". */
function log(dir, message) {
  const ms = performance.now() - openedAt;
  const body = typeof message === "string" ? message : `(binary, ${message.byteLength} bytes)`;
  const arrow = { sent: "→", received: "←", event: "·" }[dir];
  const item = h("li", { class: `ws-${dir}`, "data-ms": ms.toFixed(0) },
    h("span", { class: "ws-time" }, `+${formatMs(ms)}`), " ", h("span", { class: "ws-dir", "aria-label": dir }, arrow), " ",
    h("span", { class: "ws-text" }, body));
  const list = $("ws-log");
  list.append(item);
  list.scrollTop = list.scrollHeight;
}

const connect = guardButton("ws-connect", async () => {
  if (socket) return;
  hideError($("ws-error"));
  $("ws-log").replaceChildren();
  $("ws-close").textContent = "-";
  $("ws-url").textContent = "-";
  setState("waiting", "Connecting…");
  let ws;
  try {
    const { client, options } = createSocketClient();
    ws = await client.websocket({ ...options, connectTimeoutMs: 10_000 });
  } catch (e) {
    setState("error", `Not connected: ${e?.name ?? "Error"}`);
    showError($("ws-error"), e);
    return;
  }
  socket = ws;
  openedAt = performance.now();
  $("ws-url").textContent = ws.url;
  setState("streaming", "Open");
  log("event", "opened");
  $("ws-send").disabled = false;
  $("ws-disconnect").disabled = false;
  $("ws-message").focus();
  try {
    for await (const m of ws) log("received", m);
  } catch (e) {
    showError($("ws-error"), e);
  } finally {
    socket = null;
    $("ws-close").textContent = `${ws.closeCode}${ws.closeReason ? ` (${ws.closeReason})` : ""}`;
    setState("done", `Closed: code ${ws.closeCode}`);
    log("event", `closed, code ${ws.closeCode}`);
    $("ws-send").disabled = true;
    disableKeepingFocus($("ws-disconnect"), $("ws-connect"));
  }
});

function send() {
  const text = $("ws-message").value;
  if (!socket || text === "") return;
  try {
    socket.send(text);
    log("sent", text);
    $("ws-message").value = "";
  } catch (e) {
    showError($("ws-error"), e);
  }
}

export function code() {
  const text = $("ws-message").value || "hello";
  return [
    "// Browsers cannot send the API key on a WebSocket: connect through the proxy Worker",
    "// (baseUrl: its URL, no apiKey). Node 20/21: pass { WebSocket } from the \"ws\" package.",
    current().proxyToken
      ? "const ws = await client.websocket({ proxyToken }); // a client with baseUrl and no apiKey"
      : "const ws = await client.websocket();",
    `ws.send(${JSON.stringify(text)});`,
    "for await (const message of ws) console.log(message); // a string, or a Uint8Array",
    "console.log(ws.closeCode, ws.closeReason);",
  ].join("\n");
}
