// Chat: `client.chat.completions.create({ stream: true, ... })` against the OpenAI base URL,
// tokens painted as they arrive, Stop (aborts the request), a system prompt, temperature and
// max tokens, the conversation kept in memory, and the streaming numbers.
import { $, onSubmit, h, guardButton, numberOrUndefined, showError, hideError, disableKeepingFocus, attemptsText } from "./ui.js";
import { createClient, usingMock } from "./settings.js";
import { StreamMetrics } from "./metrics.js";
import { js } from "./code.js";
import { APIS } from "./chat-api.js";

let metrics;
let history = []; // the conversation so far (user and assistant messages)
let active = null; // { controller, stream, stopped }

export function setup() {
  metrics = new StreamMetrics($("chat-metrics"), { unit: "token" });
  if (!$("chat-model").value && usingMock()) $("chat-model").value = "mock-model";
  onSubmit($("chat-form"), send);
  $("chat-message").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      send();
    }
  });
  $("chat-stop").addEventListener("click", stop);
  $("chat-clear").addEventListener("click", () => {
    stop();
    history = [];
    $("chat-log").replaceChildren();
    hideError($("chat-error"));
    setState("idle", "The conversation is empty.");
  });
  $("chat-list-models").addEventListener("click", listModels);
}

function setState(state, text) {
  $("chat-state").dataset.state = state;
  $("chat-state").textContent = text;
}

/** The API the panel speaks (Chat Completions or Responses). */
const api = () => APIS[$("chat-api").value] ?? APIS.chat;

/** The request body for the next turn (with `message` as the new user message). */
function body(message) {
  return api().body({
    model: $("chat-model").value.trim(),
    system: $("chat-system").value.trim(),
    history,
    message,
    temperature: numberOrUndefined($("chat-temperature")),
    maxTokens: numberOrUndefined($("chat-max-tokens")),
  });
}

function bubble(role, text) {
  const content = h("p", { class: "content" }, text);
  const state = h("span", { class: "msg-state" });
  const li = h("li", { class: `msg ${role}` }, h("div", { class: "msg-head" }, h("span", { class: "role" }, role === "user" ? "You" : "Assistant"), state), content);
  $("chat-log").append(li);
  return { li, content, state };
}

/** The collapsible "Thinking" block of a reply, made on its first reasoning delta; returns the
 * text node to append to. It folds itself once the answer starts. */
function thinkingBlock(reply) {
  const text = document.createTextNode("");
  const details = h("details", { class: "thinking", open: "" }, h("summary", {}, "Thinking"), h("p", { class: "thinking-text" }, text));
  reply.li.insertBefore(details, reply.content);
  return { details, text };
}

function stop() {
  if (!active) return;
  active.stopped = true;
  active.controller.abort();
  active.stream?.abort();
}

/** The facts of a call that ended in an error or a Stop, from what the error, the stream and
 * the page's fetch saw (as ResultView.facts does for the other panels). */
function endedFacts(e, trace, stream) {
  const requestId = e?.requestId ?? stream?.requestId ?? trace.requestId;
  if (requestId) $("chat-request-id").textContent = requestId;
  const attempts = typeof e?.attempts === "number" ? e.attempts : trace.attempts;
  if (attempts) $("chat-attempts").textContent = attemptsText(attempts);
  if (trace.method && trace.url) $("chat-url").textContent = `${trace.method} ${trace.url}`;
}

const send = guardButton("chat-send", async () => {
  const message = $("chat-message").value.trim();
  if (!message) {
    setState("idle", "Type a message first.");
    $("chat-message").focus();
    return;
  }
  hideError($("chat-error"));
  const request = body(message);
  const me = { controller: new AbortController(), stream: null, stopped: false, api: api() };
  active = me;
  $("chat-stop").disabled = false;
  $("chat-message").value = "";
  bubble("user", message);
  const reply = bubble("assistant", "");
  reply.li.dataset.state = "waiting";
  reply.state.textContent = "waiting…";
  reply.content.setAttribute("aria-busy", "true");
  const text = reply.content.appendChild(document.createTextNode(""));
  $("chat-log").scrollTop = $("chat-log").scrollHeight; // the new turn, in view while it waits
  for (const id of ["chat-request-id", "chat-attempts", "chat-finish", "chat-usage", "chat-url"]) $(id).textContent = "-";
  setState("waiting", "Waiting for the first token…");
  metrics.start();
  const trace = {};
  let finish = null;
  let usage = null;
  try {
    const client = createClient(trace);
    const stream = await me.api.start(client, request, me.controller.signal);
    me.stream = stream;
    $("chat-request-id").textContent = stream.requestId ?? "-";
    $("chat-attempts").textContent = attemptsText(trace.attempts);
    $("chat-url").textContent = `${trace.method} ${trace.url}`;
    reply.li.dataset.state = "streaming";
    reply.state.textContent = "streaming…";
    setState("streaming", "Streaming…");
    let thinking = null;
    const ended = await me.api.read(stream, {
      thinking(thought) {
        thinking ??= thinkingBlock(reply);
        thinking.text.appendData(thought);
        metrics.add(1);
      },
      text(delta) {
        if (thinking?.details.open && !text.data) thinking.details.open = false;
        text.appendData(delta);
        metrics.add(1);
        $("chat-log").scrollTop = $("chat-log").scrollHeight;
      },
    });
    const content = ended.content ?? text.data;
    finish = ended.finish;
    usage = ended.usage;
    history.push({ role: "user", content: message }, { role: "assistant", content });
    reply.li.dataset.state = "done";
    reply.state.textContent = finish ? `done (${finish})` : "done";
    setState("done", `Done: ${metrics.arrivals.length} tokens.`);
  } catch (e) {
    endedFacts(e, trace, me.stream);
    if (me.stopped && e?.name === "AbortError") {
      history.push({ role: "user", content: message }, { role: "assistant", content: text.data });
      reply.li.dataset.state = "aborted";
      reply.state.textContent = "stopped";
      setState("aborted", `Stopped (${e.name}) after ${metrics.arrivals.length} tokens.`);
    } else {
      reply.li.dataset.state = "error";
      reply.state.textContent = `failed: ${e?.name ?? "Error"}`;
      setState("error", `Failed: ${e?.name ?? "Error"}${e?.status ? ` (${e.status})` : ""}.`);
      if (!$("chat-message").value) $("chat-message").value = message;
      showError($("chat-error"), e, { requestId: me.stream?.requestId });
      // The failed turn, in view in the log (and the page scrolled to it if need be).
      reply.li.scrollIntoView({ block: "nearest" });
    }
  } finally {
    reply.content.removeAttribute("aria-busy");
    metrics.finish();
    $("chat-finish").textContent = finish ?? "-";
    $("chat-usage").textContent = usage ? `${usage.input} prompt + ${usage.output} completion = ${usage.total}` : "-";
    if (active === me) {
      active = null;
      disableKeepingFocus($("chat-stop"), $("chat-message"));
    }
    document.dispatchEvent(new Event("playground:changed")); // the history is part of the code
  }
});

async function listModels() {
  const msg = $("chat-models-msg");
  msg.textContent = "Asking…";
  try {
    const list = await createClient().models.list();
    const ids = (list?.data ?? []).map((m) => m.id);
    $("chat-models").replaceChildren(...ids.map((id) => h("option", { value: id })));
    if (ids.length && !$("chat-model").value) $("chat-model").value = ids[0];
    msg.textContent = ids.length ? `Models: ${ids.join(", ")}` : "The server lists no models.";
  } catch (e) {
    msg.textContent = `${e?.name ?? "Error"}${e?.status ? ` (${e.status})` : ""}: ${e?.message ?? e}`;
  }
}

export function code() {
  const message = $("chat-message").value.trim() || "<your next message>";
  return [`const stream = await ${api().method}(${js(body(message))});`, ...api().code].join("\n");
}
