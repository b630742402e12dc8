// Shared by the WebSocket tests: reads a socket to its end.

/** Reads every message until the socket ends; `{ messages, error }`. */
export async function drain(ws) {
  const messages = [];
  try {
    for await (const m of ws) messages.push(m);
    return { messages, error: null };
  } catch (error) {
    return { messages, error };
  }
}
