#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| ddc_fuzz::storage_records::run(data));
