//! baseten-edge: call models deployed on Baseten, and any OpenAI-compatible server, from every
//! JavaScript runtime through WebAssembly.
//!
//! * [`core`] is sans-IO: URL rules, auth, errors, response classification, the SSE decoder.
//!   Its only dependencies are RustCrypto's `hmac` and `sha2` (and the small crates under them),
//!   for the webhook check (full build only). It is tested on the host with `cargo test`.
//! * `web` (wasm32 only) is the thin transport over the global `fetch`.
//! * `js` (wasm32 only) holds the wasm-bindgen exports: the only JS-facing API.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod js;
#[cfg(target_arch = "wasm32")]
pub mod web;
