// Which transport each runtime's entry takes (fixtures/transport-smoke.mjs), and the checks of
// its result, shared by the runtime tests (Node, Deno, Bun) and the workerd test.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TEST_DIR } from "./harness.mjs";

/** The text of fixtures/transport-smoke.mjs, to copy into a throwaway project. */
export const transportSmoke = () => readFileSync(join(TEST_DIR, "fixtures/transport-smoke.mjs"), "utf8");

// Refusals: the wasm's own where no Node entry runs (Deno's entry, as browsers and workerd), the
// Node entry's in Bun and Deno.
export const WASM_REFUSAL = /^options\.(transport|h2c|ca) must be left out: it needs the Node transport \(Node, with no fetch option\)$/;
export const ENTRY_REFUSAL = /^options: (transport "node"|h2c|ca) needs the Node transport, but this runtime is not Node \(Bun and Deno use fetch\)$/;

/**
 * A transport result: the calls went through the global fetch or not (the Node transport), and
 * the Node transport's options were taken (Node) or refused with a ConfigurationError matching
 * `refused` (elsewhere).
 */
export function assertTransport(r, { globalFetch, refused }) {
  assert.deepEqual(r.predict, { prompt: "hello", n: 1 });
  assert.deepEqual(r.response, { isResponse: true, status: 200 });
  if (globalFetch) assert.equal(r.globalFetchCalls, 2, "both calls went through the global fetch");
  else assert.equal(r.globalFetchCalls, 0, "the Node transport, not the global fetch");
  assert.equal(r.explicitFetchCalls, 1, 'transport: "fetch" goes through the global fetch');
  for (const name of ["transport", "h2c", "ca"]) {
    if (refused === null) assert.equal(r.nodeOptions[name], "taken", name);
    else {
      assert.equal(r.nodeOptions[name].configurationError, true, `${name}: ${JSON.stringify(r.nodeOptions[name])}`);
      assert.match(r.nodeOptions[name].message, refused, name);
    }
  }
}
