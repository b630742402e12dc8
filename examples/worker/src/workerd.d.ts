// The few workerd globals the Worker uses that TypeScript's DOM lib lacks (tsconfig.json checks
// the Worker's JavaScript against these and the package's own types).
declare class WebSocketPair {
  0: WebSocket;
  1: WebSocket;
}
interface ResponseInit {
  /** The browser's end of a WebSocketPair, for a 101 answer. */
  webSocket?: WebSocket | null;
}
interface WebSocket {
  /** Starts delivering the events of a socket this Worker ends (workerd). */
  accept(): void;
}
