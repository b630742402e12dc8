//! The wasm API suite, run in headless Chromium by wasm-bindgen-test-runner against the mock
//! server (cross-origin, so CORS is exercised too).
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod wasm_suite;
