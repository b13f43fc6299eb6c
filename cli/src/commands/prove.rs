//! `ddc prove-file`: commit a file, derive the challenges of a seed, prove.

use super::proof_file::{fr_hex, ProofFile};
use crate::progress::{bytes, spinner};
use crate::ShapeArgs;
use anyhow::Context;
use ddc_circuits::storage::compound::encode_proof;
use ddc_circuits::storage::keys::load_prover;
use ddc_circuits::storage::vanilla;
use ddc_primitives::challenge::epoch_seed_field;
use ddc_primitives::groth16::PublicInputs;
use ddc_prover::chunks::FileChunks;
use ddc_prover::ingest::ingest_file;
use ddc_prover::tree::open_tree;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

pub fn run(file: &Path, keys: &Path, seed_hex: &str, out: &Path, shape: ShapeArgs) -> anyhow::Result<ExitCode> {
    let params = shape.params()?;
    let seed_bytes: [u8; 32] = hex::decode(seed_hex.trim_start_matches("0x"))
        .context("--seed is not hex")?
        .try_into()
        .map_err(|v: Vec<u8>| anyhow::anyhow!("--seed must be 32 bytes of hex, got {} bytes", v.len()))?;
    let seed = epoch_seed_field(&seed_bytes);

    let chunks = FileChunks::open(file, params.chunk_bytes).with_context(|| format!("opening {}", file.display()))?;
    anyhow::ensure!(chunks.chunk_count() > 0, "{} is empty: there is nothing to prove", file.display());
    anyhow::ensure!(
        chunks.chunk_count() <= params.shape().capacity(),
        "{} has {} chunks, more than a depth-{} tree holds",
        file.display(),
        chunks.chunk_count(),
        params.depth
    );

    let bar = spinner("loading proving key");
    let (prover, manifest) =
        load_prover(keys, &params).with_context(|| format!("loading keys from {}", keys.display()))?;
    bar.finish_and_clear();
    if manifest.insecure {
        eprintln!("WARNING: proving with INSECURE development keys ({}).", manifest.pk_file);
    }

    let tree_dir = tempfile::tempdir().context("creating a temporary tree directory")?;
    let mut tree = open_tree(tree_dir.path(), params.shape())?;
    let bar = bytes(chunks.len_bytes(), "committing");
    let started = Instant::now();
    ingest_file(&mut tree, &chunks, |n| bar.set_position(n))?;
    bar.finish_and_clear();
    let snapshot = tree.snapshot(tree.len())?;
    eprintln!("committed {} chunks in {:.2?}: root {}", snapshot.count(), started.elapsed(), fr_hex(&snapshot.root()));

    let bar = spinner(&format!("proving {} challenges", params.challenges));
    let started = Instant::now();
    let opened = vanilla::prove(&params, &snapshot, &chunks, seed)?;
    let public = PublicInputs { root: snapshot.root(), chunk_count: snapshot.count(), seed };
    let proof = prover.prove(&public, &opened, &mut rand::rngs::OsRng)?;
    bar.finish_and_clear();
    eprintln!("proved in {:.2?}", started.elapsed());

    let file_out = ProofFile {
        params,
        root: fr_hex(&public.root),
        chunk_count: public.chunk_count,
        seed: fr_hex(&seed),
        proof: hex::encode(encode_proof(&proof)),
        vk_sha256: manifest.vk_sha256,
        insecure_keys: manifest.insecure,
    };
    ddc_primitives::fs::write_atomic(out, &serde_json::to_vec_pretty(&file_out)?)
        .with_context(|| format!("writing {}", out.display()))?;
    println!("wrote {} (128-byte proof{})", out.display(), if manifest.insecure { ", INSECURE keys" } else { "" });
    Ok(ExitCode::SUCCESS)
}
