//! Data, trees, keys and proof statements shared by the benchmarks.

use crate::measure::stage;
use ark_bn254::Fr;
use ddc_circuits::merkle::{MemTree, TreeShape};
use ddc_circuits::storage::compound::{circuit_info, CircuitInfo, Proof, Prover};
use ddc_circuits::storage::keys::{dev_keys, load_prover, write_keys};
use ddc_circuits::storage::vanilla::{self, VanillaProof};
use ddc_circuits::storage::StorageParams;
use ddc_circuits::Bn254;
use ddc_primitives::groth16::{prepare_verifying_key, verify, PublicInputs};
use ddc_primitives::packing::DEFAULT_CHUNK_BYTES;
use ddc_prover::ingest::leaves;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use std::path::PathBuf;

/// Chunk size of every benchmark: the protocol default, 1 KiB = 34 field elements.
pub const CHUNK_BYTES: usize = DEFAULT_CHUNK_BYTES;
/// Chunks committed for the proving benchmarks. Proving cost depends on the tree depth (the
/// rest of the tree is zero padding), not on how many chunks are stored.
pub const PROVE_CHUNKS: usize = 4096;
/// Where the benchmarks' pseudo-random data comes from.
const DATA_SEED: u64 = 0xddc;

/// A deterministic generator, so every run measures the same data and statements.
pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// `len` pseudo-random bytes (incompressible, like encrypted customer data).
pub fn random_bytes(len: usize) -> Vec<u8> {
    let mut data = vec![0u8; len];
    rng(DATA_SEED).fill_bytes(&mut data);
    data
}

/// `chunks` chunks of pseudo-random data committed in an in-memory tree.
pub struct Committed {
    pub data: Vec<u8>,
    pub tree: MemTree,
}

impl Committed {
    pub fn new(shape: TreeShape, chunks: usize) -> Self {
        let data = random_bytes(chunks * CHUNK_BYTES);
        let mut tree = MemTree::new(shape);
        tree.extend(leaves(&data, CHUNK_BYTES)).expect("the tree has room for the data");
        Self { data, tree }
    }

    /// The statement about the whole commitment for challenge `seed`, with its vanilla proof.
    pub fn statement(&self, params: &StorageParams, seed: Fr) -> (PublicInputs, VanillaProof) {
        let snapshot = self.tree.snapshot(self.tree.len()).expect("snapshot of the current tree");
        let public = PublicInputs { root: snapshot.root(), chunk_count: snapshot.count(), seed };
        let vanilla = vanilla::prove(params, &snapshot, &self.data[..], seed).expect("committed data opens");
        (public, vanilla)
    }
}

/// The prover of `params` with its development keys (deterministic, INSECURE). Key generation
/// dominates setup, so with `DDC_BENCH_KEYS=DIR` the keys are kept in `DIR` across runs.
pub fn dev_prover(params: StorageParams) -> Prover {
    let name = params.name();
    let cache = std::env::var_os("DDC_BENCH_KEYS").map(PathBuf::from);
    if let Some((prover, _)) = cache.as_ref().and_then(|dir| load_prover(dir, &params).ok()) {
        eprintln!("SETUP {name}: keys loaded from {}", cache.expect("checked").display());
        return prover;
    }
    let pk = stage(&format!("{name} key generation"), || dev_keys(&params).expect("key generation"));
    if let Some(dir) = cache {
        let constraints = circuit_info(&params).expect("synthesis").constraints;
        write_keys(&dir, &params, &pk, ddc_circuits::storage::keys::Origin::Dev, constraints)
            .expect("writing the key cache");
    }
    Prover::new(params, pk).expect("setup synthesis")
}

/// A shape's prover and one checked statement: what a proving benchmark needs.
pub struct ProveFixture {
    pub params: StorageParams,
    pub info: CircuitInfo,
    pub committed: Committed,
    pub prover: Prover,
    pub public: PublicInputs,
    pub vanilla: VanillaProof,
}

impl ProveFixture {
    /// Commits [`PROVE_CHUNKS`] chunks and proves once, checking the keys produce valid proofs
    /// (a stale `DDC_BENCH_KEYS` cache would not).
    pub fn new(params: StorageParams) -> Self {
        let info = circuit_info(&params).expect("synthesis");
        let committed = Committed::new(params.shape(), PROVE_CHUNKS);
        let (public, vanilla) = committed.statement(&params, Fr::from(1u64));
        let prover = dev_prover(params);
        let fixture = Self { params, info, committed, prover, public, vanilla };
        let proof = fixture.prove(&mut rng(0));
        let pvk = prepare_verifying_key(fixture.prover.verifying_key());
        assert!(
            verify(&pvk, &fixture.public, &proof),
            "{}: proof does not verify (stale DDC_BENCH_KEYS?)",
            params.name()
        );
        fixture
    }

    pub fn prove(&self, rng: &mut ChaCha20Rng) -> Proof<Bn254> {
        self.prover.prove(&self.public, &self.vanilla, rng).expect("the statement holds")
    }

    /// Constraints per challenge, setup (root, count, seed checks) spread over the K.
    pub fn per_challenge(&self) -> usize {
        self.info.constraints / self.params.challenges
    }
}
