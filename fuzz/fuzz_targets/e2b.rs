#![no_main]
//! Fuzz target: see `causa::robustness::e2b_file`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| causa::robustness::e2b_file(data));
