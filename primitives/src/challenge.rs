//! Challenge derivation, identical natively and in-circuit.
//!
//! `seed = Poseidon(epoch_seed, cluster, vnode, node, epoch)` binds a proof to one replica of one
//! epoch. Indices come from draws `j = 0, 1, …`: the width-3 permutation of `(0, seed, j)`, all
//! three state elements kept (circomlib's `PoseidonEx(2, 3)`), so one permutation serves nine
//! indices. The low 192 bits of each canonical element `r` give three 64-bit words `w`, each
//! mapped onto `[0, chunk_count)` as `⌊w · n / 2^64⌋` (bias below `n / 2^64 ≤ 2^-28`). The circuit
//! proves the canonical decomposition with `hi < p_hi` (`p_hi` the modulus' top limb), which
//! excludes `r ≥ p_hi · 2^192`: a fraction 2^-61.6 of elements, reported as
//! [`ChallengeError::Unprovable`] rather than silently mis-derived.

use crate::ids::{ClusterId, Epoch, NodeId, VNodeIndex};
use crate::poseidon;
use alloc::vec::Vec;
use ark_bn254::Fr;
use ark_ff::PrimeField;

/// Index words drawn from one field element.
pub const WORDS_PER_ELEMENT: usize = 3;
/// Field elements of one draw: the whole width-3 state.
pub const ELEMENTS_PER_DRAW: usize = 3;
/// Index words of one draw.
pub const WORDS_PER_DRAW: usize = WORDS_PER_ELEMENT * ELEMENTS_PER_DRAW;
/// The BN254 scalar modulus' most significant 64-bit limb.
pub const MODULUS_TOP_LIMB: u64 = 0x30644e72e131a029;
/// Challenges per proof unless a cluster sets otherwise.
pub const DEFAULT_CHALLENGES: usize = 32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "std", derive(thiserror::Error))]
pub enum ChallengeError {
    #[cfg_attr(feature = "std", error("a commitment to zero chunks cannot be challenged"))]
    Empty,
    #[cfg_attr(feature = "std", error("chunk count {0} exceeds the tree capacity {1}"))]
    TooLarge(u64, u64),
    #[cfg_attr(feature = "std", error("seed draws a word outside the provable range (probability 2^-61)"))]
    Unprovable,
}

/// An epoch seed (32 bytes of revealed randomness) as a field element.
pub fn epoch_seed_field(epoch_seed: &[u8; 32]) -> Fr {
    Fr::from_le_bytes_mod_order(epoch_seed)
}

/// The seed of one replica in one epoch: useless for any other node, vnode or epoch.
pub fn replica_seed(epoch_seed: &[u8; 32], cluster: ClusterId, vnode: VNodeIndex, node: NodeId, epoch: Epoch) -> Fr {
    poseidon::hash(&[epoch_seed_field(epoch_seed), Fr::from(cluster), Fr::from(vnode), Fr::from(node), Fr::from(epoch)])
}

/// The index words of draw `j`, or `None` if an element is not provable.
pub fn index_words(seed: Fr, j: u64) -> Option<[u64; WORDS_PER_DRAW]> {
    let mut state = [Fr::from(0u64), seed, Fr::from(j)];
    poseidon::permute(&mut state);
    let mut words = [0u64; WORDS_PER_DRAW];
    for (e, out) in state.iter().zip(words.chunks_mut(WORDS_PER_ELEMENT)) {
        let limbs = e.into_bigint().0;
        if limbs[3] >= MODULUS_TOP_LIMB {
            return None;
        }
        out.copy_from_slice(&limbs[..WORDS_PER_ELEMENT]);
    }
    Some(words)
}

/// `⌊w · n / 2^64⌋`, uniform over `[0, n)` up to `n / 2^64`.
#[inline]
pub fn scale(word: u64, n: u64) -> u64 {
    ((word as u128 * n as u128) >> 64) as u64
}

/// The `k` challenged chunk indices of `seed` over a commitment of `chunk_count` chunks.
pub fn challenge_indices(seed: Fr, chunk_count: u64, k: usize, capacity: u64) -> Result<Vec<u64>, ChallengeError> {
    if chunk_count == 0 {
        return Err(ChallengeError::Empty);
    }
    if chunk_count > capacity {
        return Err(ChallengeError::TooLarge(chunk_count, capacity));
    }
    let mut out = Vec::with_capacity(k);
    for j in 0..k.div_ceil(WORDS_PER_DRAW) {
        let words = index_words(seed, j as u64).ok_or(ChallengeError::Unprovable)?;
        out.extend(words.iter().map(|w| scale(*w, chunk_count)));
    }
    out.truncate(k);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modulus_top_limb() {
        assert_eq!(Fr::MODULUS.0[3], MODULUS_TOP_LIMB);
    }

    #[test]
    fn seeds_separate_every_field() {
        let e = [7u8; 32];
        let base = replica_seed(&e, 1, 2, 3, 4);
        assert_ne!(base, replica_seed(&e, 9, 2, 3, 4));
        assert_ne!(base, replica_seed(&e, 1, 9, 3, 4));
        assert_ne!(base, replica_seed(&e, 1, 2, 9, 4));
        assert_ne!(base, replica_seed(&e, 1, 2, 3, 9));
        assert_ne!(base, replica_seed(&[8u8; 32], 1, 2, 3, 4));
    }

    #[test]
    fn indices_are_in_range_and_roughly_uniform() {
        let n = 1000u64;
        let mut hits = alloc::vec![0u32; 10];
        for s in 0..300u64 {
            for i in challenge_indices(Fr::from(s), n, 32, 1 << 30).unwrap() {
                assert!(i < n);
                hits[(i / 100) as usize] += 1;
            }
        }
        // 9600 draws, 960 expected per decile; 5 sigma ≈ 150.
        assert!(hits.iter().all(|h| (810..1110).contains(h)), "{hits:?}");
        assert_eq!(challenge_indices(Fr::from(1u64), 0, 4, 8), Err(ChallengeError::Empty));
        assert_eq!(challenge_indices(Fr::from(1u64), 9, 4, 8), Err(ChallengeError::TooLarge(9, 8)));
    }
}
