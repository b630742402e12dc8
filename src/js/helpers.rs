//! `makeError`: a JS `Error` with its `name` and properties set in one crossing. No `eval`, so
//! strict CSPs and workerd accept it.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export function makeError(name, message, props) {
  const e = new Error(message);
  e.name = name;
  Object.assign(e, props);
  return e;
}
"#)]
extern "C" {
    /// `new Error(message)` with `name` set and `props` copied on.
    #[wasm_bindgen(js_name = makeError)]
    pub fn make_error(name: &str, message: &str, props: &js_sys::Object) -> JsValue;
}
