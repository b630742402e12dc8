// Types of the self-initialising entries (node.mjs, browser.mjs, workerd.mjs): the module is
// ready on import, so they declare no `init` (use "baseten-edge/web" for that). browser/ holds
// the generated declarations without their init section (scripts/pkg-entries.mjs).
// The generated declarations use `Symbol.dispose`, which TypeScript declares in esnext.disposable.
/// <reference lib="esnext.disposable" />
export * from "./browser/baseten_edge.js";
