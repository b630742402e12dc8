// Types of `require("baseten-edge")` (the CommonJS build).
/// <reference lib="esnext.disposable" />
export * from "./nodejs/baseten_edge.js";
