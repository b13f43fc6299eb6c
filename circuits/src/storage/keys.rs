//! Key files. Development keys come from a public seed and are INSECURE: anyone can recompute the
//! toxic waste. The label is in the file names, the manifest, and every log line that loads them.
//!
//! A key directory holds, per circuit shape `NAME`:
//! - `storage-NAME.INSECURE.pk`: the proving key, uncompressed (fast to load);
//! - `storage-NAME.vk`: the verifying key, compressed, as the chain stores it;
//! - `storage-NAME.manifest.json`: shape, SHA-256 of both files, and how the keys were made.
//!
//! Files are written to a temporary name, fsynced, then renamed, so a crash never leaves a
//! truncated key under the real name.

use super::compound::{generate_keys, Prover};
use super::StorageParams;
use ark_bn254::Bn254;
use ark_groth16::ProvingKey;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use ddc_primitives::groth16::{encode_vk, vk_hash};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs;
use std::path::{Path, PathBuf};

/// Public seed of development keys. Never use these keys to secure value.
pub const INSECURE_DEV_SEED: &str = "DDC INSECURE DEVELOPMENT SETUP v1";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub params: StorageParams,
    /// True for keys derived from [`INSECURE_DEV_SEED`].
    pub insecure: bool,
    pub origin: String,
    pub pk_file: String,
    pub pk_sha256: String,
    pub vk_file: String,
    pub vk_sha256: String,
    pub constraints: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{0}: not a key manifest: {1}")]
    Manifest(PathBuf, serde_json::Error),
    #[error("{path}: SHA-256 is {actual}, the manifest pins {expected}")]
    Hash { path: PathBuf, expected: String, actual: String },
    #[error("{0}: malformed key")]
    Decode(PathBuf),
    #[error("no keys for {0} in {1} (run `ddc setup`)")]
    Missing(String, PathBuf),
    #[error("{0}: the keys are for another version of circuit {1} ({2} constraints, this build has {3}): run `ddc setup` again")]
    Stale(PathBuf, String, usize, usize),
    #[error("circuit synthesis: {0}")]
    Synthesis(#[from] ark_relations::r1cs::SynthesisError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> KeyError + '_ {
    move |source| KeyError::Io { path: path.to_path_buf(), source }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), KeyError> {
    ddc_primitives::fs::write_atomic(path, bytes).map_err(io(path))
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub fn manifest_path(dir: &Path, params: &StorageParams) -> PathBuf {
    dir.join(format!("storage-{}.manifest.json", params.name()))
}

/// The deterministic development key of `params`.
pub fn dev_keys(params: &StorageParams) -> Result<ProvingKey<Bn254>, KeyError> {
    let seed: [u8; 32] = Sha256::new().chain_update(INSECURE_DEV_SEED).chain_update(params.name()).finalize().into();
    Ok(generate_keys(params, &mut ChaCha20Rng::from_seed(seed))?)
}

/// Where a key comes from.
pub enum Origin {
    /// [`dev_keys`]: INSECURE.
    Dev,
    /// A multi-party ceremony; the text says which (the final zkey's hash, the contributions).
    Ceremony(String),
}

/// Writes the key files of `pk` into `dir`; returns the manifest.
pub fn write_keys(
    dir: &Path,
    params: &StorageParams,
    pk: &ProvingKey<Bn254>,
    origin: Origin,
    constraints: usize,
) -> Result<Manifest, KeyError> {
    let insecure = matches!(origin, Origin::Dev);
    fs::create_dir_all(dir).map_err(io(dir))?;
    let label = if insecure { ".INSECURE" } else { "" };
    let pk_file = format!("storage-{}{label}.pk", params.name());
    let vk_file = format!("storage-{}.vk", params.name());
    let mut pk_bytes = Vec::with_capacity(pk.uncompressed_size());
    pk.serialize_uncompressed(&mut pk_bytes).expect("writing to a Vec");
    let vk_bytes = encode_vk(&pk.vk);
    write_atomic(&dir.join(&pk_file), &pk_bytes)?;
    write_atomic(&dir.join(&vk_file), &vk_bytes)?;
    let manifest = Manifest {
        params: *params,
        insecure,
        origin: match origin {
            Origin::Dev => format!("INSECURE development setup from public seed {INSECURE_DEV_SEED:?}"),
            Origin::Ceremony(what) => what,
        },
        pk_sha256: sha256_hex(&pk_bytes),
        vk_sha256: hex::encode(vk_hash(&vk_bytes)),
        pk_file,
        vk_file,
        constraints,
    };
    let json = serde_json::to_vec_pretty(&manifest).expect("manifest serializes");
    write_atomic(&manifest_path(dir, params), &json)?;
    Ok(manifest)
}

/// Derives and writes the INSECURE development keys of `params` into `dir`.
pub fn write_dev_keys(dir: &Path, params: &StorageParams) -> Result<Manifest, KeyError> {
    tracing::warn!(dir = %dir.display(), "generating INSECURE development keys from the public seed {INSECURE_DEV_SEED:?}");
    let constraints = super::compound::circuit_info(params)?.constraints;
    let pk = dev_keys(params)?;
    write_keys(dir, params, &pk, Origin::Dev, constraints)
}

pub fn read_manifest(dir: &Path, params: &StorageParams) -> Result<Manifest, KeyError> {
    let path = manifest_path(dir, params);
    if !path.exists() {
        return Err(KeyError::Missing(params.name(), dir.to_path_buf()));
    }
    let bytes = fs::read(&path).map_err(io(&path))?;
    serde_json::from_slice(&bytes).map_err(|e| KeyError::Manifest(path, e))
}

/// Reads a file and checks it against the hash the manifest pins.
fn read_pinned(dir: &Path, file: &str, expected: &str) -> Result<Vec<u8>, KeyError> {
    let path = dir.join(file);
    let bytes = fs::read(&path).map_err(io(&path))?;
    let actual = sha256_hex(&bytes);
    if actual != expected {
        return Err(KeyError::Hash { path, expected: expected.into(), actual });
    }
    Ok(bytes)
}

/// Loads the prover of `params` from `dir`, checking both files against the manifest.
pub fn load_prover(dir: &Path, params: &StorageParams) -> Result<(Prover, Manifest), KeyError> {
    let m = read_manifest(dir, params)?;
    let bytes = read_pinned(dir, &m.pk_file, &m.pk_sha256)?;
    // The hash pins the file, so the expensive point validation is skipped.
    let pk = ProvingKey::<Bn254>::deserialize_uncompressed_unchecked(&bytes[..])
        .map_err(|_| KeyError::Decode(dir.join(&m.pk_file)))?;
    if m.insecure {
        tracing::warn!(file = %m.pk_file, "loaded INSECURE development proving key");
    }
    let prover = Prover::new(*params, pk)?;
    let matrices = prover.matrices();
    let variables = matrices.num_instance_variables + matrices.num_witness_variables;
    if m.constraints != matrices.num_constraints || prover.proving_key().a_query.len() != variables {
        return Err(KeyError::Stale(
            manifest_path(dir, params),
            params.name(),
            m.constraints,
            matrices.num_constraints,
        ));
    }
    Ok((prover, m))
}

/// Loads the prover of `params` from `dir`, first writing INSECURE development keys there if
/// none are, or if those there are for another version of the circuit.
pub fn load_or_write_dev_prover(dir: &Path, params: &StorageParams) -> Result<Prover, KeyError> {
    match load_prover(dir, params) {
        Ok((prover, _)) => Ok(prover),
        Err(KeyError::Missing(..) | KeyError::Stale(..)) => {
            write_dev_keys(dir, params)?;
            Ok(load_prover(dir, params)?.0)
        }
        Err(e) => Err(e),
    }
}

/// Loads the encoded verifying key of `params` from `dir`, checked against the manifest.
pub fn load_vk(dir: &Path, params: &StorageParams) -> Result<(Vec<u8>, Manifest), KeyError> {
    let m = read_manifest(dir, params)?;
    let bytes = read_pinned(dir, &m.vk_file, &m.vk_sha256)?;
    if m.insecure {
        tracing::warn!(file = %m.vk_file, "loaded INSECURE development verifying key");
    }
    Ok((bytes, m))
}
