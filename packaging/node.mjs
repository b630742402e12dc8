// Node ESM entry (also Bun's): the web build, initialised synchronously from the .wasm next to it.
// `Baseten` picks its transport first (node_transport.cjs): on Node, unless the options say
// `transport: "fetch"` or give a `fetch`, requests go over node:http2 / node:http(s) instead of
// the global fetch; on Bun and Deno (which may load this file too) fetch stays the default.
import { readFileSync } from "node:fs";
import { initSync, Baseten as WasmBaseten } from "./web/baseten_edge.js";
import transport from "./node_transport.cjs";

initSync({ module: readFileSync(new URL("./web/baseten_edge_bg.wasm", import.meta.url)) });

export * from "./web/baseten_edge.js";
/** The client, with the Node transport (see the `transport` option). */
export const Baseten = transport.withNodeTransport(WasmBaseten);
