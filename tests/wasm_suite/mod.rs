//! Every method of the JS API against the running mock (`BASETEN_MOCK_URL` at build time).

mod boundary;
mod support;

// The Baseten-native and batch calls exist in the full build only; the OpenAI-compatible suite
// runs against both builds.
#[cfg(feature = "full")]
mod baseten;
#[cfg(feature = "full")]
mod batch;
#[cfg(feature = "full")]
mod faults;
mod openai;
mod responses;
