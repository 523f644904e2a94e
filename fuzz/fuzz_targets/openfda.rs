#![no_main]
//! Fuzz target: see `causa::robustness::openfda_file`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| causa::robustness::openfda_file(data));
