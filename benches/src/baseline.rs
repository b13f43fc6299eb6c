//! The same statement built the plain arkworks way, as the yardstick for our circuit: a binary
//! Poseidon (t = 3, circom constants) Merkle tree with arkworks' own sponge natively and its
//! `PoseidonSpongeVar` gadget in-circuit, leaves absorbing a chunk's 34 elements, paths walked
//! with `conditionally_select`, the K leaf indices public, and Groth16's default prover.

use ark_bn254::{Bn254, Fr};
use ark_crypto_primitives::sponge::constraints::CryptographicSpongeVar;
use ark_crypto_primitives::sponge::poseidon::constraints::PoseidonSpongeVar;
use ark_crypto_primitives::sponge::poseidon::{find_poseidon_ark_and_mds, PoseidonConfig, PoseidonSponge};
use ark_crypto_primitives::sponge::CryptographicSponge;
use ark_ff::Zero;
use ark_groth16::{Groth16, Proof, ProvingKey};
use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::fp::FpVar;
use ark_relations::r1cs::{ConstraintSynthesizer, ConstraintSystem, ConstraintSystemRef, SynthesisError};
use ark_snark::SNARK;
use ddc_circuits::storage::compound::{count, CircuitInfo};
use ddc_primitives::packing::pack;
use rand::Rng;
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;

/// circomlib's t = 3 Poseidon (8 full, 57 partial rounds, x^5) as an arkworks sponge: rate 2,
/// capacity 1.
pub fn poseidon_config() -> PoseidonConfig<Fr> {
    let (ark, mds) = find_poseidon_ark_and_mds::<Fr>(254, 2, 8, 57, 0);
    PoseidonConfig::new(8, 57, 5, mds, ark, 2, 1)
}

/// The sponge absorbing `inputs` and squeezing one element.
pub fn hash(config: &PoseidonConfig<Fr>, inputs: &[Fr]) -> Fr {
    let mut sponge = PoseidonSponge::new(config);
    sponge.absorb(&inputs);
    sponge.squeeze_field_elements::<Fr>(1)[0]
}

/// The leaf of a chunk: the sponge over its packed elements.
pub fn chunk_leaf(config: &PoseidonConfig<Fr>, chunk: &[u8]) -> Fr {
    hash(config, &pack(chunk).collect::<Vec<_>>())
}

fn hash_var(
    cs: &ConstraintSystemRef<Fr>,
    config: &PoseidonConfig<Fr>,
    inputs: &[FpVar<Fr>],
) -> Result<FpVar<Fr>, SynthesisError> {
    let mut sponge = PoseidonSpongeVar::new(cs.clone(), config);
    sponge.absorb(&inputs)?;
    Ok(sponge.squeeze_field_elements(1)?.remove(0))
}

/// A binary tree of `depth` levels over its first leaves, every other leaf zero: only the
/// populated prefix of each level is stored, the rest are roots of empty subtrees.
pub struct BinaryTree {
    levels: Vec<Vec<Fr>>,
    zeros: Vec<Fr>,
}

impl BinaryTree {
    pub fn new(config: &PoseidonConfig<Fr>, leaves: Vec<Fr>, depth: usize) -> Self {
        let mut zeros = vec![Fr::zero()];
        for l in 0..depth {
            zeros.push(hash(config, &[zeros[l], zeros[l]]));
        }
        let mut levels = vec![leaves];
        for l in 0..depth {
            let next =
                levels[l].par_chunks(2).map(|p| hash(config, &[p[0], p.get(1).copied().unwrap_or(zeros[l])])).collect();
            levels.push(next);
        }
        Self { levels, zeros }
    }

    fn node(&self, level: usize, index: u64) -> Fr {
        self.levels[level].get(index as usize).copied().unwrap_or(self.zeros[level])
    }

    pub fn depth(&self) -> usize {
        self.levels.len() - 1
    }
    pub fn root(&self) -> Fr {
        self.node(self.depth(), 0)
    }
    /// Siblings from the leaf up.
    pub fn path(&self, index: u64) -> Vec<Fr> {
        (0..self.depth()).map(|l| self.node(l, (index >> l) ^ 1)).collect()
    }
}

/// Public inputs `root, index_1..index_K`; per challenge the chunk's elements and the path are
/// witnesses, the index is decomposed into `depth` witnessed bits.
#[derive(Clone)]
pub struct BaselineCircuit {
    config: PoseidonConfig<Fr>,
    depth: usize,
    root: Fr,
    indices: Vec<u64>,
    chunks: Vec<Vec<Fr>>,
    paths: Vec<Vec<Fr>>,
}

impl BaselineCircuit {
    pub fn public_inputs(&self) -> Vec<Fr> {
        std::iter::once(self.root).chain(self.indices.iter().map(|&i| Fr::from(i))).collect()
    }
}

impl ConstraintSynthesizer<Fr> for BaselineCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let root = FpVar::new_input(cs.clone(), || Ok(self.root))?;
        for ((&index, chunk), path) in self.indices.iter().zip(&self.chunks).zip(&self.paths) {
            let index_var = FpVar::new_input(cs.clone(), || Ok(Fr::from(index)))?;
            let bits = (0..self.depth)
                .map(|i| Boolean::new_witness(cs.clone(), || Ok(index >> i & 1 == 1)))
                .collect::<Result<Vec<_>, _>>()?;
            Boolean::le_bits_to_fp(&bits)?.enforce_equal(&index_var)?;
            let elements =
                chunk.iter().map(|e| FpVar::new_witness(cs.clone(), || Ok(*e))).collect::<Result<Vec<_>, _>>()?;
            let mut node = hash_var(&cs, &self.config, &elements)?;
            for (bit, sibling) in bits.iter().zip(path) {
                let sibling = FpVar::new_witness(cs.clone(), || Ok(*sibling))?;
                let left = bit.select(&sibling, &node)?;
                let right = bit.select(&node, &sibling)?;
                node = hash_var(&cs, &self.config, &[left, right])?;
            }
            node.enforce_equal(&root)?;
        }
        Ok(())
    }
}

/// The baseline statement over real data, with its Groth16 keys.
pub struct Baseline {
    pub circuit: BaselineCircuit,
    pub info: CircuitInfo,
    pub pk: ProvingKey<Bn254>,
}

impl Baseline {
    /// `k` random chunks of `data` (1 KiB chunks, zero-padded to `2^depth` leaves) challenged.
    /// Checks the witness satisfies the circuit before generating keys.
    pub fn new(data: &[u8], chunk_bytes: usize, depth: usize, k: usize, rng: &mut ChaCha20Rng) -> Self {
        let config = poseidon_config();
        let chunks: Vec<&[u8]> = data.chunks(chunk_bytes).collect();
        let leaves = chunks.par_iter().map(|c| chunk_leaf(&config, c)).collect();
        let tree = BinaryTree::new(&config, leaves, depth);
        let indices: Vec<u64> = (0..k).map(|_| rng.gen_range(0..chunks.len() as u64)).collect();
        let circuit = BaselineCircuit {
            depth,
            root: tree.root(),
            chunks: indices.iter().map(|&i| pack(chunks[i as usize]).collect()).collect(),
            paths: indices.iter().map(|&i| tree.path(i)).collect(),
            indices,
            config,
        };
        let cs = ConstraintSystem::new_ref();
        circuit.clone().generate_constraints(cs.clone()).expect("synthesis");
        assert!(cs.is_satisfied().expect("satisfiability check"), "baseline witness does not satisfy its circuit");
        let info = count(circuit.clone()).expect("synthesis");
        let (pk, _) = Groth16::<Bn254>::circuit_specific_setup(circuit.clone(), rng).expect("Groth16 setup");
        Self { circuit, info, pk }
    }

    /// A proof by arkworks' default path (synthesis with matrices, then Groth16).
    pub fn prove(&self, circuit: BaselineCircuit, rng: &mut ChaCha20Rng) -> Proof<Bn254> {
        Groth16::<Bn254>::prove(&self.pk, circuit, rng).expect("proving")
    }

    pub fn verify(&self, proof: &Proof<Bn254>) -> bool {
        Groth16::<Bn254>::verify(&self.pk.vk, &self.circuit.public_inputs(), proof).expect("verification")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{random_bytes, rng, CHUNK_BYTES};

    fn satisfied(circuit: BaselineCircuit) -> bool {
        let cs = ConstraintSystem::new_ref();
        circuit.generate_constraints(cs.clone()).unwrap();
        cs.is_satisfied().unwrap()
    }

    #[test]
    fn baseline_accepts_real_openings_only() {
        let b = Baseline::new(&random_bytes(20 * CHUNK_BYTES), CHUNK_BYTES, 6, 3, &mut rng(5));
        assert!(b.verify(&b.prove(b.circuit.clone(), &mut rng(6))));
        let mut bad = b.circuit.clone();
        bad.paths[1][2] += Fr::from(1u64);
        assert!(!satisfied(bad));
        // Per challenge: the leaf, 17 permutations of 243 constraints (81 S-boxes) less the
        // first one's constant capacity S-box; per level a 240-constraint hash, two selects and
        // a booleanity check; the index packing and the root equality. 11,420 at depth 30.
        let per_challenge = (17 * 243 - 3) + 6 * (240 + 2 + 1) + 2;
        assert_eq!(b.info.constraints, 3 * per_challenge);
    }
}
