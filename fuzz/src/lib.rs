//! Fuzz targets: each `run` takes arbitrary bytes and panics only on a bug, either a panic in the
//! code under test or a broken property that the target checks. `fuzz_targets/` wraps them for
//! libFuzzer (`cargo fuzz run`, nightly). `tests/` replays the committed corpus and random inputs
//! on stable, and CI runs that. Figures and commands: `docs/reliability.md`.

pub mod contract_calls;
pub mod groth16_decode;
pub mod receipts;
pub mod replica_recovery;
pub mod signed_request;
pub mod storage_records;

/// The fuzz targets by name, as `fuzz_targets/` and `corpus/` name them.
pub const TARGETS: &[(&str, fn(&[u8]))] = &[
    ("groth16_decode", groth16_decode::run),
    ("contract_calls", contract_calls::run),
    ("signed_request", signed_request::run),
    ("storage_records", storage_records::run),
    ("receipts", receipts::run),
    ("replica_recovery", replica_recovery::run),
];

/// Splits `data` at `sep` into at most `n` fields (the last one keeps the rest).
pub(crate) fn fields(data: &[u8], sep: u8, n: usize) -> Vec<&[u8]> {
    data.splitn(n, |b| *b == sep).collect()
}
