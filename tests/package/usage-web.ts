// "baseten-edge/web" (async init, initSync) and "baseten-edge/wasm" (a WebAssembly.Module, as
// workerd imports it), type-checked by types.test.mjs.
import init, { initSync, Baseten, type InitOutput } from "baseten-edge/web";
import wasm from "baseten-edge/wasm";

export async function start(): Promise<Baseten> {
  const module: WebAssembly.Module = wasm;
  const sync: InitOutput = initSync({ module });
  const output: InitOutput = await init();
  await init({ module_or_path: new URL("https://example.com/baseten_edge_bg.wasm") });
  void sync;
  void output;
  return new Baseten({ baseUrl: "https://proxy.example.com" });
}
