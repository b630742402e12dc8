// Calls written the way a user naturally writes them: options left out, and create() results
// typed precisely (never `any`). Checked by types.test.mjs with tsc --strict.
import { Baseten, verifyWebhook, type ChatCompletion, type ChatCompletionStream } from "baseten-edge";

type IsAny<T> = 0 extends 1 & T ? true : false;
function precise<T>(value: T, ..._notAny: IsAny<T> extends true ? [never] : []): T {
  return value;
}

export async function optionalArguments(client: Baseten): Promise<void> {
  // Every `options` argument is optional.
  await client.predict({ prompt: "hi" });
  await client.predictStream({ prompt: "hi" });
  await client.asyncPredict({ prompt: "hi" });
  await client.asyncRequest("id");
  await client.cancelAsyncRequest("id");
  await client.asyncQueueStatus();
  await client.waitForAsyncRequest("id");
  await client.wake();
  await client.sync("GET", "health");
  await client.embeddings.create({ model: "m", input: "a" });
  await client.models.list();
  await client.rerank("q", ["a"]);
  await client.classify(["a"]);
  await client.batchPost("predict", [{}]);
  verifyWebhook("{}", "v1=00", "secret");
}

export async function preciseCreateResults(client: Baseten): Promise<void> {
  // create() resolves to ChatCompletion or ChatCompletionStream by `stream`, never `any`.
  const completion = precise(await client.chat.completions.create({ model: "m", messages: [] }, {}));
  const chat: ChatCompletion = completion;
  const stream = precise(await client.chat.completions.create({ model: "m", messages: [], stream: true }, {}));
  const s: ChatCompletionStream = stream;
  precise(await client.completions.create({ model: "m", prompt: "p", stream: true }, {}));
  void chat;
  void s;
}
