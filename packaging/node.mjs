// Node ESM entry (also Bun's): the web build, initialised synchronously from the .wasm next to it.
import { readFileSync } from "node:fs";
import { initSync } from "./web/baseten_edge.js";

initSync({ module: readFileSync(new URL("./web/baseten_edge_bg.wasm", import.meta.url)) });

export * from "./web/baseten_edge.js";
