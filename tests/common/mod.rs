//! Helpers shared by the host tests (each `tests/*.rs` is a crate of its own and takes them
//! with `mod common;`). The fuzz crate includes the same files by path (fuzz/src/lib.rs).

pub mod feed;
pub mod rng;
