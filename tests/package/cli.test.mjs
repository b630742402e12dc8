// The CLI (`bin` baseten-edge -> cli.mjs) from the packed tarball installed in a throwaway
// project, against the mock: every command, JSON output, chat tokens streamed as they come,
// input from arguments, files and stdin, help, and the exit code of each error kind.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { makeProject, run } from "./lib/harness.mjs";
import { startMock } from "./lib/mock.mjs";

let mock;
let project;
let bin;
before(async () => {
  mock = await startMock();
  project = await makeProject("cli", { files: { "input.json": JSON.stringify({ from: "file" }) } });
  bin = project.path("node_modules/.bin/baseten-edge");
}, { timeout: 120_000 });
after(async () => {
  await mock?.stop();
  project?.cleanup();
}, { timeout: 30_000 });

const KEY = "test-key";
/** Runs the CLI pointed at the mock; resolves to `{ code, stdout, stderr }`. */
function cli(args, { env = {}, input, mockUrl = true } = {}) {
  const base = mockUrl ? ["--base-url", mock.url] : [];
  return run(bin, [...args, ...base], { cwd: project.dir, env: { BASETEN_API_KEY: KEY, ...env }, input, timeout: 30_000 });
}
const parse = (res) => {
  assert.equal(res.code, 0, `exit ${res.code}: ${res.stderr}`);
  return JSON.parse(res.stdout);
};

test("help: the command list, each command's --help, the exit-code table; usage errors exit 2", { timeout: 60_000 }, async () => {
  const main = await cli(["--help"], { mockUrl: false });
  assert.equal(main.code, 0);
  for (const cmd of ["predict", "stream", "chat", "responses", "async", "status", "cancel", "wake", "sync", "queue", "models", "ws"]) {
    assert.match(main.stdout, new RegExp(`^  ${cmd}\\b`, "m"), `${cmd} listed`);
    const help = await cli([cmd, "--help"], { mockUrl: false });
    assert.equal(help.code, 0, `${cmd} --help`);
    assert.match(help.stdout, new RegExp(`^Usage: baseten-edge ${cmd}`));
    assert.match(help.stdout, /--model-id/);
    assert.match(help.stdout, /Exit codes:/);
  }
  assert.match(main.stdout, /^  17 +RateLimitError: 429/m);
  assert.equal((await cli(["help", "chat"], { mockUrl: false })).stdout.split("\n")[0], "Usage: baseten-edge chat [MESSAGE...] [options]");
  const none = await cli([], { mockUrl: false });
  assert.equal(none.code, 2);
  assert.match(none.stdout, /^Usage:/);
  assert.equal((await cli(["frobnicate"])).code, 2);
  const badOption = await cli(["predict", "{}", "--no-such-option"]);
  assert.equal(badOption.code, 2);
  assert.match(badOption.stderr, /Run 'baseten-edge predict --help'/);
  assert.equal((await cli(["predict", "{not json"])).code, 2);
  assert.equal((await cli(["predict"])).code, 2, "INPUT is required");
  assert.equal((await cli(["predict", "@missing.json"])).code, 2);
  assert.equal((await cli(["predict", "{}", "--timeout", "soon"])).code, 2);
  const version = await cli(["--version"], { mockUrl: false });
  assert.equal(version.stdout.trim(), JSON.parse(readFileSync(project.path("node_modules/baseten-edge/package.json"))).version);
});

test("npx baseten-edge runs the package's bin", { timeout: 60_000 }, async () => {
  const res = await run("npx", ["--no-install", "baseten-edge", "predict", '{"via":"npx"}', "--compact", "--base-url", mock.url], {
    cwd: project.dir,
    env: { BASETEN_API_KEY: KEY },
    timeout: 30_000,
  });
  assert.equal(res.code, 0, res.stderr);
  assert.equal(res.stdout, '{"via":"npx"}\n');
});

test("predict: JSON from an argument, a file or stdin; environment and deployment options", { timeout: 60_000 }, async () => {
  assert.deepEqual(parse(await cli(["predict", '{"prompt":"hi","n":2}'])), { prompt: "hi", n: 2 });
  const last = await mock.get("/__mock/last");
  assert.equal(last.path, "/environments/production/predict");
  assert.equal(last.headers.authorization, `Bearer ${KEY}`, "the key comes from BASETEN_API_KEY");

  assert.deepEqual(parse(await cli(["predict", "@input.json", "--environment", "staging"])), { from: "file" });
  assert.equal((await mock.get("/__mock/last")).path, "/environments/staging/predict");
  assert.deepEqual(parse(await cli(["predict", "-", "--deployment", "dep1"], { input: '{"from":"stdin"}' })), { from: "stdin" });
  assert.equal((await mock.get("/__mock/last")).path, "/deployment/dep1/predict");

  const compact = await cli(["predict", '{"a":[1,2]}', "--compact", "-H", "x-extra: yes", "--auth-scheme", "api-key"]);
  assert.equal(compact.stdout, '{"a":[1,2]}\n');
  const sent = await mock.get("/__mock/last");
  assert.equal(sent.headers["x-extra"], "yes");
  assert.equal(sent.headers.authorization, `Api-Key ${KEY}`);
  const pretty = await cli(["predict", '{"a":1}']);
  assert.equal(pretty.stdout, '{\n  "a": 1\n}\n');

  const fromEnv = await run(bin, ["predict", '{"env":1}', "--compact"], {
    cwd: project.dir,
    env: { BASETEN_API_KEY: KEY, BASETEN_BASE_URL: mock.url, BASETEN_MODEL_ID: "" },
    timeout: 30_000,
  });
  assert.equal(fromEnv.stdout, '{"env":1}\n', fromEnv.stderr);
});

/** Spawns the CLI and timestamps each stdout chunk. */
function timed(args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(bin, [...args, "--base-url", mock.url], { cwd: project.dir, env: { ...process.env, BASETEN_API_KEY: KEY, ...env } });
    const chunks = [];
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.stdout.on("data", (d) => chunks.push({ at: Date.now(), text: d.toString() }));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, chunks, stdout: chunks.map((c) => c.text).join(""), stderr });
    });
  });
}

test("chat: tokens are written to stdout as they arrive", { timeout: 60_000 }, async () => {
  const res = await timed(["chat", "hi", "there", "--max-tokens", "20", "-H", "x-mock-token-rate: 20"]);
  assert.equal(res.code, 0, res.stderr);
  assert.equal(res.stdout, Array(4).fill("Hello! You said: hi there").join(" ") + "\n"); // 20 tokens
  assert.ok(res.chunks.length >= 5, `${res.chunks.length} writes`);
  const spread = res.chunks.at(-1).at - res.chunks[0].at;
  assert.ok(spread >= 600, `output spread over ${spread} ms`);

  const sent = JSON.parse((await mock.get("/__mock/last")).body);
  assert.equal(sent.stream, true);
  assert.equal(sent.max_tokens, 20);
  assert.deepEqual(sent.messages, [{ role: "user", content: "hi there" }]);

  const noStream = await cli(["chat", "once", "--no-stream", "--system", "be brief", "--model", "my-model", "--temperature", "0.5"]);
  assert.equal(noStream.stdout, Array(4).fill("Hello! You said: once").join(" ") + "\n"); // 16 tokens by default
  const body = JSON.parse((await mock.get("/__mock/last")).body);
  assert.equal(body.model, "my-model");
  assert.equal(body.temperature, 0.5);
  assert.equal(body.stream, undefined);
  assert.deepEqual(body.messages[0], { role: "system", content: "be brief" });

  const asJson = parse(await cli(["chat", "--messages", '[{"role":"user","content":"json"}]', "--json", "--max-tokens", "4"]));
  assert.equal(asJson.object, "chat.completion");
  assert.equal(asJson.choices[0].message.content, "Hello! You said: json");
  assert.equal(asJson.choices[0].finish_reason, "stop"); // the reply is exactly 4 words: a natural end

  const viaOpenAi = await cli(["chat", "direct", "--max-tokens", "3", "--openai-base-url", mock.url + "/v1"]);
  assert.equal(viaOpenAi.stdout, "Hello! You said:\n");
  assert.equal((await mock.get("/__mock/last")).path, "/v1/chat/completions");
  assert.equal((await cli(["chat"])).code, 2, "a message is required");
});

test("responses: the text as it arrives, events with --json, the Response with --no-stream, incomplete and failed ends", { timeout: 60_000 }, async () => {
  const res = await timed(["responses", "hi", "there", "--max-output-tokens", "20", "-H", "x-mock-token-rate: 20"]);
  assert.equal(res.code, 0, res.stderr);
  assert.equal(res.stdout, Array(4).fill("Hello! You said: hi there").join(" ") + "\n");
  assert.ok(res.chunks.length >= 5, `${res.chunks.length} writes`);
  const sent = (await mock.get("/__mock/last"));
  assert.equal(sent.path, "/environments/production/sync/v1/responses");
  assert.deepEqual(JSON.parse(sent.body), { model: "model", input: "hi there", max_output_tokens: 20, stream: true });

  const events = await cli(["responses", "json", "--json", "--instructions", "be brief", "--model", "m"]);
  assert.equal(events.code, 0, events.stderr);
  const lines = events.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines[0].type, "response.created");
  assert.equal(lines.at(-1).type, "response.completed");
  assert.equal(JSON.parse((await mock.get("/__mock/last")).body).instructions, "be brief");

  const whole = parse(await cli(["responses", "once", "--no-stream", "--json", "--max-output-tokens", "3"]));
  assert.equal(whole.object, "response");
  assert.equal(whole.output_text, "Hello! You said:");
  const plain = await cli(["responses", "--input", '[{"role":"user","content":"items"}]', "--no-stream", "--max-output-tokens", "4"]);
  assert.equal(plain.stdout, "Hello! You said: items\n");

  const cut = await cli(["responses", "long", "--max-output-tokens", "2"]);
  assert.equal(cut.code, 0, "incomplete is an ordinary end");
  assert.equal(cut.stdout, "Hello! You\n");
  assert.match(cut.stderr, /the response is incomplete \(max_output_tokens\)/);

  const failed = await cli(["responses", "x", "-H", "x-mock-fault: response-failed", "--max-retries", "0"]);
  assert.equal(failed.code, 24, failed.stderr);
  assert.match(failed.stderr, /StreamError: boom/);
  assert.equal((await cli(["responses"])).code, 2, "TEXT or --input is required");
  assert.equal((await cli(["responses", "--input", "{}"])).code, 2, "--input must be an array");
});

test("stream: the predict body is copied to stdout as it arrives", { timeout: 60_000 }, async () => {
  const res = await timed(["stream", '{"stream":true,"n":4,"interval_ms":150}']);
  assert.equal(res.code, 0, res.stderr);
  assert.equal(res.stdout, "chunk 0\nchunk 1\nchunk 2\nchunk 3\n");
  assert.ok(res.chunks.length >= 3 && res.chunks.at(-1).at - res.chunks[0].at >= 300);
});

test("async, status, cancel, queue, wake, sync, models", { timeout: 60_000 }, async () => {
  const { requestId } = parse(await cli(["async", '{"job":1,"mock_queue_ms":30,"mock_run_ms":30}', "--priority", "1", "--webhook", `${mock.url}/__mock/webhook-sink`]));
  assert.match(requestId, /^[0-9a-f]{32}$/);
  const sent = JSON.parse((await mock.get("/__mock/last")).body);
  assert.equal(sent.priority, 1);
  assert.equal(sent.webhook_endpoint, `${mock.url}/__mock/webhook-sink`);
  const waited = parse(await cli(["status", requestId, "--wait", "--poll-interval", "20"]));
  assert.equal(waited.status, "SUCCEEDED");
  assert.equal(parse(await cli(["status", requestId])).request_id, requestId);

  const done = parse(await cli(["async", '{"mock_queue_ms":10,"mock_run_ms":10}', "--wait", "--poll-interval", "20"]));
  assert.equal(done.status, "SUCCEEDED");
  const failed = await cli(["async", '{"fail":true,"mock_queue_ms":10,"mock_run_ms":10}', "--wait", "--poll-interval", "20"]);
  assert.equal(failed.code, 25, "an async request that FAILED");
  assert.equal(JSON.parse(failed.stdout).status, "FAILED");

  const queued = parse(await cli(["async", '{"mock_queue_ms":10000}']));
  const q = parse(await cli(["queue"]));
  assert.ok(q.num_queued_requests >= 1);
  const canceled = parse(await cli(["cancel", queued.requestId]));
  assert.equal(canceled.canceled, true);
  assert.equal(parse(await cli(["status", queued.requestId])).status, "CANCELED");

  assert.deepEqual(parse(await cli(["wake"])), { ok: true });
  assert.equal((await mock.get("/__mock/last")).path, "/environments/production/wake");
  assert.deepEqual(parse(await cli(["sync", "GET", "health"])), { status: "ok" });
  assert.deepEqual(parse(await cli(["sync", "PUT", "items/7", '{"v":7}'])).item, { v: 7 });
  assert.equal((await cli(["sync", "GET", "health", "--stream"])).stdout, '{"status":"ok"}');
  assert.equal(parse(await cli(["models", "--openai-base-url", mock.url + "/v1"])).data[0].id, "mock-model");
});

function closedPort() {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

test("exit codes: one per error kind", { timeout: 120_000 }, async () => {
  const fault = (spec) => ["-H", `x-mock-fault: ${spec}`, "--max-retries", "0"];
  const cases = [
    [10, "BadRequestError", ["predict", "{}", ...fault("status:400")]],
    [11, "AuthenticationError", ["predict", "{}"], { BASETEN_API_KEY: "wrong-key" }],
    [12, "PermissionDeniedError", ["predict", "{}", ...fault("status:403")]],
    [13, "NotFoundError", ["status", "0123456789abcdef0123456789abcdef"]],
    [14, "ConflictError", ["predict", "{}", ...fault("status:409")]],
    [15, "PayloadTooLargeError", ["predict", "{}", ...fault("status:413")]],
    [16, "UnprocessableEntityError", ["predict", "{}", ...fault("status:422")]],
    [17, "RateLimitError", ["predict", "{}", ...fault("status:429")]],
    [18, "InternalServerError", ["predict", "{}", ...fault("status:503")]],
    [19, "APIError", ["predict", "{}", ...fault("status:418")]],
    [21, "TimeoutError", ["predict", "{}", "--timeout", "200", ...fault("stall-headers:3000")]],
    [22, "DecodeError", ["chat", "x", ...fault("malformed-json")]],
    [23, "TruncatedStreamError", ["chat", "x", ...fault("truncate")]],
    [24, "StreamError", ["chat", "x", ...fault("error-event")]],
    [3, "ConfigurationError", ["predict", "{}", "--model-id", "a/b"]],
  ];
  for (const [code, name, args, env = {}] of cases) {
    const res = await cli(args, { env });
    assert.equal(res.code, code, `${name}: exit ${res.code}\n${res.stderr}`);
    assert.match(res.stderr, new RegExp(`^baseten-edge: ${name}: `), res.stderr);
    assert.ok(!res.stderr.includes(KEY) && !res.stdout.includes(KEY), "the key is never printed");
  }

  const port = await closedPort();
  const refused = await run(bin, ["predict", "{}", "--base-url", `http://127.0.0.1:${port}`, "--max-retries", "0"], {
    cwd: project.dir,
    env: { BASETEN_API_KEY: KEY },
    timeout: 30_000,
  });
  assert.equal(refused.code, 20, `APIConnectionError: ${refused.stderr}`);

  const noKey = await run(bin, ["predict", "{}", "--model-id", "abc"], { cwd: project.dir, env: { BASETEN_API_KEY: "" }, timeout: 30_000 });
  assert.equal(noKey.code, 3);
  assert.match(noKey.stderr, /Set BASETEN_API_KEY/);
});

test("Ctrl-C during a stream aborts it: exit 130", { timeout: 60_000 }, async () => {
  const child = spawn(bin, ["chat", "long", "--max-tokens", "400", "-H", "x-mock-token-rate: 20", "--base-url", mock.url], {
    cwd: project.dir,
    env: { ...process.env, BASETEN_API_KEY: KEY },
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  const closed = new Promise((resolve) => child.on("close", resolve));
  await new Promise((resolve) => child.stdout.on("data", (d) => ((out += d), resolve())));
  child.kill("SIGINT");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  const code = await closed;
  clearTimeout(timer);
  assert.equal(code, 130, err);
  assert.match(err, /interrupted/);
});

/** The flags of every command, as each `--help` lists them. */
async function helpFlags() {
  const main = await cli(["--help"], { mockUrl: false });
  const commands = [...main.stdout.matchAll(/^  ([a-z]+) /gm)].map((m) => m[1]).filter((c) => c !== "h");
  const flags = new Set();
  for (const cmd of commands) {
    const res = await cli([cmd, "--help"], { mockUrl: false });
    assert.equal(res.code, 0, `${cmd} --help`);
    for (const m of res.stdout.matchAll(/(?:^|\s|, )--([a-z][a-z0-9-]*)/gm)) flags.add(m[1]);
  }
  return flags;
}

test("flags and options agree: every option has a flag or a reason, every flag an option or a CLI-only purpose", { timeout: 60_000 }, async () => {
  const { tables: TABLES } = JSON.parse(readFileSync(project.path("node_modules/baseten-edge/cli-tables.json"), "utf8"));
  const flags = await helpFlags();
  // Flags that set no option of the library: the CLI's own, and fields of a chat or Responses
  // request body.
  const cliOnly = new Set([
    "compact", "help", "version", "wait", "no-stream", "json",
    "model", "system", "messages", "max-tokens", "temperature",
    "instructions", "input", "max-output-tokens", "linger",
  ]);
  const optionFlags = new Set();
  for (const [id, table] of Object.entries(TABLES)) {
    for (const f of table.fields) {
      if (f.flag) {
        optionFlags.add(f.flag);
        assert.ok(flags.has(f.flag), `${id}.${f.key}: its flag --${f.flag} is in no command's --help`);
      } else {
        assert.ok(typeof f.absent === "string" && f.absent.length > 10, `${id}.${f.key} has no flag and no reason`);
      }
    }
  }
  for (const flag of flags) {
    assert.ok(optionFlags.has(flag) || cliOnly.has(flag), `--${flag} sets no option and is not a CLI-only flag`);
  }
});

test("the new flags reach the library: --max-event-bytes and --headers-timeout are read (and checked)", { timeout: 60_000 }, async () => {
  const bad = await cli(["predict", "{}", "--max-event-bytes", "0"]);
  assert.equal(bad.code, 3, bad.stderr);
  assert.match(bad.stderr, /--max-event-bytes must be/);
  const ok = await cli(["predict", '{"a":1}', "--headers-timeout", "5000", "--max-event-bytes", "1024"]);
  assert.deepEqual(parse(ok), { a: 1 });
});

test("messages speak the CLI's language: flags, not JavaScript options; positions; ranges", { timeout: 60_000 }, async () => {
  const unknown = await cli(["predict", "--foo", "1", "{}"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown option --foo\n/);
  const json = await cli(["predict", '{"a": 1,}']);
  assert.equal(json.code, 2);
  assert.match(json.stderr, /INPUT is not valid JSON: .*position \d+/);
  const both = await cli(["predict", "--model-id", "a", "--chain-id", "b", "{}"], { mockUrl: false });
  assert.equal(both.code, 3);
  assert.match(both.stderr, /ConfigurationError: set --model-id or --chain-id, not both/);
  const hot = await cli(["chat", "--temperature", "5", "hi"]);
  assert.equal(hot.code, 2);
  assert.match(hot.stderr, /--temperature must be a number from 0 to 2/);
  // A negative number is a value, checked like any other (not Node's "ambiguous" message).
  const cold = await cli(["responses", "--temperature", "-0.1", "hi"]);
  assert.equal(cold.code, 2);
  assert.match(cold.stderr, /--temperature must be a number from 0 to 2/);
  // Single-word options are flags in messages too.
  const region = await cli(["predict", "{}", "--region", "us", "--model-id", "m"]);
  assert.equal(region.code, 3);
  assert.match(region.stderr, /--region cannot be combined with --base-url/);
});

test("a reply cut by a stream error ends its line; the error goes to stderr", { timeout: 60_000 }, async () => {
  const res = await cli(["chat", "-H", "x-mock-fault: error-event", "hi"]);
  assert.equal(res.code, 24, res.stderr);
  assert.ok(res.stdout.length > 1 && res.stdout.endsWith("\n"), JSON.stringify(res.stdout));
  assert.match(res.stderr, /StreamError: boom/);
});

test("ws: sends each MESSAGE or stdin line, prints what comes back; the exit code says how it closed", { timeout: 120_000 }, async () => {
  // Node 20 has no WebSocket: without the `ws` package the command says what to install.
  const none = await cli(["ws", "hi"]);
  assert.equal(none.code, 3, none.stderr);
  assert.match(none.stderr, /ConfigurationError: .*`ws` package/);
  const p = await makeProject("cli-ws", { tools: ["ws"] });
  try {
    const ws = (args, o = {}) => run(p.path("node_modules/.bin/baseten-edge"), ["ws", ...args, "--base-url", mock.url, "--linger", "300"],
      { cwd: p.dir, env: { BASETEN_API_KEY: KEY, ...(o.env ?? {}) }, input: o.input, timeout: 30_000 });
    const echo = await ws(["hello", "wörld", JSON.stringify({ mock: "stream", n: 2, interval_ms: 5, text: "a b" })]);
    assert.equal(echo.code, 0, echo.stderr);
    assert.deepEqual(echo.stdout.trim().split("\n").map((l) => (l.startsWith("{") ? JSON.parse(l) : l)), [
      "hello", "wörld",
      { type: "token", index: 0, text: "a " }, { type: "token", index: 1, text: "b " }, { type: "done", tokens: 2 },
    ]);
    const lines = await ws([], { input: "one\ntwo\n" });
    assert.equal(lines.code, 0, lines.stderr);
    assert.equal(lines.stdout, "one\ntwo\n");
    const closed = await ws([], { input: `first\n${JSON.stringify({ mock: "close", code: 4003, reason: "nope" })}\n` });
    assert.equal(closed.code, 27, closed.stderr);
    assert.equal(closed.stdout, "first\n");
    assert.match(closed.stderr, /closed with code 4003: nope/);
    const normal = await ws([JSON.stringify({ mock: "close", code: 1000 })]);
    assert.equal(normal.code, 0, normal.stderr);
    const refused = await ws(["hi"], { env: { BASETEN_API_KEY: "wrong-key-42" } });
    assert.equal(refused.code, 11, refused.stderr);
    assert.match(refused.stderr, /AuthenticationError/);
    assert.ok(!refused.stderr.includes("wrong-key-42"));
    // BASETEN_PROXY_TOKEN goes as the Authorization header (the mock takes its key as one, so
    // it lets the socket in); beside a key it is a ConfigurationError.
    const token = await ws(["via the token"], { env: { BASETEN_API_KEY: "", BASETEN_PROXY_TOKEN: KEY } });
    assert.equal(token.code, 0, token.stderr);
    assert.equal(token.stdout, "via the token\n");
    const both = await ws(["x"], { env: { BASETEN_PROXY_TOKEN: "tok.en" } });
    assert.notEqual(both.code, 0);
    assert.match(both.stderr, /ConfigurationError: .*BASETEN_API_KEY or BASETEN_PROXY_TOKEN, not both/);
    assert.ok(!both.stderr.includes("tok.en"));
  } finally {
    p.cleanup();
  }
});
