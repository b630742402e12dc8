#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| baseten_edge_fuzz::check_responses(data));
