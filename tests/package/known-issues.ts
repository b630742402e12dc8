// Library type bugs, checked by types.test.mjs as `todo` until fixed in src/js (see the test's
// messages). Each line here is how a user would naturally write the call.
import { Baseten, verifyWebhook, type ChatCompletion, type ChatCompletionStream } from "baseten-edge";

type IsAny<T> = 0 extends 1 & T ? true : false;
function precise<T>(value: T, ..._notAny: IsAny<T> extends true ? [never] : []): T {
  return value;
}

export async function optionalArguments(client: Baseten): Promise<void> {
  // Every `options` argument is optional at run time (Option<JsValue>), but the generated
  // declarations make it required: "Expected 2 arguments, but got 1".
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
  new Baseten();
}

export async function preciseCreateResults(client: Baseten): Promise<void> {
  // The generated `create(body, options): Promise<any>` class member is merged ahead of the
  // typed overloads of the ChatCompletions / Completions interfaces, so results are `any`.
  const completion = precise(await client.chat.completions.create({ model: "m", messages: [] }, {}));
  const chat: ChatCompletion = completion;
  const stream = precise(await client.chat.completions.create({ model: "m", messages: [], stream: true }, {}));
  const s: ChatCompletionStream = stream;
  precise(await client.completions.create({ model: "m", prompt: "p", stream: true }, {}));
  void chat;
  void s;
}
