// A Cloudflare Worker that lets browsers (and your users' apps) call models deployed on Baseten
// without ever seeing the API key: the key stays a Worker secret (env.BASETEN_API_KEY), clients
// talk to this gateway.
//
//   POST /v1/chat/completions   OpenAI-compatible; with "stream": true the SSE is passed through
//   POST /v1/completions        event by event (no buffering). With MODELS, routed by the body's
//   POST /v1/responses          `model` (a public name such as "acme/llama-3-70b") to a model's
//   POST /v1/embeddings         environment or deployment, or to Model APIs, with fallbacks
//   GET  /v1/models             the public model names the caller's token allows
//   POST /predict               JSON in; with `Accept: application/json` the model's JSON out,
//                               else the model's response bytes streamed through as they come
//   POST /async                 start an async request whose result Baseten POSTs to /webhook;
//                               answers { requestId }
//   GET  /async/:requestId      the async request's status (Baseten's answer)
//   GET  /async/:requestId/result  the result /webhook received (needs the RESULTS KV binding)
//   POST /webhook               Baseten's async webhook: X-BASETEN-SIGNATURE checked, then stored
//   GET  /health                { "ok": true }, no upstream call
//   GET  /websocket             (Upgrade: websocket) a relay to the model's WebSocket (websocket.js);
//                               also at /environments/production/websocket, the package's path
// The paths the package's own client uses are accepted too (/environments/production/predict,
// /environments/production/async_predict, /async_request/:id), so that a browser can call the
// proxy with `new Baseten({ baseUrl: PROXY, openaiBaseUrl: PROXY + "/v1", apiKey: proxyToken })`.
//
// Every route but OPTIONS, GET /health and POST /webhook passes the gate (gate.js): the origin
// (ALLOWED_ORIGINS; a browser from another origin gets 403), the proxy token (with
// PROXY_AUTH_SECRET: `Authorization: Bearer <token>` that your backend minted with
// mintProxyToken, else 401/403), and the rate limit (the RATE_LIMITER binding, per token `sub` or
// client IP; 429 with Retry-After). Without PROXY_AUTH_SECRET anyone can call it (a request with
// no Origin header is not a browser, and CORS does not stop it): the Worker then logs one warning
// and answers with `x-proxy-auth: off`. MAX_OUTPUT_TOKENS caps what each request may generate.
// Request bodies are capped (MAX_BODY_BYTES, 413 beyond; webhook deliveries, which carry the
// model's output, by WEBHOOK_MAX_BODY_BYTES). A client that disconnects aborts the upstream
// request (request.signal, compatibility flag enable_request_signal, and the stream's cancel).
//
// Modules: gate.js (origin + auth + rate limit), auth.js, cors.js, limits.js, models.js (MODELS),
// upstream.js (the package's clients), openai.js and baseten.js (the routes), websocket.js (the
// WebSocket relay), webhook.js, http.js.
import { basetenRoute } from "./baseten.js";
import { preflight, corsHeaders } from "./cors.js";
import { gate, refusalHeaders } from "./gate.js";
import { errorResponse, httpError, json } from "./http.js";
import { isOpenAiRoute, openAiRoute } from "./openai.js";
import { webhook } from "./webhook.js";
import { isWebSocketRoute, websocketRoute } from "./websocket-route.js";

export default {
  /** @param {Request} request @param {Record<string, any>} env */
  async fetch(request, env) {
    const url = new URL(request.url);
    const path = url.pathname;
    // Outside the gate: Baseten's signed webhook, preflights, and the health check.
    if (path === "/webhook") {
      return webhook(request, env).catch((err) => errorResponse(err, {}));
    }
    if (request.method === "OPTIONS") return preflight(request, corsHeaders(request.headers.get("Origin"), env));
    try {
      if (path === "/health" && request.method === "GET") return json({ ok: true }, 200, refusalHeaders(request, env));
      if (isWebSocketRoute(request, path)) return await websocketRoute(request, env);
      const admitted = await gate(request, env);
      if (isOpenAiRoute(path)) return await openAiRoute(request, env, path, admitted);
      const answer = await basetenRoute(request, env, url, admitted);
      if (answer) return answer;
      throw httpError(404, "not found");
    } catch (err) {
      return errorResponse(err, refusalHeaders(request, env));
    }
  },
};
