#!/usr/bin/env node
// The baseten-edge command line: `npx baseten-edge <command> ...`, written over the package's own
// API (node.mjs). See docs/cli.md, or `baseten-edge --help`.
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { Baseten } from "./node.mjs";

const NAME = "baseten-edge";

/** The error classes and option tables of the library (generated from the crate by scripts/gen.sh). */
const { errors: ERRORS, tables: TABLES } = JSON.parse(readFileSync(new URL("./cli-tables.json", import.meta.url), "utf8"));

/** Exit codes: one per error class (generated from the crate's ErrorKind), and the CLI's own. */
const EXIT_CODES = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  asyncUnsuccessful: 25,
  socketClosedWithError: 27,
  ...Object.fromEntries(ERRORS.map((e) => [e.name, e.exit])),
};

const EXIT_TABLE = `Exit codes:
${[
  [0, "success"],
  [1, "unexpected error (a bug: please report it)"],
  [2, "usage error (unknown command or option, bad JSON input, unreadable file)"],
  [25, "async request ended without success (--wait: FAILED, EXPIRED, CANCELED, WEBHOOK_FAILED)"],
  [27, "ws: the server closed the socket with an error code (not 1000 or 1005; 1006, a dropped connection, is 20)"],
  ...ERRORS.map((e) => [e.exit, `${e.name}: ${e.summary}`]),
].sort((a, b) => a[0] - b[0]).map(([code, what]) => `  ${String(code).padEnd(4)} ${what}`).join("\n")}
Ctrl-C aborts the request (AbortError).`;

/** Flags that set no option of the library (the CLI's own, or fields of a request body). */
const CLI_ONLY = {
  compact: { type: "boolean", help: "print JSON on one line" },
  help: { type: "boolean", short: "h", help: "this help" },
};

/** The environment variable a client flag falls back on. */
const ENV = {
  "model-id": "BASETEN_MODEL_ID",
  "chain-id": "BASETEN_CHAIN_ID",
  "base-url": "BASETEN_BASE_URL",
  "openai-base-url": "BASETEN_OPENAI_BASE_URL",
};

/** The flagged options of the tables `ids` (core::options, via cli-tables.json). */
function flagged(...ids) {
  return ids.flatMap((id) => TABLES[id].fields.filter((f) => f.flag).map((f) => ({ ...f, table: id })));
}

/** parseArgs options for `fields`. */
function parseSpec(fields) {
  return Object.fromEntries(fields.map((f) => {
    const spec = { type: f.ty.t === "Bool" ? "boolean" : "string" };
    if (f.ty.t === "Headers") Object.assign(spec, { short: "H", multiple: true });
    return [f.flag, spec];
  }));
}

/** The help lines of `fields`. */
/** What a flag's value is, in its help line. */
function argName(f) {
  if (f.ty.t === "OneOf") return f.ty.values.join("|");
  if (f.ty.t === "Headers") return "'N: V'";
  if (/(Url|Endpoint)$/.test(f.key)) return "URL";
  if (/Id$/.test(f.key) || f.key === "deployment") return "ID";
  return { Bool: "", Millis: "MS", Num: "N", Ints: "N", Str: "NAME" }[f.ty.t] ?? "VALUE";
}

/** Where the CLI says more than the library's doc of an option (which speaks of JavaScript). */
const CLI_HELP = {
  stream: "copy the response body to stdout as it arrives instead of parsing JSON",
};

/** The help lines of `fields`: the flag, its value, and the option's doc as plain text. */
function helpLines(fields) {
  const rows = fields.map((f) => {
    const value = argName(f);
    const left = `${f.ty.t === "Headers" ? "-H, " : ""}--${f.flag}${value ? ` ${value}` : ""}`;
    const doc = (CLI_HELP[f.flag] ?? f.doc).replace(/`/g, "");
    return [left, `${doc}${ENV[f.flag] ? ` ($${ENV[f.flag]})` : ""}`];
  });
  return rows.map(([left, right]) => (left.length < 28 ? `  ${left.padEnd(28)} ${right}` : `  ${left}\n  ${"".padEnd(28)} ${right}`)).join("\n");
}

const CLIENT_FLAGS = flagged("client");
const CLIENT_OPTIONS = { ...parseSpec(CLIENT_FLAGS), compact: CLI_ONLY.compact, help: CLI_ONLY.help };
const CLIENT_HELP = `Client options (every command):
${helpLines(CLIENT_FLAGS)}
  --compact                    ${CLI_ONLY.compact.help}
  -h, --help                   ${CLI_ONLY.help.help}
The API key is read from $BASETEN_API_KEY (never from the command line).`;

const WAIT_FLAGS = flagged("wait");
/** Only `sync`'s own fields: the call options are set on the client. */
const SYNC_FLAGS = TABLES.sync.fields.filter((f) => f.flag);
const ASYNC_FLAGS = flagged("async_predict", "retry_config");
const WAIT_ONLY = { wait: { type: "boolean" } };
const WS_FLAGS = flagged("websocket");

const INPUT_HELP = `INPUT is JSON text, @FILE (JSON read from a file) or - (JSON read from standard input).`;

/** The flags `chat` and `responses` share (their help texts say what each does there). */
const MODEL_CALL_OPTIONS = {
  model: { type: "string" },
  temperature: { type: "string" },
  "no-stream": { type: "boolean" },
  json: { type: "boolean" },
};

const COMMANDS = {
  predict: {
    usage: "predict INPUT",
    summary: "POST .../predict with INPUT; prints the JSON answer",
    options: {},
    help: INPUT_HELP,
    run: predict,
  },
  stream: {
    usage: "stream INPUT",
    summary: "POST .../predict and copy the streamed body to stdout as it arrives",
    options: {},
    help: INPUT_HELP,
    run: stream,
  },
  chat: {
    usage: "chat [MESSAGE...]",
    summary: "OpenAI-compatible chat completion; tokens are printed as they arrive",
    options: { ...MODEL_CALL_OPTIONS, system: { type: "string" }, messages: { type: "string" }, "max-tokens": { type: "string" } },
    help: `MESSAGE words are joined into one user message (appended after --messages).
  --model NAME             the "model" field ($BASETEN_CHAT_MODEL, else the model id, else "model")
  --system TEXT            a system message first
  --messages JSON|@FILE|-  a JSON array of messages to start from
  --max-tokens N           max_tokens
  --temperature X          temperature
  --no-stream              one non-streamed request; prints the reply text
  --json                   print the chat.completion JSON instead of text (assembled from the
                           stream unless --no-stream)`,
    run: chat,
  },
  responses: {
    usage: "responses [TEXT...]",
    summary: "the Responses API (POST .../responses); the text is printed as it arrives",
    options: {
      ...MODEL_CALL_OPTIONS,
      instructions: { type: "string" },
      input: { type: "string" },
      "max-output-tokens": { type: "string" },
    },
    help: `TEXT words are the input (a string); or --input gives input items.
  --model NAME             the "model" field ($BASETEN_CHAT_MODEL, else the model id, else "model")
  --instructions TEXT      instructions (a system prompt)
  --input JSON|@FILE|-     a JSON array of input items (messages, function call outputs, ...)
  --max-output-tokens N    max_output_tokens
  --temperature X          temperature
  --no-stream              one non-streamed request; prints output_text
  --json                   print each streamed event as a line of JSON (with --no-stream: the
                           Response)
A response that ends incomplete (max_output_tokens) prints what came and says so on stderr.`,
    run: responses,
  },
  async: {
    usage: "async INPUT",
    summary: "POST .../async_predict; prints {\"requestId\"} (or the final status with --wait)",
    options: { ...parseSpec(ASYNC_FLAGS), ...parseSpec(WAIT_FLAGS), ...WAIT_ONLY },
    help: `${INPUT_HELP}
${helpLines(ASYNC_FLAGS)}
  --wait                       poll until the request ends; print its final status (exit 25 unless
                               it SUCCEEDED)
${helpLines(WAIT_FLAGS)}`,
    run: asyncCmd,
  },
  status: {
    usage: "status REQUEST_ID",
    summary: "GET /async_request/{id}: the async request's status",
    options: { ...parseSpec(WAIT_FLAGS), ...WAIT_ONLY },
    help: `  --wait                       poll until the request ends (exit 25 unless it SUCCEEDED)
${helpLines(WAIT_FLAGS)}`,
    run: status,
  },
  cancel: {
    usage: "cancel REQUEST_ID",
    summary: "DELETE /async_request/{id}: cancel a queued async request",
    options: {},
    help: "Prints {request_id, canceled, message}; only a queued request can be canceled.",
    run: cancel,
  },
  queue: {
    usage: "queue",
    summary: "GET .../async_queue_status: queued and in-progress async requests",
    options: {},
    help: "",
    run: queue,
  },
  wake: {
    usage: "wake",
    summary: "POST .../wake: start a scaled-to-zero deployment",
    options: {},
    help: "Prints {\"ok\":true} once Baseten accepted the request (it answers at once).",
    run: wake,
  },
  sync: {
    usage: "sync METHOD ROUTE [BODY]",
    summary: "any method on .../sync/{ROUTE} (the model's own server routes)",
    options: parseSpec(SYNC_FLAGS),
    help: `BODY is JSON text, @FILE or -; without it no body is sent.
${helpLines(SYNC_FLAGS)}`,
    run: sync,
  },
  ws: {
    usage: "ws [MESSAGE...]",
    summary: "a WebSocket to .../websocket: sends each MESSAGE (or each line of stdin), prints what comes back",
    options: { ...parseSpec(WS_FLAGS), linger: { type: "string" } },
    help: `Each MESSAGE is sent as a text message, in order; without MESSAGE, each line of standard
input is (as it is typed or piped). Each message received is printed on a line of its own (a
binary one base64-encoded). Once the input is sent, the socket stays open until the server
closes it, or until nothing has come for --linger MS (default 1000); then the CLI closes it
(1000). Exit 0 on a normal close (1000 or 1005), 27 when the server closed with another code
(printed on stderr), 20 when the connection dropped (1006), or the error class's code when the
upgrade is refused (11 for a bad key, ...). Node 20 and 21 need the \`ws\` package installed
beside baseten-edge (npm install ws); Node 22 and later use their own WebSocket.
${helpLines(WS_FLAGS)}
  --linger MS                  wait this long for more messages after the input ends (default 1000)`,
    run: wsCmd,
  },
  models: {
    usage: "models",
    summary: "GET {openai base}/models",
    options: {},
    help: "",
    run: models,
  },
};

class UsageError extends Error {}

function mainHelp() {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length));
  const lines = Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`);
  return `Usage: ${NAME} <command> [options]

Call a model deployed on Baseten (or any OpenAI-compatible server) from the command line.

Commands:
${lines.join("\n")}

Run '${NAME} <command> --help' for a command's options.

${CLIENT_HELP}

Environment: BASETEN_API_KEY, BASETEN_MODEL_ID, BASETEN_CHAIN_ID, BASETEN_BASE_URL,
BASETEN_OPENAI_BASE_URL, BASETEN_CHAT_MODEL; for ws, BASETEN_PROXY_TOKEN (a proxy token for the
proxy Worker, in place of the key).

${EXIT_TABLE}`;
}

function commandHelp(name) {
  const c = COMMANDS[name];
  return `Usage: ${NAME} ${c.usage} [options]

${c.summary}.
${c.help ? `\n${c.help}\n` : ""}
${CLIENT_HELP}

${EXIT_TABLE}`;
}

// ---- helpers ----

function json(value, ctx) {
  return ctx.compact ? JSON.stringify(value) : JSON.stringify(value, null, 2);
}

async function write(text) {
  if (!process.stdout.write(text)) await once(process.stdout, "drain");
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** JSON text, @file or - (stdin), parsed. */
async function readJson(arg, what) {
  let text;
  if (arg === "-") {
    text = await readStdin();
  } else if (arg.startsWith("@")) {
    try {
      text = readFileSync(arg.slice(1), "utf8");
    } catch (e) {
      throw new UsageError(`cannot read ${what} from ${arg.slice(1)}: ${e.code ?? e.message}`);
    }
  } else {
    text = arg;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    // JSON.parse says where: "Expected ... at position 8".
    throw new UsageError(`${what} is not valid JSON: ${e.message}`);
  }
}

function number(values, key, { integer = false, min = -Infinity, max = Infinity } = {}) {
  const raw = values[key];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    const range = max < Infinity ? ` from ${min} to ${max}` : min > -Infinity ? ` >= ${min}` : "";
    throw new UsageError(`--${key} must be ${integer ? "an integer" : "a number"}${range}`);
  }
  return n;
}

function headers(list) {
  const out = {};
  for (const h of list ?? []) {
    const i = h.indexOf(":");
    if (i <= 0) throw new UsageError(`--header must look like 'Name: value'`);
    out[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  return out;
}

/** Flags of milliseconds with a floor above 0. */
const MIN_MS = { "poll-interval": 1 };

/** The options object of `fields` (from `flagged`) set by the parsed flags, read by type. */
function optionsFrom(values, fields) {
  const out = {};
  for (const f of fields) {
    const raw = values[f.flag];
    let v;
    switch (f.ty.t) {
      case "Bool": v = raw; break;
      case "Headers": v = headers(raw); break;
      case "Millis": v = number(values, f.flag, { min: MIN_MS[f.flag] ?? 0 }); break;
      case "Ints": v = number(values, f.flag, { integer: true, min: 0 }); break;
      case "Num": v = number(values, f.flag); break;
      default: v = raw;
    }
    if (v !== undefined) out[f.key] = v;
  }
  return out;
}

function clientFrom(values) {
  const env = process.env;
  const options = optionsFrom(values, CLIENT_FLAGS);
  options.apiKey = env.BASETEN_API_KEY || undefined;
  // A flag wins over its environment variable; a model id and a chain id exclude each other.
  const chosen = values["model-id"] !== undefined || values["chain-id"] !== undefined;
  for (const f of CLIENT_FLAGS) {
    const name = ENV[f.flag];
    if (!name || options[f.key] !== undefined || !env[name]) continue;
    if ((f.flag === "model-id" || f.flag === "chain-id") && chosen) continue;
    options[f.key] = env[name];
  }
  return new Baseten(options);
}

function oneArg(ctx, what) {
  if (ctx.args.length !== 1) throw new UsageError(`expected ${what}`);
  return ctx.args[0];
}

async function pipeStream(stream) {
  for await (const chunk of stream) await write(chunk);
}

const TERMINAL_OK = "SUCCEEDED";

function waitOptions(ctx) {
  return { signal: ctx.signal, ...optionsFrom(ctx.values, WAIT_FLAGS) };
}

async function printFinal(ctx, final) {
  await write(json(final, ctx) + "\n");
  return final.status === TERMINAL_OK ? EXIT_CODES.ok : EXIT_CODES.asyncUnsuccessful;
}

// ---- commands ----

async function predict(ctx) {
  const input = await readJson(oneArg(ctx, "one INPUT"), "INPUT");
  const out = await ctx.client.predict(input, ctx.call);
  await write(json(out, ctx) + "\n");
}

async function stream(ctx) {
  const input = await readJson(oneArg(ctx, "one INPUT"), "INPUT");
  await pipeStream(await ctx.client.predictStream(input, ctx.call));
}

async function chat(ctx) {
  const v = ctx.values;
  const messages = [];
  if (v.system !== undefined) messages.push({ role: "system", content: v.system });
  if (v.messages !== undefined) {
    const given = await readJson(v.messages, "--messages");
    if (!Array.isArray(given)) throw new UsageError("--messages must be a JSON array");
    messages.push(...given);
  }
  if (ctx.args.length) messages.push({ role: "user", content: ctx.args.join(" ") });
  if (!messages.some((m) => m && m.role !== "system")) throw new UsageError("expected a MESSAGE (or --messages)");
  const body = modelCallBody(v, { messages }, "max-tokens", "max_tokens");

  if (v["no-stream"]) {
    const completion = await ctx.client.chat.completions.create(body, ctx.call);
    const text = completion.choices?.[0]?.message?.content ?? "";
    await write(v.json ? json(completion, ctx) + "\n" : text + "\n");
    return;
  }
  const s = await ctx.client.chat.completions.create({ ...body, stream: true }, ctx.call);
  if (v.json) {
    await write(json(await s.finalChatCompletion(), ctx) + "\n");
    return;
  }
  await writeText(s.textStream());
}

/** A `chat` or `responses` request body: `model` (the flag, else $BASETEN_CHAT_MODEL, else the
 * model id, else "model"), the call's own `fields`, its token limit (`--maxFlag` as `maxField`)
 * and `temperature`, each checked. */
function modelCallBody(v, fields, maxFlag, maxField) {
  const body = {
    model: v.model ?? (process.env.BASETEN_CHAT_MODEL || v["model-id"] || process.env.BASETEN_MODEL_ID || "model"),
    ...fields,
  };
  const max = number(v, maxFlag, { integer: true, min: 1 });
  if (max !== undefined) body[maxField] = max;
  const temperature = number(v, "temperature", { min: 0, max: 2 });
  if (temperature !== undefined) body.temperature = temperature;
  return body;
}

/** Writes text deltas as they come, then ends the line, also when an error cuts them (the error
 * then goes on a line of its own). */
async function writeText(deltas) {
  let wrote = false;
  try {
    for await (const text of deltas) {
      wrote = true;
      await write(text);
    }
  } finally {
    if (wrote) await write("\n");
  }
  if (!wrote) await write("\n");
}

async function responses(ctx) {
  const v = ctx.values;
  let input;
  if (v.input !== undefined) {
    input = await readJson(v.input, "--input");
    if (!Array.isArray(input)) throw new UsageError("--input must be a JSON array of input items");
    if (ctx.args.length) input.push({ role: "user", content: ctx.args.join(" ") });
  } else if (ctx.args.length) {
    input = ctx.args.join(" ");
  } else {
    throw new UsageError("expected TEXT (or --input)");
  }
  const body = modelCallBody(v, { input }, "max-output-tokens", "max_output_tokens");
  if (v.instructions !== undefined) body.instructions = v.instructions;

  if (v["no-stream"]) {
    const response = await ctx.client.responses.create(body, ctx.call);
    await write(v.json ? json(response, ctx) + "\n" : response.output_text + "\n");
    return incomplete(response);
  }
  const s = await ctx.client.responses.create({ ...body, stream: true }, ctx.call);
  if (v.json) {
    for await (const event of s) await write(JSON.stringify(event) + "\n");
    return incomplete(await s.finalResponse());
  }
  await writeText(s.textStream());
  return incomplete(await s.finalResponse());
}

/** Says on stderr why a Response is incomplete; the exit code stays 0 (it is an ordinary end). */
function incomplete(response) {
  if (response?.status === "incomplete") {
    process.stderr.write(`${NAME}: the response is incomplete (${response.incomplete_details?.reason ?? "no reason given"})\n`);
  }
}

async function asyncCmd(ctx) {
  const v = ctx.values;
  const input = await readJson(oneArg(ctx, "one INPUT"), "INPUT");
  const options = { ...ctx.call, ...optionsFrom(v, flagged("async_predict")) };
  const retry = optionsFrom(v, flagged("retry_config"));
  if (Object.keys(retry).length) options.inferenceRetryConfig = retry;
  const { requestId } = await ctx.client.asyncPredict(input, options);
  if (!v.wait) {
    await write(json({ requestId }, ctx) + "\n");
    return;
  }
  return printFinal(ctx, await ctx.client.waitForAsyncRequest(requestId, waitOptions(ctx)));
}

async function status(ctx) {
  const id = oneArg(ctx, "one REQUEST_ID");
  if (ctx.values.wait) return printFinal(ctx, await ctx.client.waitForAsyncRequest(id, waitOptions(ctx)));
  await write(json(await ctx.client.asyncRequest(id, ctx.call), ctx) + "\n");
}

async function cancel(ctx) {
  const id = oneArg(ctx, "one REQUEST_ID");
  await write(json(await ctx.client.cancelAsyncRequest(id, ctx.call), ctx) + "\n");
}

async function queue(ctx) {
  if (ctx.args.length) throw new UsageError("queue takes no arguments");
  await write(json(await ctx.client.asyncQueueStatus(ctx.call), ctx) + "\n");
}

async function wake(ctx) {
  if (ctx.args.length) throw new UsageError("wake takes no arguments");
  await ctx.client.wake(ctx.call);
  await write(json({ ok: true }, ctx) + "\n");
}

async function sync(ctx) {
  if (ctx.args.length < 2 || ctx.args.length > 3) throw new UsageError("expected METHOD ROUTE [BODY]");
  const [method, route, bodyArg] = ctx.args;
  const body = bodyArg === undefined ? undefined : await readJson(bodyArg, "BODY");
  const options = { ...ctx.call, ...optionsFrom(ctx.values, SYNC_FLAGS) };
  if (options.stream) {
    await pipeStream(await ctx.client.sync(method, route, body, options));
    return;
  }
  const out = await ctx.client.sync(method, route, body, ctx.call);
  await write(json(out ?? null, ctx) + "\n");
}

/** The `ws` package's WebSocket class when it is installed (Node 20 and 21 have none of their
 * own); else undefined (the runtime's is used). */
async function wsClass() {
  try {
    return (await import("ws")).WebSocket;
  } catch {
    return undefined;
  }
}

async function wsCmd(ctx) {
  const v = ctx.values;
  const linger = number(v, "linger", { min: 0 }) ?? 1000;
  const WebSocket = await wsClass();
  // A proxy token (for the proxy Worker behind PROXY_AUTH_SECRET) comes from the environment only.
  const proxyToken = process.env.BASETEN_PROXY_TOKEN || undefined;
  const options = { signal: ctx.signal, ...optionsFrom(v, WS_FLAGS), ...(WebSocket ? { WebSocket } : {}), ...(proxyToken ? { proxyToken } : {}) };
  const socket = await ctx.client.websocket(options);
  let last = Date.now();
  let inputDone = false;
  const lingering = setInterval(() => {
    if (inputDone && Date.now() - last >= linger) socket.close().catch(() => {});
  }, Math.min(linger, 50) || 1);
  const send = (async () => {
    if (ctx.args.length) {
      for (const m of ctx.args) socket.send(m);
    } else {
      for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
        if (socket.closeCode !== null) break;
        socket.send(line);
        last = Date.now();
      }
    }
    last = Date.now();
    inputDone = true;
  })();
  try {
    for await (const m of socket) {
      last = Date.now();
      await write((typeof m === "string" ? m : Buffer.from(m).toString("base64")) + "\n");
    }
  } catch (err) {
    if (err?.name !== "WebSocketCloseError") throw err;
    process.stderr.write(`${NAME}: the socket closed with code ${err.closeCode}${err.closeReason ? `: ${err.closeReason}` : ""}\n`);
    return err.closeCode === 1006 ? EXIT_CODES.APIConnectionError : EXIT_CODES.socketClosedWithError;
  } finally {
    clearInterval(lingering);
    process.stdin.destroy();
  }
  await send.catch(() => {});
}

async function models(ctx) {
  if (ctx.args.length) throw new UsageError("models takes no arguments");
  await write(json(await ctx.client.models.list(ctx.call), ctx) + "\n");
}

// ---- main ----

/** `--temperature -0.1` as `--temperature=-0.1`: parseArgs takes a value that starts with a dash
 * for an option, so a negative number would get its "ambiguous" message instead of the range
 * check's. */
function negativeValues(args, spec) {
  const out = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const name = a.startsWith("--") && !a.includes("=") ? a.slice(2) : undefined;
    if (name && spec[name]?.type === "string" && /^-\.?\d/.test(args[i + 1] ?? "")) {
      out.push(`${a}=${args[++i]}`);
    } else {
      out.push(a);
    }
  }
  return out;
}

/** The library's option names in `message` as the CLI's flags (`modelId` -> `--model-id`). */
function asFlags(message) {
  const names = new Map([["apiKey", "BASETEN_API_KEY"], ["proxyToken", "BASETEN_PROXY_TOKEN"]]);
  for (const id of Object.keys(TABLES)) for (const f of TABLES[id].fields) if (f.flag && !names.has(f.key)) names.set(f.key, `--${f.flag}`);
  // `options.region` and camelCase names (`modelId`); plain words stay words.
  return message
    .replace(/\boptions\.([A-Za-z]+)/g, (all, key) => names.get(key) ?? all)
    .replace(/\b[a-z]+(?:[A-Z][a-z]*)+\b/g, (word) => names.get(word) ?? word);
}

function reportError(err) {
  const known = err && typeof err === "object" && typeof err.name === "string" && err.name in EXIT_CODES && "retryable" in err;
  if (!known) {
    process.stderr.write(`${NAME}: unexpected error: ${err?.stack ?? err}\n`);
    return EXIT_CODES.unexpected;
  }
  const details = [
    err.status != null && `status ${err.status}`,
    err.code && `code ${err.code}`,
    err.requestId && `request id ${err.requestId}`,
    `retryable ${err.retryable}`,
  ].filter(Boolean);
  const message = err.name === "ConfigurationError" ? asFlags(err.message) : err.message;
  process.stderr.write(`${NAME}: ${err.name}: ${message}\n  (${details.join(", ")})\n`);
  if (err.name === "ConfigurationError" && /apiKey/.test(err.message) && !process.env.BASETEN_API_KEY) {
    process.stderr.write(`  Set BASETEN_API_KEY to your Baseten API key.\n`);
  }
  return EXIT_CODES[err.name];
}

async function main(argv) {
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    const topic = name === "help" ? rest[0] : undefined;
    if (topic !== undefined && !(topic in COMMANDS)) {
      process.stderr.write(`${NAME}: unknown command '${topic}'\n`);
      return EXIT_CODES.usage;
    }
    process.stdout.write((topic ? commandHelp(topic) : mainHelp()) + "\n");
    return name === undefined ? EXIT_CODES.usage : EXIT_CODES.ok;
  }
  if (name === "--version" || name === "-v") {
    const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
    process.stdout.write(pkg.version + "\n");
    return EXIT_CODES.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`${NAME}: unknown command '${name}'\nRun '${NAME} --help' for the list.\n`);
    return EXIT_CODES.usage;
  }

  const controller = new AbortController();
  let interrupted = 0;
  const onSigint = () => {
    if (++interrupted > 1) process.exit(EXIT_CODES.AbortError);
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  // A closed pipe (`... | head`) aborts the request and ends quietly.
  process.stdout.on("error", (e) => {
    if (e.code === "EPIPE") {
      controller.abort();
      process.exit(EXIT_CODES.ok);
    }
  });

  try {
    let parsed;
    const spec = { ...CLIENT_OPTIONS, ...command.options };
    try {
      parsed = parseArgs({
        args: negativeValues(rest, spec),
        options: spec,
        allowPositionals: true,
        strict: true,
      });
    } catch (e) {
      const unknown = e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && /'([^']+)'/.exec(e.message);
      throw new UsageError(unknown ? `unknown option ${unknown[1]}` : e.message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      process.stdout.write(commandHelp(name) + "\n");
      return EXIT_CODES.ok;
    }
    const ctx = {
      values,
      args: positionals,
      compact: values.compact === true,
      signal: controller.signal,
      call: { signal: controller.signal },
    };
    ctx.client = clientFrom(values);
    const code = await command.run(ctx);
    return code ?? EXIT_CODES.ok;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${NAME} ${name}: ${err.message}\nRun '${NAME} ${name} --help' for usage.\n`);
      return EXIT_CODES.usage;
    }
    if (interrupted) {
      process.stderr.write(`${NAME}: interrupted\n`);
      return EXIT_CODES.AbortError;
    }
    return reportError(err);
  } finally {
    process.off("SIGINT", onSigint);
  }
}

const code = await main(process.argv.slice(2));
// Exit now (a finished call may leave a timer behind), once stdout has taken everything.
await new Promise((resolve) => process.stdout.write("", resolve));
process.exit(code);
