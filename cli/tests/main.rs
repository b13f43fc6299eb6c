//! The integration tests of this crate, one module per file, built as one test binary: each
//! binary links the whole workspace, so one per file multiplied the test build.

#[path = "../../tools/node/node_tools.rs"]
mod node_tools;

#[path = "../../prover/tests/common/mod.rs"]
mod common;

mod cli;
mod crash_campaign;
mod devnet_process;
mod load_run;
mod node_process;
