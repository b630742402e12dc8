// Starts the Rust mock server (target/release/baseten-mock) on a free port of 127.0.0.1 for a
// test file, and stops it by pid afterwards.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { once } from "node:events";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = process.env.MOCK_BIN ?? `${process.env.CARGO_TARGET_DIR ?? root + "target"}/release/baseten-mock`;

/** Starts a mock; resolves to `{ url, stop }`. */
export async function startMock(args = []) {
  const child = spawn(bin, ["--port", "0", "--quiet", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  let buffered = "";
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("mock did not start within 10 s")), 10_000);
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`mock exited with ${code}`)));
    child.stdout.on("data", (d) => {
      buffered += d;
      const m = /listening on (https?:\/\/\S+)/.exec(buffered);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await once(child, "exit");
      }
    },
  };
}

/** GETs a mock introspection route. */
export async function mockGet(url, path) {
  const r = await fetch(url + path);
  return r.json();
}
