//! The JSON proof file exchanged by `prove-file` and `verify`.

use anyhow::Context;
use ddc_circuits::storage::keys::{load_vk, Manifest};
use ddc_circuits::storage::StorageParams;
use ddc_primitives::encoding::{fr_from_bytes, fr_to_bytes};
use ddc_primitives::groth16::{decode_vk, Bn254, PreparedVerifyingKey, PublicInputs};
use ddc_primitives::Fr;
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Serialize, Deserialize)]
pub struct ProofFile {
    pub params: StorageParams,
    /// Hex of the 32-byte little-endian root.
    pub root: String,
    pub chunk_count: u64,
    /// Hex of the 32-byte little-endian seed (a field element).
    pub seed: String,
    /// Hex of the 128-byte compressed Groth16 proof.
    pub proof: String,
    pub vk_sha256: String,
    pub insecure_keys: bool,
}

pub fn fr_hex(x: &Fr) -> String {
    hex::encode(fr_to_bytes(x))
}

pub fn parse_fr(name: &str, s: &str) -> anyhow::Result<Fr> {
    let bytes: [u8; 32] = hex::decode(s.trim_start_matches("0x"))
        .map_err(|e| anyhow::anyhow!("{name}: not hex: {e}"))?
        .try_into()
        .map_err(|v: Vec<u8>| anyhow::anyhow!("{name}: expected 32 bytes, got {}", v.len()))?;
    fr_from_bytes(&bytes).ok_or_else(|| anyhow::anyhow!("{name}: not a canonical field element"))
}

impl ProofFile {
    pub fn public_inputs(&self) -> anyhow::Result<PublicInputs> {
        Ok(PublicInputs {
            root: parse_fr("root", &self.root)?,
            chunk_count: self.chunk_count,
            seed: parse_fr("seed", &self.seed)?,
        })
    }
}

/// A proof file with the verifying key it was made for.
pub struct Loaded {
    pub file: ProofFile,
    pub params: StorageParams,
    pub manifest: Manifest,
    /// Decoded (points checked) and prepared for verification; `.vk` is the key itself.
    pub pvk: PreparedVerifyingKey<Bn254>,
}

/// Reads the proof file at `proof_path` and its verifying key from `keys`, refusing keys other
/// than the ones the proof names.
pub fn load(proof_path: &Path, keys: &Path) -> anyhow::Result<Loaded> {
    let file: ProofFile = serde_json::from_slice(
        &std::fs::read(proof_path).with_context(|| format!("reading {}", proof_path.display()))?,
    )
    .with_context(|| format!("{} is not a proof file", proof_path.display()))?;
    let params = file.params.checked()?;
    let (vk_bytes, manifest) =
        load_vk(keys, &params).with_context(|| format!("loading keys from {}", keys.display()))?;
    anyhow::ensure!(
        manifest.vk_sha256 == file.vk_sha256,
        "the proof was made for verifying key {}, the keys in {} are {}",
        file.vk_sha256,
        keys.display(),
        manifest.vk_sha256
    );
    let pvk = decode_vk(&vk_bytes)?;
    Ok(Loaded { file, params, manifest, pvk })
}
