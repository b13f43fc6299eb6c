//! Phase 1: powers of tau, in snarkjs's `.ptau` format (version 1).
//!
//! Sections: 1 header (`n8`, `q`, power, ceremony power); 2 `τ^i·G1` for `i < 2n-1`; 3 `τ^i·G2`,
//! 4 `ατ^i·G1`, 5 `βτ^i·G1` for `i < n`; 6 `β·G2`; 7 the contributions; after
//! [`Ptau::prepare_phase2`], 12..15 the same points in the Lagrange basis of every domain
//! `2^0..2^power` (and `2^(power+1)` for section 2), which phase 2 reads.
//!
//! Hash chain (BLAKE2b-512): a contribution answers the challenge hash `c`; its response hash is
//! `H(c ‖ new points, compressed ‖ public key)`, and the next challenge is
//! `H(response hash ‖ new points, uncompressed)`, which a challenge file hashes to.

use crate::binfile::{BinFile, Writer};
use crate::blake2b::{Blake2b, PARTIAL_LEN};
use crate::encoding::{in_group, read_lem_points, transcript_bytes, write_lem_points, Point};
use crate::keypair::{self, same_ratio, PublicKey, Secrets};
use crate::rng::ChaCha;
use crate::scalar_mul;
use crate::{read_params, write_params, Beacon, CeremonyError, ContributionInfo, Progress};
use ark_bn254::{Fq, Fr, G1Affine, G2Affine};
use ark_ec::scalar_mul::glv::GLVConfig;
use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{BigInteger, Field, One, PrimeField, UniformRand, Zero};
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use rayon::prelude::*;
use std::path::Path;

/// Largest power accepted: BN254's scalar field has 2^28-th roots of unity and section 2 needs
/// domains up to `2^(power+1)`.
pub const MAX_POWER: u32 = 27;

const CHUNK: usize = 1 << 12;

/// The points of a ceremony, for `n = 2^power`.
#[derive(Clone, PartialEq, Eq)]
pub struct Accumulator {
    pub tau_g1: Vec<G1Affine>,
    pub tau_g2: Vec<G2Affine>,
    pub alpha_tau_g1: Vec<G1Affine>,
    pub beta_tau_g1: Vec<G1Affine>,
    pub beta_g2: G2Affine,
}

impl Accumulator {
    /// Before any contribution: every point is the generator.
    pub fn fresh(power: u32) -> Self {
        let n = 1usize << power;
        Self {
            tau_g1: vec![G1Affine::generator(); 2 * n - 1],
            tau_g2: vec![G2Affine::generator(); n],
            alpha_tau_g1: vec![G1Affine::generator(); n],
            beta_tau_g1: vec![G1Affine::generator(); n],
            beta_g2: G2Affine::generator(),
        }
    }

    pub fn power(&self) -> u32 {
        self.tau_g2.len().trailing_zeros()
    }

    /// Feeds sections 2..6 to `h`, compressed (as a response) or uncompressed (as a challenge).
    fn hash_into(&self, h: &mut Blake2b, compressed: bool) {
        h.update(&transcript_bytes(&self.tau_g1, compressed));
        h.update(&transcript_bytes(&self.tau_g2, compressed));
        h.update(&transcript_bytes(&self.alpha_tau_g1, compressed));
        h.update(&transcript_bytes(&self.beta_tau_g1, compressed));
        h.update(&transcript_bytes(&[self.beta_g2], compressed));
    }

    /// Decodes sections 2..6 from a challenge (uncompressed) or a response (compressed).
    fn decode(bytes: &[u8], power: u32, compressed: bool) -> Option<Self> {
        let n = 1usize << power;
        let (l1, l2) = if compressed { (32, 64) } else { (64, 128) };
        let counts = [(2 * n - 1) * l1, n * l2, n * l1, n * l1, l2];
        if bytes.len() != counts.iter().sum::<usize>() {
            return None;
        }
        let mut at = 0;
        let mut take = |len: usize| {
            at += len;
            &bytes[at - len..at]
        };
        fn points<P: Point + Send>(b: &[u8], len: usize, compressed: bool) -> Option<Vec<P>> {
            b.par_chunks_exact(len)
                .map(|c| if compressed { P::from_compressed(c) } else { P::from_uncompressed(c) })
                .collect()
        }
        Some(Self {
            tau_g1: points(take(counts[0]), l1, compressed)?,
            tau_g2: points(take(counts[1]), l2, compressed)?,
            alpha_tau_g1: points(take(counts[2]), l1, compressed)?,
            beta_tau_g1: points(take(counts[3]), l1, compressed)?,
            beta_g2: points::<G2Affine>(take(counts[4]), l2, compressed)?[0],
        })
    }

    /// Multiplies the secrets in: point `i` of a section by `first · τ^i`.
    fn apply(&mut self, s: &Secrets, progress: &dyn Progress) {
        let total = (self.tau_g1.len() + 3 * self.tau_g2.len() + 1) as u64;
        progress.begin("applying the secrets", total);
        scale(&mut self.tau_g1, Fr::one(), s.tau, progress);
        scale(&mut self.tau_g2, Fr::one(), s.tau, progress);
        scale(&mut self.alpha_tau_g1, s.alpha, s.tau, progress);
        scale(&mut self.beta_tau_g1, s.beta, s.tau, progress);
        self.beta_g2 = scalar_mul::mul(&self.beta_g2, s.beta).into_affine();
        progress.advance(1);
    }
}

/// `points[i] *= first · inc^i`, in parallel chunks.
fn scale<C: GLVConfig<ScalarField = Fr>>(points: &mut [Affine<C>], first: Fr, inc: Fr, progress: &dyn Progress) {
    points.par_chunks_mut(CHUNK).enumerate().for_each(|(k, chunk)| {
        let mut t = first * inc.pow([(k * CHUNK) as u64]);
        let scaled: Vec<Projective<C>> = chunk
            .iter()
            .map(|p| {
                let q = scalar_mul::mul(p, t);
                t *= inc;
                q
            })
            .collect();
        chunk.copy_from_slice(&Projective::<C>::normalize_batch(&scaled));
        progress.advance(chunk.len() as u64);
    });
}

/// One participant's (or the beacon's) record in section 7.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contribution {
    pub tau_g1: G1Affine,
    pub tau_g2: G2Affine,
    pub alpha_g1: G1Affine,
    pub beta_g1: G1Affine,
    pub beta_g2: G2Affine,
    pub key: PublicKey,
    /// The response hasher just before the public key.
    pub partial_hash: [u8; PARTIAL_LEN],
    pub next_challenge: [u8; 64],
    pub name: Option<String>,
    pub beacon: Option<Beacon>,
}

impl Contribution {
    /// The hash the contributor was shown: the partial hash finished with the public key.
    pub fn response_hash(&self) -> Option<[u8; 64]> {
        let mut h = Blake2b::resume(&self.partial_hash)?;
        h.update(&self.key.to_bytes(false));
        Some(h.finalize())
    }

    /// Checks this contribution's keys, and that its points follow `prev`'s by its secrets.
    fn check(&self, prev: &Link) -> Result<(), String> {
        if let Some(b) = &self.beacon {
            let (_, expected) = keypair::create(&mut b.rng(), &prev.challenge);
            if expected != self.key {
                return Err("the beacon's key is not the one its value derives".into());
            }
        }
        let [tau, alpha, beta] = self.key.check(&prev.challenge).map_err(|k| format!("invalid key ({k})"))?;
        let k = &self.key;
        let checks = [
            (
                same_ratio(prev.tau_g1, self.tau_g1, tau, k.tau.g2_spx),
                "tau*G1 does not follow the previous contribution",
            ),
            (
                same_ratio(k.tau.g1_s, k.tau.g1_sx, prev.tau_g2, self.tau_g2),
                "tau*G2 does not follow the previous contribution",
            ),
            (
                same_ratio(prev.alpha_g1, self.alpha_g1, alpha, k.alpha.g2_spx),
                "alpha*G1 does not follow the previous contribution",
            ),
            (
                same_ratio(prev.beta_g1, self.beta_g1, beta, k.beta.g2_spx),
                "beta*G1 does not follow the previous contribution",
            ),
            (
                same_ratio(k.beta.g1_s, k.beta.g1_sx, prev.beta_g2, self.beta_g2),
                "beta*G2 does not follow the previous contribution",
            ),
        ];
        match checks.iter().find(|(ok, _)| !ok) {
            Some((_, why)) => Err(why.to_string()),
            None => Ok(()),
        }
    }

    fn link(&self) -> Link {
        Link {
            tau_g1: self.tau_g1,
            tau_g2: self.tau_g2,
            alpha_g1: self.alpha_g1,
            beta_g1: self.beta_g1,
            beta_g2: self.beta_g2,
            challenge: self.next_challenge,
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.tau_g1.lem_bytes());
        out.extend_from_slice(&self.tau_g2.lem_bytes());
        out.extend_from_slice(&self.alpha_g1.lem_bytes());
        out.extend_from_slice(&self.beta_g1.lem_bytes());
        out.extend_from_slice(&self.beta_g2.lem_bytes());
        out.extend_from_slice(&self.key.to_bytes(true));
        out.extend_from_slice(&self.partial_hash);
        out.extend_from_slice(&self.next_challenge);
        out.extend_from_slice(&(self.beacon.is_some() as u32).to_le_bytes());
        write_params(out, &self.name, &self.beacon);
    }

    fn read(b: &[u8], pos: usize) -> Option<(Self, usize)> {
        let at = |off: usize, len: usize| b.get(pos + off..pos + off + len);
        let fixed = 64 * 3 + 128 * 2 + PublicKey::LEN;
        let kind = crate::binfile::u32_at(b, pos + fixed + PARTIAL_LEN + 64);
        let (name, beacon, end) = read_params(b, pos + fixed + PARTIAL_LEN + 68, kind)?;
        Some((
            Self {
                tau_g1: G1Affine::from_lem(at(0, 64)?)?,
                tau_g2: G2Affine::from_lem(at(64, 128)?)?,
                alpha_g1: G1Affine::from_lem(at(192, 64)?)?,
                beta_g1: G1Affine::from_lem(at(256, 64)?)?,
                beta_g2: G2Affine::from_lem(at(320, 128)?)?,
                key: PublicKey::from_bytes(at(448, PublicKey::LEN)?, true)?,
                partial_hash: at(fixed, PARTIAL_LEN)?.try_into().ok()?,
                next_challenge: at(fixed + PARTIAL_LEN, 64)?.try_into().ok()?,
                name,
                beacon,
            },
            end,
        ))
    }
}

/// What a contribution builds on: the previous one's first points and its next challenge.
struct Link {
    tau_g1: G1Affine,
    tau_g2: G2Affine,
    alpha_g1: G1Affine,
    beta_g1: G1Affine,
    beta_g2: G2Affine,
    challenge: [u8; 64],
}

impl Link {
    fn initial(power: u32) -> Self {
        Self {
            tau_g1: G1Affine::generator(),
            tau_g2: G2Affine::generator(),
            alpha_g1: G1Affine::generator(),
            beta_g1: G1Affine::generator(),
            beta_g2: G2Affine::generator(),
            challenge: first_challenge_hash(power),
        }
    }
}

/// The challenge a first contributor answers: the hash of an all-generator accumulator after
/// the hash of nothing.
pub fn first_challenge_hash(power: u32) -> [u8; 64] {
    let mut h = Blake2b::new();
    h.update(&Blake2b::new().finalize());
    Accumulator::fresh(power).hash_into(&mut h, false);
    h.finalize()
}

/// The Lagrange-basis points of sections 12..15, every domain size concatenated.
#[derive(Clone, PartialEq, Eq)]
pub struct Lagrange {
    pub tau_g1: Vec<G1Affine>,
    pub tau_g2: Vec<G2Affine>,
    pub alpha_tau_g1: Vec<G1Affine>,
    pub beta_tau_g1: Vec<G1Affine>,
}

/// A `.ptau` file.
#[derive(Clone)]
pub struct Ptau {
    pub acc: Accumulator,
    pub ceremony_power: u32,
    pub contributions: Vec<Contribution>,
    pub lagrange: Option<Lagrange>,
}

impl Ptau {
    pub fn new(power: u32) -> Result<Self, CeremonyError> {
        if !(1..=MAX_POWER).contains(&power) {
            return Err(CeremonyError::Usage(format!("power must be 1 to {MAX_POWER}")));
        }
        Ok(Self { acc: Accumulator::fresh(power), ceremony_power: power, contributions: vec![], lagrange: None })
    }

    pub fn power(&self) -> u32 {
        self.acc.power()
    }

    /// The hash the next contributor answers.
    pub fn current_challenge(&self) -> [u8; 64] {
        self.contributions.last().map_or_else(|| first_challenge_hash(self.ceremony_power), |c| c.next_challenge)
    }

    /// Contributes fresh secrets from `rng` (or a beacon's), then forgets them; returns the
    /// response hash, which the participant keeps to find their contribution later.
    pub fn contribute(
        &mut self,
        rng: &mut ChaCha,
        name: Option<String>,
        beacon: Option<Beacon>,
        progress: &dyn Progress,
    ) -> Result<[u8; 64], CeremonyError> {
        if self.power() != self.ceremony_power {
            return Err(CeremonyError::Usage("this file was truncated; contribute to the full one".into()));
        }
        let challenge = self.current_challenge();
        let (key, hasher) = respond(&mut self.acc, &challenge, rng, progress);
        self.lagrange = None;
        Ok(self.record(key, hasher, name, beacon))
    }

    /// Adds the contribution whose response hasher, before the key, is `hasher`.
    fn record(
        &mut self,
        key: PublicKey,
        mut hasher: Blake2b,
        name: Option<String>,
        beacon: Option<Beacon>,
    ) -> [u8; 64] {
        let partial_hash = hasher.save();
        hasher.update(&key.to_bytes(false));
        let response = hasher.finalize();
        let mut next = Blake2b::new();
        next.update(&response);
        self.acc.hash_into(&mut next, false);
        let a = &self.acc;
        self.contributions.push(Contribution {
            tau_g1: a.tau_g1[1],
            tau_g2: a.tau_g2[1],
            alpha_g1: a.alpha_tau_g1[0],
            beta_g1: a.beta_tau_g1[0],
            beta_g2: a.beta_g2,
            key,
            partial_hash,
            next_challenge: next.finalize(),
            name,
            beacon,
        });
        response
    }

    /// The challenge file of the next contribution: the last response hash, then the points
    /// uncompressed. Its BLAKE2b is [`Self::current_challenge`].
    pub fn export_challenge(&self) -> Vec<u8> {
        let last = self
            .contributions
            .last()
            .map_or_else(|| Blake2b::new().finalize(), |c| c.response_hash().expect("a valid saved hash"));
        let mut out = last.to_vec();
        for part in [
            transcript_bytes(&self.acc.tau_g1, false),
            transcript_bytes(&self.acc.tau_g2, false),
            transcript_bytes(&self.acc.alpha_tau_g1, false),
            transcript_bytes(&self.acc.beta_tau_g1, false),
            transcript_bytes(&[self.acc.beta_g2], false),
        ] {
            out.extend_from_slice(&part);
        }
        out
    }

    /// Adds the contribution of an air-gapped participant from their response file.
    pub fn import_response(&mut self, response: &[u8], name: Option<String>) -> Result<[u8; 64], CeremonyError> {
        let bad = |why: &str| CeremonyError::Invalid(format!("response: {why}"));
        let challenge = self.current_challenge();
        if response.len() < 64 + PublicKey::LEN || response[..64] != challenge {
            return Err(bad("it answers another challenge than this file's"));
        }
        let (points, key) = response[64..].split_at(response.len() - 64 - PublicKey::LEN);
        let acc = Accumulator::decode(points, self.power(), true).ok_or_else(|| bad("malformed points"))?;
        let key = PublicKey::from_bytes(key, false).ok_or_else(|| bad("malformed public key"))?;
        let mut hasher = Blake2b::new();
        hasher.update(&response[..64 + points.len()]);
        let prev = self.contributions.last().map_or_else(|| Link::initial(self.ceremony_power), Contribution::link);
        let old = std::mem::replace(&mut self.acc, acc);
        let hash = self.record(key, hasher, name, None);
        if let Err(why) = self.contributions.last().expect("just recorded").check(&prev) {
            self.contributions.pop();
            self.acc = old;
            return Err(bad(&why));
        }
        self.lagrange = None;
        Ok(hash)
    }

    /// Checks the whole file as `snarkjs powersoftau verify` does, and more: every
    /// contribution's keys and links, that the points are the powers of one τ (random linear
    /// combinations), the last challenge hash, and the Lagrange sections if present.
    pub fn verify(&self, progress: &dyn Progress) -> Result<Vec<ContributionInfo>, CeremonyError> {
        let invalid = CeremonyError::Invalid;
        let Some(last) = self.contributions.last() else {
            return Err(invalid("the file has no contribution".into()));
        };
        let mut prev = Link::initial(self.ceremony_power);
        let mut infos = Vec::new();
        for (i, c) in self.contributions.iter().enumerate() {
            c.check(&prev).map_err(|why| invalid(format!("contribution #{}: {why}", i + 1)))?;
            let hash = c
                .response_hash()
                .ok_or_else(|| CeremonyError::Invalid(format!("contribution #{}: malformed hash state", i + 1)))?;
            infos.push(ContributionInfo { index: i + 1, name: c.name.clone(), hash, beacon: c.beacon.clone() });
            prev = c.link();
        }
        let a = &self.acc;
        let keys_g2: Vec<G2Affine> = self
            .contributions
            .iter()
            .flat_map(|c| [c.tau_g2, c.beta_g2, c.key.tau.g2_spx, c.key.alpha.g2_spx, c.key.beta.g2_spx])
            .collect();
        let lagrange_g2 = self.lagrange.as_ref().map_or(&[][..], |l| &l.tau_g2[..]);
        if !in_group(&keys_g2) || !in_group(&a.tau_g2) || !in_group(&[a.beta_g2]) || !in_group(lagrange_g2) {
            return Err(invalid("a G2 point is outside the prime-order subgroup".into()));
        }
        let firsts = [
            (a.tau_g1[0] == G1Affine::generator(), "the first tau*G1 must be the generator"),
            (a.tau_g2[0] == G2Affine::generator(), "the first tau*G2 must be the generator"),
            (a.tau_g1[1] == last.tau_g1 && a.tau_g2[1] == last.tau_g2, "tau does not match the last contribution"),
            (
                a.alpha_tau_g1[0] == last.alpha_g1 && a.beta_tau_g1[0] == last.beta_g1,
                "alpha or beta does not match the last contribution",
            ),
            (a.beta_g2 == last.beta_g2, "beta*G2 does not match the last contribution"),
        ];
        if let Some((_, why)) = firsts.iter().find(|(ok, _)| !ok) {
            return Err(invalid(why.to_string()));
        }
        progress.begin("checking the powers", 4);
        let rng = &mut rand::rngs::OsRng;
        let g1 = G1Affine::generator();
        let g2 = G2Affine::generator();
        for (points, name) in
            [(&a.tau_g1, "tau*G1"), (&a.alpha_tau_g1, "alpha*tau*G1"), (&a.beta_tau_g1, "beta*tau*G1")]
        {
            let (r1, r2) = successive::<G1Affine>(points, rng);
            if !same_ratio(r1, r2, g2, a.tau_g2[1]) {
                return Err(invalid(format!("{name}: the points are not successive powers of tau")));
            }
            progress.advance(1);
        }
        let (r1, r2) = successive::<G2Affine>(&a.tau_g2, rng);
        if !same_ratio(g1, a.tau_g1[1], r1, r2) {
            return Err(invalid("tau*G2: the points are not successive powers of tau".into()));
        }
        progress.advance(1);
        if self.power() == self.ceremony_power {
            let mut next = Blake2b::new();
            next.update(&last.response_hash().expect("checked above"));
            a.hash_into(&mut next, false);
            if next.finalize() != last.next_challenge {
                return Err(invalid("the points do not hash to the last contribution's next challenge".into()));
            }
        }
        if let Some(l) = &self.lagrange {
            check_lagrange(a, l, rng).map_err(invalid)?;
        }
        Ok(infos)
    }

    /// Computes sections 12..15: each section's points in the Lagrange basis of every domain.
    pub fn prepare_phase2(&mut self, progress: &dyn Progress) {
        let power = self.power();
        let a = &self.acc;
        let total: u64 =
            (0..=power + 1).map(|p| 1u64 << p).sum::<u64>() + 3 * (0..=power).map(|p| 1u64 << p).sum::<u64>();
        progress.begin("Lagrange bases", total);
        self.lagrange = Some(Lagrange {
            tau_g1: lagrange_levels(&a.tau_g1, power + 1, progress),
            tau_g2: lagrange_levels(&a.tau_g2, power, progress),
            alpha_tau_g1: lagrange_levels(&a.alpha_tau_g1, power, progress),
            beta_tau_g1: lagrange_levels(&a.beta_tau_g1, power, progress),
        });
    }

    pub fn read(path: &Path) -> Result<Self, CeremonyError> {
        let f = BinFile::read(path, b"ptau")?;
        let bad = |why: &str| CeremonyError::Format(path.to_path_buf(), why.to_string());
        let h = f.sized(1, 4 + 32 + 8)?;
        if crate::binfile::u32_at(h, 0) != 32 || h[4..36] != Fq::MODULUS.to_bytes_le()[..] {
            return Err(bad("not a BN254 file"));
        }
        let power = crate::binfile::u32_at(h, 36);
        let ceremony_power = crate::binfile::u32_at(h, 40);
        if !(1..=MAX_POWER).contains(&power) || ceremony_power < power {
            return Err(bad("bad power"));
        }
        let n = 1usize << power;
        let g1 = |id, count| {
            read_lem_points::<G1Affine>(f.sized(id, count * 64)?)
                .ok_or_else(|| bad(&format!("section {id}: invalid point")))
        };
        let g2 = |id, count| {
            read_lem_points::<G2Affine>(f.sized(id, count * 128)?)
                .ok_or_else(|| bad(&format!("section {id}: invalid point")))
        };
        let acc = Accumulator {
            tau_g1: g1(2, 2 * n - 1)?,
            tau_g2: g2(3, n)?,
            alpha_tau_g1: g1(4, n)?,
            beta_tau_g1: g1(5, n)?,
            beta_g2: g2(6, 1)?[0],
        };
        let s7 = f.section(7)?;
        let count = crate::binfile::u32_at(s7, 0) as usize;
        let mut contributions = Vec::with_capacity(count);
        let mut pos = 4;
        for i in 0..count {
            let (c, end) =
                Contribution::read(s7, pos).ok_or_else(|| bad(&format!("contribution #{}: malformed", i + 1)))?;
            contributions.push(c);
            pos = end;
        }
        if pos != s7.len() {
            return Err(bad("contributions section has trailing bytes"));
        }
        let lagrange = if f.has(12) {
            Some(Lagrange {
                tau_g1: g1(12, (4 << power) - 1)?,
                tau_g2: g2(13, (2 << power) - 1)?,
                alpha_tau_g1: g1(14, (2 << power) - 1)?,
                beta_tau_g1: g1(15, (2 << power) - 1)?,
            })
        } else {
            None
        };
        Ok(Self { acc, ceremony_power, contributions, lagrange })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(b"ptau", 1);
        let mut header = 32u32.to_le_bytes().to_vec();
        header.extend_from_slice(&Fq::MODULUS.to_bytes_le());
        header.extend_from_slice(&self.power().to_le_bytes());
        header.extend_from_slice(&self.ceremony_power.to_le_bytes());
        w.section(1, &[&header]);
        w.section(2, &[&write_lem_points(&self.acc.tau_g1)]);
        // `snarkjs zkey new` reads one G1 point past section 2 when the circuit's domain is
        // 2^power (and above 2^14). Empty sections make those 64 bytes zeros, the identity, so
        // that the hash it computes is defined, and the same as ours.
        for _ in 0..6 {
            w.section(0, &[]);
        }
        w.section(3, &[&write_lem_points(&self.acc.tau_g2)]);
        w.section(4, &[&write_lem_points(&self.acc.alpha_tau_g1)]);
        w.section(5, &[&write_lem_points(&self.acc.beta_tau_g1)]);
        w.section(6, &[&self.acc.beta_g2.lem_bytes()]);
        let mut contributions = (self.contributions.len() as u32).to_le_bytes().to_vec();
        self.contributions.iter().for_each(|c| c.write(&mut contributions));
        w.section(7, &[&contributions]);
        if let Some(l) = &self.lagrange {
            w.section(12, &[&write_lem_points(&l.tau_g1)]);
            w.section(13, &[&write_lem_points(&l.tau_g2)]);
            w.section(14, &[&write_lem_points(&l.alpha_tau_g1)]);
            w.section(15, &[&write_lem_points(&l.beta_tau_g1)]);
        }
        w.finish()
    }

    pub fn write(&self, path: &Path) -> Result<(), CeremonyError> {
        crate::binfile::write_atomic(path, &self.to_bytes())
    }
}

/// Applies a fresh key from `rng` to `acc`; returns the key and the response hasher fed with
/// the challenge and the new points (compressed), ready for the key.
fn respond(
    acc: &mut Accumulator,
    challenge: &[u8; 64],
    rng: &mut ChaCha,
    progress: &dyn Progress,
) -> (PublicKey, Blake2b) {
    let (secrets, key) = keypair::create(rng, challenge);
    acc.apply(&secrets, progress);
    drop(secrets);
    let mut hasher = Blake2b::new();
    hasher.update(challenge);
    acc.hash_into(&mut hasher, true);
    (key, hasher)
}

/// An air-gapped participant's step: reads a challenge file, contributes, and returns the
/// response file and its hash.
pub fn contribute_challenge(
    challenge: &[u8],
    rng: &mut ChaCha,
    progress: &dyn Progress,
) -> Result<(Vec<u8>, [u8; 64]), CeremonyError> {
    // 64 + (2n-1)·64 + n·128 + 2n·64 + 128 bytes = 64 + 384n + 64.
    let body = challenge.len().checked_sub(128).filter(|b| b % 384 == 0).map(|b| b / 384);
    let power =
        body.filter(|n| n.is_power_of_two()).map(|n| n.trailing_zeros()).filter(|p| (1..=MAX_POWER).contains(p));
    let Some(power) = power else {
        return Err(CeremonyError::Invalid("challenge: the size is not that of any power".into()));
    };
    let mut acc = Accumulator::decode(&challenge[64..], power, false)
        .ok_or_else(|| CeremonyError::Invalid("challenge: malformed points".into()))?;
    let challenge_hash = Blake2b::digest_of(&[challenge]);
    let (key, _) = respond(&mut acc, &challenge_hash, rng, progress);
    let mut out = challenge_hash.to_vec();
    for part in [
        transcript_bytes(&acc.tau_g1, true),
        transcript_bytes(&acc.tau_g2, true),
        transcript_bytes(&acc.alpha_tau_g1, true),
        transcript_bytes(&acc.beta_tau_g1, true),
        transcript_bytes(&[acc.beta_g2], true),
    ] {
        out.extend_from_slice(&part);
    }
    out.extend_from_slice(&key.to_bytes(false));
    let hash = Blake2b::digest_of(&[&out]);
    Ok((out, hash))
}

/// `(Σ r_i·P_i, Σ r_i·P_{i+1})` for random 64-bit `r_i`: equal ratios iff (with overwhelming
/// probability) each point is the previous one times the same τ.
fn successive<P: AffineRepr<ScalarField = Fr>>(points: &[P], rng: &mut impl rand::RngCore) -> (P, P) {
    let m = points.len() - 1;
    let r: Vec<Fr> = (0..m).map(|_| Fr::from(rng.next_u64())).collect();
    let a = P::Group::msm(&points[..m], &r).expect("equal lengths");
    let b = P::Group::msm(&points[1..], &r).expect("equal lengths");
    (a.into_affine(), b.into_affine())
}

/// The Lagrange-basis points of `points[..2^p]` for `p = 0..=top`; at `p` beyond the section's
/// length (section 2's `2n-1` points) the missing last point is the identity.
fn lagrange_levels<C: GLVConfig<ScalarField = Fr>>(
    points: &[Affine<C>],
    top: u32,
    progress: &dyn Progress,
) -> Vec<Affine<C>> {
    let mut out = Vec::with_capacity((2 << top) - 1);
    for p in 0..=top {
        let n = 1usize << p;
        let mut v: Vec<Projective<C>> = (0..n)
            .into_par_iter()
            .map(|i| points.get(i).map_or(Projective::<C>::default(), |q| q.into_group()))
            .collect();
        scalar_mul::ifft(&mut v, &|half| progress.advance(half));
        out.extend(scalar_mul::normalize(&v));
    }
    out
}

/// Each level of the Lagrange sections against the powers: `Σ r_j·τ^j = Σ r(ω^i)·L_i(τ)` for a
/// random polynomial `r`.
fn check_lagrange(a: &Accumulator, l: &Lagrange, rng: &mut impl rand::RngCore) -> Result<(), String> {
    fn level<P: AffineRepr<ScalarField = Fr>>(
        powers: &[P],
        lagrange: &[P],
        top: u32,
        rng: &mut impl rand::RngCore,
    ) -> bool {
        (0..=top).all(|p| {
            let n = 1usize << p;
            let r: Vec<Fr> = (0..n).map(|i| if i < powers.len() { Fr::rand(rng) } else { Fr::zero() }).collect();
            let lhs = P::Group::msm(&powers[..n.min(powers.len())], &r[..n.min(powers.len())]).expect("equal lengths");
            let evals = Radix2EvaluationDomain::<Fr>::new(n).expect("a supported size").fft(&r);
            let rhs = P::Group::msm(&lagrange[n - 1..2 * n - 1], &evals).expect("equal lengths");
            lhs == rhs
        })
    }
    let p = a.power();
    let ok = [
        level(&a.tau_g1, &l.tau_g1, p + 1, rng),
        level(&a.tau_g2, &l.tau_g2, p, rng),
        level(&a.alpha_tau_g1, &l.alpha_tau_g1, p, rng),
        level(&a.beta_tau_g1, &l.beta_tau_g1, p, rng),
    ];
    let names = ["tauG1", "tauG2", "alphaTauG1", "betaTauG1"];
    match ok.iter().position(|ok| !ok) {
        Some(i) => Err(format!("the Lagrange points of {} do not match the powers", names[i])),
        None => Ok(()),
    }
}
