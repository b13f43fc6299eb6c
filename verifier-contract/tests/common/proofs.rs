//! Real storage proofs for contract tests, over a small circuit shape (depth 3, 2 challenges,
//! 32-byte chunks): on-chain verification cost does not depend on the shape, only proving does.

use ddc_circuits::challenge::replica_seed;
use ddc_circuits::merkle::MemTree;
use ddc_circuits::packing::leaf_hash;
use ddc_circuits::storage::compound::{encode_proof, generate_keys, Prover};
use ddc_circuits::storage::{vanilla, StorageParams};
use ddc_primitives::encoding::fr_to_bytes;
use ddc_primitives::groth16::{encode_vk, PublicInputs};
use ddc_verifier_contract::logic::CircuitShape;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::sync::OnceLock;

pub const CHUNKS: u64 = 6;

pub struct Proofs {
    pub params: StorageParams,
    pub prover: Prover,
    pub vk: Vec<u8>,
}

/// Keys made once per test binary (INSECURE: seeded, for tests only).
pub fn fixture() -> &'static Proofs {
    static F: OnceLock<Proofs> = OnceLock::new();
    F.get_or_init(|| Proofs::seeded(5))
}

/// A second key pair for the same circuit: what a key rotation registers.
pub fn rotated() -> &'static Proofs {
    static F: OnceLock<Proofs> = OnceLock::new();
    F.get_or_init(|| Proofs::seeded(6))
}

impl Proofs {
    fn seeded(seed: u64) -> Self {
        let params = StorageParams::new(3, 2, 32).unwrap();
        let pk = generate_keys(&params, &mut ChaCha20Rng::seed_from_u64(seed)).unwrap();
        let vk = encode_vk(&pk.vk);
        Proofs { params, prover: Prover::new(params, pk).unwrap(), vk }
    }

    pub fn shape(&self) -> CircuitShape {
        CircuitShape {
            depth: self.params.depth as u8,
            arity: self.params.arity as u8,
            challenges: self.params.challenges as u16,
            chunk_bytes: self.params.chunk_bytes as u32,
        }
    }

    /// What vnode `vnode` stores: `CHUNKS` chunks of its own bytes.
    pub fn data(&self, vnode: u32) -> Vec<u8> {
        (0..CHUNKS as u32 * 32).map(|i| (i.wrapping_mul(31) ^ vnode.wrapping_mul(97)) as u8).collect()
    }

    fn tree(&self, data: &[u8]) -> MemTree {
        let mut tree = MemTree::new(self.params.shape());
        tree.extend(data.chunks(32).map(leaf_hash)).unwrap();
        tree
    }

    pub fn root(&self, vnode: u32) -> [u8; 32] {
        fr_to_bytes(&self.tree(&self.data(vnode)).snapshot(CHUNKS).unwrap().root())
    }

    /// The node's proof for a vnode in an epoch with `epoch_seed`.
    pub fn prove(&self, epoch_seed: &[u8; 32], cluster: u32, vnode: u32, node: u32, epoch: u64) -> [u8; 128] {
        let data = self.data(vnode);
        let tree = self.tree(&data);
        let snap = tree.snapshot(CHUNKS).unwrap();
        let seed = replica_seed(epoch_seed, cluster, vnode, node, epoch);
        let opened = vanilla::prove(&self.params, &snap, &data[..], seed).unwrap();
        let public = PublicInputs { root: snap.root(), chunk_count: CHUNKS, seed };
        encode_proof(&self.prover.prove(&public, &opened, &mut ChaCha20Rng::seed_from_u64(epoch)).unwrap())
    }
}
