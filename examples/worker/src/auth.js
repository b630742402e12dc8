// Who may call the proxy: `Authorization: Bearer <token>`, a proxy token your backend minted with
// the package's mintProxyToken({ sub, exp, models? }, secret), verified here with
// verifyProxyToken against PROXY_AUTH_SECRET (several, comma-separated, during a rotation).
// Without PROXY_AUTH_SECRET anyone may call it: one warning per isolate, and `x-proxy-auth: off`.
import { verifyProxyToken } from "baseten-edge";
import { httpError, secretsOf } from "./http.js";

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;
let warned = false;

/**
 * The secrets of PROXY_AUTH_SECRET, or null when it is not set (auth off). A value with no secret
 * in it (only commas or spaces) is a configuration error: never silently open.
 * @returns {string[] | null}
 */
export function authSecrets(env) {
  return secretsOf(env, "PROXY_AUTH_SECRET");
}

/** Logs, once per isolate, that the proxy is open to anyone (called when auth is off). */
export function warnOpen() {
  if (warned) return;
  warned = true;
  console.warn(
    "[baseten-proxy] PROXY_AUTH_SECRET is not set: anyone who can reach this Worker can spend the Baseten key. " +
      "Set it (npx wrangler secret put PROXY_AUTH_SECRET) and send proxy tokens. Responses carry `x-proxy-auth: off`.",
  );
}

/**
 * The verified claims `{ sub, exp, models? }` of the request's token, or an httpError 401 (JSON,
 * before any upstream call; the token is never echoed). `token` replaces the Authorization
 * header's (for a route whose client cannot send headers, such as a browser's WebSocket).
 * @param {Request} request @param {string[]} secrets @param {string | null} [token]
 */
export function authenticate(request, secrets, token = null) {
  if (token === null) {
    const header = request.headers.get("Authorization");
    if (header === null) throw unauthorized("this proxy needs `Authorization: Bearer <proxy token>`", "missing_token");
    const m = BEARER.exec(header);
    if (!m) throw unauthorized("the Authorization header must be `Bearer <proxy token>`", "malformed_token");
    token = m[1];
  }
  try {
    return verifyProxyToken(token, secrets);
  } catch (err) {
    // AuthenticationError (malformed_token, bad_signature, expired_token): its message never holds the token.
    if (err?.name === "AuthenticationError") throw unauthorized(err.message, err.code ?? "invalid_token");
    throw err;
  }
}

function unauthorized(message, code) {
  return httpError(401, message, { type: "authentication_error", code, headers: { "www-authenticate": 'Bearer realm="baseten-proxy"' } });
}

/** Whether the claims (null: auth off) allow the model named `name` (null: a route that names none). */
export function allowsModel(claims, name) {
  return !claims?.models || claims.models.includes(name);
}

/** 403 unless the claims allow `name`. */
export function checkModel(claims, name) {
  if (allowsModel(claims, name)) return;
  const message =
    typeof name === "string"
      ? `this token may not use the model ${JSON.stringify(name)}`
      : "this token is limited to some models, and this request names none (only the /v1 routes do)";
  throw httpError(403, message, { type: "permission_error", code: "model_not_allowed" });
}
