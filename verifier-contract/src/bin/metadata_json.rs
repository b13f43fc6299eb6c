//! The contract metadata (`cargo contract`'s JSON, version 5) from ink!'s own generator and the
//! built wasm: the ABI that drink sessions, polkadot.js and the subxt client read.

use std::io::Write;

extern "Rust" {
    /// Emitted by `#[ink::contract]` in `std` builds.
    fn __ink_generate_metadata() -> ink::metadata::InkProject;
}

pub fn main() -> std::process::ExitCode {
    let Some(wasm_path) = std::env::args().nth(1) else {
        eprintln!("usage: metadata CONTRACT.wasm > CONTRACT.json");
        return std::process::ExitCode::from(2);
    };
    let wasm = match std::fs::read(&wasm_path) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("cannot read {wasm_path}: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let mut hash = [0u8; 32];
    ink::env::hash_bytes::<ink::env::hash::Blake2x256>(&wasm, &mut hash);
    // SAFETY: the symbol is defined by the contract crate linked into this binary.
    let project = unsafe { __ink_generate_metadata() };
    let mut json = serde_json::to_value(project).expect("ink! metadata serialises");
    let object = json.as_object_mut().expect("ink! metadata is an object");
    object.insert(
        "source".into(),
        serde_json::json!({
            "hash": format!("0x{}", hex::encode(hash)),
            "language": "ink! 5.1.1",
            "compiler": "rustc",
            "build_info": { "build_mode": "Release" },
        }),
    );
    object.insert(
        "contract".into(),
        serde_json::json!({
            "name": env!("CARGO_PKG_NAME").replace('-', "_"),
            "version": env!("CARGO_PKG_VERSION"),
            "authors": ["DDC developers"],
        }),
    );
    let out = serde_json::to_string_pretty(&json).expect("JSON");
    std::io::stdout().write_all(out.as_bytes()).expect("stdout");
    std::process::ExitCode::SUCCESS
}
