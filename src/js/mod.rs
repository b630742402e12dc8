//! The wasm-bindgen exports: the only JS-facing API. Each file holds one part of it. Without the
//! `full` feature only the OpenAI-compatible client is built (the chat build).

pub mod api_promise;
#[cfg(feature = "full")]
mod batch;
#[cfg(feature = "full")]
pub mod byte_stream;
mod call;
pub mod client;
mod errors;
pub mod event_reader;
#[cfg(feature = "full")]
mod native;
pub mod openai;
mod options;
#[cfg(feature = "full")]
pub mod proxy_token;
pub mod responses;
#[cfg(feature = "full")]
mod serial;
pub mod streams;
mod types;
#[cfg(feature = "full")]
pub mod webhook;
#[cfg(feature = "full")]
mod websocket;
