// The TypeScript declarations of the result objects, merged into the generated .d.ts
// (types.rs). The option interfaces and the error classes are generated (gen/).

/** How the API key is sent: `Authorization: Bearer <key>` (default) or the legacy `Api-Key <key>`. */
export type AuthScheme = NonNullable<BasetenOptions["authScheme"]>;

/** The request id of a response, by the rule every error and result of this package follows:
 * `X-BASETEN-REQUEST-ID`, else `x-request-id`; an empty value counts as none. */
export function requestIdOf(headers: { get(name: string): string | null }): string | null;

/** What an error carries besides its message. */
export interface ErrorFields {
  /** The HTTP status, when a response was received. */
  status?: number | null;
  /** `X-BASETEN-REQUEST-ID`, else `x-request-id`. */
  requestId?: string | null;
  /** The server's error code, or ours (`headers_timeout`, `idle_timeout`, `deadline`, ...). */
  code?: string | null;
  /** The raw error body. */
  body?: string | null;
  /** Whether the same request may succeed if retried. */
  retryable?: boolean;
  /** How many attempts were made. */
  attempts?: number;
}

/** Every error this package raises or rejects with: `e instanceof BasetenError`. Its subclasses
 * (`APIError`, `RateLimitError`, ...) are generated from the crate's error kinds. */
export class BasetenError extends Error {
  constructor(message?: string, fields?: ErrorFields);
  name: ErrorName | "BasetenError";
  /** The kind (`rate_limited`, `timeout`, ...), one per class; every error the package raises has
   * one (only a bare `BasetenError` made by hand has `null`). */
  kind: ErrorKind;
  /** The HTTP status, when a response was received. */
  status: number | null;
  /** `X-BASETEN-REQUEST-ID`, else `x-request-id`. */
  requestId: string | null;
  /** The server's error code, or ours (`headers_timeout`, `idle_timeout`, `deadline`, ...). */
  code: string | null;
  /** The raw error body. */
  body: string | null;
  /** Whether the same request may succeed if retried. */
  retryable: boolean;
  /** How many attempts were made. */
  attempts: number;
}





/** What every single-request method returns (as openai-node's `APIPromise`): awaited, the
 * parsed result; with `asResponse()` and `withResponse()`, the `Response` it came from. The
 * request is sent once, whichever of them are used. */
export interface APIPromise<T> extends Promise<T> {
  /** The raw `Response` of the successful attempt (after retries), its body unread: this
   * package reads the body only when the parsed value is asked for (`await`, `then`,
   * `withResponse()`), so read it yourself only if you do not ask for the value. An error
   * status rejects with the typed error. For a stream (`stream: true`), the response of the
   * event stream. */
  asResponse(): Promise<Response>;
  /** The parsed value, the `Response` of the successful attempt (its body read) and its
   * request id (`X-BASETEN-REQUEST-ID`, else `x-request-id`). */
  withResponse(): Promise<{ data: T; response: Response; requestId: string | null }>;
}

/** A chat message (unknown fields pass through). */
export interface ChatCompletionMessageParam {
  role: "system" | "developer" | "user" | "assistant" | "tool" | (string & {});
  content?: string | null | Array<Record<string, unknown>>;
  name?: string;
  tool_calls?: ChatCompletionMessageToolCall[];
  tool_call_id?: string;
  [key: string]: unknown;
}

export interface ChatCompletionMessageToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** The body of `chat.completions.create` (any other field is sent as given). */
export interface ChatCompletionCreateParams {
  model: string;
  messages: ChatCompletionMessageParam[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  temperature?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  tools?: Array<{ type: "function"; function: { name: string; description?: string; parameters?: Record<string, unknown> } }>;
  tool_choice?: unknown;
  [key: string]: unknown;
}
export interface ChatCompletionCreateParamsStreaming extends ChatCompletionCreateParams { stream: true }
export interface ChatCompletionCreateParamsNonStreaming extends ChatCompletionCreateParams { stream?: false | null }

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  [key: string]: unknown;
}

/** A non-streaming chat completion, or the one `finalChatCompletion()` assembles. */
export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: {
      role: "assistant";
      content: string | null;
      tool_calls?: ChatCompletionMessageToolCall[];
      /** The thinking of a reasoning model (Baseten's Model APIs; streamed deltas assembled). */
      reasoning_content?: string | null;
      /** The same, as vLLM-style servers name it. */
      reasoning?: string | null;
      [key: string]: unknown;
    };
    finish_reason: "stop" | "length" | "tool_calls" | "content_filter" | "function_call" | (string & {}) | null;
    logprobs?: unknown;
  }>;
  usage?: CompletionUsage;
  [key: string]: unknown;
}

/** One streamed chunk, as the server sent it. */
export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk" | (string & {});
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: {
      role?: string;
      content?: string | null;
      reasoning_content?: string | null;
      reasoning?: string | null;
      tool_calls?: Array<{ index: number; id?: string; type?: "function"; function?: { name?: string; arguments?: string } }>;
      [key: string]: unknown;
    };
    finish_reason: string | null;
    [key: string]: unknown;
  }>;
  usage?: CompletionUsage | null;
  [key: string]: unknown;
}

/** The body of `completions.create`. */
export interface CompletionCreateParams {
  model: string;
  prompt: string | string[];
  stream?: boolean | null;
  max_tokens?: number | null;
  [key: string]: unknown;
}

/** The body of `embeddings.create`. */
export interface EmbeddingCreateParams {
  model: string;
  input: string | string[] | number[] | number[][];
  dimensions?: number;
  encoding_format?: "float" | "base64";
  [key: string]: unknown;
}

export interface CreateEmbeddingResponse {
  object: "list";
  data: Array<{ object: "embedding"; index: number; embedding: number[] }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

export interface ModelList {
  object: "list";
  data: Array<{ id: string; object: "model"; created: number; owned_by: string; [key: string]: unknown }>;
}

export interface ChatCompletions {
  create(body: ChatCompletionCreateParamsStreaming, options?: CallOptions | null): APIPromise<ChatCompletionStream>;
  create(body: ChatCompletionCreateParamsNonStreaming, options?: CallOptions | null): APIPromise<ChatCompletion>;
}

export interface Completions {
  create(body: CompletionCreateParams & { stream: true }, options?: CallOptions | null): APIPromise<ChatCompletionStream>;
  create(body: CompletionCreateParams, options?: CallOptions | null): APIPromise<Record<string, unknown>>;
}

/** A streamed chat completion (or completion): `for await (const chunk of stream)` yields the
 * chunk objects as the server sent them; breaking out aborts the request. The views (the
 * iterator itself, `textStream()`, `toReadableStream()`, `finalChatCompletion()`) share one
 * queue: each chunk goes to whichever asks first. */
export interface ChatCompletionStream extends AsyncIterable<ChatCompletionChunk> {
  [Symbol.asyncIterator](): ChatCompletionStream;
  /** The next chunk object. */
  next(): Promise<IteratorResult<ChatCompletionChunk, undefined>>;
  /** Stops the stream and aborts the request (called by `for await` on `break`). */
  return(): Promise<IteratorResult<ChatCompletionChunk, undefined>>;
  /** Aborts the request; pending and later reads reject with an `AbortError`. */
  abort(): void;
  /** The rest of the stream as text deltas (`delta.content`, or `text` for completions),
   * skipping chunks without text. */
  textStream(): TextDeltaStream;
  /** The rest of the stream as reasoning ("thinking") deltas: `delta.reasoning_content`
   * (Baseten's Model APIs), else `delta.reasoning` (vLLM-style servers), skipping chunks
   * without any. `textStream()` never yields them. */
  reasoningStream(): TextDeltaStream;
  /** Reads the rest of the stream and resolves to the assembled `chat.completion` (message
   * content concatenated, tool calls assembled by index, usage when sent). */
  finalChatCompletion(): Promise<ChatCompletion>;
  /** The rest of the stream as SSE bytes (`data: ...` events, then `data: [DONE]`), pulled on
   * demand: for answering a browser from a worker. */
  toReadableStream(): ReadableStream<Uint8Array>;
  /** Splits the rest of the stream in two independent streams, each yielding every chunk in
   * order (as openai-node's `Stream.tee`): one may be read faster than the other (what it has
   * not read yet is kept for it), closing one early leaves the other reading (the request is
   * aborted once both are closed), and an error reaches both; `abort()` on either aborts the
   * request. This stream yields nothing more. */
  tee(): [ChatCompletionStream, ChatCompletionStream];
  /** The response's request id. */
  readonly requestId: string | undefined;
  /** The response's HTTP status. */
  readonly status: number;
}

/** The text-delta view of a {@link ChatCompletionStream}. */
export interface TextDeltaStream extends AsyncIterable<string> {
  [Symbol.asyncIterator](): TextDeltaStream;
  next(): Promise<IteratorResult<string, undefined>>;
  /** Stops the stream and aborts the request. */
  return(): Promise<IteratorResult<string, undefined>>;
}
