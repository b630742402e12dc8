//! TypeScript declarations for the option and result objects, merged into the generated
//! `.d.ts` so that every public call is typed.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** How the API key is sent: `Authorization: Bearer <key>` (default) or the legacy `Api-Key <key>`. */
export type AuthScheme = "bearer" | "api-key";

/** Options of `new Baseten(...)`. */
export interface BasetenOptions {
  /** The Baseten API key. Required unless `baseUrl` or `openaiBaseUrl` points elsewhere. */
  apiKey?: string;
  authScheme?: AuthScheme;
  /** The model id: `https://model-{modelId}.api.baseten.co`. */
  modelId?: string;
  /** The chain id: `https://chain-{chainId}.api.baseten.co` (predict maps to run_remote). */
  chainId?: string;
  /** A named environment: `.../environments/{environment}/...` (default: production). */
  environment?: string;
  /** A pinned deployment: `.../deployment/{deployment}/...`. */
  deployment?: string;
  /** The development deployment: `.../development/...`. */
  development?: boolean;
  /** The production shorthand: `.../production/...`. */
  production?: boolean;
  /** A regional environment host: `https://model-{id}-{region}.api.baseten.co/{endpoint}`. */
  region?: string;
  /** Replaces `https://model-{id}.api.baseten.co` (an origin with an optional path prefix). */
  baseUrl?: string;
  /** Base of the OpenAI-compatible calls; defaults to the model's `.../sync/v1`. */
  openaiBaseUrl?: string;
  /** Extra headers sent with every request. */
  headers?: Record<string, string> | Headers;
  /** A fetch-compatible function to use instead of the global `fetch`. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Overall deadline of a call (default 600000 for non-streaming calls). */
  timeoutMs?: number;
  /** Deadline for the response headers of streaming calls. */
  headersTimeoutMs?: number;
  /** Longest silence between two chunks of a stream, or of an error response's body (default 300000 for streams). */
  idleTimeoutMs?: number;
  /** Retries of a failed request (0..10, default 2): 408, 409, 429, 5xx and connection errors. */
  maxRetries?: number;
  /** The largest server-sent event a stream accepts (default 16 MiB). */
  maxEventBytes?: number;
}

/** Per-call options accepted by every method. */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  headersTimeoutMs?: number;
  idleTimeoutMs?: number;
  headers?: Record<string, string> | Headers;
  /** Retries of this call (0..10). */
  maxRetries?: number;
}

/** Every error this package raises or rejects with. */
export interface BasetenError extends Error {
  name:
    | "BadRequestError" | "AuthenticationError" | "PermissionDeniedError" | "NotFoundError"
    | "ConflictError" | "PayloadTooLargeError" | "UnprocessableEntityError" | "RateLimitError"
    | "InternalServerError" | "APIError" | "APIConnectionError" | "TimeoutError" | "AbortError"
    | "DecodeError" | "TruncatedStreamError" | "StreamError" | "ConfigurationError"
    | "WebhookVerificationError";
  kind: string;
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
    message: { role: "assistant"; content: string | null; tool_calls?: ChatCompletionMessageToolCall[]; [key: string]: unknown };
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
  create(body: ChatCompletionCreateParamsStreaming, options?: CallOptions | null): Promise<ChatCompletionStream>;
  create(body: ChatCompletionCreateParamsNonStreaming, options?: CallOptions | null): Promise<ChatCompletion>;
}

export interface Completions {
  create(body: CompletionCreateParams & { stream: true }, options?: CallOptions | null): Promise<ChatCompletionStream>;
  create(body: CompletionCreateParams, options?: CallOptions | null): Promise<Record<string, unknown>>;
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
  /** Reads the rest of the stream and resolves to the assembled `chat.completion` (message
   * content concatenated, tool calls assembled by index, usage when sent). */
  finalChatCompletion(): Promise<ChatCompletion>;
  /** The rest of the stream as SSE bytes (`data: ...` events, then `data: [DONE]`), pulled on
   * demand: for answering a browser from a worker. */
  toReadableStream(): ReadableStream<Uint8Array>;
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
"#;

/// The declarations of the full build's own calls (Baseten-native, batch, webhooks).
#[cfg(feature = "full")]
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES_FULL: &'static str = r#"
/** Options of `sync(...)`. */
export interface SyncOptions extends CallOptions {
  /** Resolve to a `ByteStream` instead of parsed JSON. */
  stream?: boolean;
}

/** Options of `asyncPredict(...)`; ranges are checked before sending. */
export interface AsyncPredictOptions extends CallOptions {
  /** Where Baseten posts the result: an https URL (plain http only to 127.0.0.1, localhost or [::1]). */
  webhookEndpoint?: string;
  /** 0..2, lower runs first. */
  priority?: 0 | 1 | 2;
  /** 10..259200. */
  maxTimeInQueueSeconds?: number;
  inferenceRetryConfig?: {
    /** 1..10 */ maxAttempts?: number;
    /** 0..10000 */ initialDelayMs?: number;
    /** 0..60000 */ maxDelayMs?: number;
  };
}

/** Options of `waitForAsyncRequest(...)`. */
export interface WaitOptions {
  signal?: AbortSignal;
  /** First polling interval (default 1000); it grows 1.5x per poll. */
  pollIntervalMs?: number;
  /** Longest polling interval (default 10000). */
  maxPollIntervalMs?: number;
  /** Give up after this long. */
  timeoutMs?: number;
}

export type AsyncRequestState = "QUEUED" | "IN_PROGRESS" | "SUCCEEDED" | "FAILED" | "EXPIRED" | "CANCELED" | "WEBHOOK_FAILED";

/** `GET /async_request/{id}`, as Baseten sends it. */
export interface AsyncRequestStatus {
  request_id: string;
  model_id?: string;
  chain_id?: string;
  deployment_id?: string;
  status: AsyncRequestState;
  webhook_status: "PENDING" | "SUCCEEDED" | "FAILED" | "CANCELED" | "NO_WEBHOOK_PROVIDED";
  created_at: string;
  status_at: string;
  errors: { code: string; message: string }[];
  [key: string]: unknown;
}

/** `DELETE /async_request/{id}`. */
export interface CancelAsyncResult {
  request_id: string;
  canceled: boolean;
  message: string;
}

/** `GET .../async_queue_status`. */
export interface AsyncQueueStatus {
  model_id: string;
  deployment_id: string;
  num_queued_requests: number;
  num_in_progress_requests: number;
}

/** Options of the batch calls (`batchPost`, `embed`, `rerank`, `classify`), with the
 * semantics of Baseten's performance client. */
export interface BatchOptions {
  /** Requests in flight at once (1..1024, default 128). */
  maxConcurrentRequests?: number;
  /** Items per request (1..1024, default 128). */
  batchSize?: number;
  /** Characters per request (50..256000); a longer item goes alone. */
  maxCharsPerRequest?: number;
  /** Timeout of each request. */
  timeoutMs?: number;
  /** Timeout of the whole call. */
  totalTimeoutMs?: number;
  /** Retries of one request (0..10; default: the client's `maxRetries`), within the retry budget. */
  maxRetries?: number;
  /** Retries the whole call may spend, as a share of its requests (default 0.05). */
  retryBudget?: number;
  /** Send a duplicate of a request unanswered after this long (>= 45 ms); first answer wins. Duplicates do not count against `maxConcurrentRequests`. */
  hedgeDelayMs?: number;
  /** Duplicates the call may send, as a share of its requests (default 0.10). */
  hedgeBudget?: number;
  /** Collect per-request errors instead of failing on the first one. */
  collectErrors?: boolean;
  /** Called after each request with (done, total). */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  headers?: Record<string, string> | Headers;
}

export interface BatchTimes {
  /** Milliseconds each request took, in request order. */
  individualRequestTimesMs: number[];
  totalTimeMs: number;
  /** With `collectErrors`: each request's error, or null. */
  errors?: (BasetenError | null)[];
}

export interface BatchPostResponse extends BatchTimes { data: unknown[] }

export interface EmbedOptions extends BatchOptions {
  model: string;
  dimensions?: number;
  encodingFormat?: "float" | "base64";
  user?: string;
}
export interface EmbedResponse extends BatchTimes {
  object: "list";
  data: Array<{ object: "embedding"; index: number; embedding: number[] | string } | null>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

export interface RerankOptions extends BatchOptions {
  rawScores?: boolean;
  returnText?: boolean;
  truncate?: boolean;
  truncationDirection?: "Left" | "Right";
}
export interface RerankResponse extends BatchTimes {
  /** One result per text, in input order. */
  data: Array<{ index: number; score: number; text?: string } | null>;
}

export interface ClassifyOptions extends BatchOptions {
  rawScores?: boolean;
  truncate?: boolean;
  truncationDirection?: "Left" | "Right";
}
export interface ClassifyResponse extends BatchTimes {
  data: Array<Array<{ label: string; score: number }> | null>;
}

/** Options of `verifyWebhook`. */
export interface VerifyWebhookOptions {
  /** Largest distance between the payload's `time` and now, in seconds (default 300; `Infinity` skips the check). */
  toleranceSeconds?: number;
  /** "Now", as a `Date` or epoch milliseconds (default `Date.now()`). */
  now?: number | Date;
}

/** The payload of a Baseten async webhook. */
export interface BasetenWebhook {
  request_id: string;
  model_id?: string;
  deployment_id?: string;
  type: "async_request_completed" | (string & {});
  time: string;
  data: { output: unknown } | null;
  errors: { code: string; message: string }[];
  [key: string]: unknown;
}

export interface ByteStream {
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array>;
  /** The rest of the body as a `ReadableStream`, pulled on demand; cancelling it aborts. */
  toReadableStream(): ReadableStream<Uint8Array>;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// An optional `AsyncPredictOptions` argument (typed in the `.d.ts`, read with `Opts`).
    #[cfg(feature = "full")]
    #[wasm_bindgen(typescript_type = "AsyncPredictOptions")]
    pub type AsyncPredictOptionsArg;
    /// An optional `BatchOptions` argument (typed in the `.d.ts`, read with `Opts`).
    #[cfg(feature = "full")]
    #[wasm_bindgen(typescript_type = "BatchOptions")]
    pub type BatchOptionsArg;
    /// An optional `CallOptions` argument (typed in the `.d.ts`, read with `Opts`).
    #[wasm_bindgen(typescript_type = "CallOptions")]
    pub type CallOptionsArg;
    /// An optional `ClassifyOptions` argument (typed in the `.d.ts`, read with `Opts`).
    #[cfg(feature = "full")]
    #[wasm_bindgen(typescript_type = "ClassifyOptions")]
    pub type ClassifyOptionsArg;
    /// An optional `EmbedOptions` argument (typed in the `.d.ts`, read with `Opts`).
    #[cfg(feature = "full")]
    #[wasm_bindgen(typescript_type = "EmbedOptions")]
    pub type EmbedOptionsArg;
    /// An optional `RerankOptions` argument (typed in the `.d.ts`, read with `Opts`).
    #[cfg(feature = "full")]
    #[wasm_bindgen(typescript_type = "RerankOptions")]
    pub type RerankOptionsArg;
    /// An optional `SyncOptions` argument (typed in the `.d.ts`, read with `Opts`).
    #[cfg(feature = "full")]
    #[wasm_bindgen(typescript_type = "SyncOptions")]
    pub type SyncOptionsArg;
    /// An optional `VerifyWebhookOptions` argument (typed in the `.d.ts`, read with `Opts`).
    #[cfg(feature = "full")]
    #[wasm_bindgen(typescript_type = "VerifyWebhookOptions")]
    pub type VerifyWebhookOptionsArg;
    /// An optional `WaitOptions` argument (typed in the `.d.ts`, read with `Opts`).
    #[cfg(feature = "full")]
    #[wasm_bindgen(typescript_type = "WaitOptions")]
    pub type WaitOptionsArg;
}
