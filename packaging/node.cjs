// Node CommonJS entry (`require`): wasm-bindgen's nodejs build, with `Baseten` picking its
// transport first as in node.mjs (node_transport.cjs): our HTTP/2 client / node:http(s) on Node unless
// the options say `transport: "fetch"` or give a `fetch`.
"use strict";
const lib = require("./nodejs/baseten_edge.js");
// The snippet's real path (under its crate's hashed directory) is written in by scripts/pkg-entries.mjs.
const { APIPromise } = require("./nodejs/snippets/api_promise.js");
const { withNodeTransport } = require("./node_transport.cjs");
const { realResponses } = require("./node_response.cjs");

realResponses(APIPromise);
module.exports = { ...lib, Baseten: withNodeTransport(lib.Baseten, lib.ConfigurationError) };
