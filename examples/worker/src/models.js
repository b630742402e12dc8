// MODELS: the public model names this gateway serves, and where each goes. A JSON var (a string,
// or an object in wrangler.jsonc's vars):
//   "acme/llama-3-70b": { "modelId": "abcd1234", "environment": "production", "servedModelName": "llama-3-70b",
//                         "fallbacks": ["acme/fast"] }
//   "acme/fast": { "modelId": "wxyz5678", "deployment": "dep1" }
//   "deepseek-ai/DeepSeek-V3.1": { "modelApis": true }
// Checked at first use; a bad entry is a 500 that names it. Without MODELS, the single-model
// variables (BASETEN_MODEL_ID, ...) serve every model name, as before.
import { httpError } from "./http.js";

const KEYS = new Set(["modelId", "environment", "deployment", "servedModelName", "modelApis", "fallbacks"]);

/**
 * @typedef {{ name: string, modelId?: string, environment?: string, deployment?: string,
 *   servedModelName?: string, modelApis: boolean, fallbacks: string[] }} Route
 */

/** @type {{ raw: string, routes: Map<string, Route> } | null} */
let parsed = null;

/** The routes of MODELS by public name, or null when MODELS is not set. */
export function modelRoutes(env) {
  if (env.MODELS === undefined || env.MODELS === "") return null;
  const raw = typeof env.MODELS === "string" ? env.MODELS : JSON.stringify(env.MODELS);
  if (parsed?.raw !== raw) parsed = { raw, routes: parse(raw) };
  return parsed.routes;
}

/** @param {string} raw @returns {Map<string, Route>} */
function parse(raw) {
  let value;
  try {
    value = JSON.parse(raw);
  } catch {
    throw bad("MODELS is not valid JSON");
  }
  if (!value || typeof value !== "object" || Array.isArray(value) || Object.keys(value).length === 0) {
    throw bad('MODELS must be a JSON object of public model names, such as {"acme/llama": {"modelId": "abcd1234"}}');
  }
  const routes = new Map();
  for (const [name, entry] of Object.entries(value)) routes.set(name, route(name, entry));
  for (const r of routes.values()) {
    for (const f of r.fallbacks) {
      if (f === r.name) throw bad(`MODELS entry ${JSON.stringify(r.name)}: it cannot be its own fallback`);
      if (!routes.has(f)) throw bad(`MODELS entry ${JSON.stringify(r.name)}: fallback ${JSON.stringify(f)} is not a name in MODELS`);
    }
  }
  return routes;
}

/** @param {string} name @param {any} e @returns {Route} */
function route(name, e) {
  const where = `MODELS entry ${JSON.stringify(name)}`;
  if (!e || typeof e !== "object" || Array.isArray(e)) throw bad(`${where} must be an object`);
  for (const k of Object.keys(e)) {
    if (!KEYS.has(k)) throw bad(`${where}: unknown field ${JSON.stringify(k)} (known: ${[...KEYS].join(", ")})`);
  }
  for (const k of ["modelId", "environment", "deployment", "servedModelName"]) {
    if (e[k] !== undefined && (typeof e[k] !== "string" || e[k] === "")) throw bad(`${where}: ${k} must be a non-empty string`);
  }
  if (e.modelApis !== undefined && e.modelApis !== true) throw bad(`${where}: modelApis must be true`);
  const modelApis = e.modelApis === true;
  if (modelApis === (e.modelId !== undefined)) throw bad(`${where} needs exactly one of modelId and "modelApis": true`);
  if (modelApis && (e.environment !== undefined || e.deployment !== undefined)) throw bad(`${where}: a Model APIs route has no environment or deployment`);
  if (e.environment !== undefined && e.deployment !== undefined) throw bad(`${where}: environment and deployment exclude each other`);
  const fallbacks = e.fallbacks ?? [];
  if (!Array.isArray(fallbacks) || !fallbacks.every((f) => typeof f === "string")) throw bad(`${where}: fallbacks must be an array of names`);
  return {
    name,
    modelId: e.modelId,
    environment: e.environment,
    deployment: e.deployment,
    servedModelName: e.servedModelName,
    modelApis,
    fallbacks,
  };
}

function bad(message) {
  return httpError(500, message, { type: "proxy_configuration_error" });
}

/**
 * The routes to try for the public name `name`, in order (the route, then its fallbacks);
 * 404 with the names `visible` lists when it is not in MODELS.
 * @param {Map<string, Route>} routes @param {unknown} name @param {string[]} visible
 */
export function routesFor(routes, name, visible) {
  const first = typeof name === "string" ? routes.get(name) : undefined;
  if (!first) {
    const what = name === undefined ? "the body names no model" : `unknown model ${JSON.stringify(String(name))}`;
    throw httpError(404, `${what}; known: ${visible.join(", ")}`, { type: "not_found_error", code: "model_not_found", fields: { known: visible } });
  }
  return [first, ...first.fallbacks.map((f) => /** @type {Route} */ (routes.get(f)))];
}
