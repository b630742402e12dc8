// The two APIs the chat panel speaks: Chat Completions and the Responses API. Each builds its
// request from the panel's fields and reads its stream into the same callbacks (thinking, text),
// then says how the turn ended (the answer, its finish reason, its usage), so the panel does not
// care which one it talks to. Both come from `client.*.create({ stream: true })`.

/** The fields of the panel a request is built from. */
function common({ model, system, history, message, temperature, maxTokens }) {
  return { model: model || "model", system, turns: [...history, { role: "user", content: message }], temperature, maxTokens };
}

/** Usage as `{ input, output, total }`, whichever API it came from. */
function usageOf(u) {
  if (!u) return null;
  const input = u.prompt_tokens ?? u.input_tokens ?? 0;
  const output = u.completion_tokens ?? u.output_tokens ?? 0;
  return { input, output, total: u.total_tokens ?? input + output };
}

export const APIS = {
  chat: {
    label: "Chat Completions",
    method: "client.chat.completions.create",
    body(fields) {
      const f = common(fields);
      const messages = f.system ? [{ role: "system", content: f.system }, ...f.turns] : f.turns;
      const b = { model: f.model, messages, stream: true, stream_options: { include_usage: true } };
      if (f.temperature !== undefined) b.temperature = f.temperature;
      if (f.maxTokens !== undefined) b.max_tokens = f.maxTokens;
      return b;
    },
    start: (client, body, signal) => client.chat.completions.create(body, { signal }),
    /** Reads the stream; `on.thinking(text)`, `on.text(text)` as they come. */
    async read(stream, on) {
      for await (const chunk of stream) {
        for (const choice of chunk.choices ?? []) {
          // Reasoning models think first: Model APIs send `reasoning_content`, vLLM-style servers `reasoning`.
          const thought = choice.delta?.reasoning_content ?? choice.delta?.reasoning;
          if (typeof thought === "string" && thought) on.thinking(thought);
          if (choice.delta?.content) on.text(choice.delta.content);
        }
      }
      // The stream is over: the assembled completion (content, tool calls, usage) comes for free.
      const final = await stream.finalChatCompletion();
      const choice = final.choices?.[0];
      return { content: choice?.message?.content ?? null, finish: choice?.finish_reason ?? null, usage: usageOf(final.usage) };
    },
    code: [
      "for await (const chunk of stream) {",
      "  const delta = chunk.choices[0]?.delta ?? {};",
      "  // A reasoning model's thinking: reasoning_content (Model APIs) or reasoning (vLLM).",
      "  const thought = delta.reasoning_content ?? delta.reasoning;",
      "  if (thought) process.stderr.write(thought);",
      '  process.stdout.write(delta.content ?? "");',
      "}",
      "// Or: for await (const text of stream.textStream()) ... (the answer only), stream.reasoningStream()",
      "// (the thinking only); stream.abort() stops it.",
      "const completion = await stream.finalChatCompletion();",
      "console.log(completion.choices[0].finish_reason, completion.usage);",
    ],
  },
  responses: {
    label: "Responses",
    method: "client.responses.create",
    body(fields) {
      const f = common(fields);
      const b = { model: f.model, input: f.turns, stream: true };
      if (f.system) b.instructions = f.system;
      if (f.temperature !== undefined) b.temperature = f.temperature;
      if (f.maxTokens !== undefined) b.max_output_tokens = f.maxTokens;
      return b;
    },
    start: (client, body, signal) => client.responses.create(body, { signal }),
    async read(stream, on) {
      let part = null; // the reasoning part being shown: a new one starts on a line of its own
      for await (const event of stream) {
        if (event.type === "response.output_text.delta") on.text(event.delta);
        else if (event.type === "response.reasoning_text.delta" || event.type === "response.reasoning_summary_text.delta") {
          const id = `${event.type} ${event.item_id} ${event.content_index ?? event.summary_index ?? 0}`;
          if (part !== null && part !== id) on.thinking("\n");
          part = id;
          on.thinking(event.delta);
        }
      }
      // The Response the library assembled: output_text, status, incomplete_details, usage.
      const final = await stream.finalResponse();
      const finish = final.status === "incomplete" ? `incomplete: ${final.incomplete_details?.reason ?? "?"}` : (final.status ?? null);
      return { content: final.output_text, finish, usage: usageOf(final.usage) };
    },
    code: [
      "for await (const event of stream) {",
      '  if (event.type === "response.output_text.delta") process.stdout.write(event.delta);',
      '  if (event.type === "response.reasoning_text.delta") process.stderr.write(event.delta);',
      "}",
      "// Or: for await (const text of stream.textStream()) ...; stream.abort() stops it.",
      "const response = await stream.finalResponse();",
      "console.log(response.status, response.output_text, response.usage);",
    ],
  },
};
