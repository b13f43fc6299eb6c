//! Variable-base scalar multiplication and a group FFT, the two costs of a ceremony.
//!
//! arkworks 0.5's GLV multiplication walks all 256 bit positions of both half-size scalars (its
//! leading-zero skip stops after one pair), so it doubles twice as often as GLV needs. This one
//! starts at the longer half's top bit and adds from an affine table, about 1.7× faster here.

use ark_ec::scalar_mul::glv::GLVConfig;
use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ec::{AdditiveGroup, AffineRepr, CurveGroup};
use ark_ff::{BigInteger, Field, PrimeField};
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use rayon::prelude::*;

/// `p · k` by GLV: `k = k1 + λ·k2` with half-size `k1`, `k2`, and the endomorphism for `λ`.
pub fn mul<C: GLVConfig>(p: &Affine<C>, k: C::ScalarField) -> Projective<C> {
    if p.is_zero() {
        return Projective::default();
    }
    let ((s1, k1), (s2, k2)) = C::scalar_decomposition(k);
    let b1 = if s1 { *p } else { -*p };
    let e = C::endomorphism_affine(p);
    let b2 = if s2 { e } else { -e };
    let sum = (b1 + b2).into_affine();
    let (k1, k2) = (k1.into_bigint(), k2.into_bigint());
    let bits = k1.num_bits().max(k2.num_bits()) as usize;
    let mut acc = Projective::<C>::default();
    for i in (0..bits).rev() {
        acc.double_in_place();
        match (k1.get_bit(i), k2.get_bit(i)) {
            (true, false) => acc += &b1,
            (false, true) => acc += &b2,
            (true, true) => acc += &sum,
            (false, false) => {}
        }
    }
    acc
}

/// The inverse FFT of `v` over the group (`v[i] ← (1/n) Σ_j ω^{-ij} v[j]`, natural order), with
/// each stage's points normalized in one batch so that every twiddle multiplication adds from
/// affine points, in parallel, and twiddles equal to one skipped.
pub fn ifft<C: GLVConfig>(v: &mut [Projective<C>], on_stage: &(dyn Fn(u64) + Sync)) {
    let n = v.len();
    assert!(n.is_power_of_two());
    if n == 1 {
        return;
    }
    let domain = Radix2EvaluationDomain::<C::ScalarField>::new(n).expect("a supported size");
    let log_n = n.trailing_zeros();
    for i in 0..n {
        let j = (i.reverse_bits() >> (usize::BITS - log_n)) as usize;
        if i < j {
            v.swap(i, j);
        }
    }
    let inv_root = domain.group_gen_inv();
    let mut half = 1;
    while half < n {
        let w = inv_root.pow([(n / (2 * half)) as u64]);
        let twiddles: Vec<C::ScalarField> =
            std::iter::successors(Some(C::ScalarField::ONE), |t| Some(*t * w)).take(half).collect();
        // The odd halves of every block, times their twiddle.
        let odd: Vec<Projective<C>> = v.chunks(2 * half).flat_map(|b| b[half..].to_vec()).collect();
        let affine = normalize(&odd);
        let scaled: Vec<Projective<C>> = affine
            .par_iter()
            .enumerate()
            .map(|(i, p)| {
                let t = twiddles[i % half];
                if t == C::ScalarField::ONE {
                    p.into_group()
                } else {
                    mul(p, t)
                }
            })
            .collect();
        v.par_chunks_mut(2 * half).zip(scaled.par_chunks(half)).for_each(|(block, odd)| {
            let (lo, hi) = block.split_at_mut(half);
            for ((a, b), t) in lo.iter_mut().zip(hi.iter_mut()).zip(odd) {
                *b = *a - t;
                *a += t;
            }
        });
        on_stage(half as u64);
        half *= 2;
    }
    let n_inv = domain.size_inv();
    let affine = normalize(v);
    v.par_iter_mut().zip(affine.par_iter()).for_each(|(o, p)| *o = mul(p, n_inv));
}

/// Affine forms of `points`, in parallel batches (one field inversion per batch).
pub fn normalize<C: GLVConfig>(points: &[Projective<C>]) -> Vec<Affine<C>> {
    points.par_chunks(1 << 10).flat_map_iter(Projective::<C>::normalize_batch).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{Fr, G1Affine, G1Projective, G2Affine};
    use ark_ff::UniformRand;

    #[test]
    fn mul_matches_arkworks() {
        let rng = &mut ark_std::test_rng();
        for _ in 0..20 {
            let k = Fr::rand(rng);
            let p = (G1Affine::generator() * Fr::rand(rng)).into_affine();
            assert_eq!(mul(&p, k), p * k);
            let q = (G2Affine::generator() * Fr::rand(rng)).into_affine();
            assert_eq!(mul(&q, k), q * k);
        }
        assert_eq!(mul(&G1Affine::generator(), Fr::from(0u64)), G1Projective::default());
        assert_eq!(mul(&G1Affine::zero(), Fr::from(5u64)), G1Projective::default());
    }

    #[test]
    fn ifft_matches_arkworks() {
        let rng = &mut ark_std::test_rng();
        for n in [1usize, 2, 8, 64] {
            let v: Vec<G1Projective> = (0..n).map(|_| G1Affine::generator() * Fr::rand(rng)).collect();
            let mut ours = v.clone();
            ifft(&mut ours, &|_| {});
            let mut theirs = v;
            Radix2EvaluationDomain::<Fr>::new(n).unwrap().ifft_in_place(&mut theirs);
            assert_eq!(ours, theirs);
        }
    }
}
