// The shipped types: `tsc --noEmit --strict` on usage.ts (every public call) against the packed
// tarball installed in a throwaway project, under each way TypeScript resolves the package:
// moduleResolution bundler (the `default` types, DOM lib), nodenext as an ES module and as
// CommonJS (Node's types, no DOM lib), plus the ./web and ./wasm subpaths, and `deno check`.
// optional-arguments.ts: calls with options left out, and create() results that must not be `any`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, ROOT, TEST_DIR, copyTree, makeProject, run } from "./lib/harness.mjs";

let p;
before(async () => {
  p = await makeProject("types", { tools: ["@types/node"] });
  for (const f of ["usage.ts", "usage-web.ts", "optional-arguments.ts"]) copyFileSync(join(TEST_DIR, f), p.path(f));
  copyFileSync(join(TEST_DIR, "usage.ts"), p.path("usage.cts"));
}, { timeout: 120_000 });
after(() => p?.cleanup(), { timeout: 30_000 });

const base = { strict: true, noEmit: true, target: "es2022", skipLibCheck: false, exactOptionalPropertyTypes: false };
const configs = {
  bundler: { ...base, module: "esnext", moduleResolution: "bundler", lib: ["es2022", "dom", "dom.iterable"], types: [] },
  nodenext: { ...base, module: "nodenext", moduleResolution: "nodenext", lib: ["es2022"], types: ["node"] },
};

async function tsc(name, config, files) {
  const file = `tsconfig.${name}.json`;
  writeFileSync(p.path(file), JSON.stringify({ compilerOptions: config, files }, null, 2));
  return run(process.execPath, [join(TEST_DIR, "node_modules/typescript/bin/tsc"), "-p", file], { cwd: p.dir, timeout: 90_000 });
}

function clean(res, what) {
  assert.equal(res.code, 0, `${what}:\n${res.stdout}${res.stderr}`);
}

test("moduleResolution bundler (browsers, DOM lib): usage.ts, ./web and ./wasm", { timeout: 120_000 }, async () => {
  clean(await tsc("bundler", configs.bundler, ["usage.ts", "usage-web.ts"]), "tsc (bundler)");
});

test("moduleResolution nodenext, ES module (Node types, no DOM lib)", { timeout: 120_000 }, async () => {
  clean(await tsc("esm", configs.nodenext, ["usage.ts"]), "tsc (nodenext ESM)");
});

test("moduleResolution nodenext, CommonJS (.cts: the require types)", { timeout: 120_000 }, async () => {
  clean(await tsc("cjs", configs.nodenext, ["usage.cts"]), "tsc (nodenext CJS)");
});

// The proxy Worker's JavaScript, checked (examples/worker/tsconfig.json: checkJs) against the
// packed package's types, as a user who copies the example gets them.
test("tsc on examples/worker (checkJs against the package's types)", { timeout: 120_000 }, async () => {
  const dir = p.path("worker");
  copyTree(join(ROOT, "examples/worker"), dir);
  const res = await run(process.execPath, [join(TEST_DIR, "node_modules/typescript/bin/tsc"), "-p", dir], { cwd: p.dir, timeout: 90_000 });
  clean(res, "tsc -p examples/worker");
});

test("deno check usage.ts (the deno types)", { timeout: 120_000 }, async () => {
  const env = { DENO_DIR: p.path(".deno"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
  const res = await run(join(BIN, "deno"), ["check", "usage.ts"], { cwd: p.dir, env, timeout: 90_000 });
  clean(res, "deno check");
});

// Options may be left out, and create() results are precisely typed (optional-arguments.ts).
test(
  "optional `options` arguments and precisely typed create() results",
  { timeout: 120_000 },
  async () => {
    const res = await tsc("known", configs.bundler, ["optional-arguments.ts"]);
    const errors = res.stdout.split("\n").filter((l) => l.includes("error TS"));
    if (res.code !== 0) throw new Error(`${errors.length} type errors, e.g.\n${errors.slice(0, 3).join("\n")}`);
  },
);
