//! The fuzz targets on stable, as CI runs them: every committed corpus input, then mutations of
//! them and random inputs from a fixed seed. `cargo fuzz run` (nightly, `docs/reliability.md`)
//! runs the same targets for millions of inputs.

mod findings;
mod seeds;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use std::path::PathBuf;

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus").join(target);
    let mut inputs: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (the corpus is kept in the repository)", dir.display()))
        .map(|entry| std::fs::read(entry.unwrap().path()).unwrap())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "{} is empty", dir.display());
    inputs
}

/// A libFuzzer-like mutation: bit flips, byte changes, cuts, insertions and splices.
fn mutate(rng: &mut ChaCha20Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..rng.gen_range(1..=4) {
        let at = if out.is_empty() { 0 } else { rng.gen_range(0..out.len()) };
        match rng.gen_range(0..5) {
            0 if !out.is_empty() => out[at] ^= 1 << rng.gen_range(0..8),
            1 if !out.is_empty() => out[at] = rng.gen(),
            2 => out.truncate(at),
            3 => out.insert(at, rng.gen()),
            _ => {
                let from = rng.gen_range(0..=other.len());
                out.splice(at..at, other[from..].iter().take(rng.gen_range(0..64)).copied());
            }
        }
    }
    out
}

/// Runs `target` on its corpus, then on `n` mutated and random inputs.
fn smoke(name: &str, n: usize) {
    let (_, target) = ddc_fuzz::TARGETS.iter().find(|(t, _)| *t == name).expect("a target");
    let inputs = corpus(name);
    for input in &inputs {
        target(input);
    }
    let mut rng = ChaCha20Rng::seed_from_u64(0xdd_c0_f0_22);
    for i in 0..n {
        let input = if i % 8 == 7 {
            (0..rng.gen_range(0..256)).map(|_| rng.gen()).collect()
        } else {
            let a = &inputs[rng.gen_range(0..inputs.len())];
            let b = &inputs[rng.gen_range(0..inputs.len())];
            mutate(&mut rng, a, b)
        };
        target(&input);
    }
}

#[test]
fn groth16_decode() {
    smoke("groth16_decode", 20_000);
}

#[test]
fn contract_calls() {
    smoke("contract_calls", 20_000);
}

#[test]
fn signed_request() {
    smoke("signed_request", 5_000);
}

#[test]
fn storage_records() {
    smoke("storage_records", 20_000);
}

#[test]
fn receipts() {
    smoke("receipts", 5_000);
}

#[test]
fn replica_recovery() {
    smoke("replica_recovery", 1_000);
}

#[test]
fn every_target_has_a_test_and_a_libfuzzer_binary() {
    let tests = include_str!("main.rs");
    let manifest = include_str!("../Cargo.toml");
    for (name, _) in ddc_fuzz::TARGETS {
        assert!(tests.contains(&format!("smoke(\"{name}\"")), "{name} has no smoke test");
        assert!(manifest.contains(&format!("path = \"fuzz_targets/{name}.rs\"")), "{name} has no fuzz binary");
    }
}
