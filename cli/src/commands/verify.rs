//! `ddc verify`: check a proof file against pinned keys (and optionally the file itself).

use super::proof_file::{fr_hex, load, Loaded};
use anyhow::Context;
use ddc_circuits::merkle::MemTree;
use ddc_primitives::groth16::{decode_proof, verify};
use ddc_prover::chunks::FileChunks;
use ddc_prover::ingest::ingest_file;
use std::path::Path;
use std::process::ExitCode;

pub fn run(proof_path: &Path, keys: &Path, file: Option<&Path>) -> anyhow::Result<ExitCode> {
    let Loaded { file: pf, params, manifest, pvk } = load(proof_path, keys)?;
    if manifest.insecure {
        eprintln!("WARNING: verifying against INSECURE development keys.");
    }
    let public = pf.public_inputs()?;
    let proof = decode_proof(&hex::decode(&pf.proof).context("proof is not hex")?)?;

    if let Some(file) = file {
        let chunks =
            FileChunks::open(file, params.chunk_bytes).with_context(|| format!("opening {}", file.display()))?;
        let mut tree = MemTree::new(params.shape());
        ingest_file(&mut tree, &chunks, |_| {})?;
        let root = tree.root()?;
        if root != public.root || tree.len() != public.chunk_count {
            println!(
                "INVALID: {} commits to root {} over {} chunks, not the proof's",
                file.display(),
                fr_hex(&root),
                tree.len()
            );
            return Ok(ExitCode::FAILURE);
        }
    }
    if verify(&pvk, &public, &proof) {
        println!("VALID: storage of {} chunks under root {} proven for seed {}", public.chunk_count, pf.root, pf.seed);
        Ok(ExitCode::SUCCESS)
    } else {
        println!("INVALID: the proof does not verify");
        Ok(ExitCode::FAILURE)
    }
}
