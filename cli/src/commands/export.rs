//! `ddc export`: a proof and its verifying key in snarkjs's JSON formats; the circuit as an
//! iden3 `.r1cs` file.

use super::proof_file::{load, Loaded};
use crate::ShapeArgs;
use anyhow::Context;
use ddc_circuits::export::{iden3, snarkjs};
use ddc_circuits::storage::compound::constraint_matrices;
use ddc_primitives::fs::write_atomic;
use ddc_primitives::groth16::decode_proof;
use std::path::Path;
use std::process::ExitCode;

pub fn snarkjs(proof_path: &Path, keys: &Path, out: &Path) -> anyhow::Result<ExitCode> {
    let Loaded { file, manifest, vk, .. } = load(proof_path, keys)?;
    let proof = decode_proof(&hex::decode(&file.proof).context("proof is not hex")?)?;
    let public = file.public_inputs()?;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    for (name, value) in [
        ("verification_key.json", snarkjs::verification_key(&vk)),
        ("proof.json", snarkjs::proof(&proof)),
        ("public.json", snarkjs::public(&public)),
    ] {
        let path = out.join(name);
        write_atomic(&path, &serde_json::to_vec_pretty(&value)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if manifest.insecure {
        eprintln!("WARNING: the verifying key is an INSECURE development key.");
    }
    println!("wrote verification_key.json, proof.json and public.json to {}", out.display());
    println!(
        "check them with: snarkjs groth16 verify {0}/verification_key.json {0}/public.json {0}/proof.json",
        out.display()
    );
    Ok(ExitCode::SUCCESS)
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
