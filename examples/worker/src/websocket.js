// The WebSocket relay: a browser cannot put the API key on a WebSocket, so it connects to this
// Worker, which opens the upstream socket with the key (the package's client.websocket(): in
// workerd, a fetch with `Upgrade: websocket`) and pipes messages both ways, in order.
//
// - Each side is closed when the other closes, with its code passed on. The codes a close frame
//   may not carry are mapped: 1005 (no code) to 1000, 1006 (dropped) to 1014 towards the browser
//   (bad gateway), and towards Baseten anything but 1000 and 3000-4999 (which is all a browser
//   can send itself) to 1000 with the code in the reason.
// - A message over `maxMessageBytes`, from either side, closes both: the browser with 1009
//   (message too big).
// - An upstream that refuses the upgrade or cannot be reached throws the package's typed error
//   before the browser's upgrade is answered (the caller turns it into an HTTP error response).
// The origin check (ALLOWED_ORIGINS) is done before this is called.

const encoder = new TextEncoder();

/** The default largest message, in bytes, either way. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/** Whether `request` asks for a WebSocket. */
export function isWebSocketUpgrade(request) {
  return request.method === "GET" && request.headers.get("Upgrade")?.toLowerCase() === "websocket";
}

/** A message's size in bytes (a string as UTF-8). */
function sizeOf(data) {
  return typeof data === "string" ? encoder.encode(data).byteLength : data.byteLength;
}

/** A close reason a close frame can carry: at most 123 bytes of UTF-8. */
function reasonOf(text) {
  let r = String(text ?? "");
  while (encoder.encode(r).byteLength > 123) r = r.slice(0, -1);
  return r;
}

/** The code to send the browser for an upstream close code. */
function towardsBrowser(code) {
  if (code === 1005 || code === null || code === undefined) return 1000;
  if (code === 1006) return 1014;
  if ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999)) return code;
  return 1011;
}

/**
 * Answers a browser's WebSocket upgrade with a relay to the upstream socket `openUpstream()`
 * resolves to (a BasetenWebSocket). Resolves to the 101 response; rejects if the upstream
 * refuses or cannot be reached.
 * @param {() => Promise<any>} openUpstream
 * @param {{ maxMessageBytes?: number, protocol?: string | null, headers?: Record<string, string> }} [options]
 *   `protocol`: the subprotocol to answer with (the browser offered it: it fails the socket
 *   without one); `headers`: more headers of the 101 answer (the gate's)
 */
export async function relayWebSocket(openUpstream, { maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES, protocol = null, headers = {} } = {}) {
  const upstream = await openUpstream();
  const [browser, server] = Object.values(new WebSocketPair());
  server.accept();
  let closed = false;

  /** Closes both sides once: the browser with `code`, the upstream as it allows. */
  const closeBoth = (browserCode, upstreamCode, reason) => {
    if (closed) return;
    closed = true;
    try {
      server.close(towardsBrowser(browserCode), reasonOf(reason));
    } catch {
      // the browser side is already closed
    }
    const code = upstreamCode === 1000 || (upstreamCode >= 3000 && upstreamCode <= 4999) ? upstreamCode : 1000;
    const why = code === upstreamCode ? reason : `the browser closed (${upstreamCode ?? "no code"})${reason ? `: ${reason}` : ""}`;
    upstream.close(code, reasonOf(why)).catch(() => {});
  };
  const tooBig = (from) => closeBoth(1009, 1000, `a message from the ${from} is over ${maxMessageBytes} bytes`);

  // Browser to upstream.
  server.addEventListener("message", (event) => {
    if (closed) return;
    if (sizeOf(event.data) > maxMessageBytes) return tooBig("browser");
    try {
      upstream.send(event.data);
    } catch {
      // the upstream has closed: its loop below closes the browser
    }
  });
  server.addEventListener("close", (event) => closeBoth(event.code, event.code, event.reason));
  server.addEventListener("error", () => closeBoth(1011, 1006, "the browser's connection failed"));

  // Upstream to browser, in order.
  (async () => {
    try {
      for await (const message of upstream) {
        if (closed) return;
        if (sizeOf(message) > maxMessageBytes) return tooBig("model");
        server.send(message);
      }
      closeBoth(upstream.closeCode, 1000, upstream.closeReason);
    } catch (err) {
      closeBoth(err?.closeCode ?? 1011, 1000, err?.closeReason ?? "the upstream socket failed");
    }
  })();

  /** @type {Record<string, string>} */
  const answer = { ...headers, ...(protocol ? { "sec-websocket-protocol": protocol } : {}) };
  return new Response(null, { status: 101, webSocket: browser, headers: answer });
}
