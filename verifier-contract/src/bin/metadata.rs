//! Writes the core contract's metadata JSON (see `metadata_json.rs`).
use ddc_verifier_contract as _;

mod metadata_json;

fn main() -> std::process::ExitCode {
    metadata_json::main()
}
