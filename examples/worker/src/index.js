// A Cloudflare Worker that lets browsers call a model deployed on Baseten without ever seeing the
// API key: the key stays a Worker secret (env.BASETEN_API_KEY), the browser talks to this proxy.
//
//   POST /predict               JSON in; with `Accept: application/json` the model's JSON out,
//                               else the model's response bytes streamed through as they come
//   POST /v1/chat/completions   OpenAI-compatible chat; with "stream": true the SSE is passed
//                               through event by event (no buffering)
//   POST /async                 start an async request whose result Baseten POSTs to /webhook;
//                               answers { requestId }
//   GET  /async/:requestId      the async request's status (Baseten's answer)
//   GET  /async/:requestId/result  the result /webhook received (needs the RESULTS KV binding)
//   POST /webhook               Baseten's async webhook: X-BASETEN-SIGNATURE checked, then stored
//   GET  /health                { "ok": true }, no upstream call
//   GET  /websocket             (Upgrade: websocket) a relay to the model's WebSocket (websocket.js);
//                               also at /environments/production/websocket, the package's path
//
// The paths the package's own client uses are accepted too, so that a browser can call the
// proxy with `new Baseten({ baseUrl: PROXY, openaiBaseUrl: PROXY + "/v1" })` (no key):
// /environments/production/predict, /environments/production/async_predict, /async_request/:id.
//
// Browsers are admitted by a CORS allow-list (ALLOWED_ORIGINS; preflights answered here); a
// request from another origin is refused before any upstream call. CORS is not authentication:
// anyone can call the proxy without a browser, so put it behind your own auth or rate limits
// (Cloudflare Access, a session check, WAF rate limiting) in production.
// Request bodies are capped (MAX_BODY_BYTES, 413 beyond; webhook deliveries, which carry the
// model's output, by WEBHOOK_MAX_BODY_BYTES). A client that disconnects aborts the
// upstream request (request.signal, compatibility flag enable_request_signal, and the response
// stream's cancel).
import { Baseten, verifyWebhook } from "baseten-edge";
import { DEFAULT_MAX_MESSAGE_BYTES, isWebSocketUpgrade, relayWebSocket } from "./websocket.js";

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
// Webhook deliveries carry the model's output, so they get more room than browser requests, but
// stay well inside a Worker's 128 MB (verifying parses the body) and KV's 25 MiB per value.
const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 4 * 1024 * 1024;
const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;
const RESULT_TTL_SECONDS = 24 * 60 * 60;
const REQUEST_ID = /^[A-Za-z0-9_-]{1,128}$/;
const encoder = new TextEncoder();

export default {
  /** @param {Request} request @param {Record<string, any>} env */
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/webhook") {
      try {
        return await webhook(request, env);
      } catch (err) {
        return errorResponse(err, {});
      }
    }
    const origin = request.headers.get("Origin");
    const cors = corsHeaders(origin, env);
    if (request.method === "OPTIONS") return preflight(request, cors);
    if (origin !== null && cors === null) {
      return json({ error: { message: "this origin is not allowed", type: "forbidden_origin" } }, 403, { vary: "Origin" });
    }
    try {
      return await route(request, env, url, cors ?? {});
    } catch (err) {
      return errorResponse(err, cors ?? {});
    }
  },
};

// ---- browser-facing routes ----

async function route(request, env, url, headers) {
  const path = url.pathname;
  const method = request.method;
  const call = { signal: request.signal };

  if (path === "/health" && method === "GET") return json({ ok: true }, 200, headers);
  if ((path === "/websocket" || path === "/environments/production/websocket") && isWebSocketUpgrade(request)) {
    const maxMessageBytes = limitOf(env.MAX_WS_MESSAGE_BYTES, DEFAULT_MAX_MESSAGE_BYTES);
    return relayWebSocket(request, () => client(env).websocket(), { maxMessageBytes });
  }

  // `/predict`, and `/environments/production/predict`, where the package's own client sends
  // predict() and predictStream() when given `baseUrl: <this proxy>`. As Truss does, a request
  // that accepts exactly application/json gets the JSON answer; any other streams the bytes through.
  if ((path === "/predict" || path === "/environments/production/predict") && method === "POST") {
    const body = await readJson(request, env);
    if (request.headers.get("Accept") === "application/json") {
      return jsonWithId(await client(env).predict(body, call), headers);
    }
    const stream = await client(env).predictStream(body, call);
    return streamResponse(stream.toReadableStream(), "application/octet-stream", stream.requestId, headers, false);
  }
  if (path === "/v1/chat/completions" && method === "POST") {
    const body = await readJson(request, env);
    if (!body || typeof body !== "object" || Array.isArray(body)) throw httpError(400, "the body must be a JSON object");
    if (body.model === undefined && env.CHAT_MODEL) body.model = env.CHAT_MODEL;
    if (body.stream !== true) return jsonWithId(await client(env).chat.completions.create(body, call), headers);
    const stream = await client(env).chat.completions.create(body, call);
    return streamResponse(stream.toReadableStream(), "text/event-stream; charset=utf-8", stream.requestId, headers, true);
  }
  // Async requests: the result goes to this proxy's /webhook (never to a URL the browser picks).
  // `/async` takes the model input; `/environments/production/async_predict` the package's
  // asyncPredict() body ({ model_input, priority, ... }).
  if ((path === "/async" || path === "/environments/production/async_predict") && method === "POST") {
    const body = await readJson(request, env);
    const packageShape = path !== "/async";
    if (packageShape && (!body || typeof body.model_input !== "object")) throw httpError(400, "model_input is required");
    const options = { ...call, webhookEndpoint: new URL("/webhook", env.PUBLIC_URL || url).href };
    if (packageShape && body.priority !== undefined) options.priority = body.priority;
    if (packageShape && body.max_time_in_queue_seconds !== undefined) options.maxTimeInQueueSeconds = body.max_time_in_queue_seconds;
    const { requestId } = await client(env).asyncPredict(packageShape ? body.model_input : body, options);
    return json(packageShape ? { request_id: requestId } : { requestId }, 201, headers);
  }
  const asyncMatch = /^\/(?:async|async_request)\/([^/]+)(\/result)?$/.exec(path);
  if (asyncMatch && method === "GET") {
    const id = asyncMatch[1];
    if (!REQUEST_ID.test(id)) throw httpError(400, "bad request id");
    if (!asyncMatch[2]) return json(await client(env).asyncRequest(id, call), 200, headers);
    if (!env.RESULTS) throw httpError(404, "results are not stored (no RESULTS KV binding)");
    const stored = await env.RESULTS.get(`result:${id}`);
    if (stored === null) throw httpError(404, "no result received for this request yet");
    return new Response(stored, { headers: { "content-type": "application/json", ...headers } });
  }
  throw httpError(404, "not found");
}

/** The client, built once per isolate and configuration. */
let cached = null;
function client(env) {
  const options = {
    apiKey: env.BASETEN_API_KEY || undefined,
    modelId: env.BASETEN_MODEL_ID || undefined,
    chainId: env.BASETEN_CHAIN_ID || undefined,
    environment: env.BASETEN_ENVIRONMENT || undefined,
    deployment: env.BASETEN_DEPLOYMENT || undefined,
    baseUrl: env.BASETEN_BASE_URL || undefined,
    openaiBaseUrl: env.BASETEN_OPENAI_BASE_URL || undefined,
  };
  if (!options.apiKey) throw httpError(500, "the proxy has no BASETEN_API_KEY secret");
  const key = JSON.stringify(options);
  if (cached?.key !== key) cached = { key, client: new Baseten(options) };
  return cached.client;
}

/**
 * A streamed answer. The body is pulled from upstream only as the client reads it (no
 * buffering: highWaterMark 0); a client that goes away cancels it, which aborts the upstream
 * request. For SSE, an error after the headers were sent becomes a final `event: error`.
 */
function streamResponse(source, contentType, requestId, headers, sse) {
  const reader = source.getReader();
  const body = new ReadableStream(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (err) {
          if (!sse) return controller.error(err);
          const error = { message: err?.message ?? String(err), type: err?.name ?? "Error", code: err?.code ?? null };
          controller.enqueue(encoder.encode(`event: error\ndata: ${JSON.stringify({ error })}\n\n`));
          controller.close();
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  const out = { "content-type": contentType, "cache-control": "no-store", ...headers };
  if (requestId) out["x-baseten-request-id"] = requestId;
  return new Response(body, { headers: out });
}

// ---- CORS ----

/** The CORS headers for an allowed `origin`, else null. ALLOWED_ORIGINS: comma-separated origins, or "*". */
function corsHeaders(origin, env) {
  if (origin === null) return null;
  const allowed = String(env.ALLOWED_ORIGINS ?? "")
    .split(/[,\s]+/)
    .filter(Boolean);
  if (!allowed.includes("*") && !allowed.includes(origin)) return null;
  return {
    "access-control-allow-origin": origin,
    "access-control-expose-headers": "x-baseten-request-id",
    vary: "Origin",
  };
}

function preflight(request, cors) {
  const method = request.headers.get("Access-Control-Request-Method");
  if (cors === null || method === null) return new Response(null, { status: 403, headers: { vary: "Origin" } });
  return new Response(null, {
    status: 204,
    headers: {
      ...cors,
      "access-control-allow-methods": "GET, POST, OPTIONS",
      "access-control-allow-headers": "Content-Type",
      "access-control-max-age": "600",
      vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
    },
  });
}

// ---- webhook ----

/** POST /webhook: Baseten's async result, signed. Stored in RESULTS (when bound) for GET /async/:id/result. */
async function webhook(request, env) {
  if (request.method !== "POST") throw httpError(405, "POST only");
  if (!env.BASETEN_WEBHOOK_SECRET) throw httpError(500, "the proxy has no BASETEN_WEBHOOK_SECRET secret");
  // While a secret is rotated, BASETEN_WEBHOOK_SECRET may hold several, comma-separated.
  const secrets = String(env.BASETEN_WEBHOOK_SECRET).split(",").map((s) => s.trim()).filter(Boolean);
  if (secrets.length === 0) throw httpError(500, "the proxy's BASETEN_WEBHOOK_SECRET holds no secret");
  const raw = await readBody(request, limitOf(env.WEBHOOK_MAX_BODY_BYTES, DEFAULT_WEBHOOK_MAX_BODY_BYTES));
  let payload;
  try {
    // The package's check: HMAC-SHA256 over the raw bytes, any of several v1= values, constant
    // time, and the payload's `time` within the tolerance; throws with a `code` on failure.
    payload = verifyWebhook(raw, request.headers.get("X-BASETEN-SIGNATURE"), secrets, {
      toleranceSeconds: Number(env.WEBHOOK_TOLERANCE_SECONDS ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS),
    });
  } catch (err) {
    return json({ error: { message: "webhook verification failed", type: "invalid_signature", code: err.code ?? null } }, 401);
  }
  if (env.RESULTS && typeof payload.request_id === "string" && REQUEST_ID.test(payload.request_id)) {
    await env.RESULTS.put(`result:${payload.request_id}`, new TextDecoder().decode(raw), { expirationTtl: RESULT_TTL_SECONDS });
  }
  return json({ ok: true }, 200);
}

// ---- bodies, errors ----

/** A byte limit from a variable: a positive whole number, else `fallback` (never "no limit"). */
function limitOf(value, fallback) {
  const n = Number(value);
  return value !== undefined && Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

/** The request body, at most `limit` bytes (413 beyond, whether or not Content-Length says so). */
async function readBody(request, limit) {
  const declared = request.headers.get("Content-Length");
  if (declared !== null && Number(declared) > limit) throw httpError(413, `the body is larger than ${limit} bytes`);
  if (request.body === null) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw httpError(413, `the body is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  return body;
}

async function readJson(request, env) {
  const raw = await readBody(request, limitOf(env.MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES));
  try {
    return JSON.parse(new TextDecoder().decode(raw));
  } catch {
    throw httpError(400, "the body is not valid JSON");
  }
}

function httpError(status, message) {
  return Object.assign(new Error(message), { httpStatus: status });
}

/**
 * An error as JSON: our own (httpError) with its status; the package's errors mapped to what the
 * browser should see. Upstream 401/403 mean the proxy's key is wrong: 502, not the browser's fault.
 */
function errorResponse(err, headers) {
  if (err?.httpStatus) return json({ error: { message: err.message, type: "proxy_error" } }, err.httpStatus, headers);
  const name = err?.name ?? "Error";
  let status = 502;
  if (name === "TimeoutError") status = 504;
  else if (name === "AbortError") status = 499;
  else if ([400, 404, 409, 413, 422, 429].includes(err?.status)) status = err.status;
  const error = {
    message: status === 502 && (err?.status === 401 || err?.status === 403) ? "the upstream refused the proxy's credentials" : err?.message ?? String(err),
    type: name,
    code: err?.code ?? null,
    retryable: err?.retryable ?? false,
    request_id: err?.requestId ?? null,
  };
  return json({ error }, status, headers);
}

/** A 200 JSON answer from upstream, with its request id: the package's own `_request_id`
 * (non-enumerable; a key of that name in the model's output is not taken), when it is a plain id. */
function jsonWithId(value, headers) {
  const own = value !== null && typeof value === "object" ? Object.getOwnPropertyDescriptor(value, "_request_id") : undefined;
  const id = own && !own.enumerable ? own.value : undefined;
  return json(value, 200, typeof id === "string" && REQUEST_ID.test(id) ? { ...headers, "x-baseten-request-id": id } : headers);
}

function json(value, status = 200, headers = {}) {
  return new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json", ...headers } });
}
