// Node CommonJS entry (`require`): wasm-bindgen's nodejs build, with `Baseten` picking its
// transport first as in node.mjs (node_transport.cjs): node:http2 / node:http(s) on Node unless
// the options say `transport: "fetch"` or give a `fetch`.
"use strict";
const lib = require("./nodejs/baseten_edge.js");
const { withNodeTransport } = require("./node_transport.cjs");

module.exports = { ...lib, Baseten: withNodeTransport(lib.Baseten) };
