// Node ESM entry (also Bun's): the web build, initialised synchronously from the .wasm next to it.
// `Baseten` picks its transport first (node_transport.cjs): on Node, unless the options say
// `transport: "fetch"` or give a `fetch`, requests go over the package's HTTP/2 client / node:http(s) instead of
// the global fetch; on Bun and Deno (which may load this file too) fetch stays the transport.
import { readFileSync } from "node:fs";
import { initSync, Baseten as WasmBaseten, ConfigurationError } from "./web/baseten_edge.js";
// The snippet's real path (under its crate's hashed directory) is written in by scripts/pkg-entries.mjs.
import { APIPromise } from "./web/snippets/api_promise.js";
import transport from "./node_transport.cjs";
import response from "./node_response.cjs";

initSync({ module: readFileSync(new URL("./web/baseten_edge_bg.wasm", import.meta.url)) });
response.realResponses(APIPromise);

export * from "./web/baseten_edge.js";
/** The client, with the Node transport (see the `transport` option). */
export const Baseten = transport.withNodeTransport(WasmBaseten, ConfigurationError);
