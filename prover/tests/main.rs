//! The integration tests of this crate, one module per file, built as one test binary: each
//! binary links the whole workspace, so one per file multiplied the test build.

mod common;

mod encryption;
mod load;
mod node;
mod storage;
