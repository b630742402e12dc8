// The declarations of client.websocket(): the socket it resolves to and the error that ends its
// messages when it closes with an error code (full build; merged into the generated .d.ts).

/** A message from the socket: text as a string, binary as bytes. */
export type WebSocketMessage = string | Uint8Array;

/** An open WebSocket to a model or chain (`client.websocket()`). Iterate it for the messages. */
export interface BasetenWebSocket extends AsyncIterable<WebSocketMessage> {
  /** The socket's URL (never holds the key). */
  readonly url: string;
  /** The close code once closed, else null. */
  readonly closeCode: number | null;
  /** The close reason once closed, else null. */
  readonly closeReason: string | null;
  /** Resolves once the socket is closed, from either side. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Sends a text (string) or binary message. Throws a ConfigurationError once closed. */
  send(data: string | Uint8Array | ArrayBuffer): void;
  /** Closes with code 1000 (default) or 3000-4999 and a reason of at most 123 bytes; resolves once closed (rejects with a ConfigurationError for another code or a longer reason). */
  close(code?: number, reason?: string): Promise<{ code: number; reason: string }>;
}

/** The socket closed with a code that is not a normal end (not 1000 or 1005): it ends the messages. */
export class WebSocketCloseError extends StreamError {
  /** The close code (also `code`, as a string). */
  closeCode: number;
  /** The close reason, with the key scrubbed. */
  closeReason: string;
}

/**
 * The proxy token a browser offered as WebSocket subprotocols (the `Sec-WebSocket-Protocol`
 * header's value, as `client.websocket({ proxyToken })` sends it), and the subprotocol to answer
 * with; null when none was offered. For the proxy Worker: verify the token with verifyProxyToken.
 */
export function proxyTokenFromProtocols(header: string | null | undefined): { token: string; protocol: string } | null;
