//! Shared fixtures of the DDC benchmarks; the benchmarks themselves are in `benches/` and
//! `README.md` says what each measures. Every benchmark prints `RESULT ...` summary lines
//! (medians) next to criterion's own report.

pub mod baseline;
pub mod fixtures;
pub mod measure;
pub mod msm;
pub mod tamper;
