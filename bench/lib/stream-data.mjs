// A recorded-style chat completion stream, generated deterministically: the shape of
// shared/captures/llamacpp_chat_stream.txt (llama.cpp's server), a role chunk, content chunks,
// a finish chunk, a usage chunk, then `data: [DONE]`; pre-split once into 1-4 KiB pieces.
import { rng } from "../../tests/common/rng.mjs";

const WORDS = [
  " the", " model", " is", " a", " of", " to", " and", " in", " that", " it", " with", " for",
  " as", " on", " be", " at", " by", " this", " I", "'m", "!", ",", ".", " inference", " GPU",
  " latency", " throughput", " token", " streaming", " café", " naïve", " “quoted”", " 日本",
  " emoji 🚀", "\n", "\n\n", " \"json\"", " back\\slash", "\t", " résumé", " über", " -", "s",
];

const ID = "chatcmpl-4b1ee809-1f86-4aa0-9159-34979ba9b3c6";
const HEAD = `{"id": "${ID}", "model": "smollm2", "created": 1795538131, "object": "chat.completion.chunk", "choices": [`;

function event(json) {
  return `data: ${json}\n\n`;
}

/**
 * `chunks` JSON chunks in all (role + content + finish + usage) and the pieces of the body.
 * Returns { pieces: Uint8Array[], bytes, chunks, text (the concatenated deltas), textDeltas }.
 */
export function makeStream({ chunks = 20000, seed = 42, minPiece = 1024, maxPiece = 4096 } = {}) {
  const rand = rng(seed);
  const parts = [];
  let text = "";
  parts.push(event(`${HEAD}{"index": 0, "delta": {"role": "assistant", "content": ""}, "logprobs": null, "finish_reason": null}]}`));
  const content = chunks - 3;
  for (let i = 0; i < content; i++) {
    const w = rand.pick(WORDS);
    text += w;
    parts.push(event(`${HEAD}{"index": 0, "delta": {"content": ${JSON.stringify(w)}}, "logprobs": null, "finish_reason": null}]}`));
  }
  parts.push(event(`${HEAD}{"index": 0, "delta": {}, "logprobs": null, "finish_reason": "length"}]}`));
  parts.push(event(`{"id": "${ID}", "model": "smollm2", "created": 1795538131, "object": "chat.completion.chunk", "choices": [], "usage": {"prompt_tokens": 12, "completion_tokens": ${content}, "total_tokens": ${content + 12}}}`));
  parts.push(event("[DONE]"));
  const all = new TextEncoder().encode(parts.join(""));
  const pieces = [];
  for (let at = 0; at < all.length; ) {
    const size = minPiece + rand.below(maxPiece - minPiece + 1);
    // Each piece is its own ArrayBuffer, as a network read would give.
    pieces.push(all.slice(at, at + size));
    at += size;
  }
  return { pieces, bytes: all.length, chunks, text, textDeltas: content };
}

/** A fresh ReadableStream over the same pieces, one piece per pull. */
export function streamOf(pieces) {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < pieces.length) controller.enqueue(pieces[i++]);
      else controller.close();
    },
  });
}

/** A fetch-compatible function answering every call with the stream as an SSE Response. */
export function sseFetch(pieces) {
  return async () =>
    new Response(streamOf(pieces), {
      status: 200,
      headers: { "content-type": "text/event-stream" },
    });
}
