// Starts the Rust mock server (`baseten-mock --port 0 --quiet`) for a test file and stops it by
// pid. The binary: $MOCK_BIN, else $CARGO_TARGET_DIR/release/baseten-mock, else target/release.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
export const MOCK_BIN =
  process.env.MOCK_BIN ?? `${process.env.CARGO_TARGET_DIR ?? root + "target"}/release/baseten-mock`;

/** Starts a mock; resolves to `{ url, pid, get(path), post(path), stop() }`. */
export async function startMock(args = []) {
  const child = spawn(MOCK_BIN, ["--port", "0", "--quiet", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  let buffered = "";
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the mock (${MOCK_BIN}) did not start within 10 s`)), 10_000);
    child.on("error", (e) => (clearTimeout(timer), reject(e)));
    child.on("exit", (code) => (clearTimeout(timer), reject(new Error(`the mock exited with ${code}`))));
    child.stdout.on("data", (d) => {
      buffered += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(buffered);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  child.removeAllListeners("exit");
  // Never outlive the test process, even if it fails before its after() hook.
  const reap = () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, "SIGKILL");
      } catch {}
    }
  };
  process.once("exit", reap);
  return {
    url,
    pid: child.pid,
    async get(path) {
      const r = await fetch(url + path, { signal: AbortSignal.timeout(5000) });
      if (!r.ok) throw new Error(`GET ${path}: ${r.status}`);
      return r.json();
    },
    async post(path) {
      await fetch(url + path, { method: "POST", signal: AbortSignal.timeout(5000) });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid, "SIGTERM");
        await Promise.race([once(child, "exit"), new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, "SIGKILL");
      }
      process.off("exit", reap);
    },
  };
}
