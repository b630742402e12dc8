// The chat build's types (`baseten-edge/chat`), type-checked with `tsc --noEmit --strict` against
// the installed tarball (chat.test.mjs), as an ES module and as CommonJS (.cts): every call it
// has, with and without options; results are precise types, never `any`; and the full build's
// calls are absent.
import {
  Baseten,
  type APIPromise,
  type BasetenError,
  type BasetenOptions,
  type CallOptions,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionStream,
  type CreateEmbeddingResponse,
  type ModelList,
  type ResponseObject,
  type ResponseStream,
  type ResponseStreamEvent,
} from "baseten-edge/chat";

type IsAny<T> = 0 extends 1 & T ? true : false;
/** Compiles only when `T` is not `any`. */
function precise<T>(value: T, ..._notAny: IsAny<T> extends true ? [never] : []): T {
  return value;
}

export async function main(): Promise<void> {
  const options: BasetenOptions = {
    apiKey: "key",
    modelId: "abcd1234",
    openaiBaseUrl: "http://127.0.0.1:1/v1",
    headers: { "x-extra": "1" },
    timeoutMs: 1000,
    idleTimeoutMs: 1000,
    maxRetries: 1,
  };
  const client = new Baseten(options);
  const call: CallOptions = { signal: new AbortController().signal, timeoutMs: 5, headers: { a: "b" }, maxRetries: 0 };

  const completion: ChatCompletion = precise(await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] }));
  const stream: ChatCompletionStream = precise(await client.chat.completions.create({ model: "m", messages: [], stream: true }, call));
  for await (const chunk of stream) {
    const c: ChatCompletionChunk = precise(chunk);
    void c;
  }
  for await (const text of stream.textStream()) precise<string>(text);
  const final: ChatCompletion = precise(await stream.finalChatCompletion());
  const body: ReadableStream<Uint8Array> = stream.toReadableStream();
  stream.abort();
  precise(await client.completions.create({ model: "m", prompt: "p", stream: true }));
  precise(await client.completions.create({ model: "m", prompt: "p" }, call));
  const embeddings: CreateEmbeddingResponse = precise(await client.embeddings.create({ model: "m", input: ["a"] }));
  const models: ModelList = precise(await client.models.list(call));
  // The response helpers (APIPromise) and tee().
  const pending: APIPromise<ModelList> = client.models.list(call);
  const raw: Response = precise(await pending.asResponse());
  const { data, response, requestId } = await client.chat.completions.create({ model: "m", messages: [] }).withResponse();
  precise<ChatCompletion>(data);
  precise<Response>(response);
  precise<string | null>(requestId);
  precise<ChatCompletionStream>((await client.chat.completions.create({ model: "m", messages: [], stream: true }).withResponse()).data);
  const [left, right]: [ChatCompletionStream, ChatCompletionStream] = precise(stream.tee());
  void [raw, left, right];
  // The Responses API: a Response with output_text, or a ResponseStream of events.
  const resp: ResponseObject = precise(await client.responses.create({ model: "m", input: "hi" }));
  precise<string>(resp.output_text);
  const rs: ResponseStream = precise(await client.responses.create({ model: "m", input: [{ role: "user", content: "hi" }], stream: true }, call));
  for await (const event of rs) precise<ResponseStreamEvent>(event);
  for await (const text of rs.textStream()) precise<string>(text);
  const assembled: ResponseObject = precise(await rs.finalResponse());
  const [r1, r2]: [ResponseStream, ResponseStream] = precise(rs.tee());
  const rsBody: ReadableStream<Uint8Array> = rs.toReadableStream();
  const rsRaw: Response = precise(await client.responses.create({ model: "m", input: "hi" }).asResponse());
  void [assembled, r1, r2, rsBody, rsRaw];
  try {
    await client.models.list();
  } catch (e) {
    const err = e as BasetenError;
    precise<number | null>(err.status);
  }
  // @ts-expect-error predict is a full-build call
  void client.predict;
  // @ts-expect-error batch calls are full-build calls
  void client.embed;
  void [completion, final, body, embeddings, models, stream.requestId, stream.status];
}
