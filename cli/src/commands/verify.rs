//! `ddc verify`: check a proof file against pinned keys (and optionally the file itself).

use super::proof_file::{fr_hex, ProofFile};
use anyhow::Context;
use ddc_circuits::merkle::MemTree;
use ddc_circuits::storage::keys::load_vk;
use ddc_primitives::groth16::{decode_proof, decode_vk, verify};
use ddc_prover::chunks::FileChunks;
use ddc_prover::ingest::ingest_file;
use std::path::Path;
use std::process::ExitCode;

pub fn run(proof_path: &Path, keys: &Path, file: Option<&Path>) -> anyhow::Result<ExitCode> {
    let pf: ProofFile = serde_json::from_slice(
        &std::fs::read(proof_path).with_context(|| format!("reading {}", proof_path.display()))?,
    )
    .with_context(|| format!("{} is not a proof file", proof_path.display()))?;
    let params = pf.params.checked()?;
    let (vk_bytes, manifest) =
        load_vk(keys, &params).with_context(|| format!("loading keys from {}", keys.display()))?;
    anyhow::ensure!(
        manifest.vk_sha256 == pf.vk_sha256,
        "the proof was made for verifying key {}, the keys in {} are {}",
        pf.vk_sha256,
        keys.display(),
        manifest.vk_sha256
    );
    if manifest.insecure {
        eprintln!("WARNING: verifying against INSECURE development keys.");
    }
    let pvk = decode_vk(&vk_bytes)?;
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
