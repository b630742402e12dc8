//! The wasm-bindgen exports: the only JS-facing API. Each file holds one part of it.

pub mod byte_stream;
mod call;
pub mod client;
mod errors;
mod helpers;
mod options;
mod serial;
mod types;
