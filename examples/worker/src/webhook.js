// POST /webhook: Baseten's async results, signed with BASETEN_WEBHOOK_SECRET (its own check, not
// the proxy token's), stored in RESULTS (when bound) for GET /async/:id/result.
import { verifyWebhook } from "baseten-edge";
import { REQUEST_ID, httpError, json, limitOf, readBody, secretsOf } from "./http.js";

// Webhook deliveries carry the model's output, so they get more room than browser requests, but
// stay well inside a Worker's 128 MB (verifying parses the body) and KV's 25 MiB per value.
const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 4 * 1024 * 1024;
const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;
export const RESULT_TTL_SECONDS = 24 * 60 * 60;

/** @param {Request} request @param {Record<string, any>} env */
export async function webhook(request, env) {
  if (request.method !== "POST") throw httpError(405, "POST only");
  // While a secret is rotated, BASETEN_WEBHOOK_SECRET may hold several, comma-separated.
  const secrets = secretsOf(env, "BASETEN_WEBHOOK_SECRET");
  if (!secrets) throw httpError(500, "the proxy has no BASETEN_WEBHOOK_SECRET secret");
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
