//! Sans-IO building blocks shared by every transport. Nothing here touches the network or JS.

pub mod accumulator;
#[cfg(feature = "full")]
pub mod async_predict;
pub mod auth;
#[cfg(feature = "full")]
pub mod batch;
pub mod chat_stream;
pub mod error;
pub mod error_response;
pub mod json;
pub mod options;
pub mod response_accumulator;
pub mod responses;
pub mod retry;
pub mod sse;
pub mod time;
pub mod url;
#[cfg(feature = "full")]
pub mod webhook;
