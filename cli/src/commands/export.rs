//! `ddc export`: a proof and its verifying key in snarkjs's JSON formats or as a Solidity
//! verifier with calldata; the circuit as an iden3 `.r1cs` file.

use super::proof_file::{load, Loaded};
use crate::ShapeArgs;
use anyhow::Context;
use ddc_circuits::export::{iden3, snarkjs, solidity};
use ddc_circuits::storage::compound::constraint_matrices;
use ddc_primitives::fs::write_atomic;
use ddc_primitives::groth16::{decode_proof, Bn254, Proof, PublicInputs};
use std::path::Path;
use std::process::ExitCode;

pub fn snarkjs(proof_path: &Path, keys: &Path, out: &Path) -> anyhow::Result<ExitCode> {
    let (loaded, proof, public) = load_proof(proof_path, keys)?;
    write_files(
        out,
        [
            ("verification_key.json", serde_json::to_vec_pretty(&snarkjs::verification_key(&loaded.pvk.vk))?),
            ("proof.json", serde_json::to_vec_pretty(&snarkjs::proof(&proof))?),
            ("public.json", serde_json::to_vec_pretty(&snarkjs::public(&public))?),
        ],
        &loaded,
    )?;
    println!(
        "check them with: snarkjs groth16 verify {0}/verification_key.json {0}/public.json {0}/proof.json",
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn solidity(proof_path: &Path, keys: &Path, out: &Path) -> anyhow::Result<ExitCode> {
    let (loaded, proof, public) = load_proof(proof_path, keys)?;
    let m = &loaded.manifest;
    let title = format!(
        "verifying key sha256 {}{}",
        m.vk_sha256,
        if m.insecure { " (an INSECURE development key: anyone can forge proofs under it)" } else { "" }
    );
    write_files(
        out,
        [
            ("DdcStorageVerifier.sol", solidity::verifier(&loaded.pvk.vk, &title).into_bytes()),
            ("calldata.json", serde_json::to_vec_pretty(&solidity::calldata(&proof, &public))?),
        ],
        &loaded,
    )?;
    println!(
        "verifyProof(a, b, c, input) with calldata.json's arrays returns true on any EVM with the BN254 precompiles"
    );
    Ok(ExitCode::SUCCESS)
}

/// A proof file, its verifying key, the decoded proof and its public inputs.
fn load_proof(proof_path: &Path, keys: &Path) -> anyhow::Result<(Loaded, Proof<Bn254>, PublicInputs)> {
    let loaded = load(proof_path, keys)?;
    let proof = decode_proof(&hex::decode(&loaded.file.proof).context("proof is not hex")?)?;
    let public = loaded.file.public_inputs()?;
    Ok((loaded, proof, public))
}

fn write_files<const N: usize>(out: &Path, files: [(&str, Vec<u8>); N], loaded: &Loaded) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    for (name, bytes) in &files {
        let path = out.join(name);
        write_atomic(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    if loaded.manifest.insecure {
        eprintln!("WARNING: the verifying key is an INSECURE development key.");
    }
    let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
    println!("wrote {} to {}", names.join(", "), out.display());
    Ok(())
}

pub fn r1cs(shape: ShapeArgs, out: &Path) -> anyhow::Result<ExitCode> {
    let params = shape.params()?;
    let m = constraint_matrices(&params)?;
    let mut bytes = Vec::new();
    iden3::write_r1cs(&mut bytes, &m)?;
    write_atomic(out, &bytes).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "wrote {} ({}: {} constraints, {} wires, 3 public inputs)",
        out.display(),
        params.name(),
        m.num_constraints,
        m.num_instance_variables + m.num_witness_variables
    );
    Ok(ExitCode::SUCCESS)
}
