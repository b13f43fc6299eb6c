//! snarkjs (npm, pinned in tools/node) checks ceremonies run by this crate, for the smallest
//! storage circuit (2^11 domain): `powersoftau verify` and `zkey verify` accept three
//! contributions and a beacon in each phase and refuse a tampered contribution, and
//! `groth16 verify` accepts a proof made by our prover with the final key, and refuses it
//! tampered.

use ddc_ceremony::phase1::Ptau;
use ddc_ceremony::phase2::Zkey;
use ddc_ceremony::rng::ChaCha;
use ddc_ceremony::{Beacon, Silent};
use ddc_circuits::challenge::replica_seed;
use ddc_circuits::export::iden3::{read_r1cs, write_r1cs};
use ddc_circuits::export::snarkjs;
use ddc_circuits::merkle::MemTree;
use ddc_circuits::packing::leaf_hash;
use ddc_circuits::storage::compound::{constraint_matrices, Prover};
use ddc_circuits::storage::vanilla;
use ddc_circuits::storage::StorageParams;
use ddc_primitives::groth16::PublicInputs;
#[path = "../../tools/node/node_tools.rs"]
mod node_tools;
use node_tools::snarkjs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn params() -> StorageParams {
    StorageParams::new(2, 1, 32).unwrap()
}

fn beacon() -> Beacon {
    Beacon::parse("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", 10).unwrap()
}

const NAMES: [&str; 3] = ["alice", "bob", "carol"];

/// The files of one ceremony, made once for all tests.
struct Ceremony {
    _dir: tempfile::TempDir,
    ptau: PathBuf,
    r1cs: PathBuf,
    zkey: PathBuf,
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn ceremony() -> &'static Ceremony {
    static C: OnceLock<Ceremony> = OnceLock::new();
    C.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut ptau = Ptau::new(11).unwrap();
        for (i, name) in NAMES.into_iter().enumerate() {
            ptau.contribute(&mut ChaCha::new([i as u32 + 1; 8]), Some(name.into()), None, &Silent).unwrap();
        }
        ptau.contribute(&mut beacon().rng(), Some("beacon".into()), Some(beacon()), &Silent).unwrap();
        ptau.prepare_phase2(&Silent);
        let ptau_path = dir.path().join("final.ptau");
        ptau.write(&ptau_path).unwrap();

        let mut r1cs = Vec::new();
        write_r1cs(&mut r1cs, &constraint_matrices(&params()).unwrap()).unwrap();
        let r1cs_path = dir.path().join("circuit.r1cs");
        std::fs::write(&r1cs_path, &r1cs).unwrap();
        let m = read_r1cs(&r1cs).unwrap();
        let mut zkey = Zkey::setup(&m, &ptau, &Silent).unwrap();
        for (i, name) in NAMES.into_iter().enumerate() {
            zkey.contribute(&mut ChaCha::new([i as u32 + 7; 8]), Some(name.into()), None, &Silent);
        }
        zkey.contribute(&mut beacon().rng(), Some("beacon".into()), Some(beacon()), &Silent);
        let zkey_path = dir.path().join("final.zkey");
        zkey.write(&zkey_path).unwrap();
        Ceremony { _dir: dir, ptau: ptau_path, r1cs: r1cs_path, zkey: zkey_path }
    })
}

#[test]
fn both_verifiers_accept_the_powers_of_tau() {
    let c = ceremony();
    let infos = Ptau::read(&c.ptau).unwrap().verify(&Silent).unwrap();
    assert_eq!(infos.iter().map(|i| i.name.clone().unwrap()).collect::<Vec<_>>(), ["alice", "bob", "carol", "beacon"]);
    assert!(infos[3].beacon.is_some());
    let (ok, out) = snarkjs(&["powersoftau", "verify", path(&c.ptau)]);
    assert!(ok && out.contains("Powers of Tau Ok!"), "{out}");
}

#[test]
fn both_verifiers_accept_the_circuit_key() {
    let c = ceremony();
    let m = read_r1cs(&std::fs::read(&c.r1cs).unwrap()).unwrap();
    let zkey = Zkey::read(&c.zkey).unwrap();
    let infos = zkey.verify(&m, &Ptau::read(&c.ptau).unwrap(), &Silent).unwrap();
    assert_eq!(infos.len(), 4);
    assert_eq!(infos[1].hash, zkey.contributions[1].hash());
    let (ok, out) = snarkjs(&["zkey", "verify", path(&c.r1cs), path(&c.ptau), path(&c.zkey)]);
    assert!(ok && out.contains("ZKey Ok!"), "{out}");
}

#[test]
fn snarkjs_verifies_a_proof_made_with_the_final_key() {
    let c = ceremony();
    let dir = tempfile::tempdir().unwrap();
    let vk_path = dir.path().join("verification_key.json");
    let (ok, out) = snarkjs(&["zkey", "export", "verificationkey", path(&c.zkey), path(&vk_path)]);
    assert!(ok, "{out}");

    let prover = Prover::new(params(), Zkey::read(&c.zkey).unwrap().proving_key()).unwrap();
    let data: Vec<u8> = (0..5 * 32u32).map(|i| (i.wrapping_mul(2246822519) >> 11) as u8).collect();
    let mut tree = MemTree::new(params().shape());
    tree.extend(data.chunks(32).map(leaf_hash)).unwrap();
    let snap = tree.snapshot(5).unwrap();
    let seed = replica_seed(&[3u8; 32], 1, 2, 3, 4);
    let public = PublicInputs { root: snap.root(), chunk_count: 5, seed };
    let vanilla = vanilla::prove(&params(), &snap, &data[..], seed).unwrap();
    let proof = prover.prove(&public, &vanilla, &mut rand::thread_rng()).unwrap();

    let write = |name: &str, v: serde_json::Value| {
        let p = dir.path().join(name);
        std::fs::write(&p, v.to_string()).unwrap();
        p
    };
    let verify = |proof: &ark_groth16::Proof<ark_bn254::Bn254>, public: &PublicInputs| {
        let (p, s) = (write("proof.json", snarkjs::proof(proof)), write("public.json", snarkjs::public(public)));
        snarkjs(&["groth16", "verify", path(&vk_path), path(&s), path(&p)])
    };
    let (ok, out) = verify(&proof, &public);
    assert!(ok && out.contains("OK!"), "{out}");
    // Our verifier agrees, under the verifying key the ceremony produced.
    let pvk = ark_groth16::prepare_verifying_key(prover.verifying_key());
    let inputs = public.to_field_elements();
    assert!(ark_groth16::Groth16::<ark_bn254::Bn254>::verify_proof(&pvk, &proof, &inputs).unwrap());
    let other = PublicInputs { chunk_count: 4, ..public }.to_field_elements();
    assert!(!ark_groth16::Groth16::<ark_bn254::Bn254>::verify_proof(&pvk, &proof, &other).unwrap());
    let (ok, out) = verify(&proof, &PublicInputs { chunk_count: 4, ..public });
    assert!(!ok && out.contains("Invalid proof"), "{out}");
    let swapped = ark_groth16::Proof { a: proof.c, c: proof.a, ..proof.clone() };
    let (ok, out) = verify(&swapped, &public);
    assert!(!ok && out.contains("Invalid proof"), "{out}");
}

/// A copy of the ceremony's file `name` with `tamper` applied, written next to it.
fn tampered<T>(dir: &Path, read: impl Fn() -> T, tamper: impl FnOnce(&mut T), write: impl Fn(&T, &Path)) -> PathBuf {
    let mut x = read();
    tamper(&mut x);
    let p = dir.join("tampered");
    write(&x, &p);
    p
}

#[test]
fn both_verifiers_refuse_a_tampered_powers_of_tau() {
    use ark_ec::{AffineRepr, CurveGroup};
    let c = ceremony();
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, Box<dyn FnOnce(&mut Ptau)>, &str); 3] = [
        (
            "bob's key",
            Box::new(|p: &mut Ptau| {
                let k = &mut p.contributions[1].key.tau;
                k.g1_sx = (k.g1_sx + ark_bn254::G1Affine::generator()).into_affine();
            }),
            "contribution #2: invalid key",
        ),
        (
            "a power of tau",
            Box::new(|p: &mut Ptau| p.acc.tau_g1[3] = (p.acc.tau_g1[3] + p.acc.tau_g1[3]).into_affine()),
            "not successive powers",
        ),
        (
            "a Lagrange point",
            Box::new(|p: &mut Ptau| {
                let l = p.lagrange.as_mut().unwrap();
                l.tau_g1[9] = (l.tau_g1[9] + ark_bn254::G1Affine::generator()).into_affine();
            }),
            "Lagrange points of tauG1",
        ),
    ];
    for (what, tamper, ours) in cases {
        let p = tampered(dir.path(), || Ptau::read(&c.ptau).unwrap(), tamper, |x, p| x.write(p).unwrap());
        let err = Ptau::read(&p).unwrap().verify(&Silent).unwrap_err().to_string();
        assert!(err.contains(ours), "{what}: {err}");
        let (ok, out) = snarkjs(&["powersoftau", "verify", path(&p)]);
        assert!(!ok || !out.contains("Powers of Tau Ok!"), "snarkjs accepted a tampered {what}: {out}");
    }
}

#[test]
fn both_verifiers_refuse_a_tampered_circuit_key() {
    use ark_ec::{AffineRepr, CurveGroup};
    let c = ceremony();
    let dir = tempfile::tempdir().unwrap();
    let m = read_r1cs(&std::fs::read(&c.r1cs).unwrap()).unwrap();
    let ptau = Ptau::read(&c.ptau).unwrap();
    let cases: [(&str, Box<dyn FnOnce(&mut Zkey)>, &str); 3] = [
        (
            "bob's key",
            Box::new(|z: &mut Zkey| {
                let k = &mut z.contributions[1];
                k.g1_sx = (k.g1_sx + ark_bn254::G1Affine::generator()).into_affine();
            }),
            "contribution #2: inconsistent transcript",
        ),
        ("an L point", Box::new(|z: &mut Zkey| z.l[5] = (z.l[5] + z.l[5]).into_affine()), "the L points"),
        ("an A point", Box::new(|z: &mut Zkey| z.a[7] = (z.a[7] + z.a[7]).into_affine()), "the A or B points differ"),
    ];
    for (what, tamper, ours) in cases {
        let p = tampered(dir.path(), || Zkey::read(&c.zkey).unwrap(), tamper, |x, p| x.write(p).unwrap());
        let err = Zkey::read(&p).unwrap().verify(&m, &ptau, &Silent).unwrap_err().to_string();
        assert!(err.contains(ours), "{what}: {err}");
        let (ok, out) = snarkjs(&["zkey", "verify", path(&c.r1cs), path(&c.ptau), path(&p)]);
        assert!(!ok || !out.contains("ZKey Ok!"), "snarkjs accepted a tampered {what}: {out}");
    }
}
