//! The integration tests of this crate, one module per file, built as one test binary: each
//! binary links the whole workspace, so one per file multiplied the test build.

mod common;
mod sandbox;

mod abi;
mod drink;
mod omission_props;
mod rules;
