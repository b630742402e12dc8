// "baseten-edge/wasm": the compiled module, as workerd and wrangler import a .wasm file.
declare const module: WebAssembly.Module;
export default module;
