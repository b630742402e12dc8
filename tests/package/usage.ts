// Type-checked with `tsc --noEmit --strict` against the installed tarball (types.test.mjs), as
// an ES module (moduleResolution bundler and nodenext) and as CommonJS (.cts). Touches every
// public call, passing options everywhere; results are checked to be precise types, never `any`
// (optional-arguments.ts checks the calls without options and the create() overloads).
import {
  Baseten,
  type APIPromise,
  type AsyncQueueStatus,
  type AsyncRequestStatus,
  type BasetenError,
  type BasetenOptions,
  type ByteStream,
  type CallOptions,
  type CancelAsyncResult,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionStream,
  type CreateEmbeddingResponse,
  type ModelList,
  type BatchOptions,
  type BasetenWebhook,
  type EmbedResponse,
  type RerankResponse,
  type ClassifyResponse,
  type BatchPostResponse,
  type BasetenWebSocket,
  type WebSocketMessage,
  type WebSocketOptions,
  WebSocketCloseError,
  verifyWebhook,
} from "baseten-edge";

type IsAny<T> = 0 extends 1 & T ? true : false;
/** Compiles only when `T` is not `any`. */
function precise<T>(value: T, ..._notAny: IsAny<T> extends true ? [never] : []): T {
  return value;
}
function same<T>(value: T): T {
  return value;
}

export async function main(): Promise<void> {
  const options: BasetenOptions = {
    apiKey: "key",
    authScheme: "bearer",
    modelId: "abcd1234",
    environment: "staging",
    region: undefined,
    baseUrl: "http://127.0.0.1:1",
    openaiBaseUrl: "http://127.0.0.1:1/v1",
    headers: { "x-extra": "1" },
    fetch: (input, init) => fetch(input, init),
    timeoutMs: 1000,
    headersTimeoutMs: 1000,
    idleTimeoutMs: 1000,
  };
  const client = new Baseten(options);
  new Baseten({ chainId: "chain1", apiKey: "key", deployment: "dep1", authScheme: "api-key" });
  new Baseten({ modelId: "m", apiKey: "k", development: true, headers: new Headers() });
  new Baseten({ modelId: "m", apiKey: "k", production: true });

  const controller = new AbortController();
  const call: CallOptions = { signal: controller.signal, timeoutMs: 5, headersTimeoutMs: 5, idleTimeoutMs: 5, headers: {} };

  // Baseten-native calls
  const out: unknown = await client.predict({ prompt: "hi" }, call);
  same(out);
  const predicted: APIPromise<any> = client.predict({ prompt: "hi" }, call);
  precise<Response>(await predicted.asResponse());
  precise<string | null>((await predicted.withResponse()).requestId);
  precise<ByteStream>((await client.predictStream({ prompt: "hi" }, call).withResponse()).data);
  precise<Response>(await client.sync("GET", "health", undefined, { stream: true }).asResponse());
  precise<string>((await client.asyncPredict({ prompt: "hi" }).withResponse()).data.requestId);

  const bytes = precise(await client.predictStream({ prompt: "hi" }, call));
  same<ByteStream>(bytes);
  for await (const chunk of bytes) precise<Uint8Array>(chunk);
  precise<ReadableStream<Uint8Array>>(bytes.toReadableStream());
  precise<string>(await bytes.text());
  precise<string | undefined>(bytes.requestId);
  precise<number>(bytes.status);
  bytes.abort();

  const { requestId } = precise(
    await client.asyncPredict(
      { prompt: "later" },
      {
        ...call,
        webhookEndpoint: "https://example.com/hook",
        priority: 1,
        maxTimeInQueueSeconds: 600,
        inferenceRetryConfig: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 1000 },
      },
    ),
  );
  precise<string>(requestId);
  const status = precise(await client.asyncRequest(requestId, call));
  same<AsyncRequestStatus>(status);
  const state: "QUEUED" | "IN_PROGRESS" | "SUCCEEDED" | "FAILED" | "EXPIRED" | "CANCELED" | "WEBHOOK_FAILED" = status.status;
  same(state);
  const canceled = precise(await client.cancelAsyncRequest(requestId, call));
  same<CancelAsyncResult>(canceled);
  precise<boolean>(canceled.canceled);
  const queue = precise(await client.asyncQueueStatus(call));
  same<AsyncQueueStatus>(queue);
  precise<number>(queue.num_queued_requests);
  const done = precise(
    await client.waitForAsyncRequest(requestId, {
      signal: controller.signal,
      pollIntervalMs: 10,
      maxPollIntervalMs: 100,
      timeoutMs: 1000,
    }),
  );
  same<AsyncRequestStatus>(done);
  precise<void>(await client.wake(call));
  const item: unknown = await client.sync("PUT", "items/1", { v: 1 }, call);
  same(item);
  const synced: unknown = await client.sync("GET", "health", undefined, { ...call, stream: true });
  same(synced);

  // OpenAI-compatible calls
  const completion = same<ChatCompletion>(
    await client.chat.completions.create(
      { model: "m", messages: [{ role: "user", content: "hi" }], max_tokens: 4, temperature: 0 },
      call,
    ),
  );
  precise<string | null>(completion.choices[0].message.content);

  const stream = same<ChatCompletionStream>(
    await client.chat.completions.create(
      { model: "m", messages: [{ role: "system", content: "be brief" }, { role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true } },
      call,
    ),
  );
  precise<string | undefined>(stream.requestId);
  for await (const chunk of stream) {
    same<ChatCompletionChunk>(chunk);
    precise<string | null | undefined>(chunk.choices[0]?.delta.content);
  }
  for await (const text of stream.textStream()) precise<string>(text);
  const final = precise(await stream.finalChatCompletion());
  same<ChatCompletion>(final);
  precise<ReadableStream<Uint8Array>>(stream.toReadableStream());
  stream.abort();

  const text = same<Record<string, unknown>>(await client.completions.create({ model: "m", prompt: "once upon", max_tokens: 4 }, call));
  same(text);
  const textStream = same<ChatCompletionStream>(await client.completions.create({ model: "m", prompt: "once upon", stream: true }, call));
  for await (const delta of textStream.textStream()) precise<string>(delta);

  const embeddings = precise(await client.embeddings.create({ model: "m", input: ["a", "b"], dimensions: 8 }, call));
  same<CreateEmbeddingResponse>(embeddings);
  precise<number[]>(embeddings.data[0].embedding);
  const models = precise(await client.models.list(call));
  same<ModelList>(models);
  precise<string>(models.data[0].id);

  // Batches (Baseten Performance Client style)
  const batch: BatchOptions = {
    maxConcurrentRequests: 4,
    batchSize: 16,
    maxCharsPerRequest: 10_000,
    timeoutMs: 1000,
    totalTimeoutMs: 5000,
    maxRetries: 1,
    retryBudget: 2,
    hedgeDelayMs: 500,
    hedgeBudget: 1,
    collectErrors: true,
    onProgress: (done: number, total: number) => void (done + total),
    signal: controller.signal,
    headers: {},
  };
  const embedded = precise(await client.embed(["a", "b"], { ...batch, model: "m", dimensions: 8, encodingFormat: "float", user: "u" }));
  same<EmbedResponse>(embedded);
  precise<number>(embedded.totalTimeMs);
  precise<number[]>(embedded.individualRequestTimesMs);
  const reranked = precise(await client.rerank("q", ["a", "b"], { ...batch, rawScores: true, returnText: true, truncate: true, truncationDirection: "Right" }));
  same<RerankResponse>(reranked);
  const classified = precise(await client.classify(["a"], { ...batch, rawScores: false, truncate: true, truncationDirection: "Left" }));
  same<ClassifyResponse>(classified);
  const posted = precise(await client.batchPost("predict", [{ a: 1 }, { a: 2 }], batch));
  same<BatchPostResponse>(posted);
  precise<unknown[]>(posted.data);

  // Webhooks
  const hook = precise(verifyWebhook(new Uint8Array(), "v1=00", ["secret-a", "secret-b"], { toleranceSeconds: 300, now: Date.now() }));
  same<BasetenWebhook>(hook);
  precise<string>(hook.request_id);
  verifyWebhook("{}", null, "secret", {});

  // WebSockets
  const wsOptions: WebSocketOptions = { signal: new AbortController().signal, connectTimeoutMs: 5000, headers: { "x-a": "b" } };
  const socket = precise(await client.websocket(wsOptions));
  same<BasetenWebSocket>(socket);
  socket.send("text");
  socket.send(new Uint8Array([1]));
  socket.send(new ArrayBuffer(1));
  for await (const m of socket) {
    same<WebSocketMessage>(precise(m));
    if (typeof m !== "string") precise<Uint8Array>(m);
  }
  precise<number | null>(socket.closeCode);
  precise<string | null>(socket.closeReason);
  same<{ code: number; reason: string }>(precise(await socket.close(4000, "bye")));
  same<{ code: number; reason: string }>(precise(await socket.closed));
  try {
    await client.websocket();
  } catch (e) {
    if (e instanceof WebSocketCloseError) {
      precise<number>(e.closeCode);
      precise<string>(e.closeReason);
    }
  }

  // Errors
  try {
    await client.predict({}, call);
  } catch (e) {
    const err = e as BasetenError;
    if (err.name === "RateLimitError" && err.retryable) {
      precise<number | null>(err.status);
      precise<string | null>(err.requestId);
      precise<string | null>(err.code);
      precise<string | null>(err.body);
      precise<number>(err.attempts);
      precise<string>(err.kind);
    }
  }

  client.free();
}
