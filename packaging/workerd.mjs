// Cloudflare Workers (workerd) entry, picked by the `workerd` export condition (wrangler sets it).
// Workers may not compile WebAssembly from bytes at run time: the .wasm is imported as a module
// (wrangler's default rule for *.wasm gives a WebAssembly.Module) and instantiated synchronously.
import wasm from "./web/baseten_edge_bg.wasm";
import { initSync } from "./web/baseten_edge.js";

initSync({ module: wasm });

export * from "./web/baseten_edge.js";
