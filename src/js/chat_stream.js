// @ts-check
// A streamed chat completion (or completion): the `ChatCompletionStream` class users hold, an
// `EventStream` (event_stream.js) of chunks with the chat views: `reasoningStream()`,
// `finalChatCompletion()`, and an SSE view that ends with `data: [DONE]` as servers send it.
import { EventStream, OBJECTS, views } from "./event_stream.js";

/**
 * The reasoning text of a chunk: each choice's `delta.reasoning_content` (Baseten's Model APIs),
 * else its `delta.reasoning` (vLLM-style servers), concatenated.
 * @param {any} chunk
 */
function reasoningOf(chunk) {
  let out = "";
  for (const c of Array.isArray(chunk?.choices) ? chunk.choices : []) {
    const d = c?.delta;
    const t = typeof d?.reasoning_content === "string" ? d.reasoning_content : d?.reasoning;
    if (typeof t === "string") out += t;
  }
  return out;
}

class ChatCompletionStream extends EventStream {
  doneEvent = true;
  reasoningStream() {
    /** @returns {Promise<IteratorResult<string, undefined>>} */
    const next = async () => {
      for (;;) {
        const r = await this.read(OBJECTS);
        if (r.done) return r;
        const text = reasoningOf(r.value);
        if (text) return { value: text, done: false };
      }
    };
    return views(next, () => this.return());
  }
  /** The assembled `chat.completion` (or `text_completion`). */
  finalChatCompletion() { return this.final(); }
}

/**
 * Wraps the Rust half in the class users hold.
 * @param {import("./event_stream.js").Reader} raw @param {string | undefined} requestId @param {number} status
 */
export function newChatStream(raw, requestId, status) {
  return new ChatCompletionStream(raw, requestId, status);
}
