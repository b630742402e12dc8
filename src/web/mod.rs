//! The thin transport over the global `fetch`: request sending, abort and timers, body reading.
//! Nothing here knows about Baseten routes or error shapes; that lives in `crate::core`.

pub mod abort;
pub mod body;
pub mod codes;
pub mod fetch;
pub mod glue;
pub mod stream;
pub mod timer;
