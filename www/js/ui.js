// Small DOM helpers shared by the panels: element lookup and building, the JSON editor's
// validation, result and error rendering, tabs. No innerHTML anywhere: every text goes in as a
// text node, so nothing a server answers can run as markup.

export const $ = (id) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing element #${id}`);
  return el;
};

/** `h("dt", { class: "x" }, "text", child)`: an element with attributes and children. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** Milliseconds as `123 ms` or `1.23 s`. */
export function formatMs(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "-";
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** "1", or "3 (2 retries)": how many HTTP attempts a call made. */
export function attemptsText(n) {
  if (!n) return "-";
  return n > 1 ? `${n} (${n - 1} ${n === 2 ? "retry" : "retries"})` : "1";
}

/** Pretty JSON for display (strings shown as they are). */
export function pretty(value) {
  if (typeof value === "string") return value;
  if (value === undefined) return "undefined";
  return JSON.stringify(value, null, 2);
}

/** Where a `JSON.parse` error happened, as "line L, column C" when the message tells. */
function jsonErrorWhere(text, message) {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return `line ${lc[1]}, column ${lc[2]}`;
  const pos = /position (\d+)/.exec(message);
  if (!pos) return null;
  const before = text.slice(0, Number(pos[1]));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return `line ${line}, column ${column}`;
}

/** Parses `text` as JSON: `{ ok: true, value }` or `{ ok: false, message }`. */
export function parseJson(text, { allowEmpty = false } = {}) {
  if (allowEmpty && text.trim() === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const where = jsonErrorWhere(text, e.message);
    // The engine's own position ("... in JSON at position 18 (line 1 column 19)" in Chromium,
    // "... at line 1 column 19 of the JSON data" in Firefox) is said once, as line and column.
    const reason = e.message
      .replace(/^JSON\.parse: /, "")
      .replace(/ \(line \d+ column \d+\)$/, "")
      .replace(/ (in JSON )?at (position \d+|line \d+ column \d+)( of the JSON data)?$/, "");
    return { ok: false, message: where ? `Invalid JSON at ${where}: ${reason}` : `Invalid JSON: ${reason}` };
  }
}

/** The lines of a textarea, trimmed, the blank ones left out. */
export function textLines(textarea) {
  return textarea.value.split("\n").map((l) => l.trim()).filter(Boolean);
}

/**
 * The lines of `textarea` (textLines) to run on; when there are none, says `message` in
 * `messageEl`, focuses the textarea and returns null.
 */
export function linesToRun(textarea, messageEl, message) {
  const lines = textLines(textarea);
  messageEl.textContent = lines.length ? "" : message;
  if (lines.length) return lines;
  textarea.focus();
  return null;
}

/** Runs `run` when `form` is submitted (Enter in a field, its submit button), staying on the page. */
export function onSubmit(form, run) {
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    run();
  });
}

/** Runs `run` on Ctrl/Cmd+Enter in `field` (a textarea, where Enter alone types a new line). */
export function runOnCtrlEnter(field, run) {
  field.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      run();
    }
  });
}

/**
 * Makes a textarea a JSON editor: live validation into `messageEl` (with aria-invalid),
 * Ctrl/Cmd+Enter runs `onRun`, and a "Format" button if given. Returns `read()`, which
 * validates once more and focuses the editor when the JSON is invalid.
 */
export function jsonEditor(textarea, messageEl, { allowEmpty = false, onRun, formatButton } = {}) {
  const check = () => {
    const r = parseJson(textarea.value, { allowEmpty });
    textarea.setAttribute("aria-invalid", r.ok ? "false" : "true");
    messageEl.textContent = r.ok ? "" : r.message;
    messageEl.classList.toggle("invalid", !r.ok);
    return r;
  };
  let timer = 0;
  textarea.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(check, 150);
  });
  if (onRun) runOnCtrlEnter(textarea, onRun);
  formatButton?.addEventListener("click", () => {
    const r = check();
    if (r.ok && r.value !== undefined) textarea.value = JSON.stringify(r.value, null, 2);
  });
  return {
    read() {
      clearTimeout(timer);
      const r = check();
      if (!r.ok) textarea.focus();
      return r;
    },
  };
}

/**
 * A result area: a `<dl>` of facts (status, request id, latency, URL), an output `<pre>`
 * and an error box. `prefix` names the elements: `${prefix}-status`, `-request-id`, ...
 */
export class ResultView {
  constructor(prefix) {
    this.prefix = prefix;
    this.output = $(`${prefix}-output`);
    this.error = $(`${prefix}-error`);
    this.fields = {};
    for (const f of ["status", "request-id", "latency", "attempts", "url"]) {
      this.fields[f] = document.getElementById(`${prefix}-${f}`);
    }
  }

  set(field, text) {
    const el = this.fields[field];
    if (el) el.textContent = text ?? "-";
  }

  /** Clears everything and shows that a call is under way. */
  busy(message = "Waiting for the answer…") {
    for (const f of Object.keys(this.fields)) this.set(f, "-");
    hideError(this.error);
    this.output.textContent = message;
    this.output.classList.add("pending");
    this.output.setAttribute("aria-busy", "true");
  }

  /** Clears the last call's result (its facts, output and error): the input was refused before
   * anything was sent, and an old answer must not stand under the new message. */
  clear() {
    for (const f of Object.keys(this.fields)) this.set(f, "-");
    hideError(this.error);
    this.output.textContent = "";
    this.output.classList.remove("pending");
    this.output.removeAttribute("aria-busy");
  }

  /** Shows what the trace of the call saw (status, request id, URL) and the latency. */
  facts(trace, latencyMs) {
    if (trace.status !== undefined) this.set("status", String(trace.status));
    if (trace.requestId) this.set("request-id", trace.requestId);
    if (trace.method && trace.url) this.set("url", `${trace.method} ${trace.url}`);
    if (trace.attempts) this.set("attempts", attemptsText(trace.attempts));
    this.set("latency", formatMs(latencyMs));
  }

  done(value) {
    this.output.classList.remove("pending");
    this.output.removeAttribute("aria-busy");
    this.output.textContent = pretty(value);
  }

  fail(err, trace = {}, known = {}) {
    if (this.output.classList.contains("pending")) this.output.textContent = ""; // the "waiting" text
    this.output.classList.remove("pending");
    this.output.removeAttribute("aria-busy");
    if (err?.status) this.set("status", String(err.status));
    if (err?.requestId ?? trace.requestId) this.set("request-id", err?.requestId ?? trace.requestId);
    showError(this.error, err, known);
  }
}

/**
 * Renders a baseten-edge error (or any thrown value) into `box`: name, kind, status, ids, body.
 * `known` fills a missing `status` / `requestId` from what the page already knows (errors
 * raised while a stream's body is read carry neither, though the stream has both), and adds
 * the `url` called and a `hint` (a sentence on what the error means here).
 */
export function showError(box, err, known = {}) {
  const e = err instanceof Error || (err && typeof err === "object") ? err : new Error(String(err));
  const fromStream = (v, k) => (v === null || v === undefined) && known[k] ? `${known[k]} (of the stream)` : v;
  box.replaceChildren();
  box.hidden = false;
  box.dataset.name = e.name ?? "Error";
  const rows = [
    ["Kind", e.kind],
    ["Status", fromStream(e.status, "status")],
    ["Request id", fromStream(e.requestId, "requestId")],
    ["Code", e.code],
    ["Retryable", typeof e.retryable === "boolean" ? String(e.retryable) : null],
    ["Attempts", e.attempts],
    ["URL", known.url],
  ].filter(([, v]) => v !== null && v !== undefined && v !== "");
  const slug = (s) => s.toLowerCase().replace(/\s+/g, "-");
  box.append(
    h("p", { class: "error-title" }, h("strong", { class: "error-name" }, e.name ?? "Error"), ": ", h("span", { class: "error-message" }, e.message ?? "")),
    rows.length
      ? h("dl", { class: "facts" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", { class: `error-${slug(k)}` }, String(v))]))
      : "",
  );
  if (known.hint) box.append(h("p", { class: "error-hint" }, known.hint));
  if (e.kind === "connection") box.append(connectionHint());
  if (e.body) {
    box.append(h("details", {}, h("summary", {}, "Response body"), h("pre", { class: "error-body", tabindex: "0" }, e.body)));
  }
}

/** What a connection error usually means in a browser, with a way to the proxy note. The link
 * moves the focus to the note without touching the URL fragment (it names the open tab). */
function connectionHint() {
  const link = h("a", { href: "#proxy-note" }, "Why browsers need a proxy");
  link.addEventListener("click", (ev) => {
    ev.preventDefault();
    const note = $("proxy-note");
    note.open = true; // folded on phones
    note.scrollIntoView({ block: "nearest" });
    note.focus();
  });
  return h(
    "p",
    { class: "error-hint" },
    "The server is unreachable, or it refuses calls from this page (a server that sends no CORS headers, as Baseten's own endpoints, looks the same to a browser). Check the base URL; for a real model, see ",
    link,
    ".",
  );
}

export function hideError(box) {
  box.hidden = true;
  box.replaceChildren();
  delete box.dataset.name;
}

/**
 * WAI-ARIA tabs: the tab list is one tab stop, arrow keys / Home / End move between tabs, and
 * the chosen tab is remembered in the URL fragment (`#chat`) so it can be linked and reloaded.
 */
export function setupTabs(tablist, onChange) {
  const tabs = [...tablist.querySelectorAll('[role="tab"]')];
  const select = (tab, focus = false) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
    }
    if (focus) tab.focus();
    const name = tab.dataset.tab;
    if (location.hash !== `#${name}`) history.replaceState(null, "", `#${name}`);
    onChange(name);
  };
  tablist.addEventListener("click", (ev) => {
    const tab = ev.target.closest('[role="tab"]');
    if (tab) select(tab);
  });
  tablist.addEventListener("keydown", (ev) => {
    const i = tabs.indexOf(document.activeElement);
    if (i < 0) return;
    const next = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: tabs.length - 1 }[ev.key];
    if (next === undefined) return;
    ev.preventDefault();
    select(tabs[(next + tabs.length) % tabs.length], true);
  });
  const initial = tabs.find((t) => `#${t.dataset.tab}` === location.hash) ?? tabs[0];
  select(initial);
  return {
    current: () => tabs.find((t) => t.getAttribute("aria-selected") === "true").dataset.tab,
    select: (name) => select(tabs.find((t) => t.dataset.tab === name)),
  };
}

/** A number input's value, or undefined when empty. */
export function numberOrUndefined(input) {
  const v = input.value.trim();
  if (v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Wraps an async action run by button `id`: a second press while it runs is ignored, and the
 * button shows `aria-disabled` meanwhile (not `disabled`, which would drop keyboard focus).
 */
export function guardButton(id, fn) {
  let running = false;
  return async (...args) => {
    if (running) return;
    running = true;
    const btn = $(id);
    btn.setAttribute("aria-disabled", "true");
    try {
      await fn(...args);
    } finally {
      running = false;
      btn.removeAttribute("aria-disabled");
    }
  };
}

/** Disables `button`; if it had the focus, hands it to `next` so keyboard users keep their place. */
export function disableKeepingFocus(button, next) {
  const had = document.activeElement === button;
  button.disabled = true;
  if (had) next.focus();
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** A value as a JS object literal, as a person would write it: bare keys where possible,
 * short objects and arrays on one line, longer ones one entry a line with trailing commas. */
export function js(value, indent = "") {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "undefined";
  const isArray = Array.isArray(value);
  const items = isArray
    ? value.map((v) => [null, v])
    : Object.entries(value).filter(([, v]) => v !== undefined);
  const [open, close] = isArray ? ["[", "]"] : ["{", "}"];
  if (!items.length) return open + close;
  const key = (k) => (k === null ? "" : `${IDENT.test(k) ? k : JSON.stringify(k)}: `);
  const inner = indent + "  ";
  const parts = items.map(([k, v]) => key(k) + js(v, inner));
  const flat = isArray ? `[${parts.join(", ")}]` : `{ ${parts.join(", ")} }`;
  if (!flat.includes("\n") && flat.length + indent.length <= 72) return flat;
  return `${open}\n${parts.map((p) => `${inner}${p},`).join("\n")}\n${indent}${close}`;
}
