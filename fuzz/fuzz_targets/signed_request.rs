#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| ddc_fuzz::signed_request::run(data));
