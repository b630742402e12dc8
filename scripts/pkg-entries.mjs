// Finishes pkg/ and pkg/chat/ (the chat build, laid out alike) after wasm-bindgen (run by
// scripts/build.sh): one shared .wasm per build, and the generated entry for bundlers and browsers, browser.mjs: the web build with its .wasm inlined as base64
// and instantiated synchronously on import. Inlining makes `import { Baseten } from "baseten-edge"` work in every
// bundler (Vite, esbuild, webpack, Rollup, Parcel) with no plugin, no asset to copy and no
// top-level await.
//
// browser.mjs imports a copy of the web glue (pkg/browser/) whose async `init` has no default
// `new URL("baseten_edge_bg.wasm", import.meta.url)`: bundlers would otherwise copy the .wasm
// into the output too, where nothing loads it. Its declarations (without the init section) are
// the API types of every self-initialising entry (packaging/index.d.ts). The hand-written entries
// live in packaging/.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const root = new URL("../pkg/", import.meta.url);

/** Replaces exactly one occurrence of `from` in a file of `dir`, or fails the build. */
function patch(dir, file, from, to) {
  const url = new URL(file, dir);
  const text = readFileSync(url, "utf8");
  if (text.split(from).length !== 2) throw new Error(`pkg-entries: ${file} no longer contains exactly one \`${from}\``);
  writeFileSync(url, text.replace(from, to));
}

/**
 * What the package exports from its JS snippets besides the wasm exports: the error classes
 * (every export of gen/errors.js but makeError), the request-id rule of call.js and the
 * WebSocket close error (full build).
 */
const SNIPPET_EXPORTS = [
  { file: "src/js/gen/errors.js", names: (all) => all.filter((n) => n !== "makeError") },
  { file: "src/web/call.js", names: () => ["requestIdOf"] },
  // The full build's only (the chat build has no sockets, so no such snippet).
  { file: "src/js/websocket.js", names: () => ["WebSocketCloseError", "proxyTokenFromProtocols"], fullOnly: true },
];

/**
 * Finishes a wasm-bindgen glue file: each snippet module imported once (wasm-bindgen writes one
 * `import * as importN` or `const importN = require(...)` per function the wasm imports
 * directly, all of the same module, and as many duplicate keys in the imports object, which
 * wrangler and esbuild warn about), and the SNIPPET_EXPORTS exported beside the wasm exports.
 */
async function finishGlue(pkg, file, exports) {
  const url = new URL(file, pkg);
  let text = readFileSync(url, "utf8");
  const cjs = text.includes("require(");
  const star = cjs
    ? /^const (import\d+) = require\((["'`])(\.\/snippets\/[^"'`]+)\2\);?\n/gm
    : /^import \* as (import\d+) from (["'])(\.\/snippets\/[^"']+)\2;?\n/gm;
  const kept = new Map();
  const dropped = [];
  text = text.replace(star, (line, id, _q, path) => {
    if (!kept.has(path)) {
      kept.set(path, id);
      return line;
    }
    dropped.push([id, kept.get(path)]);
    return "";
  });
  for (const [id, keep] of dropped) {
    const key = new RegExp(`^\\s*"[^"]+": ${id},\\n`, "m");
    if (!key.test(text)) throw new Error(`pkg-entries: ${file}: no imports-object key for ${id}`);
    text = text.replace(key, "");
    if (new RegExp(`\\b${id}\\b`).test(text)) throw new Error(`pkg-entries: ${file}: ${id} (a copy of ${keep}) is still used`);
  }
  exports.forEach(({ path, names }, i) => {
    const spec = `./snippets/${path}`;
    if (!text.includes(spec)) throw new Error(`pkg-entries: ${file} does not import ${spec}`);
    text += cjs
      ? `\nconst __snippet${i} = require(\`${spec}\`);\n${names.map((n) => `exports.${n} = __snippet${i}.${n};`).join("\n")}\n`
      : `\nexport { ${names.join(", ")} } from '${spec}';\n`;
  });
  writeFileSync(url, text);
}

/** Finishes one build's directory (pkg/, and pkg/chat/ for the chat build, laid out alike). */
async function finish(pkg, name, targets) {
  const crates = readdirSync(new URL("web/snippets/", pkg));
  if (crates.length !== 1) throw new Error("pkg-entries: expected one snippets directory");
  const exports = [];
  for (const { file, names, fullOnly } of SNIPPET_EXPORTS) {
    if (fullOnly && name !== "baseten-edge") continue;
    const path = `${crates[0]}/${file}`;
    const all = Object.keys(await import(new URL(`web/snippets/${path}`, pkg).href));
    const chosen = names(all);
    for (const n of chosen) if (!all.includes(n)) throw new Error(`pkg-entries: ${file} exports no ${n}`);
    exports.push({ path, names: chosen });
  }
  for (const target of ["web", ...targets]) await finishGlue(pkg, `${target}/baseten_edge.js`, exports);
  // The Node entries make APIPromise hand out WHATWG Responses for the Node transport's lighter
  // ones (node_response.cjs): they import its snippet, whose directory is named by a hash.
  patch(pkg, "node.mjs", "./web/snippets/api_promise.js", `./web/snippets/${crates[0]}/src/js/api_promise.js`);
  patch(pkg, "node.cjs", "./nodejs/snippets/api_promise.js", `./nodejs/snippets/${crates[0]}/src/js/api_promise.js`);

  // One .wasm per build: the CommonJS and Deno builds load web/'s (the module is the same for
  // every target), which keeps the tarball about 200 KB smaller.
  patch(pkg, "nodejs/baseten_edge.js", "const wasmPath = `${__dirname}/baseten_edge_bg.wasm`;", "const wasmPath = `${__dirname}/../web/baseten_edge_bg.wasm`;");
  if (targets.includes("deno")) {
    patch(pkg, "deno/baseten_edge.js", "new URL('baseten_edge_bg.wasm', import.meta.url)", "new URL('../web/baseten_edge_bg.wasm', import.meta.url)");
  }
  for (const target of targets) rmSync(new URL(`${target}/baseten_edge_bg.wasm`, pkg));
  const web = new URL("web/", pkg);
  const out = new URL("browser/", pkg);

  rmSync(out, { recursive: true, force: true });
  mkdirSync(out);
  cpSync(new URL("snippets/", web), new URL("snippets/", out), { recursive: true });

  // The declarations without the init section (InitInput, InitOutput, initSync, init): the
  // self-initialising entries (index.d.ts) do not need it, and its DOM-only names (RequestInfo,
  // BufferSource, WebAssembly) would not compile for Node users without the DOM lib.
  const dts = readFileSync(new URL("baseten_edge.d.ts", web), "utf8");
  const initSection = dts.indexOf("export type InitInput");
  if (initSection < 0) throw new Error("pkg-entries: no `export type InitInput` in the web declarations");
  writeFileSync(new URL("baseten_edge.d.ts", out), dts.slice(0, initSection).trimEnd() + "\n");

  cpSync(new URL("baseten_edge.js", web), new URL("baseten_edge.js", out));
  patch(
    pkg,
    "browser/baseten_edge.js",
    "module_or_path = new URL('baseten_edge_bg.wasm', import.meta.url);",
    `throw new Error("${name}/browser is initialised on import; for init() use ${name}/web");`,
  );

  const wasm = readFileSync(new URL("baseten_edge_bg.wasm", web));
  const browser = `// Generated by scripts/pkg-entries.mjs. Bundlers and browsers: the web build with its .wasm
// inlined (base64) and instantiated synchronously, so the exports are ready on import.
import { initSync } from "./browser/baseten_edge.js";

const WASM_BASE64 = "${wasm.toString("base64")}";

function decode(text) {
  if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(text);
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

initSync({ module: decode(WASM_BASE64) });

export * from "./browser/baseten_edge.js";
`;
  writeFileSync(new URL("browser.mjs", pkg), browser);
}

await finish(root, "baseten-edge", ["nodejs", "deno"]);
await finish(new URL("chat/", root), "baseten-edge/chat", ["nodejs"]);
