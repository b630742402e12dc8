//! The declarations of `streams.js`: what makes a Rust-backed object with `next()`/`return()`
//! an async iterable with `toReadableStream()` (pull-based backpressure), used by byte streams.

use wasm_bindgen::prelude::*;

// Built in the chat build too, where nothing calls these: `chat_stream.js` imports
// `streams.js`, which wasm-bindgen ships only because this block names it.
#[wasm_bindgen(module = "/src/js/streams.js")]
extern "C" {
    /// Gives `o`'s class a `[Symbol.asyncIterator]` returning `this` and a
    /// `toReadableStream()` pulling from `next()` with backpressure (once per class).
    #[wasm_bindgen(js_name = makeAsyncIterable)]
    pub fn make_async_iterable(o: JsValue) -> JsValue;
    /// `{ value, done }` in one crossing.
    #[wasm_bindgen(js_name = iterResult)]
    pub fn iter_result(value: &JsValue, done: bool) -> JsValue;
}
