// Types of "baseten-edge/web": the web build, with its async `init` (default export) and `initSync`.
/// <reference lib="esnext.disposable" />
export * from "./web/baseten_edge.js";
export { default } from "./web/baseten_edge.js";
