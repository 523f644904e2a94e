#![no_main]
//! Fuzz target: see `causa::robustness::time_text`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| causa::robustness::time_text(data));
