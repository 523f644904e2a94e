#![no_main]
//! Fuzz target: see `causa::robustness::case_file`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| causa::robustness::case_file(data));
