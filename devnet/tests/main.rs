//! The integration tests of this crate, one module per file, built as one test binary: each
//! binary links the whole workspace, so one per file multiplied the test build.

mod common;
#[path = "../../tools/node/node_tools.rs"]
mod node_tools;

mod detection;
mod disputes;
mod epochs;
mod sim;
mod webapp;
