//! Writes the Groth16 verifier contract's metadata JSON (shared generator of the core contract).
use ddc_groth16_verifier as _;

#[path = "../../../src/bin/metadata_json.rs"]
mod metadata_json;

fn main() -> std::process::ExitCode {
    metadata_json::main()
}
