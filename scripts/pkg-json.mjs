// Prints the package.json of the published package (pkg/), version taken from Cargo.toml.
import { readFileSync } from "node:fs";

const cargo = readFileSync(new URL("../Cargo.toml", import.meta.url), "utf8");
const version = /^version = "(.+)"/m.exec(cargo)[1];

const pkg = {
  name: "baseten-edge",
  version,
  description: "Call Baseten models and OpenAI-compatible servers from browsers, Node, Deno, Bun and edge workers (WebAssembly).",
  license: "MIT OR Apache-2.0",
  type: "module",
  types: "./web/baseten_edge.d.ts",
  exports: {
    ".": {
      types: "./web/baseten_edge.d.ts",
      workerd: "./web/baseten_edge.js",
      deno: "./deno/baseten_edge.js",
      node: { require: "./nodejs/baseten_edge.js", default: "./node.mjs" },
      browser: "./bundler/baseten_edge.js",
      default: "./bundler/baseten_edge.js"
    },
    "./web": { types: "./web/baseten_edge.d.ts", default: "./web/baseten_edge.js" },
    "./node": { types: "./web/baseten_edge.d.ts", require: "./nodejs/baseten_edge.js", default: "./node.mjs" },
    "./wasm": "./web/baseten_edge_bg.wasm",
    "./package.json": "./package.json"
  },
  files: ["web/", "nodejs/", "bundler/", "deno/", "node.mjs", "README.md"],
  sideEffects: ["./bundler/baseten_edge.js", "./bundler/snippets/*"]
};
process.stdout.write(JSON.stringify(pkg, null, 2) + "\n");
