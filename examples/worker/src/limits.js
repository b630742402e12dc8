// Rate limits (the RATE_LIMITER binding, per token `sub` or per client IP) and the output-token
// cap (MAX_OUTPUT_TOKENS) on chat, completion and responses requests.
import { httpError, limitOf } from "./http.js";

const DEFAULT_PERIOD_SECONDS = 60;
const TOKEN_FIELDS = ["max_tokens", "max_completion_tokens", "max_output_tokens"];
/** Fields that multiply what one request generates. */
const CHOICE_FIELDS = ["n", "best_of"];

/**
 * Counts one request against RATE_LIMITER (when bound) under `key`; 429 with Retry-After beyond
 * the limit. The binding says only yes or no, not when its window ends, so Retry-After is the
 * period configured for it (RATE_LIMIT_PERIOD, which must match wrangler.jsonc's simple.period).
 * @param {Record<string, any>} env @param {string} key
 */
export async function rateLimit(env, key) {
  if (typeof env.RATE_LIMITER?.limit !== "function") return;
  let outcome;
  try {
    outcome = await env.RATE_LIMITER.limit({ key });
  } catch (err) {
    // The limiter failing should not take the gateway down: counted as allowed, and logged.
    console.error(`[baseten-proxy] RATE_LIMITER failed: ${err?.message ?? err}`);
    return;
  }
  if (outcome?.success === false) {
    const period = periodOf(env);
    throw httpError(429, `too many requests: retry after ${period} s`, {
      type: "rate_limit_error",
      code: "rate_limited",
      headers: { "retry-after": String(period) },
    });
  }
}

function periodOf(env) {
  return limitOf(env.RATE_LIMIT_PERIOD, DEFAULT_PERIOD_SECONDS);
}

/**
 * The rate-limit key of a request: the token's `sub`, or without auth the client's IP
 * (CF-Connecting-IP, which Cloudflare sets; "unknown" elsewhere, shared by all).
 */
export function rateKey(request, claims) {
  if (claims) return `sub:${claims.sub}`;
  return `ip:${request.headers.get("CF-Connecting-IP") ?? "unknown"}`;
}

/**
 * Applies MAX_OUTPUT_TOKENS to a request body, in place:
 * - each of max_tokens, max_completion_tokens and max_output_tokens that is present and above the
 *   cap is lowered to it (lower values pass unchanged);
 * - `field`, the route's own (chat and completions: max_tokens, which every OpenAI-compatible
 *   server reads; responses: max_output_tokens), is always set: to the smallest of the cap and
 *   the token fields present, so another field (which the server may ignore) never stands in;
 * - on these routes a token field that is not a number is a 400, and `n` and `best_of` above 1
 *   are refused (400): each choice would generate up to the cap.
 * Model inputs (`/predict`, `/async`: `field` null) are the model's own: numeric token fields are
 * lowered where present, nothing is added or refused.
 * @param {Record<string, any>} body @param {Record<string, any>} env @param {string | null} field
 */
export function capOutputTokens(body, env, field) {
  if (env.MAX_OUTPUT_TOKENS === undefined || env.MAX_OUTPUT_TOKENS === "") return;
  const cap = Number(env.MAX_OUTPUT_TOKENS);
  if (!Number.isSafeInteger(cap) || cap <= 0) {
    throw httpError(500, "the proxy's MAX_OUTPUT_TOKENS is not a positive whole number", { type: "proxy_configuration_error" });
  }
  let smallest = cap;
  for (const name of TOKEN_FIELDS) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      if (field === null) continue;
      throw httpError(400, `${name} must be a number`, { type: "invalid_request_error" });
    }
    if (value > cap) body[name] = cap;
    smallest = Math.min(smallest, body[name]);
  }
  if (field === null) return;
  body[field] = smallest;
  for (const name of CHOICE_FIELDS) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== "number" || !Number.isFinite(value)) throw httpError(400, `${name} must be a number`, { type: "invalid_request_error" });
    if (value > 1) {
      throw httpError(400, `${name} above 1 is refused by this proxy (it caps what each request may generate: MAX_OUTPUT_TOKENS)`, {
        type: "invalid_request_error",
        code: "choices_capped",
      });
    }
  }
}
