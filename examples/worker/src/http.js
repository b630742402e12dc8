// Request bodies, the proxy's own errors, and the responses it builds (JSON, and streams passed
// through without buffering).

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const REQUEST_ID = /^[A-Za-z0-9_-]{1,128}$/;
const encoder = new TextEncoder();

/**
 * An error the proxy answers itself: its status, an OpenAI-style `type` and `code`, extra
 * response headers (e.g. Retry-After) and extra fields of the error object (e.g. `known`).
 * @param {number} status @param {string} message
 * @param {{ type?: string, code?: string, headers?: Record<string, string>, fields?: Record<string, unknown> }} [more]
 */
export function httpError(status, message, more = {}) {
  return Object.assign(new Error(message), { httpStatus: status, ...more });
}

/** The secrets of a variable that holds one, or several comma-separated during a rotation
 * (PROXY_AUTH_SECRET, BASETEN_WEBHOOK_SECRET); empty when it holds none.
 * @param {unknown} value @returns {string[]} */
function secretList(value) {
  return String(value ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

/** The secrets of the variable `name`, or null when it is not set; one that holds no secret
 * (only commas or spaces) is a configuration error (500), never read as unset.
 * @param {Record<string, any>} env @param {string} name @returns {string[] | null} */
export function secretsOf(env, name) {
  if (env[name] === undefined || env[name] === "") return null;
  const secrets = secretList(env[name]);
  if (secrets.length === 0) throw httpError(500, `the proxy's ${name} holds no secret`, { type: "proxy_configuration_error" });
  return secrets;
}

/** A limit from a variable (bytes, seconds): a positive whole number, else `fallback` (never "no limit"). */
export function limitOf(value, fallback) {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

/** The request body, at most `limit` bytes (413 beyond, whether or not Content-Length says so). */
export async function readBody(request, limit) {
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

/** The request body as JSON, within MAX_BODY_BYTES. */
export async function readJson(request, env) {
  const raw = await readBody(request, limitOf(env.MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES));
  try {
    return JSON.parse(new TextDecoder().decode(raw));
  } catch {
    throw httpError(400, "the body is not valid JSON");
  }
}

/** The request body as a JSON object (400 for anything else). */
export async function readJsonObject(request, env) {
  const body = await readJson(request, env);
  if (!body || typeof body !== "object" || Array.isArray(body)) throw httpError(400, "the body must be a JSON object");
  return body;
}

/**
 * An error as JSON: our own (httpError) with its status; the package's errors mapped to what the
 * browser should see. Upstream 401/403 mean the proxy's key is wrong: 502, not the browser's fault.
 */
export function errorResponse(err, headers) {
  if (err?.httpStatus) {
    const error = { message: err.message, type: err.type ?? "proxy_error", ...(err.code ? { code: err.code } : {}), ...err.fields };
    return json({ error }, err.httpStatus, { ...headers, ...err.headers });
  }
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
export function jsonWithId(value, headers) {
  const own = value !== null && typeof value === "object" ? Object.getOwnPropertyDescriptor(value, "_request_id") : undefined;
  const id = own && !own.enumerable ? own.value : undefined;
  return json(value, 200, typeof id === "string" && REQUEST_ID.test(id) ? { ...headers, "x-baseten-request-id": id } : headers);
}

export function json(value, status = 200, headers = {}) {
  return new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json", ...headers } });
}

/**
 * A streamed answer. The body is pulled from upstream only as the client reads it (no
 * buffering: highWaterMark 0); a client that goes away cancels it, which aborts the upstream
 * request. For SSE, an error after the headers were sent becomes a final `event: error`.
 */
export function streamResponse(source, contentType, requestId, headers, sse) {
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
