// The built glue (pkg/), as scripts/pkg-entries.mjs and glue-min.mjs leave it: each snippet module imported once
// (wasm-bindgen writes one namespace import per directly imported function, and as many
// duplicate keys in the wasm imports object: esbuild, and so `wrangler dev` on a linked package,
// warns of each), every snippet loadable in its module system, and the package's JS exports
// (error classes, requestIdOf) present in every entry of both builds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const pkg = new URL("../../pkg/", import.meta.url);
const GLUE = ["web", "browser", "deno", "nodejs", "chat/web", "chat/browser", "chat/nodejs"];
const EXPORTS = ["BasetenError", "APIError", "RateLimitError", "TimeoutError", "ConfigurationError", "WebhookVerificationError", "requestIdOf"];

/** The values that occur more than once in `list`. */
const repeated = (list) => [...new Set(list.filter((x, i) => list.indexOf(x) !== i))];

for (const dir of GLUE) {
  test(`${dir}: each snippet is imported once, with one key in the imports object`, () => {
    const text = readFileSync(new URL(`${dir}/baseten_edge.js`, pkg), "utf8");
    // The glue is minified (scripts/glue-min.mjs): no line structure to rely on.
    const star = [...text.matchAll(/(?:import\s*\*\s*as\s+import\d+\s+from\s*|\bimport\d+\s*=\s*require\(\s*)["'`]([^"'`]+)["'`]/g)].map((m) => m[1]);
    const keys = [...text.matchAll(/"(\.\/snippets\/[^"]+)"\s*:\s*import\d+/g)].map((m) => m[1]);
    assert.ok(star.length > 0, "the glue imports the snippets");
    assert.ok(keys.length > 0, "the imports object names the snippets");
    assert.deepEqual(repeated(star), [], "a snippet imported twice");
    assert.deepEqual(repeated(keys), [], "a duplicate key in the imports object");
  });
}

test("every entry of both builds exports the error classes and requestIdOf", async () => {
  const entries = {
    "node.mjs": await import(new URL("node.mjs", pkg)),
    "nodejs (require)": require(new URL("nodejs/baseten_edge.js", pkg).pathname),
    "chat/node.mjs": await import(new URL("chat/node.mjs", pkg)),
    "chat/nodejs (require)": require(new URL("chat/nodejs/baseten_edge.js", pkg).pathname),
  };
  for (const [name, lib] of Object.entries(entries)) {
    for (const e of EXPORTS) assert.equal(typeof lib[e], "function", `${name} exports ${e}`);
    assert.ok(new lib.RateLimitError("x") instanceof lib.APIError, name);
    assert.ok(new lib.TimeoutError("x") instanceof lib.APIConnectionError, name);
  }
  // Each entry and build has its own copy of the classes, but instanceof holds across copies.
  assert.notEqual(entries["node.mjs"].BasetenError, entries["chat/node.mjs"].BasetenError);
  const libs = Object.values(entries);
  for (const from of libs) {
    const e = new from.RateLimitError("x", { status: 429 });
    for (const to of libs) {
      assert.ok(e instanceof to.RateLimitError && e instanceof to.APIError && e instanceof to.BasetenError);
      assert.ok(!(e instanceof to.TimeoutError) && !(e instanceof to.ConfigurationError));
    }
  }
});
