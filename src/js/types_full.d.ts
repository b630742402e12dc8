// The declarations of the full build's own results (Baseten-native calls, batch, webhooks),
// merged into the generated .d.ts (types.rs).




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


export interface BatchTimes {
  /** Milliseconds each request took, in request order. */
  individualRequestTimesMs: number[];
  /** The inputs each request carried, `[start, end)`, in request order (the batch plan). */
  individualRequestInputs: Array<[number, number]>;
  totalTimeMs: number;
  /** With `collectErrors`: each request's error, or null. */
  errors?: (BasetenError | null)[];
}

export interface BatchPostResponse extends BatchTimes { data: unknown[] }

export interface EmbedResponse extends BatchTimes {
  object: "list";
  data: Array<{ object: "embedding"; index: number; embedding: number[] | string } | null>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

export interface RerankResponse extends BatchTimes {
  /** One result per text, in input order. */
  data: Array<{ index: number; score: number; text?: string } | null>;
}

export interface ClassifyResponse extends BatchTimes {
  data: Array<Array<{ label: string; score: number }> | null>;
}

/** One token of a `predictTokens` result, as the embedding server sends it. */
export interface TokenPrediction {
  token: string;
  token_id?: number;
  start?: number;
  end?: number;
  /** Each label's score. */
  results: Record<string, number>;
  [key: string]: unknown;
}

export interface PredictTokensResponse extends BatchTimes {
  /** One list of tokens per input, in input order (`null` for a failed request's inputs when errors are collected). */
  data: Array<Array<TokenPrediction> | null>;
}


/** What a proxy token says (`mintProxyToken`, `verifyProxyToken`). */
export interface ProxyTokenClaims {
  /** Who the token is for (a user id); a gateway rate-limits by it. */
  sub: string;
  /** Expiry, in Unix seconds. */
  exp: number;
  /** The only model names the token may use. */
  models?: string[];
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
