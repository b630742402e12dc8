// CORS: which browser origins may call the proxy (ALLOWED_ORIGINS), and the preflights.

/** What a browser page may read from the proxy's answers. */
const EXPOSED = "x-baseten-request-id, retry-after, x-proxy-auth, x-proxy-model";

/** The CORS headers for an allowed `origin`, else null. ALLOWED_ORIGINS: comma-separated origins, or "*". */
export function corsHeaders(origin, env) {
  if (origin === null) return null;
  const allowed = String(env.ALLOWED_ORIGINS ?? "")
    .split(/[,\s]+/)
    .filter(Boolean);
  if (!allowed.includes("*") && !allowed.includes(origin)) return null;
  return {
    "access-control-allow-origin": origin,
    "access-control-expose-headers": EXPOSED,
    vary: "Origin",
  };
}

/** The request headers a page may send: the body's type, the proxy token, and the `x-stainless-*`
 * headers that openai-node sends from a browser (its platform and retry count). */
const ALLOWED_HEADERS = "Content-Type, Authorization";
const STAINLESS = /^x-stainless-[a-z0-9-]+$/;

/** The Access-Control-Allow-Headers of a preflight: ALLOWED_HEADERS and the `x-stainless-*`
 * headers the page asks for (no others). @param {string | null} requested */
function allowHeaders(requested) {
  const extra = String(requested ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter((h) => STAINLESS.test(h));
  return [ALLOWED_HEADERS, ...new Set(extra)].join(", ");
}

/** OPTIONS: 204 for an allowed origin (Authorization allowed, for the proxy token), else 403. */
export function preflight(request, cors) {
  const method = request.headers.get("Access-Control-Request-Method");
  if (cors === null || method === null) return new Response(null, { status: 403, headers: { vary: "Origin" } });
  return new Response(null, {
    status: 204,
    headers: {
      ...cors,
      "access-control-allow-methods": "GET, POST, OPTIONS",
      "access-control-allow-headers": allowHeaders(request.headers.get("Access-Control-Request-Headers")),
      "access-control-max-age": "600",
      vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
    },
  });
}
