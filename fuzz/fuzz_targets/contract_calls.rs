#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| ddc_fuzz::contract_calls::run(data));
