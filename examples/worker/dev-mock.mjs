#!/usr/bin/env node
// `npm run dev:mock`: this Worker under `wrangler dev`, in front of the repository's local mock model
// server instead of Baseten, so it runs with no Cloudflare account and no key. Start the mock first
// (`scripts/play.sh` prints its address), then, in this folder:
//
//   MOCK_URL=http://127.0.0.1:PORT npm run dev:mock
//
// The Worker listens on http://127.0.0.1:8787 (PORT=... to change) and lets the playground's
// origins call it (http://127.0.0.1:8080 and http://localhost:8080, or ALLOWED_ORIGINS=...). It
// uses the mock's key and webhook secret (test-key and whsec-test: not secrets, see
// mock/README.md) and wrangler.jsonc's "mock" environment, whose RESULTS KV namespace is local
// (kept in .wrangler/state), so GET /async/:id/result works too.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const mock = (process.env.MOCK_URL ?? "").replace(/\/+$/, "");
if (!/^http:\/\/(127\.0\.0\.1|localhost):\d+$/.test(mock)) {
  console.error(
    "dev:mock needs the local mock's address in MOCK_URL, such as MOCK_URL=http://127.0.0.1:41234\n" +
      "(scripts/play.sh prints it: \"the mock model server is at ...\").",
  );
  process.exit(2);
}
const wrangler = join(here, "node_modules", ".bin", "wrangler");
if (!existsSync(wrangler)) {
  console.error("wrangler is not installed here: run `npm install` in examples/worker first.");
  process.exit(2);
}
const port = process.env.PORT ?? "8787";
// wrangler.jsonc's "mock" environment allows the playground's origins; ALLOWED_ORIGINS replaces them.
const origins = process.env.ALLOWED_ORIGINS ?? "http://127.0.0.1:8080,http://localhost:8080";
const vars = {
  BASETEN_BASE_URL: mock,
  BASETEN_OPENAI_BASE_URL: `${mock}/v1`,
  BASETEN_API_KEY: "test-key",
  BASETEN_WEBHOOK_SECRET: "whsec-test",
  ...(process.env.ALLOWED_ORIGINS ? { ALLOWED_ORIGINS: origins } : {}),
};
const args = ["dev", "--env", "mock", "--ip", "127.0.0.1", "--port", port, "--show-interactive-dev-session=false"];
for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
console.error(`[dev:mock] the Worker at http://127.0.0.1:${port}, in front of the mock at ${mock}; origins allowed: ${origins}`);
const child = spawn(wrangler, args, { cwd: here, stdio: "inherit", env: { WRANGLER_SEND_METRICS: "false", ...process.env } });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
