// Baseten's own routes, for a request the gate admitted: predict (JSON, or the bytes streamed
// through) and async requests whose result comes back to this proxy's /webhook. Also under the
// paths the package's own client uses (/environments/production/predict, ...). They call the
// single model of BASETEN_MODEL_ID (or BASETEN_CHAIN_ID); MODELS is for the /v1 routes.
import { checkModel } from "./auth.js";
import { capOutputTokens } from "./limits.js";
import { REQUEST_ID, httpError, json, jsonWithId, readJson, streamResponse } from "./http.js";
import { singleClient } from "./upstream.js";

/**
 * The answer to a Baseten route, or null when `path` is none of them.
 * @param {Request} request @param {Record<string, any>} env @param {URL} url
 * @param {{ claims: any, headers: Record<string, string> }} admitted
 */
export async function basetenRoute(request, env, url, { claims, headers }) {
  const path = url.pathname;
  const method = request.method;
  const call = { signal: request.signal };
  const isPredict = path === "/predict" || path === "/environments/production/predict";
  const isAsync = path === "/async" || path === "/environments/production/async_predict";
  const asyncMatch = /^\/(?:async|async_request)\/([^/]+)(\/result)?$/.exec(path);
  if (!((isPredict || isAsync) && method === "POST") && !(asyncMatch && method === "GET")) return null;
  // A token scoped to some models opens only the /v1 routes, which name their model.
  checkModel(claims, null);

  // As Truss does, a request that accepts exactly application/json gets the JSON answer; any
  // other streams the bytes through.
  if (isPredict) {
    const body = await readJson(request, env);
    // An OpenAI-shaped body (vLLM, TRT-LLM behind predict) is capped too; the fields are not added.
    if (body && typeof body === "object" && !Array.isArray(body)) capOutputTokens(body, env, null);
    if (request.headers.get("Accept") === "application/json") {
      return jsonWithId(await singleClient(env).predict(body, call), headers);
    }
    const stream = await singleClient(env).predictStream(body, call);
    return streamResponse(stream.toReadableStream(), "application/octet-stream", stream.requestId, headers, false);
  }
  // Async requests: the result goes to this proxy's /webhook (never to a URL the browser picks).
  // `/async` takes the model input; `/environments/production/async_predict` the package's
  // asyncPredict() body ({ model_input, priority, ... }).
  if (isAsync) {
    const body = await readJson(request, env);
    const packageShape = path !== "/async";
    if (packageShape && (!body || typeof body.model_input !== "object")) throw httpError(400, "model_input is required");
    /** @type {Record<string, any>} */
    const options = { ...call, webhookEndpoint: new URL("/webhook", env.PUBLIC_URL || url).href };
    if (packageShape && body.priority !== undefined) options.priority = body.priority;
    if (packageShape && body.max_time_in_queue_seconds !== undefined) options.maxTimeInQueueSeconds = body.max_time_in_queue_seconds;
    const input = packageShape ? body.model_input : body;
    // The model's input is capped as predict's is (lowered where present).
    if (input && typeof input === "object" && !Array.isArray(input)) capOutputTokens(input, env, null);
    const { requestId } = await singleClient(env).asyncPredict(input, options);
    return json(packageShape ? { request_id: requestId } : { requestId }, 201, headers);
  }
  const id = /** @type {RegExpExecArray} */ (asyncMatch)[1];
  if (!REQUEST_ID.test(id)) throw httpError(400, "bad request id");
  if (!(/** @type {RegExpExecArray} */ (asyncMatch)[2])) return json(await singleClient(env).asyncRequest(id, call), 200, headers);
  if (!env.RESULTS) throw httpError(404, "results are not stored (no RESULTS KV binding)");
  const stored = await env.RESULTS.get(`result:${id}`);
  if (stored === null) throw httpError(404, "no result received for this request yet");
  return new Response(stored, { headers: { "content-type": "application/json", ...headers } });
}
