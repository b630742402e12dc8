//! Sans-IO building blocks shared by every transport. Nothing here touches the network or JS.

pub mod async_predict;
pub mod auth;
pub mod chat_stream;
pub mod classify;
pub mod error;
pub mod json;
pub mod sse;
pub mod url;
