#![no_main]
//! Fuzz target: see `causa::robustness::rule_file`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| causa::robustness::rule_file(data));
