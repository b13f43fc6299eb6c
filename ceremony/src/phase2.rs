//! Phase 2: the circuit's own ceremony, in snarkjs's `.zkey` format (Groth16).
//!
//! Sections: 1 protocol (1 = Groth16); 2 header (`n8q`, `q`, `n8r`, `r`, wires, public inputs,
//! domain size, then α1, β1, β2, γ2, δ1, δ2); 3 IC; 4 the A and B coefficients (the prover's
//! copy of the constraints); 5 A, 6 B1, 7 B2 per wire; 8 L (`(βA + αB + C)/δ` per private
//! wire); 9 H (`L^{2n}_{2i+1}(τ)/δ`: circom's QAP, whose quotient is evaluated on the odd coset
//! of the domain, not arkworks'); 10 the contributions, after the circuit's hash.
//!
//! A contribution multiplies δ by a secret and divides sections 8 and 9 by it, with a proof of
//! knowledge bound to the transcript; a beacon's secret is derived from a public value.

use crate::binfile::{u32_at, BinFile, Writer};
use crate::blake2b::Blake2b;
use crate::encoding::{in_group, read_lem_points, write_lem_points, Point};
use crate::keypair::same_ratio;
use crate::phase1::Ptau;
use crate::rng::{self, ChaCha};
use crate::scalar_mul;
use crate::{read_params, write_params, Beacon, CeremonyError, ContributionInfo, Progress};
use ark_bn254::{Bn254, Fq, Fr, G1Affine, G1Projective, G2Affine};
use ark_ec::scalar_mul::glv::GLVConfig;
use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{BigInteger, Field, MontConfig, One, PrimeField, Zero};
use ark_groth16::{ProvingKey, VerifyingKey};
use ark_relations::r1cs::ConstraintMatrices;
use rayon::prelude::*;
use std::path::Path;

/// One contribution's record in section 10.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contribution {
    pub delta_after: G1Affine,
    pub g1_s: G1Affine,
    pub g1_sx: G1Affine,
    pub g2_spx: G2Affine,
    /// BLAKE2b of the circuit hash, the earlier contributions and `(g1_s, g1_sx)`.
    pub transcript: [u8; 64],
    pub name: Option<String>,
    pub beacon: Option<Beacon>,
}

impl Contribution {
    fn hash_into(&self, h: &mut Blake2b) {
        h.update(&self.delta_after.uncompressed_bytes());
        h.update(&self.g1_s.uncompressed_bytes());
        h.update(&self.g1_sx.uncompressed_bytes());
        h.update(&self.g2_spx.uncompressed_bytes());
        h.update(&self.transcript);
    }

    /// The hash a contributor is shown, and finds again in `verify`'s list.
    pub fn hash(&self) -> [u8; 64] {
        let mut h = Blake2b::new();
        self.hash_into(&mut h);
        h.finalize()
    }
}

/// A `.zkey` file.
#[derive(Clone)]
pub struct Zkey {
    pub n_vars: usize,
    pub n_public: usize,
    pub domain_size: usize,
    pub alpha_g1: G1Affine,
    pub beta_g1: G1Affine,
    pub beta_g2: G2Affine,
    pub gamma_g2: G2Affine,
    pub delta_g1: G1Affine,
    pub delta_g2: G2Affine,
    pub ic: Vec<G1Affine>,
    /// Section 4 as stored.
    pub coeffs: Vec<u8>,
    pub a: Vec<G1Affine>,
    pub b1: Vec<G1Affine>,
    pub b2: Vec<G2Affine>,
    pub l: Vec<G1Affine>,
    pub h: Vec<G1Affine>,
    pub cs_hash: [u8; 64],
    pub contributions: Vec<Contribution>,
}

/// Terms `(coefficient, basis index)` of one wire's polynomial.
type Column = Vec<(Fr, usize)>;

fn columns(rows: &[Vec<(Fr, usize)>], wires: usize) -> Vec<Column> {
    let mut cols = vec![Vec::new(); wires];
    for (c, row) in rows.iter().enumerate() {
        for (coeff, w) in row {
            cols[*w].push((*coeff, c));
        }
    }
    cols
}

/// `Σ coeff · bases[which][index]` for each column, in parallel: term by term for the short
/// columns most wires have, by MSM for long ones.
fn combine<C: GLVConfig<ScalarField = Fr>>(
    cols: &[Vec<(Fr, usize, u8)>],
    bases: &[&[Affine<C>]],
    progress: &dyn Progress,
) -> Vec<Affine<C>> {
    let out: Vec<Projective<C>> = cols
        .par_iter()
        .map(|col| {
            let point = |(_, i, which): &(Fr, usize, u8)| bases[*which as usize][*i];
            let r = if col.len() <= 16 {
                col.iter().map(|t| scalar_mul::mul(&point(t), t.0)).sum()
            } else {
                let points: Vec<Affine<C>> = col.iter().map(point).collect();
                let scalars: Vec<Fr> = col.iter().map(|t| t.0).collect();
                Projective::<C>::msm(&points, &scalars).expect("equal lengths")
            };
            progress.advance(1);
            r
        })
        .collect();
    scalar_mul::normalize(&out)
}

fn be32(n: usize) -> [u8; 4] {
    (n as u32).to_be_bytes()
}

impl Zkey {
    /// The initial key of circuit `m` from a prepared powers of tau (snarkjs's `zkey new`):
    /// δ = γ = 1 and no contribution yet.
    pub fn setup(m: &ConstraintMatrices<Fr>, ptau: &Ptau, progress: &dyn Progress) -> Result<Self, CeremonyError> {
        let n_public = m.num_instance_variables - 1;
        let n_vars = m.num_instance_variables + m.num_witness_variables;
        let power = usize::BITS - (m.num_constraints + n_public).leading_zeros();
        let domain_size = 1usize << power;
        if power > ptau.power() {
            return Err(CeremonyError::Usage(format!(
                "the circuit needs a powers of tau of power {power} or more; this one has {}",
                ptau.power()
            )));
        }
        let lag = ptau.lagrange.as_ref().ok_or_else(|| {
            CeremonyError::Usage("the powers of tau is not prepared for phase 2 (run `phase1 prepare`)".into())
        })?;
        let level = |v: &[G1Affine], p: u32| -> Vec<G1Affine> { v[(1 << p) - 1..(2 << p) - 1].to_vec() };
        let tau1 = level(&lag.tau_g1, power);
        let tau2 = lag.tau_g2[domain_size - 1..2 * domain_size - 1].to_vec();
        let alpha = level(&lag.alpha_tau_g1, power);
        let beta = level(&lag.beta_tau_g1, power);
        let (ca, cb, cc) = (columns(&m.a, n_vars), columns(&m.b, n_vars), columns(&m.c, n_vars));
        const T: u8 = 0;
        const AL: u8 = 1;
        const BE: u8 = 2;
        // Public inputs' constraints `x_i · 0 = 0` after the circuit's, so the A polynomials of
        // the public wires are independent.
        let extra = |s: usize| (s <= n_public).then_some((Fr::one(), m.num_constraints + s));
        let a_cols: Vec<Vec<(Fr, usize, u8)>> =
            (0..n_vars).map(|s| ca[s].iter().copied().chain(extra(s)).map(|(c, i)| (c, i, T)).collect()).collect();
        let b_cols: Vec<Vec<(Fr, usize, u8)>> =
            (0..n_vars).map(|s| cb[s].iter().map(|(c, i)| (*c, *i, T)).collect()).collect();
        // βA + αB + C per wire.
        let l_cols: Vec<Vec<(Fr, usize, u8)>> = (0..n_vars)
            .map(|s| {
                let a = ca[s].iter().copied().chain(extra(s)).map(|(c, i)| (c, i, BE));
                let b = cb[s].iter().map(|(c, i)| (*c, *i, AL));
                let c = cc[s].iter().map(|(c, i)| (*c, *i, T));
                a.chain(b).chain(c).collect()
            })
            .collect();
        progress.begin("phase 2 setup", (4 * n_vars) as u64);
        let g1_bases: [&[G1Affine]; 3] = [&tau1, &alpha, &beta];
        let a = combine(&a_cols, &g1_bases, progress);
        let b1 = combine(&b_cols, &g1_bases, progress);
        let b2 = combine(&b_cols, &[&tau2[..]], progress);
        let lc = combine(&l_cols, &g1_bases, progress);
        let (ic, l) = (lc[..=n_public].to_vec(), lc[n_public + 1..].to_vec());
        let h: Vec<G1Affine> = (0..domain_size).map(|i| lag.tau_g1[(2 * domain_size - 1) + 2 * i + 1]).collect();

        let mut z = Self {
            n_vars,
            n_public,
            domain_size,
            alpha_g1: ptau.acc.alpha_tau_g1[0],
            beta_g1: ptau.acc.beta_tau_g1[0],
            beta_g2: ptau.acc.beta_g2,
            gamma_g2: G2Affine::generator(),
            delta_g1: G1Affine::generator(),
            delta_g2: G2Affine::generator(),
            ic,
            coeffs: coefficients(m),
            a,
            b1,
            b2,
            l,
            h,
            cs_hash: [0; 64],
            contributions: vec![],
        };
        z.cs_hash = z.circuit_hash(ptau);
        Ok(z)
    }

    /// snarkjs's circuit hash: BLAKE2b over the initial key, with the H points as the powers
    /// `τ^i·(τ^n - 1)` and, as snarkjs counts them, `n - 1` of those up to `n = 2^14`, `n`
    /// beyond (the last then reads past section 2 when the powers stop at `2n - 1`: the
    /// identity in our files).
    fn circuit_hash(&self, ptau: &Ptau) -> [u8; 64] {
        let mut h = Blake2b::new();
        for p in
            [self.alpha_g1.uncompressed_bytes(), self.beta_g1.uncompressed_bytes(), self.beta_g2.uncompressed_bytes()]
        {
            h.update(&p);
        }
        h.update(&G2Affine::generator().uncompressed_bytes());
        h.update(&G1Affine::generator().uncompressed_bytes());
        h.update(&G2Affine::generator().uncompressed_bytes());
        let section = |h: &mut Blake2b, points: &[G1Affine]| {
            h.update(&be32(points.len()));
            h.update(&crate::encoding::transcript_bytes(points, false));
        };
        section(&mut h, &self.ic);
        let n = self.domain_size;
        let hashed = if n - 1 > 1 << 14 { n } else { n - 1 };
        let tau = &ptau.acc.tau_g1;
        let zs: Vec<G1Projective> = (0..hashed)
            .into_par_iter()
            .map(|i| tau.get(i + n).map_or(G1Projective::zero(), |p| p.into_group()) - tau[i])
            .collect();
        h.update(&be32(n - 1));
        h.update(&crate::encoding::transcript_bytes(&G1Projective::normalize_batch(&zs), false));
        section(&mut h, &self.l);
        section(&mut h, &self.a);
        section(&mut h, &self.b1);
        h.update(&be32(self.b2.len()));
        h.update(&crate::encoding::transcript_bytes(&self.b2, false));
        h.finalize()
    }

    /// Multiplies δ by a fresh secret from `rng` (or a beacon's) and forgets it; returns the
    /// contribution's hash.
    pub fn contribute(
        &mut self,
        rng: &mut ChaCha,
        name: Option<String>,
        beacon: Option<Beacon>,
        progress: &dyn Progress,
    ) -> [u8; 64] {
        let mut transcript = Blake2b::new();
        transcript.update(&self.cs_hash);
        self.contributions.iter().for_each(|c| c.hash_into(&mut transcript));
        let secret = rng::fr(rng);
        let g1_s = rng::g1(rng);
        let g1_sx = scalar_mul::mul(&g1_s, secret).into_affine();
        transcript.update(&g1_s.uncompressed_bytes());
        transcript.update(&g1_sx.uncompressed_bytes());
        let transcript = transcript.finalize();
        let g2_spx = (rng::hash_to_g2(&transcript) * secret).into_affine();
        self.delta_g1 = (self.delta_g1 * secret).into_affine();
        self.delta_g2 = (self.delta_g2 * secret).into_affine();
        let inv = secret.inverse().expect("a nonzero secret");
        progress.begin("dividing L and H by the secret", (self.l.len() + self.h.len()) as u64);
        for points in [&mut self.l, &mut self.h] {
            points.par_chunks_mut(1 << 12).for_each(|chunk| {
                let scaled: Vec<G1Projective> = chunk.iter().map(|p| scalar_mul::mul(p, inv)).collect();
                chunk.copy_from_slice(&G1Projective::normalize_batch(&scaled));
                progress.advance(chunk.len() as u64);
            });
        }
        let c = Contribution { delta_after: self.delta_g1, g1_s, g1_sx, g2_spx, transcript, name, beacon };
        let hash = c.hash();
        self.contributions.push(c);
        hash
    }

    /// Checks this key against the circuit and the powers of tau it claims to come from, as
    /// `snarkjs zkey verify` does: every contribution's proof and link, then every section
    /// against a fresh setup (equal, or equal up to the final δ).
    pub fn verify(
        &self,
        m: &ConstraintMatrices<Fr>,
        ptau: &Ptau,
        progress: &dyn Progress,
    ) -> Result<Vec<ContributionInfo>, CeremonyError> {
        let invalid = |why: String| CeremonyError::Invalid(why);
        let mut transcript = Blake2b::new();
        transcript.update(&self.cs_hash);
        let mut delta = G1Affine::generator();
        let mut infos = Vec::new();
        for (i, c) in self.contributions.iter().enumerate() {
            let n = i + 1;
            let mut ours = transcript.clone();
            ours.update(&c.g1_s.uncompressed_bytes());
            ours.update(&c.g1_sx.uncompressed_bytes());
            if ours.finalize() != c.transcript {
                return Err(invalid(format!("contribution #{n}: inconsistent transcript")));
            }
            let sp = rng::hash_to_g2(&c.transcript);
            if !same_ratio(c.g1_s, c.g1_sx, sp, c.g2_spx) {
                return Err(invalid(format!("contribution #{n}: its G1 and G2 keys have different ratios")));
            }
            if !same_ratio(delta, c.delta_after, sp, c.g2_spx) {
                return Err(invalid(format!("contribution #{n}: delta does not follow its key")));
            }
            if let Some(b) = &c.beacon {
                let mut r = b.rng();
                let secret = rng::fr(&mut r);
                let g1_s = rng::g1(&mut r);
                if g1_s != c.g1_s || (g1_s * secret).into_affine() != c.g1_sx {
                    return Err(invalid(format!(
                        "contribution #{n}: the beacon's key is not the one its value derives"
                    )));
                }
            }
            c.hash_into(&mut transcript);
            infos.push(ContributionInfo { index: n, name: c.name.clone(), hash: c.hash(), beacon: c.beacon.clone() });
            delta = c.delta_after;
        }
        let keys: Vec<G2Affine> = self.contributions.iter().map(|c| c.g2_spx).collect();
        if !in_group(&keys) || !in_group(&[self.beta_g2, self.gamma_g2, self.delta_g2]) {
            return Err(invalid("a G2 point is outside the prime-order subgroup".into()));
        }
        let init = Self::setup(m, ptau, progress)?;
        let same = [
            (
                init.n_vars == self.n_vars && init.n_public == self.n_public && init.domain_size == self.domain_size,
                "different circuit sizes",
            ),
            (
                init.alpha_g1 == self.alpha_g1 && init.beta_g1 == self.beta_g1 && init.beta_g2 == self.beta_g2,
                "alpha or beta differ from the powers of tau",
            ),
            (self.gamma_g2 == G2Affine::generator(), "gamma is not the generator"),
            (self.delta_g1 == delta, "delta1 is not the last contribution's"),
            (
                same_ratio(G1Affine::generator(), self.delta_g1, G2Affine::generator(), self.delta_g2),
                "delta2 does not match delta1",
            ),
            (init.cs_hash == self.cs_hash, "the circuit hash differs: another circuit or powers of tau"),
            (init.ic == self.ic, "IC differs"),
            (init.coeffs == self.coeffs, "the coefficients differ"),
            (init.a == self.a && init.b1 == self.b1 && init.b2 == self.b2, "the A or B points differ"),
        ];
        if let Some((_, why)) = same.iter().find(|(ok, _)| !ok) {
            return Err(invalid(why.to_string()));
        }
        for (ours, theirs, name) in [(&init.l, &self.l, "L"), (&init.h, &self.h, "H")] {
            if ours.len() != theirs.len() || !divided_by_delta(ours, theirs, self.delta_g2) {
                return Err(invalid(format!("the {name} points are not the circuit's divided by delta")));
            }
        }
        Ok(infos)
    }

    /// The prover's key and the verifying key of this zkey.
    pub fn proving_key(&self) -> ProvingKey<Bn254> {
        ProvingKey {
            vk: VerifyingKey {
                alpha_g1: self.alpha_g1,
                beta_g2: self.beta_g2,
                gamma_g2: self.gamma_g2,
                delta_g2: self.delta_g2,
                gamma_abc_g1: self.ic.clone(),
            },
            beta_g1: self.beta_g1,
            delta_g1: self.delta_g1,
            a_query: self.a.clone(),
            b_g1_query: self.b1.clone(),
            b_g2_query: self.b2.clone(),
            h_query: self.h.clone(),
            l_query: self.l.clone(),
        }
    }

    pub fn read(path: &Path) -> Result<Self, CeremonyError> {
        let f = BinFile::read(path, b"zkey")?;
        let bad = |why: &str| CeremonyError::Format(path.to_path_buf(), why.to_string());
        if f.sized(1, 4)? != 1u32.to_le_bytes() {
            return Err(bad("not a Groth16 key"));
        }
        let h = f.sized(2, 4 + 32 + 4 + 32 + 12 + 3 * 64 + 3 * 128)?;
        if u32_at(h, 0) != 32
            || h[4..36] != Fq::MODULUS.to_bytes_le()[..]
            || u32_at(h, 36) != 32
            || h[40..72] != Fr::MODULUS.to_bytes_le()[..]
        {
            return Err(bad("not a BN254 key"));
        }
        let (n_vars, n_public, domain_size) = (u32_at(h, 72) as usize, u32_at(h, 76) as usize, u32_at(h, 80) as usize);
        if n_public >= n_vars || !domain_size.is_power_of_two() {
            return Err(bad("bad sizes"));
        }
        let g1 = |b: &[u8]| G1Affine::from_lem(b).ok_or_else(|| bad("invalid point in the header"));
        let g2 = |b: &[u8]| G2Affine::from_lem(b).ok_or_else(|| bad("invalid point in the header"));
        let p = 84;
        let points1 = |id, n: usize| {
            read_lem_points::<G1Affine>(f.sized(id, n * 64)?)
                .ok_or_else(|| bad(&format!("section {id}: invalid point")))
        };
        let s10 = f.section(10)?;
        let count = u32_at(s10, 64) as usize;
        let mut pos = 68;
        let mut contributions = Vec::with_capacity(count);
        for i in 0..count {
            let c = s10
                .get(pos..pos + 3 * 64 + 128 + 64 + 4)
                .ok_or_else(|| bad(&format!("contribution #{}: truncated", i + 1)))?;
            let kind = u32_at(c, 3 * 64 + 128 + 64);
            let (name, beacon, end) = read_params(s10, pos + c.len(), kind)
                .ok_or_else(|| bad(&format!("contribution #{}: malformed", i + 1)))?;
            contributions.push(Contribution {
                delta_after: g1(&c[..64])?,
                g1_s: g1(&c[64..128])?,
                g1_sx: g1(&c[128..192])?,
                g2_spx: g2(&c[192..320])?,
                transcript: c[320..384].try_into().expect("64 bytes"),
                name,
                beacon,
            });
            pos = end;
        }
        if pos != s10.len() {
            return Err(bad("contributions section has trailing bytes"));
        }
        Ok(Self {
            n_vars,
            n_public,
            domain_size,
            alpha_g1: g1(&h[p..p + 64])?,
            beta_g1: g1(&h[p + 64..p + 128])?,
            beta_g2: g2(&h[p + 128..p + 256])?,
            gamma_g2: g2(&h[p + 256..p + 384])?,
            delta_g1: g1(&h[p + 384..p + 448])?,
            delta_g2: g2(&h[p + 448..p + 576])?,
            ic: points1(3, n_public + 1)?,
            coeffs: f.section(4)?.to_vec(),
            a: points1(5, n_vars)?,
            b1: points1(6, n_vars)?,
            b2: read_lem_points::<G2Affine>(f.sized(7, n_vars * 128)?)
                .ok_or_else(|| bad("section 7: invalid point"))?,
            l: points1(8, n_vars - n_public - 1)?,
            h: points1(9, domain_size)?,
            cs_hash: s10.get(..64).ok_or_else(|| bad("no circuit hash"))?.try_into().expect("64 bytes"),
            contributions,
        })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(b"zkey", 1);
        w.section(1, &[&1u32.to_le_bytes()]);
        let mut h = Vec::new();
        for modulus in [Fq::MODULUS.to_bytes_le(), Fr::MODULUS.to_bytes_le()] {
            h.extend_from_slice(&32u32.to_le_bytes());
            h.extend_from_slice(&modulus);
        }
        for n in [self.n_vars, self.n_public, self.domain_size] {
            h.extend_from_slice(&(n as u32).to_le_bytes());
        }
        h.extend(self.alpha_g1.lem_bytes());
        h.extend(self.beta_g1.lem_bytes());
        h.extend(self.beta_g2.lem_bytes());
        h.extend(self.gamma_g2.lem_bytes());
        h.extend(self.delta_g1.lem_bytes());
        h.extend(self.delta_g2.lem_bytes());
        w.section(2, &[&h]);
        w.section(3, &[&write_lem_points(&self.ic)]);
        w.section(4, &[&self.coeffs]);
        w.section(5, &[&write_lem_points(&self.a)]);
        w.section(6, &[&write_lem_points(&self.b1)]);
        w.section(7, &[&write_lem_points(&self.b2)]);
        w.section(8, &[&write_lem_points(&self.l)]);
        w.section(9, &[&write_lem_points(&self.h)]);
        let mut mpc = self.cs_hash.to_vec();
        mpc.extend_from_slice(&(self.contributions.len() as u32).to_le_bytes());
        for c in &self.contributions {
            for p in [c.delta_after, c.g1_s, c.g1_sx] {
                mpc.extend(p.lem_bytes());
            }
            mpc.extend(c.g2_spx.lem_bytes());
            mpc.extend_from_slice(&c.transcript);
            mpc.extend_from_slice(&(c.beacon.is_some() as u32).to_le_bytes());
            write_params(&mut mpc, &c.name, &c.beacon);
        }
        w.section(10, &[&mpc]);
        w.finish()
    }

    pub fn write(&self, path: &Path) -> Result<(), CeremonyError> {
        crate::binfile::write_atomic(path, &self.to_bytes())
    }
}

/// Section 4: `(matrix, constraint, wire, coefficient·R²)` for every A and B term, then the
/// public inputs' A terms; snarkjs's prover reads coefficients in this doubled-Montgomery form.
fn coefficients(m: &ConstraintMatrices<Fr>) -> Vec<u8> {
    let r2 = Fr::from_bigint(<ark_bn254::FrConfig as MontConfig<4>>::R2).expect("R² is reduced");
    let mut terms: Vec<(u32, usize, usize, Fr)> = Vec::new();
    for c in 0..m.num_constraints {
        terms.extend(m.a[c].iter().map(|(v, s)| (0, c, *s, *v)));
        terms.extend(m.b[c].iter().map(|(v, s)| (1, c, *s, *v)));
    }
    terms.extend((0..m.num_instance_variables).map(|s| (0, m.num_constraints + s, s, Fr::one())));
    let mut out = (terms.len() as u32).to_le_bytes().to_vec();
    out.reserve(terms.len() * 44);
    for (matrix, c, s, v) in terms {
        for n in [matrix, c as u32, s as u32] {
            out.extend_from_slice(&n.to_le_bytes());
        }
        out.extend_from_slice(&(v * r2).into_bigint().to_bytes_le());
    }
    out
}

/// `theirs = ours / δ` point by point, checked on a random linear combination.
fn divided_by_delta(ours: &[G1Affine], theirs: &[G1Affine], delta_g2: G2Affine) -> bool {
    use rand::RngCore;
    if ours.is_empty() {
        return true;
    }
    let r: Vec<Fr> = (0..ours.len()).map(|_| Fr::from(rand::rngs::OsRng.next_u64())).collect();
    let a = G1Projective::msm(ours, &r).expect("equal lengths").into_affine();
    let b = G1Projective::msm(theirs, &r).expect("equal lengths").into_affine();
    same_ratio(b, a, G2Affine::generator(), delta_g2)
}
