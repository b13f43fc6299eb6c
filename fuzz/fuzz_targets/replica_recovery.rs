#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| ddc_fuzz::replica_recovery::run(data));
