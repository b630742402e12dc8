// The gate every route but OPTIONS, GET /health and POST /webhook passes, in this order:
//   1. the origin: a browser from another origin than ALLOWED_ORIGINS gets 403 (a request
//      without Origin, not from a browser, goes on: the token is what keeps it out);
//   2. auth: with PROXY_AUTH_SECRET, a valid proxy token (401 without one);
//   3. the rate limit: RATE_LIMITER, per token `sub` (or client IP when auth is off), 429 beyond.
// A new route (such as a WebSocket relay) calls `gate` first, like the others.
import { authSecrets, authenticate, warnOpen } from "./auth.js";
import { corsHeaders } from "./cors.js";
import { httpError } from "./http.js";
import { rateKey, rateLimit } from "./limits.js";

/**
 * The request admitted, as `{ claims, headers }`: the token's claims (null when auth is off) and
 * the headers every answer to it carries (CORS, `x-proxy-auth: off`); or a thrown httpError
 * whose answer carries `refusalHeaders(request, env)`.
 * @param {Request} request @param {Record<string, any>} env
 * @param {{ token?: string | null }} [options] `token`: the proxy token when the client cannot
 *   send an Authorization header (a browser's WebSocket); default: the header's.
 */
export async function gate(request, env, options = {}) {
  const origin = request.headers.get("Origin");
  const cors = corsHeaders(origin, env);
  if (origin !== null && cors === null) {
    throw httpError(403, "this origin is not allowed", { type: "forbidden_origin" });
  }
  const secrets = authSecrets(env);
  const claims = secrets ? authenticate(request, secrets, options.token ?? null) : null;
  await rateLimit(env, rateKey(request, claims));
  return { claims, headers: baseHeaders(cors, secrets) };
}

/** The headers of an answer the gate refused, or of a route outside it: CORS for an allowed
 * origin (else only `vary`), and `x-proxy-auth: off` when auth is off. */
export function refusalHeaders(request, env) {
  const cors = corsHeaders(request.headers.get("Origin"), env);
  let secrets = null;
  try {
    secrets = authSecrets(env);
  } catch {
    secrets = []; // misconfigured, not off
  }
  return baseHeaders(cors, secrets);
}

function baseHeaders(cors, secrets) {
  const headers = cors ?? { vary: "Origin" };
  if (secrets !== null) return headers;
  warnOpen();
  return { ...headers, "x-proxy-auth": "off" };
}
