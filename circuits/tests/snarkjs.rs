//! snarkjs (npm, pinned in tools/node) reads our constraint system and witnesses in iden3's
//! formats: `r1cs info` reports our counts, `wtns check` accepts an honest assignment and
//! refuses one with a tampered chunk.

use crate::node_tools;
use ddc_circuits::challenge::replica_seed;
use ddc_circuits::export::iden3::{write_r1cs, write_wtns};
use ddc_circuits::merkle::MemTree;
use ddc_circuits::packing::leaf_hash;
use ddc_circuits::storage::circuit::StorageCircuit;
use ddc_circuits::storage::compound::constraint_matrices;
use ddc_circuits::storage::vanilla;
use ddc_circuits::storage::StorageParams;
use ddc_primitives::groth16::PublicInputs;
use std::path::{Path, PathBuf};

fn snarkjs(args: &[&Path]) -> String {
    node_tools::snarkjs(args).1
}

fn write(path: &Path, f: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>) -> PathBuf {
    f(&mut std::fs::File::create(path).unwrap()).unwrap();
    path.to_path_buf()
}

#[test]
fn snarkjs_reads_our_r1cs_and_checks_our_witnesses() {
    let params = StorageParams::new(9, 4, 256).unwrap();
    let m = constraint_matrices(&params).unwrap();

    let data: Vec<u8> = (0..90 * 256u32).map(|i| (i.wrapping_mul(2246822519) >> 11) as u8).collect();
    let mut tree = MemTree::new(params.shape());
    tree.extend(data.chunks(256).map(leaf_hash)).unwrap();
    let snap = tree.snapshot(90).unwrap();
    let seed = replica_seed(&[3u8; 32], 1, 2, 3, 4);
    let public = PublicInputs { root: snap.root(), chunk_count: 90, seed };
    let mut proof = vanilla::prove(&params, &snap, &data[..], seed).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let r1cs = write(&dir.path().join("circuit.r1cs"), |f| write_r1cs(f, &m));
    let info = snarkjs(&[Path::new("r1cs"), Path::new("info"), &r1cs]);
    assert!(info.contains(&format!("# of Constraints: {}", m.num_constraints)), "{info}");
    assert!(info.contains(&format!("# of Wires: {}", m.num_instance_variables + m.num_witness_variables)), "{info}");
    assert!(info.contains("# of Public Inputs: 3"), "{info}");

    for honest in [true, false] {
        let full = StorageCircuit::new(params, public, &proof).assignment().unwrap();
        let wtns = write(&dir.path().join("witness.wtns"), |f| write_wtns(f, &full));
        let check = snarkjs(&[Path::new("wtns"), Path::new("check"), &r1cs, &wtns]);
        let verdict = if honest { "WITNESS IS CORRECT" } else { "WITNESS IS NOT CORRECT" };
        assert!(check.contains(verdict), "expected {verdict}: {check}");
        proof.openings[2].chunk[100] ^= 0x10;
    }
}
