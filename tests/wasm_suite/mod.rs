//! Every method of the JS API against the running mock (`BASETEN_MOCK_URL` at build time).

mod support;

mod baseten;
mod batch;
mod faults;
mod openai;
