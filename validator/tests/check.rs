//! The validator's checks on real proofs and paths: a batch with one bad proof is found out
//! and only that proof rejected; a sampled chunk passes only with its exact bytes and path.

use ddc_chain::node_api::ChunkOpening;
use ddc_circuits::challenge::replica_seed;
use ddc_circuits::merkle::MemTree;
use ddc_circuits::packing::leaf_hash;
use ddc_circuits::storage::compound::{encode_proof, generate_keys, Prover};
use ddc_circuits::storage::{vanilla, StorageParams};
use ddc_primitives::encoding::fr_to_bytes;
use ddc_primitives::groth16::{prepare_verifying_key, Bn254, PreparedVerifyingKey, PublicInputs};
use ddc_validator::check::{check, check_chunk, Candidate, ChunkError};
use rand::SeedableRng;

const CHUNK: usize = 64;

/// Valid proofs of one vnode's data by `nodes` nodes, each under its own replica seed.
fn proofs(nodes: u32) -> (PreparedVerifyingKey<Bn254>, Vec<Candidate<u32>>) {
    let params = StorageParams::new(9, 2, CHUNK).unwrap();
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3);
    let prover = Prover::new(params, generate_keys(&params, &mut rng).unwrap()).unwrap();
    let data: Vec<u8> = (0..100 * CHUNK).map(|i| (i * 7 + 1) as u8).collect();
    let mut tree = MemTree::new(params.shape());
    tree.extend(data.chunks(CHUNK).map(leaf_hash)).unwrap();
    let snap = tree.snapshot(100).unwrap();
    let candidates = (0..nodes)
        .map(|node| {
            let seed = replica_seed(&[5; 32], 1, 2, node, 9);
            let public = PublicInputs { root: snap.root(), chunk_count: 100, seed };
            let opened = vanilla::prove(&params, &snap, &data[..], seed).unwrap();
            Candidate { tag: node, public, proof: encode_proof(&prover.prove(&public, &opened, &mut rng).unwrap()) }
        })
        .collect();
    (prepare_verifying_key(prover.verifying_key()), candidates)
}

#[test]
fn one_bad_proof_in_a_batch_is_found_and_only_it_is_rejected() {
    let (pvk, mut candidates) = proofs(4);
    let all = check(&pvk, candidates.clone());
    assert_eq!((all.valid, all.invalid), (vec![0, 1, 2, 3], vec![]));

    // Node 2's proof presented as node 3's (a replay), and a garbled encoding.
    candidates[3].proof = candidates[2].proof;
    candidates[1].proof[5] ^= 1;
    let found = check(&pvk, candidates);
    assert_eq!(found.valid, vec![0, 2]);
    let mut invalid = found.invalid;
    invalid.sort_unstable();
    assert_eq!(invalid, vec![1, 3]);
}

#[test]
fn a_sampled_chunk_must_be_the_committed_bytes_on_their_path() {
    let params = StorageParams::new(9, 2, CHUNK).unwrap();
    let shape = params.shape();
    let data: Vec<u8> = (0..40 * CHUNK).map(|i| (i * 13) as u8).collect();
    let mut tree = MemTree::new(shape);
    tree.extend(data.chunks(CHUNK).map(leaf_hash)).unwrap();
    let snap = tree.snapshot(40).unwrap();
    let root = fr_to_bytes(&snap.root());
    let opening = |i: u64| ChunkOpening {
        index: i,
        chunk: data[i as usize * CHUNK..][..CHUNK].to_vec(),
        siblings: snap.path(i).unwrap().siblings.iter().map(|f| hex::encode(fr_to_bytes(f))).collect(),
    };
    assert_eq!(check_chunk(&shape, CHUNK, &root, 17, &opening(17)), Ok(()));
    let mut flipped = opening(17);
    flipped.chunk[63] ^= 0x80;
    assert_eq!(check_chunk(&shape, CHUNK, &root, 17, &flipped), Err(ChunkError::Root));
    let mut moved = opening(17);
    moved.index = 18;
    assert_eq!(check_chunk(&shape, CHUNK, &root, 18, &moved), Err(ChunkError::Root));
    // A node that kept one chunk answers every sample with a valid opening of that chunk: the
    // opening is checked at the index the validator asked for, whatever index the node names.
    assert_eq!(check_chunk(&shape, CHUNK, &root, 5, &opening(5)), Ok(()));
    assert_eq!(check_chunk(&shape, CHUNK, &root, 17, &opening(5)), Err(ChunkError::Index { asked: 17, got: 5 }));
    let mut relabelled = opening(5);
    relabelled.index = 17;
    assert_eq!(check_chunk(&shape, CHUNK, &root, 17, &relabelled), Err(ChunkError::Root));
    let mut sibling = opening(17);
    sibling.siblings.swap(0, 1);
    assert_eq!(check_chunk(&shape, CHUNK, &root, 17, &sibling), Err(ChunkError::Root));
    let mut short = opening(17);
    short.siblings.pop();
    assert!(matches!(check_chunk(&shape, CHUNK, &root, 17, &short), Err(ChunkError::PathLength { .. })));
    let mut cut = opening(17);
    cut.chunk.pop();
    assert!(matches!(check_chunk(&shape, CHUNK, &root, 17, &cut), Err(ChunkError::Size { .. })));
}

/// Batching is what makes a validator cheap: a batch of N proofs costs N + 2 Miller loops and one
/// final exponentiation, N single checks (here, after a batch that failed on one bad proof) 3N
/// and N. Prints both throughputs.
#[test]
fn a_batch_verifies_cheaper_per_proof_than_single_checks() {
    let (pvk, mut candidates) = proofs(16);
    let n = candidates.len() as f64;
    let batch = check(&pvk, candidates.clone());
    assert_eq!(batch.valid.len(), 16);
    candidates[0].proof[7] ^= 1;
    let single = check(&pvk, candidates);
    assert_eq!((single.valid.len(), single.invalid), (15, vec![0]));
    let (b, s) = (batch.batch_time.as_secs_f64() / n, single.single_time.as_secs_f64() / n);
    println!(
        "verification of 16 proofs: batch {:.0} proofs/s, single {:.0} proofs/s ({:.1}x)",
        1.0 / b,
        1.0 / s,
        s / b
    );
    assert!(b < s, "a batch costs {b:.6} s per proof, a single check {s:.6} s");
}
