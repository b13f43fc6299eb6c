//! End-to-end soundness of the storage proof: honest proofs verify (alone and batched), and every
//! tampering named by the protocol fails verification — including proofs forced out of an
//! unsatisfied witness, which the Groth16 prover would otherwise emit silently in release builds.

use ark_bn254::{Bn254, Fr};
use ark_groth16::r1cs_to_qap::LibsnarkReduction;
use ark_groth16::Groth16;
use ark_relations::r1cs::{ConstraintSynthesizer, ConstraintSystem, ConstraintSystemRef, SynthesisMode};
use ddc_circuits::challenge::replica_seed;
use ddc_circuits::merkle::MemTree;
use ddc_circuits::packing::leaf_hash;
use ddc_circuits::storage::circuit::StorageCircuit;
use ddc_circuits::storage::compound::{decode_proof, encode_proof, generate_keys, ProveError, Prover};
use ddc_circuits::storage::vanilla::{self, VanillaError, VanillaProof};
use ddc_circuits::storage::StorageParams;
use ddc_primitives::groth16::{batch_verify, prepare_verifying_key, verify, PreparedVerifyingKey, Proof, PublicInputs};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::sync::OnceLock;

struct Fixture {
    params: StorageParams,
    data: Vec<u8>,
    tree: MemTree,
    prover: Prover,
    pvk: PreparedVerifyingKey<Bn254>,
}

/// A 1 KiB-chunk, depth-9 (8-ary, height 3) circuit with 4 challenges over 300 chunks.
fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let params = StorageParams::new(9, 4, 1024).unwrap();
        let data: Vec<u8> = (0..300 * 1024u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
        let mut tree = MemTree::new(params.shape());
        tree.extend(data.chunks(1024).map(leaf_hash)).unwrap();
        let pk = generate_keys(&params, &mut ChaCha20Rng::seed_from_u64(1)).unwrap();
        let pvk = prepare_verifying_key(&pk.vk);
        Fixture { params, data, tree, prover: Prover::new(params, pk).unwrap(), pvk }
    })
}

fn rng() -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(7)
}

/// Epoch `epoch` of node `node` serving vnode 3 of cluster 1.
fn statement(node: u32, epoch: u64) -> (PublicInputs, VanillaProof) {
    let f = fixture();
    let snap = f.tree.snapshot(300).unwrap();
    let seed = replica_seed(&[42u8; 32], 1, 3, node, epoch);
    let vanilla = vanilla::prove(&f.params, &snap, &f.data[..], seed).unwrap();
    (PublicInputs { root: snap.root(), chunk_count: 300, seed }, vanilla)
}

fn honest(node: u32, epoch: u64) -> (PublicInputs, Proof<Bn254>) {
    let (public, vanilla) = statement(node, epoch);
    (public, fixture().prover.prove(&public, &vanilla, &mut rng()).unwrap())
}

/// Groth16 over whatever witness the (possibly tampered) vanilla proof yields, bypassing the
/// prover's satisfiability guard, and whether the constraint system was satisfied.
fn forced(public: &PublicInputs, vanilla: &VanillaProof) -> (Proof<Bn254>, bool) {
    let f = fixture();
    let check = ConstraintSystemRef::new(ConstraintSystem::new());
    StorageCircuit::new(f.params, *public, vanilla).generate_constraints(check.clone()).unwrap();
    let satisfied = check.is_satisfied().unwrap();
    let cs = ConstraintSystemRef::new(ConstraintSystem::new());
    cs.set_mode(SynthesisMode::Prove { construct_matrices: false });
    StorageCircuit::new(f.params, *public, vanilla).generate_constraints(cs.clone()).unwrap();
    let cs = cs.into_inner().unwrap();
    let full = [cs.instance_assignment, cs.witness_assignment].concat();
    let m = f.prover.matrices();
    let proof = Groth16::<Bn254, LibsnarkReduction>::create_proof_with_reduction_and_matrices(
        f.prover.proving_key(),
        Fr::from(3u64),
        Fr::from(5u64),
        m,
        m.num_instance_variables,
        m.num_constraints,
        &full,
    )
    .unwrap();
    (proof, satisfied)
}

#[test]
fn honest_proof_is_128_bytes_and_verifies() {
    let (public, proof) = honest(10, 5);
    let bytes = encode_proof(&proof);
    assert_eq!(bytes.len(), 128);
    assert!(verify(&fixture().pvk, &public, &decode_proof(&bytes).unwrap()));
}

#[test]
fn flipped_byte_in_a_challenged_chunk_fails() {
    let (public, mut vanilla) = statement(10, 5);
    vanilla.openings[1].chunk[517] ^= 0x01;
    let err = fixture().prover.prove(&public, &vanilla, &mut rng()).unwrap_err();
    assert!(matches!(err, ProveError::Unsatisfied(VanillaError::BadPath(1))), "{err}");
    let (proof, satisfied) = forced(&public, &vanilla);
    assert!(!satisfied);
    assert!(!verify(&fixture().pvk, &public, &proof));
}

#[test]
fn flipped_last_byte_of_a_chunk_fails() {
    // The last element of a 1 KiB chunk holds a single byte: it is bound too.
    let (public, mut vanilla) = statement(10, 5);
    vanilla.openings[0].chunk[1023] ^= 0x80;
    let (proof, satisfied) = forced(&public, &vanilla);
    assert!(!satisfied);
    assert!(!verify(&fixture().pvk, &public, &proof));
}

#[test]
fn wrong_sibling_in_a_path_fails() {
    let (public, mut vanilla) = statement(10, 5);
    vanilla.openings[2].path.siblings[8] += Fr::from(1u64);
    assert!(fixture().prover.prove(&public, &vanilla, &mut rng()).is_err());
    let (proof, satisfied) = forced(&public, &vanilla);
    assert!(!satisfied);
    assert!(!verify(&fixture().pvk, &public, &proof));
}

#[test]
fn tampered_shared_top_node_fails() {
    let (public, vanilla) = statement(10, 5);
    assert_eq!(fixture().params.shared_levels(), 1, "the fixture shares the root's children");
    for j in [0, 7] {
        let mut tampered = vanilla.clone();
        tampered.top[j] += Fr::from(1u64);
        let err = fixture().prover.prove(&public, &tampered, &mut rng()).unwrap_err();
        assert!(matches!(err, ProveError::Unsatisfied(VanillaError::BadTop)), "{err}");
        let (proof, satisfied) = forced(&public, &tampered);
        assert!(!satisfied);
        assert!(!verify(&fixture().pvk, &public, &proof));
    }
}

/// Two shared levels, with one level of path below them and with none (every leaf shared):
/// honest witnesses satisfy the circuit, a changed top node, chunk or leaf index does not.
#[test]
fn deeper_shared_tops_bind_every_opening() {
    for depth in [6, 9] {
        let params = StorageParams::new(depth, 12, 64).unwrap();
        assert_eq!(params.shared_levels(), 2);
        let data: Vec<u8> = (0..60 * 64u32).map(|i| (i.wrapping_mul(40503) >> 7) as u8).collect();
        let mut tree = MemTree::new(params.shape());
        tree.extend(data.chunks(64).map(leaf_hash)).unwrap();
        let snap = tree.snapshot(60).unwrap();
        let seed = replica_seed(&[7u8; 32], 2, 1, 4, 3);
        let public = PublicInputs { root: snap.root(), chunk_count: 60, seed };
        let honest = vanilla::prove(&params, &snap, &data[..], seed).unwrap();
        vanilla::verify(&params, &public, &honest).unwrap();
        let satisfied = |v: &VanillaProof| {
            let cs = ConstraintSystemRef::new(ConstraintSystem::new());
            StorageCircuit::new(params, public, v).generate_constraints(cs.clone()).unwrap();
            cs.is_satisfied().unwrap()
        };
        assert!(satisfied(&honest), "depth {depth}");
        let mut top = honest.clone();
        top.top[63] += Fr::from(1u64);
        assert!(!satisfied(&top) && vanilla::verify(&params, &public, &top).is_err(), "depth {depth}");
        let mut chunk = honest.clone();
        chunk.openings[5].chunk[0] ^= 1;
        assert!(!satisfied(&chunk), "depth {depth}");
        let mut moved = honest.clone();
        let other = (moved.openings[5].index + 1) % 60;
        moved.openings[5].chunk = data[other as usize * 64..][..64].to_vec();
        moved.openings[5].path = snap.path(other).unwrap();
        moved.openings[5].index = other;
        assert!(!satisfied(&moved), "depth {depth}");
    }
}

#[test]
fn opening_a_chunk_other_than_the_challenged_one_fails() {
    let (public, mut vanilla) = statement(10, 5);
    let f = fixture();
    let other = (vanilla.openings[0].index + 1) % 300;
    let snap = f.tree.snapshot(300).unwrap();
    vanilla.openings[0].chunk = f.data[other as usize * 1024..][..1024].to_vec();
    vanilla.openings[0].path = snap.path(other).unwrap();
    vanilla.openings[0].index = other;
    let (proof, satisfied) = forced(&public, &vanilla);
    assert!(!satisfied);
    assert!(!verify(&f.pvk, &public, &proof));
}

#[test]
fn wrong_root_fails() {
    let (mut public, proof) = honest(10, 5);
    public.root += Fr::from(1u64);
    assert!(!verify(&fixture().pvk, &public, &proof));
}

#[test]
fn wrong_chunk_count_fails() {
    let (mut public, proof) = honest(10, 5);
    public.chunk_count = 301;
    assert!(!verify(&fixture().pvk, &public, &proof));
}

#[test]
fn proof_for_one_node_is_rejected_for_another() {
    let (public, proof) = honest(10, 5);
    let other = PublicInputs { seed: replica_seed(&[42u8; 32], 1, 3, 11, 5), ..public };
    assert!(!verify(&fixture().pvk, &other, &proof));
}

#[test]
fn proof_replayed_in_the_next_epoch_is_rejected() {
    let (public, proof) = honest(10, 5);
    let next = PublicInputs { seed: replica_seed(&[42u8; 32], 1, 3, 10, 6), ..public };
    assert!(!verify(&fixture().pvk, &next, &proof));
}

#[test]
fn node_that_lost_a_chunk_cannot_open_it() {
    let f = fixture();
    let snap = f.tree.snapshot(300).unwrap();
    let seed = replica_seed(&[42u8; 32], 1, 3, 10, 5);
    let index = vanilla::prove(&f.params, &snap, &f.data[..], seed).unwrap().openings[0].index as usize;
    let mut lossy = f.data.clone();
    lossy[index * 1024..][..1024].fill(0);
    let err = vanilla::prove(&f.params, &snap, &lossy[..], seed).unwrap_err();
    assert!(matches!(err, VanillaError::Corrupt(i) if i == index as u64), "{err}");
}

#[test]
fn batch_accepts_honest_proofs_and_rejects_one_bad_among_them() {
    let mut items: Vec<_> = (0..4).map(|n| honest(20 + n, 9)).collect();
    let pvk = &fixture().pvk;
    assert!(batch_verify(pvk, &items, &[1u8; 32]));
    items[2].0.chunk_count -= 1;
    assert!(!batch_verify(pvk, &items, &[1u8; 32]));
    items[2].0.chunk_count += 1;
    items.swap(0, 1);
    items[0].1 = items[1].1.clone();
    assert!(!batch_verify(pvk, &items, &[1u8; 32]));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any single-byte change to the encoded proof, or any change to one public input, is rejected.
    #[test]
    fn random_tamperings_are_never_accepted(pos in 0usize..128, bit in 0u8..8, input in 0usize..3, delta in 1u64..u64::MAX, which in 0usize..2) {
        static HONEST: OnceLock<(PublicInputs, Proof<Bn254>)> = OnceLock::new();
        let (public, proof) = HONEST.get_or_init(|| honest(10, 5)).clone();
        let pvk = &fixture().pvk;
        if which == 0 {
            let mut bytes = encode_proof(&proof);
            bytes[pos] ^= 1 << bit;
            if let Ok(p) = decode_proof(&bytes) {
                prop_assert!(p == proof || !verify(pvk, &public, &p));
            }
        } else {
            let mut p = public;
            match input {
                0 => p.root += Fr::from(delta),
                1 => p.chunk_count = p.chunk_count.wrapping_add(delta),
                _ => p.seed += Fr::from(delta),
            }
            prop_assert!(!verify(pvk, &p, &proof));
            prop_assert!(!batch_verify(pvk, &[(public, proof.clone()), (p, proof.clone())], &[9u8; 32]));
        }
    }
}

/// The prover's assignment, with the challenges synthesized in parallel, is exactly the
/// sequential synthesis' one: with no, one and two shared levels, and for a tampered witness.
#[test]
fn parallel_assignment_is_the_sequential_one() {
    let sequential = |params: StorageParams, public: PublicInputs, v: &VanillaProof| {
        let cs = ConstraintSystemRef::new(ConstraintSystem::new());
        cs.set_mode(SynthesisMode::Prove { construct_matrices: false });
        StorageCircuit::new(params, public, v).generate_constraints(cs.clone()).unwrap();
        let cs = cs.into_inner().unwrap();
        [cs.instance_assignment, cs.witness_assignment].concat()
    };
    for (depth, k, chunk, shared) in [(13, 1, 256, 0), (9, 4, 1024, 1), (6, 12, 64, 2), (9, 12, 64, 2)] {
        let params = StorageParams::new(depth, k, chunk).unwrap();
        assert_eq!(params.shared_levels(), shared);
        let data: Vec<u8> = (0..60 * chunk as u32).map(|i| (i.wrapping_mul(40503) >> 7) as u8).collect();
        let mut tree = MemTree::new(params.shape());
        tree.extend(data.chunks(chunk).map(leaf_hash)).unwrap();
        let snap = tree.snapshot(60).unwrap();
        let seed = replica_seed(&[9u8; 32], 2, 1, 4, 3);
        let public = PublicInputs { root: snap.root(), chunk_count: 60, seed };
        let mut v = vanilla::prove(&params, &snap, &data[..], seed).unwrap();
        for _ in 0..2 {
            let parallel = StorageCircuit::new(params, public, &v).assignment().unwrap();
            assert_eq!(parallel, sequential(params, public, &v), "{}", params.name());
            v.openings[k - 1].chunk[0] ^= 1;
        }
    }
}
