//! The few lines of JavaScript that make a Rust-backed object with `next()`/`return()` an async
//! iterable with `toReadableStream()` (pull-based backpressure), used by byte streams. No
//! `eval`, so strict CSPs and workerd accept them.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export function makeAsyncIterable(o) {
  const p = Object.getPrototypeOf(o);
  if (!Object.prototype.hasOwnProperty.call(p, Symbol.asyncIterator)) {
    Object.defineProperty(p, Symbol.asyncIterator, { value() { return this; }, configurable: true });
    Object.defineProperty(p, "toReadableStream", { value() { return toReadableStream(this); }, configurable: true });
  }
  return o;
}
function toReadableStream(it) {
  return new ReadableStream({
    async pull(controller) {
      const r = await it.next();
      if (r.done) controller.close(); else controller.enqueue(r.value);
    },
    cancel() { return it.return(); },
  }, { highWaterMark: 0 });
}
export function iterResult(value, done) { return { value, done }; }
"#)]
extern "C" {
    /// Gives `o`'s class a `[Symbol.asyncIterator]` returning `this` and a
    /// `toReadableStream()` pulling from `next()` with backpressure (once per class).
    #[wasm_bindgen(js_name = makeAsyncIterable)]
    pub fn make_async_iterable(o: JsValue) -> JsValue;
    /// `{ value, done }` in one crossing.
    #[wasm_bindgen(js_name = iterResult)]
    pub fn iter_result(value: &JsValue, done: bool) -> JsValue;
}
