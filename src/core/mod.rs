//! Sans-IO building blocks shared by every transport. Nothing here touches the network or JS.

pub mod async_predict;
pub mod auth;
pub mod batch;
pub mod chat_stream;
pub mod classify;
pub mod error;
pub mod json;
pub mod retry;
pub mod sha256;
pub mod sse;
pub mod time;
pub mod url;
pub mod webhook;
