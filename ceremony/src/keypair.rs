//! Proofs of knowledge of a contribution's secrets, as snarkjs forms and checks them.
//!
//! For a secret `x` the participant publishes `(s, s·x)` in G1, for a random `s`, and `sp·x` in
//! G2, where `sp` is the hash of the transcript and of `(s, s·x)` mapped to G2. The pairing check
//! `e(s, sp·x) = e(s·x, sp)` shows `x` was known to whoever bound it to this transcript.

use crate::blake2b::Blake2b;
use crate::encoding::Point;
use crate::rng::{self, ChaCha};
use ark_bn254::{Bn254, Fr, G1Affine, G2Affine};
use ark_ec::pairing::Pairing;
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::Zero;

/// One secret's public half.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyPart {
    pub g1_s: G1Affine,
    pub g1_sx: G1Affine,
    pub g2_spx: G2Affine,
}

/// A phase-1 contribution's public key: one part per secret (τ, α, β).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey {
    pub tau: KeyPart,
    pub alpha: KeyPart,
    pub beta: KeyPart,
}

/// The secrets of a phase-1 contribution. Dropped (and so forgotten) right after use.
pub struct Secrets {
    pub tau: Fr,
    pub alpha: Fr,
    pub beta: Fr,
}

/// `e(a, d) = e(b, c)`, with no point the identity: `b/a = d/c` as discrete logarithms.
pub fn same_ratio(a: G1Affine, b: G1Affine, c: G2Affine, d: G2Affine) -> bool {
    if a.is_zero() || b.is_zero() || c.is_zero() || d.is_zero() {
        return false;
    }
    Bn254::multi_pairing([a, (-b.into_group()).into_affine()], [d, c]).is_zero()
}

/// The G2 point `sp` of a phase-1 key part: BLAKE2b(personalization ‖ challenge ‖ s ‖ s·x)
/// mapped to G2. Personalizations are 0 for τ, 1 for α, 2 for β.
pub fn g2_sp(personalization: u8, challenge: &[u8], g1_s: &G1Affine, g1_sx: &G1Affine) -> G2Affine {
    let h =
        Blake2b::digest_of(&[&[personalization], challenge, &g1_s.uncompressed_bytes(), &g1_sx.uncompressed_bytes()]);
    rng::hash_to_g2(&h)
}

fn part(rng: &mut ChaCha, personalization: u8, challenge: &[u8], x: Fr) -> KeyPart {
    let g1_s = rng::g1(rng);
    let g1_sx = (g1_s * x).into_affine();
    let g2_spx = (g2_sp(personalization, challenge, &g1_s, &g1_sx) * x).into_affine();
    KeyPart { g1_s, g1_sx, g2_spx }
}

/// snarkjs's `createPTauKey`: three secrets, then the three key parts, all from `rng` in this
/// order, so that a beacon's key can be recomputed by anyone.
pub fn create(rng: &mut ChaCha, challenge: &[u8]) -> (Secrets, PublicKey) {
    let s = Secrets { tau: rng::fr(rng), alpha: rng::fr(rng), beta: rng::fr(rng) };
    let key = PublicKey {
        tau: part(rng, 0, challenge, s.tau),
        alpha: part(rng, 1, challenge, s.alpha),
        beta: part(rng, 2, challenge, s.beta),
    };
    (s, key)
}

impl PublicKey {
    pub const LEN: usize = 6 * 64 + 3 * 128;

    fn g1s(&self) -> [G1Affine; 6] {
        [self.tau.g1_s, self.tau.g1_sx, self.alpha.g1_s, self.alpha.g1_sx, self.beta.g1_s, self.beta.g1_sx]
    }

    fn g2s(&self) -> [G2Affine; 3] {
        [self.tau.g2_spx, self.alpha.g2_spx, self.beta.g2_spx]
    }

    /// The key in LEM (`montgomery`, as `.ptau` stores it) or uncompressed form (as hashed).
    pub fn to_bytes(&self, montgomery: bool) -> Vec<u8> {
        let mut out = vec![0u8; Self::LEN];
        let (g1, g2) = out.split_at_mut(6 * 64);
        for (p, o) in self.g1s().iter().zip(g1.chunks_exact_mut(64)) {
            if montgomery {
                p.lem(o)
            } else {
                p.uncompressed(o)
            }
        }
        for (p, o) in self.g2s().iter().zip(g2.chunks_exact_mut(128)) {
            if montgomery {
                p.lem(o)
            } else {
                p.uncompressed(o)
            }
        }
        out
    }

    pub fn from_bytes(b: &[u8], montgomery: bool) -> Option<Self> {
        let g1 = |i: usize| -> Option<G1Affine> {
            let s = &b[64 * i..64 * i + 64];
            if montgomery {
                G1Affine::from_lem(s)
            } else {
                G1Affine::from_uncompressed(s)
            }
        };
        let g2 = |i: usize| -> Option<G2Affine> {
            let s = &b[384 + 128 * i..384 + 128 * i + 128];
            if montgomery {
                G2Affine::from_lem(s)
            } else {
                G2Affine::from_uncompressed(s)
            }
        };
        Some(Self {
            tau: KeyPart { g1_s: g1(0)?, g1_sx: g1(1)?, g2_spx: g2(0)? },
            alpha: KeyPart { g1_s: g1(2)?, g1_sx: g1(3)?, g2_spx: g2(1)? },
            beta: KeyPart { g1_s: g1(4)?, g1_sx: g1(5)?, g2_spx: g2(2)? },
        })
    }

    /// Checks each part's proof of knowledge against `challenge`; returns the `sp` points.
    pub fn check(&self, challenge: &[u8]) -> Result<[G2Affine; 3], &'static str> {
        let mut sps = [G2Affine::zero(); 3];
        for (i, (p, name)) in [(&self.tau, "tau"), (&self.alpha, "alpha"), (&self.beta, "beta")].into_iter().enumerate()
        {
            sps[i] = g2_sp(i as u8, challenge, &p.g1_s, &p.g1_sx);
            if !same_ratio(p.g1_s, p.g1_sx, sps[i], p.g2_spx) {
                return Err(name);
            }
        }
        Ok(sps)
    }
}
