/** The body of `responses.create` (the Responses API). Baseten's Model APIs are stateless:
 * nothing is stored, so there is no retrieval route and no server-side `previous_response_id`. */
export interface ResponseCreateParams {
  model: string;
  /** A string, or a list of input items (messages, function call outputs, ...). */
  input: string | Array<Record<string, unknown>>;
  instructions?: string | null;
  stream?: boolean | null;
  max_output_tokens?: number | null;
  temperature?: number | null;
  tools?: Array<Record<string, unknown>>;
  tool_choice?: unknown;
  reasoning?: { effort?: "minimal" | "low" | "medium" | "high" | (string & {}); summary?: string | null } | null;
  [key: string]: unknown;
}
export interface ResponseCreateParamsStreaming extends ResponseCreateParams { stream: true }
export interface ResponseCreateParamsNonStreaming extends ResponseCreateParams { stream?: false | null }

/** One item of a Response's `output`. */
export type ResponseOutputItem =
  | { type: "message"; id: string; role: "assistant"; status?: string; content: Array<{ type: "output_text"; text: string; annotations?: unknown[]; [key: string]: unknown } | { type: "refusal"; refusal: string }> }
  | { type: "function_call"; id?: string; call_id: string; name: string; arguments: string; status?: string }
  | { type: "reasoning"; id: string; summary: Array<{ type: "summary_text"; text: string }>; content?: Array<{ type: "reasoning_text"; text: string }> }
  | { type: string; [key: string]: unknown };

/** A Response, as the server sent it (or as assembled from its stream), with openai-node's
 * `output_text` convenience: the text of every `output_text` part of every message item. */
/** (Named so as not to hide the global fetch `Response` in these declarations.) */
export interface ResponseObject {
  id: string;
  object: "response";
  created_at?: number;
  model: string;
  status?: "completed" | "incomplete" | "failed" | "in_progress" | (string & {});
  output: ResponseOutputItem[];
  output_text: string;
  incomplete_details?: { reason?: string } | null;
  error?: { code?: string; message?: string } | null;
  usage?: { input_tokens: number; output_tokens: number; total_tokens?: number; [key: string]: unknown } | null;
  [key: string]: unknown;
}

/** One streamed event: `response.created`, `response.output_text.delta`, ... Unknown types
 * pass through as the server sent them. */
export interface ResponseStreamEvent {
  type: string;
  sequence_number?: number;
  [key: string]: unknown;
}

/** A streamed Response: `for await (const event of stream)` yields the events in order;
 * breaking out aborts the request. The views share one queue: each event goes to whichever
 * asks first. An `error` or `response.failed` event is a `StreamError`; a stream that ends
 * before `response.completed`, `response.incomplete` or `response.failed` is a
 * `TruncatedStreamError`; `response.incomplete` is an ordinary end. */
export interface ResponseStream extends AsyncIterable<ResponseStreamEvent> {
  [Symbol.asyncIterator](): ResponseStream;
  next(): Promise<IteratorResult<ResponseStreamEvent, undefined>>;
  /** Stops the stream and aborts the request (called by `for await` on `break`). */
  return(): Promise<IteratorResult<ResponseStreamEvent, undefined>>;
  /** Aborts the request; pending and later reads reject with an `AbortError`. */
  abort(): void;
  /** The rest of the stream as text deltas (`response.output_text.delta`). */
  textStream(): TextDeltaStream;
  /** Reads the rest of the stream and resolves to the assembled Response: output text per
   * item, function calls with their arguments, reasoning text and summary, usage, and
   * `incomplete_details` for an incomplete one. */
  finalResponse(): Promise<ResponseObject>;
  /** The rest of the stream as SSE bytes (`event:` and `data:` lines), pulled on demand. */
  toReadableStream(): ReadableStream<Uint8Array>;
  /** Two independent streams of the rest of this one, each with every event in order (log
   * one, forward the other); this one yields nothing more. */
  tee(): [ResponseStream, ResponseStream];
  /** The response's request id. */
  readonly requestId: string | undefined;
  /** The response's HTTP status. */
  readonly status: number;
}

export interface Responses {
  create(body: ResponseCreateParamsStreaming, options?: CallOptions | null): APIPromise<ResponseStream>;
  create(body: ResponseCreateParamsNonStreaming, options?: CallOptions | null): APIPromise<ResponseObject>;
}
