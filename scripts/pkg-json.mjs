// Prints the package.json of the published package (pkg/), version taken from Cargo.toml.
//
// `exports` picks a build per runtime (conditions are matched in key order):
//   workerd  (wrangler, Cloudflare Workers)  workerd.mjs: imports the .wasm as a WebAssembly.Module,
//                                             initSync; workerd may not compile wasm from bytes
//   deno                                     deno/: wasm-bindgen's Deno target
//   bun                                      node.mjs
//   node     import                          node.mjs: web build + initSync(readFileSync(.wasm))
//            require                         node.cjs: wasm-bindgen's CommonJS target (nodejs/) with the Node transport
//   default  (bundlers, browsers)            browser.mjs: web glue (browser/) + the .wasm inlined, initSync
// Each branch names its own `types` (CommonJS types for `require`); the type entry files add
// `/// <reference lib="esnext.disposable" />` for the generated `[Symbol.dispose]` members.
// Explicit subpaths: ./web (the web build with its async `init`, for browsers without a
// bundler), ./wasm and ./baseten_edge_bg.wasm (the .wasm file; wrangler's module rules match
// the specifier, so only a name ending in .wasm is loaded as a module there), ./node, ./workerd,
// ./browser, ./deno.
// ./chat is the chat build (the OpenAI-compatible client alone, a much smaller .wasm) with the
// same branches under chat/, less deno's (Deno takes the `node` branch: node.mjs); ./chat/web
// and ./chat/wasm as above.
import { readFileSync } from "node:fs";

const cargo = readFileSync(new URL("../Cargo.toml", import.meta.url), "utf8");
const version = /^version = "(.+)"/m.exec(cargo)[1];

const esm = (file, dir = ".") => ({ types: `${dir}/index.d.ts`, default: `${dir}/${file}` });
const cjs = (dir = ".") => ({ types: `${dir}/nodejs.d.cts`, default: `${dir}/node.cjs` });
const deno = { types: "./deno/baseten_edge.d.ts", default: "./deno/baseten_edge.js" };
const node = (dir = ".") => ({ import: esm("node.mjs", dir), require: cjs(dir) });

const pkg = {
  name: "baseten-edge",
  version,
  description: "Call Baseten models and OpenAI-compatible servers from browsers, Node, Deno, Bun and edge workers (WebAssembly).",
  license: "MIT OR Apache-2.0",
  keywords: ["baseten", "openai", "inference", "llm", "wasm", "cloudflare-workers", "deno", "bun"],
  type: "module",
  main: "./node.cjs",
  module: "./browser.mjs",
  types: "./index.d.ts",
  bin: { "baseten-edge": "cli.mjs" },
  exports: {
    ".": {
      workerd: esm("workerd.mjs"),
      deno,
      bun: esm("node.mjs"),
      node: node(),
      default: esm("browser.mjs")
    },
    "./web": { types: "./web.d.ts", default: "./web/baseten_edge.js" },
    "./wasm": { types: "./wasm.d.ts", default: "./web/baseten_edge_bg.wasm" },
    "./baseten_edge_bg.wasm": { types: "./wasm.d.ts", default: "./web/baseten_edge_bg.wasm" },
    "./node": node(),
    "./workerd": esm("workerd.mjs"),
    "./browser": esm("browser.mjs"),
    "./deno": deno,
    "./chat": {
      workerd: esm("workerd.mjs", "./chat"),
      bun: esm("node.mjs", "./chat"),
      node: node("./chat"),
      default: esm("browser.mjs", "./chat")
    },
    "./chat/web": { types: "./chat/web.d.ts", default: "./chat/web/baseten_edge.js" },
    "./chat/wasm": { types: "./chat/wasm.d.ts", default: "./chat/web/baseten_edge_bg.wasm" },
    "./chat/baseten_edge_bg.wasm": { types: "./chat/wasm.d.ts", default: "./chat/web/baseten_edge_bg.wasm" },
    "./package.json": "./package.json"
  },
  files: [
    "web/", "browser/", "nodejs/", "deno/", "node.mjs", "node.cjs", "node_*.cjs", "h2_*.cjs", "hpack*.cjs", "workerd.mjs", "browser.mjs", "index.d.ts", "web.d.ts",
    "nodejs.d.cts", "wasm.d.ts", "chat/",
    "cli.mjs", "cli-tables.json", "docs/", "README.md", "LICENSE-MIT", "LICENSE-APACHE"
  ],
  engines: { node: ">=18.3" },
  sideEffects: [
    "./node.mjs", "./node.cjs", "./workerd.mjs", "./browser.mjs", "./web/snippets/*", "./browser/snippets/*", "./nodejs/*", "./deno/*",
    "./chat/node.mjs", "./chat/node.cjs", "./chat/workerd.mjs", "./chat/browser.mjs", "./chat/web/snippets/*", "./chat/browser/snippets/*",
    "./chat/nodejs/*"
  ]
};
process.stdout.write(JSON.stringify(pkg, null, 2) + "\n");
