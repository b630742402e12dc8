//! The wasm API suite, run in Node by wasm-bindgen-test-runner against the mock server.
#![cfg(target_arch = "wasm32")]

mod wasm_suite;
