// @ts-check
// A streamed Response (the Responses API): the `ResponseStream` class users hold, an
// `EventStream` (event_stream.js) of events, `{ type, ... }` objects in order (unknown types
// pass through), with `textStream()` (the `response.output_text.delta` texts) and
// `finalResponse()` (the Response the core assembled). Its SSE view re-emits each event with its
// `event:` line and, like the server, no `[DONE]`.
import { EventStream } from "./event_stream.js";

class ResponseStream extends EventStream {
  /** The assembled Response, with `output_text`. */
  finalResponse() { return this.final(); }
}

/**
 * Wraps the Rust half in the class users hold.
 * @param {import("./event_stream.js").Reader} raw @param {string | undefined} requestId @param {number} status
 */
export function newResponseStream(raw, requestId, status) {
  return new ResponseStream(raw, requestId, status);
}
