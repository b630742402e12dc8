//! The wasm-bindgen exports: the only JS-facing API. Each file holds one part of it.

mod batch;
pub mod byte_stream;
mod call;
mod chat_stream_js;
pub mod client;
mod errors;
pub mod event_stream;
mod helpers;
pub mod openai;
mod options;
mod serial;
mod types;
pub mod webhook;
