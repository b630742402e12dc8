// The WebSocket route: `GET /websocket` (and `/environments/production/websocket`, where the
// package's own `client.websocket()` goes when its baseUrl is this proxy) with `Upgrade:
// websocket`. It passes the gate like every other route (origin, proxy token, rate limit), then
// relays to the single model's (or chain's) socket, opened with the key (websocket.js).
// A browser cannot send `Authorization` on a WebSocket: it offers its proxy token as the
// subprotocols `baseten-proxy` and `baseten-proxy-token.<token>` (the package's
// `client.websocket({ proxyToken })` does), and the answer names `baseten-proxy`.
import { proxyTokenFromProtocols } from "baseten-edge";
import { checkModel } from "./auth.js";
import { gate } from "./gate.js";
import { limitOf } from "./http.js";
import { singleClient } from "./upstream.js";
import { DEFAULT_MAX_MESSAGE_BYTES, isWebSocketUpgrade, relayWebSocket } from "./websocket.js";

/** Whether the request is a WebSocket upgrade on the relay's paths.
 * @param {Request} request @param {string} path */
export function isWebSocketRoute(request, path) {
  return (path === "/websocket" || path === "/environments/production/websocket") && isWebSocketUpgrade(request);
}

/** The relay's 101 answer, or a thrown httpError (the gate's refusal, the upstream's).
 * @param {Request} request @param {Record<string, any>} env */
export async function websocketRoute(request, env) {
  const offered = proxyTokenFromProtocols(request.headers.get("Sec-WebSocket-Protocol"));
  const { claims, headers } = await gate(request, env, { token: offered?.token ?? null });
  // A token scoped to some models opens only the /v1 routes, which name their model.
  checkModel(claims, null);
  const maxMessageBytes = limitOf(env.MAX_WS_MESSAGE_BYTES, DEFAULT_MAX_MESSAGE_BYTES);
  // A browser that goes away while the upstream connects aborts it (request.signal); once open,
  // the relay closes each side when the other closes.
  const open = async () => {
    const connecting = new AbortController();
    const onAbort = () => connecting.abort();
    if (request.signal?.aborted) connecting.abort(); // gone while the gate awaited
    request.signal?.addEventListener("abort", onAbort);
    try {
      return await singleClient(env).websocket({ signal: connecting.signal });
    } finally {
      request.signal?.removeEventListener("abort", onAbort);
    }
  };
  return relayWebSocket(open, { maxMessageBytes, protocol: offered?.protocol, headers });
}
