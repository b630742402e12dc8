// The OpenAI-compatible routes: POST /v1/chat/completions, /v1/completions, /v1/responses and
// /v1/embeddings by the body's `model` (through MODELS when set, with its fallbacks), and
// GET /v1/models (the names the token allows).
import { allowsModel, checkModel } from "./auth.js";
import { httpError, json, jsonWithId, readJsonObject, streamResponse } from "./http.js";
import { capOutputTokens } from "./limits.js";
import { modelRoutes, routesFor } from "./models.js";
import { routeClient, singleClient } from "./upstream.js";

/** Each POST route: the package's API that calls it, and the output-token field MAX_OUTPUT_TOKENS always sets. */
const POST_ROUTES = {
  "/v1/chat/completions": { api: (c) => c.chat.completions, capField: "max_tokens" },
  "/v1/completions": { api: (c) => c.completions, capField: "max_tokens" },
  "/v1/responses": { api: (c) => c.responses, capField: "max_output_tokens" },
  "/v1/embeddings": { api: (c) => c.embeddings, capField: null },
};

/** Whether `path` is one of these routes. */
export function isOpenAiRoute(path) {
  return path === "/v1/models" || Object.hasOwn(POST_ROUTES, path);
}

/**
 * Answers an OpenAI route for a request the gate admitted (`claims`: null when auth is off).
 * @param {Request} request @param {Record<string, any>} env @param {string} path
 * @param {{ claims: any, headers: Record<string, string> }} admitted
 */
export async function openAiRoute(request, env, path, { claims, headers }) {
  const routes = modelRoutes(env);
  if (path === "/v1/models") {
    if (request.method !== "GET") throw httpError(405, "GET only");
    return listModels(env, routes, claims, headers, request.signal);
  }
  if (request.method !== "POST") throw httpError(405, "POST only");
  const { api, capField } = POST_ROUTES[/** @type {keyof POST_ROUTES} */ (path)];
  const body = await readJsonObject(request, env);
  if (body.model === undefined && env.CHAT_MODEL) body.model = env.CHAT_MODEL;
  if (capField) capOutputTokens(body, env, capField);

  // The attempts: the single model, or the MODELS route and its fallbacks.
  let chain;
  if (routes) {
    const visible = [...routes.keys()].filter((n) => allowsModel(claims, n));
    const found = routesFor(routes, body.model, visible);
    checkModel(claims, body.model);
    chain = found.map((r) => ({ name: r.name, served: r.servedModelName, client: routeClient(env, r) }));
  } else {
    checkModel(claims, body.model);
    chain = [{ name: null, served: undefined, client: singleClient(env) }];
  }

  for (let i = 0; ; i++) {
    const { name, served, client } = chain[i];
    const last = i === chain.length - 1;
    // A MODELS route sends its servedModelName, else its own public name (a fallback's is not the one asked for).
    const sent = name ? { ...body, model: served ?? name } : body;
    // Before the last route, a failure moves on at once (no retries on this one).
    const options = last ? { signal: request.signal } : { signal: request.signal, maxRetries: 0 };
    let result;
    try {
      result = await api(client).create(sent, options);
    } catch (err) {
      if (last || !failsOver(err)) throw err;
      console.warn(`[baseten-proxy] ${name} failed (${err.status ?? err.name}): trying ${chain[i + 1].name}`);
      continue;
    }
    // The answer's headers are in: from here on this route answers (a started stream is never switched).
    const out = name ? { ...headers, "x-proxy-model": name } : headers;
    if (sent.stream === true && path !== "/v1/embeddings") {
      return streamResponse(result.toReadableStream(), "text/event-stream; charset=utf-8", result.requestId, out, true);
    }
    return jsonWithId(result, out);
  }
}

/** A failure worth the next route: 429, 5xx, or no answer at all (before any byte of the body). */
function failsOver(err) {
  return err?.status === 429 || (typeof err?.status === "number" && err.status >= 500) || err?.name === "APIConnectionError";
}

async function listModels(env, routes, claims, headers, signal) {
  if (routes) {
    const data = [...routes.keys()].filter((n) => allowsModel(claims, n)).map((id) => ({ id, object: "model", created: 0, owned_by: "baseten-proxy" }));
    return json({ object: "list", data }, 200, headers);
  }
  const list = /** @type {any} */ (await singleClient(env).models.list({ signal }));
  const data = Array.isArray(list?.data) ? list.data.filter((m) => allowsModel(claims, m?.id)) : [];
  return json({ ...list, data }, 200, headers);
}
