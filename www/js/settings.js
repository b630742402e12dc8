// Settings: where calls go (base URL, model id, environment), the API key, and the advanced
// options. Everything is kept in this tab's sessionStorage only (the key included: never in a
// URL, never in localStorage, never logged). Builds the clients the panels use.
import { Baseten, requestIdOf } from "/pkg/web/baseten_edge.js";
import { $, js } from "./ui.js";

const PREFIX = "baseten-edge:";
const FIELDS = ["baseUrl", "modelId", "envKind", "envName", "apiKey", "proxyToken", "authScheme", "openaiBaseUrl", "maxRetries", "extraHeaders"];
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// The only extra headers whose values the code panel shows: the mock's test switches. Every
// other value is hidden, whatever its name (a credential need not look like one).
const SHOWN_HEADER = /^x-mock-/i;

let config = { mockUrl: "", mockApiKey: "" };

const store = {
  get: (k) => sessionStorage.getItem(PREFIX + k),
  set: (k, v) => sessionStorage.setItem(PREFIX + k, v),
};

/** The settings as typed (trimmed). */
export function current() {
  const v = Object.fromEntries(FIELDS.map((f) => [f, $(f).value.trim()]));
  v.apiKey = $("apiKey").value; // keys are sent as typed; the library rejects bad ones
  v.proxyToken = $("proxyToken").value;
  return v;
}

/** Whether the calls go to the local mock server this page was served with. */
export function usingMock() {
  return Boolean(config.mockUrl) && stripSlash(current().baseUrl) === stripSlash(config.mockUrl);
}

const stripSlash = (u) => u.replace(/\/+$/, "");

/** The mock this page was served with ("" when none). */
export const mockUrl = () => config.mockUrl;

/** Why the typed base URL cannot be used (the library's own check, its message naming
 * `baseUrl`), or null when it is empty or valid. */
export function baseUrlProblem() {
  const { baseUrl } = current();
  if (!baseUrl) return null;
  try {
    new Baseten({ baseUrl }).free();
    return null;
  } catch (e) {
    return e?.message ?? String(e);
  }
}

/** The OpenAI base URL the chat and embeddings panels use when the field is empty: the base
 * URL's `/v1` when a valid base URL is set without a model id (the mock, or a proxy such as
 * examples/worker, which serves `/v1/chat/completions`), else none (the library's default:
 * the model's `.../sync/v1`, which is also what it would derive from a base URL alone). Never
 * derived from an invalid base URL: the library would then blame `openaiBaseUrl`, an option
 * the user never set, instead of the `baseUrl` they typed. */
function defaultOpenaiBaseUrl() {
  const s = current();
  if (usingMock()) return `${stripSlash(config.mockUrl)}/v1`;
  if (s.baseUrl && !s.modelId && !baseUrlProblem()) return `${stripSlash(s.baseUrl)}/v1`;
  return undefined;
}

/** The OpenAI base URL the chat and embeddings panels use: the field, or the default above. */
export function openaiBaseUrl() {
  return current().openaiBaseUrl || defaultOpenaiBaseUrl();
}

/** Extra headers from the "Name: value" lines; throws a described Error for a bad line. */
export function extraHeaders() {
  const out = {};
  const lines = current().extraHeaders.split("\n");
  lines.forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith("#")) return;
    const colon = t.indexOf(":");
    const name = colon > 0 ? t.slice(0, colon).trim() : "";
    if (!HEADER_NAME.test(name)) {
      const e = new Error(`Extra headers, line ${i + 1}: expected "Name: value"`);
      e.name = "ConfigurationError";
      e.kind = "configuration";
      throw e;
    }
    out[name] = t.slice(colon + 1).trim();
  });
  return out;
}

/** The options of `new Baseten(...)`; with `forCode`, the key is `process.env.BASETEN_API_KEY`
 * (a proxy token, which the client sends as the key would be, `proxyToken`) and the values of
 * extra headers other than `x-mock-*` are hidden. */
export function clientOptions({ forCode = false } = {}) {
  const s = current();
  const o = {};
  if (s.proxyToken) o.apiKey = forCode ? TOKEN_VAR : s.proxyToken;
  else if (s.apiKey) o.apiKey = forCode ? ENV_KEY : s.apiKey;
  if (s.authScheme === "api-key") o.authScheme = "api-key";
  if (s.modelId) o.modelId = s.modelId;
  if ((s.envKind === "environment" || s.envKind === "deployment") && !s.envName && !forCode) {
    const e = new Error(`Settings: enter the ${s.envKind === "deployment" ? "deployment id" : "environment name"}`);
    e.name = "ConfigurationError";
    e.kind = "configuration";
    throw e;
  }
  if (s.envKind === "environment" && s.envName) o.environment = s.envName;
  if (s.envKind === "deployment" && s.envName) o.deployment = s.envName;
  if (s.envKind === "development") o.development = true;
  if (s.baseUrl) o.baseUrl = s.baseUrl;
  const openai = openaiBaseUrl();
  if (openai) o.openaiBaseUrl = openai;
  if (s.maxRetries !== "" && Number.isFinite(Number(s.maxRetries))) o.maxRetries = Number(s.maxRetries);
  let headers = {};
  try {
    headers = extraHeaders();
  } catch (e) {
    if (!forCode) throw e;
  }
  if (Object.keys(headers).length) {
    o.headers = forCode
      ? Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, SHOWN_HEADER.test(k) ? v : "<hidden>"]))
      : headers;
  }
  return o;
}

/** Marks the env-var placeholder in code (rendered without quotes by the code panel). */
export const ENV_KEY = Symbol("process.env.BASETEN_API_KEY");
/** Marks the proxy token in code: a variable holding what your backend minted. */
const TOKEN_VAR = Symbol("proxyToken");

/**
 * A new client whose fetch records what the call saw in `trace`: method, URL, status, request
 * id, when the headers arrived (`predict` and `sync` resolve to the parsed body only, so this
 * is how the page shows the request id of a successful call) and how many HTTP attempts were
 * made (`attempts`: retries show here even when the call succeeds). Never records headers or
 * bodies; a panel that wants to follow each attempt sets `trace.onSend(url, init)` (its return
 * value is handed back) and `trace.onAnswer(sent, response | null, error?)`.
 * Throws the library's `ConfigurationError` for bad settings.
 */
export function createClient(trace = {}) {
  const opts = clientOptions();
  opts.fetch = (url, init) => {
    trace.method = init?.method ?? "GET";
    trace.url = url;
    trace.sentAt = performance.now();
    trace.attempts = (trace.attempts ?? 0) + 1;
    const sent = trace.onSend?.(url, init);
    return fetch(url, init).then(
      (res) => {
        trace.headersAt = performance.now();
        trace.status = res.status;
        trace.requestId = requestIdOf(res.headers) ?? undefined;
        trace.onAnswer?.(sent, res);
        return res;
      },
      (e) => {
        trace.onAnswer?.(sent, null, e);
        throw e;
      },
    );
  };
  return new Baseten(opts);
}

/** The client of `client.websocket()` and that call's options: a proxy token is not the key
 * there but `proxyToken` (a browser cannot send Authorization on a WebSocket: the package sends
 * the token as subprotocols, which the proxy Worker reads). */
export function createSocketClient() {
  const opts = clientOptions();
  const token = current().proxyToken;
  if (token) delete opts.apiKey;
  return { client: new Baseten(opts), options: token ? { proxyToken: token } : {} };
}

/** One line describing where calls go, for the header. */
export function describeBackend() {
  const s = current();
  if (usingMock()) return `local mock model server at ${config.mockUrl}`;
  if (s.baseUrl && baseUrlProblem()) return "nowhere yet: the base URL is not valid (see the field)";
  if (s.baseUrl) return `base URL ${s.baseUrl} (a proxy or gateway)`;
  if (s.modelId) return `Baseten model ${s.modelId}, directly (browsers need a proxy: see the note)`;
  return "nothing yet: enter a base URL or a model id";
}

function save(field) {
  store.set(field, $(field).value);
}

function syncEnvName() {
  const kind = $("envKind").value;
  const needsName = kind === "environment" || kind === "deployment";
  $("envName").disabled = !needsName;
  $("envName-label-text").textContent = kind === "deployment" ? "Deployment id" : "Environment name";
  $("envName").placeholder = kind === "deployment" ? "e.g. abc123" : kind === "environment" ? "e.g. staging" : "not needed";
}

function syncOpenaiPlaceholder() {
  const def = defaultOpenaiBaseUrl();
  $("openaiBaseUrl").placeholder = `default: ${def ?? "the model's …/sync/v1"}`;
}

/** The mock's key goes to the mock only: once the base URL points elsewhere, it is cleared. */
function dropMockKeyElsewhere() {
  if (!config.mockApiKey || usingMock() || $("apiKey").value !== config.mockApiKey) return;
  $("apiKey").value = "";
  sessionStorage.removeItem(PREFIX + "apiKey");
  $("apiKey-msg").textContent = "The mock's key was cleared: it is not sent to other servers.";
}

/** Checks the Base URL where it is typed: the library's reason, and what a good one looks like. */
function syncBaseUrlMessage() {
  const problem = baseUrlProblem();
  $("baseUrl").setAttribute("aria-invalid", problem ? "true" : "false");
  $("baseUrl-msg").textContent = problem ? `${problem}: enter an http:// or https:// URL such as https://my-proxy.example.com, or nothing.` : "";
}

function syncHeadersMessage() {
  try {
    extraHeaders();
    $("extraHeaders").setAttribute("aria-invalid", "false");
    $("extraHeaders-msg").textContent = "";
  } catch (e) {
    $("extraHeaders").setAttribute("aria-invalid", "true");
    $("extraHeaders-msg").textContent = e.message;
  }
}

/** Points every setting at the mock. The key becomes the mock's: the mock accepts no other, and
 * a real key sent to it would only land in its request log. A replaced key is mentioned. */
function useMock() {
  const had = $("apiKey").value;
  $("apiKey-msg").textContent =
    had && had !== config.mockApiKey ? "Your key was replaced by the mock's (the mock accepts only its own): paste it again to leave the mock." : "";
  $("baseUrl").value = config.mockUrl;
  $("apiKey").value = config.mockApiKey;
  $("modelId").value = "";
  $("envKind").value = "production";
  $("envName").value = "";
  $("openaiBaseUrl").value = "";
  $("proxyToken").value = ""; // the mock takes its key, not a proxy's token
  $("authScheme").value = "bearer";
  for (const f of FIELDS) save(f);
  refresh();
}

let onChange = () => {};

function refresh() {
  syncEnvName();
  syncOpenaiPlaceholder();
  syncBaseUrlMessage();
  syncHeadersMessage();
  $("backend").textContent = describeBackend();
  $("useMock").hidden = !config.mockUrl;
  onChange();
}

/** Loads /config.json and the saved settings, prefilling the mock when nothing was ever saved
 * in this tab (a reload never replaces what the user typed, their key included). */
export async function setupSettings(changed) {
  onChange = changed;
  try {
    const res = await fetch("/config.json", { cache: "no-store" });
    if (res.ok) config = { ...config, ...(await res.json()) };
  } catch {
    // served without /config.json (a plain static server): no mock to prefill
  }
  let savedAny = false;
  for (const f of FIELDS) {
    const saved = store.get(f);
    if (saved !== null) $(f).value = saved;
    savedAny ||= saved !== null;
  }
  // A mock from an earlier run of scripts/play.sh listened on another port: follow the new one.
  const previousMock = store.get("seenMockUrl");
  if (previousMock && config.mockUrl && previousMock !== config.mockUrl) {
    for (const f of ["baseUrl", "openaiBaseUrl"]) {
      if ($(f).value.startsWith(previousMock)) $(f).value = config.mockUrl + $(f).value.slice(previousMock.length);
      save(f);
    }
  }
  if (config.mockUrl) store.set("seenMockUrl", config.mockUrl);
  if (!savedAny && config.mockUrl) useMock();

  for (const f of FIELDS) {
    for (const type of ["input", "change"]) {
      $(f).addEventListener(type, () => {
        if (f === "baseUrl") dropMockKeyElsewhere();
        if (f === "apiKey") $("apiKey-msg").textContent = "";
        save(f);
        refresh();
      });
    }
  }
  $("useMock").addEventListener("click", useMock);
  // On a phone, with the mock already filled in, start with the settings folded away.
  const toggle = $("settings-toggle");
  const fold = (open) => {
    $("settings").hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = open ? "Hide settings" : "Show settings";
  };
  toggle.addEventListener("click", () => fold($("settings").hidden));
  const narrow = matchMedia("(max-width: 59.99rem)");
  if (narrow.matches && usingMock()) fold(false);
  // The proxy note too (its heading stays, one tap opens it): on a phone the tabs must be on
  // the first screen. Wide screens keep it open.
  if (narrow.matches) $("proxy-note").open = false;
  narrow.addEventListener("change", () => narrow.matches || fold(true)); // wide screens have no toggle
  $("settings").addEventListener("submit", (ev) => ev.preventDefault());
  // A toggle button: its label stays "Show", aria-pressed (and its look) says whether it is on.
  $("showKey").addEventListener("click", () => {
    const show = $("apiKey").type === "password";
    $("apiKey").type = show ? "text" : "password";
    $("showKey").setAttribute("aria-pressed", String(show));
  });
  $("forgetKey").addEventListener("click", () => {
    $("apiKey").value = "";
    sessionStorage.removeItem(PREFIX + "apiKey");
    refresh();
  });
  refresh();
}

/** For the code panel: the `new Baseten({...})` lines (`openaiBaseUrl` only for the panels
 * that use it). */
export function clientCode({ openai = false } = {}) {
  const o = clientOptions({ forCode: true });
  if (!openai) delete o.openaiBaseUrl;
  const symbols = new Map([[ENV_KEY, "process.env.BASETEN_API_KEY,"], [TOKEN_VAR, "proxyToken, // from your backend's mintProxyToken"]]);
  const lines = Object.entries(o).map(([k, v]) => `  ${k}: ${symbols.get(v) ?? `${js(v, "  ")},`}`);
  return lines.length ? `const client = new Baseten({\n${lines.join("\n")}\n});` : "const client = new Baseten({});";
}
