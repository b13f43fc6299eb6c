//! A Groth16 prover over a proving key prepared once at load.
//!
//! It computes exactly the proof of arkworks' `create_proof_with_reduction_and_matrices` (same
//! formula, same `r`, `s`), but drops the identity points from every query when the key is
//! loaded (variables that never occur on a side of any constraint: a third of the B queries
//! here) and runs the MSMs on [`super::msm`].
//!
//! Two QAP reductions exist and a key fixes which one its H query expects ([`Reduction`]):
//! arkworks' (libsnark's) for keys arkworks generates, circom's for keys from a snarkjs-format
//! ceremony.

use super::msm::msm;
use ark_bn254::{Bn254, Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ec::CurveGroup;
use ark_ff::PrimeField;
use ark_groth16::r1cs_to_qap::{LibsnarkReduction, R1CSToQAP};
use ark_groth16::{Proof, ProvingKey};
use ark_poly::GeneralEvaluationDomain;
use ark_relations::r1cs::{ConstraintMatrices, SynthesisError};
use rayon::prelude::*;

type BigInt = <Fr as PrimeField>::BigInt;

/// The non-identity points of a query and the variables they belong to.
struct Query<P: SWCurveConfig> {
    bases: Vec<Affine<P>>,
    vars: Vec<u32>,
}

impl<P: SWCurveConfig<ScalarField = Fr>> Query<P> {
    fn new(points: &[Affine<P>]) -> Self {
        let (vars, bases) = points.iter().enumerate().filter(|(_, p)| !p.infinity).map(|(i, p)| (i as u32, *p)).unzip();
        Self { bases, vars }
    }

    /// `Σ scalars[v] · point_v` over the kept points.
    fn msm(&self, scalars: &[BigInt]) -> Projective<P> {
        let picked: Vec<BigInt> = self.vars.iter().map(|v| scalars[*v as usize]).collect();
        msm(&self.bases, &picked)
    }
}

/// How the quotient `h` of a proof is represented, which the key's H query fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Reduction {
    /// libsnark's, as arkworks generates keys: `n - 1` coefficients of `h`, H = `τ^i·Z(τ)/δ`.
    Libsnark,
    /// circom's, as snarkjs keys are: `(AB - C)` at the `n` points of the domain's odd coset
    /// `ω_2n·⟨ω_n⟩`, H = `L^{2n}_{2i+1}(τ)/δ` (Lagrange basis of the doubled domain).
    Circom,
}

impl Reduction {
    /// The reduction `pk` was made for: the two H queries have different lengths.
    pub fn of(pk: &ProvingKey<Bn254>) -> Self {
        if pk.h_query.len() >= 2 && pk.h_query.len().is_power_of_two() {
            Self::Circom
        } else {
            Self::Libsnark
        }
    }

    /// `h` of the full assignment `full`, in the representation this reduction's H query uses.
    pub fn witness_map(self, matrices: &ConstraintMatrices<Fr>, full: &[Fr]) -> Result<Vec<Fr>, SynthesisError> {
        let inputs = matrices.num_instance_variables;
        match self {
            Self::Libsnark => LibsnarkReduction::witness_map_from_matrices::<Fr, GeneralEvaluationDomain<Fr>>(
                matrices,
                inputs,
                matrices.num_constraints,
                full,
            ),
            Self::Circom => circom_witness_map(matrices, full),
        }
    }
}

/// `(A·B - C)` on the odd coset: evaluations of `A`, `B` on the domain (with the public inputs'
/// rows `x_i · 0 = 0` appended), interpolated, shifted by `ω_2n` and evaluated again. `Z` is
/// `-2` on that coset, which the key's H points absorb, so no division is needed.
fn circom_witness_map(m: &ConstraintMatrices<Fr>, full: &[Fr]) -> Result<Vec<Fr>, SynthesisError> {
    use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
    let rows = m.num_constraints + m.num_instance_variables;
    let domain = Radix2EvaluationDomain::<Fr>::new(rows).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
    let n = domain.size();
    let eval = |row: &[(Fr, usize)]| row.iter().map(|(c, v)| *c * full[*v]).sum::<Fr>();
    let mut a = vec![Fr::from(0u64); n];
    let mut b = vec![Fr::from(0u64); n];
    a[..m.num_constraints].par_iter_mut().zip(&m.a).for_each(|(x, row)| *x = eval(row));
    b[..m.num_constraints].par_iter_mut().zip(&m.b).for_each(|(x, row)| *x = eval(row));
    a[m.num_constraints..rows].copy_from_slice(&full[..m.num_instance_variables]);
    let mut c: Vec<Fr> = a.par_iter().zip(&b).map(|(a, b)| *a * b).collect();
    let shift = Radix2EvaluationDomain::<Fr>::new(2 * n).ok_or(SynthesisError::PolynomialDegreeTooLarge)?.group_gen();
    let coset = domain.get_coset(shift).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
    [&mut a, &mut b, &mut c].into_par_iter().for_each(|v| {
        domain.ifft_in_place(v);
        coset.fft_in_place(v);
    });
    Ok(a.par_iter().zip(&b).zip(&c).map(|((a, b), c)| *a * b - c).collect())
}

/// A proving key with its queries stripped of identity points.
pub struct PreparedKey {
    pk: ProvingKey<Bn254>,
    reduction: Reduction,
    /// The A and B queries without the constant-one variable (added separately, as arkworks does).
    a: Query<ark_bn254::g1::Config>,
    b_g1: Query<ark_bn254::g1::Config>,
    b_g2: Query<ark_bn254::g2::Config>,
    l: Query<ark_bn254::g1::Config>,
    h: Query<ark_bn254::g1::Config>,
}

/// Bases an MSM of each query runs over, against the key's full query lengths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct QuerySizes {
    pub a: (usize, usize),
    pub b_g1: (usize, usize),
    pub b_g2: (usize, usize),
    pub l: (usize, usize),
    pub h: (usize, usize),
}

impl PreparedKey {
    pub fn new(pk: ProvingKey<Bn254>) -> Self {
        Self {
            a: Query::new(&pk.a_query[1..]),
            b_g1: Query::new(&pk.b_g1_query[1..]),
            b_g2: Query::new(&pk.b_g2_query[1..]),
            l: Query::new(&pk.l_query),
            h: Query::new(&pk.h_query),
            reduction: Reduction::of(&pk),
            pk,
        }
    }

    pub fn reduction(&self) -> Reduction {
        self.reduction
    }

    pub fn proving_key(&self) -> &ProvingKey<Bn254> {
        &self.pk
    }

    /// `(kept, full)` bases per query.
    pub fn sizes(&self) -> QuerySizes {
        let pk = &self.pk;
        QuerySizes {
            a: (self.a.bases.len(), pk.a_query.len() - 1),
            b_g1: (self.b_g1.bases.len(), pk.b_g1_query.len() - 1),
            b_g2: (self.b_g2.bases.len(), pk.b_g2_query.len() - 1),
            l: (self.l.bases.len(), pk.l_query.len()),
            h: (self.h.bases.len(), pk.h_query.len()),
        }
    }

    /// The proof of the full assignment `[1, public.., witness..]` with randomness `(r, s)`.
    pub fn prove(
        &self,
        matrices: &ConstraintMatrices<Fr>,
        full: &[Fr],
        r: Fr,
        s: Fr,
    ) -> Result<Proof<Bn254>, SynthesisError> {
        let sums = self.msms(&Scalars::new(matrices, full, self.reduction)?);
        let pk = &self.pk;
        let g_a = sums.a + pk.a_query[0] + pk.vk.alpha_g1 + pk.delta_g1 * r;
        let g1_b = sums.b_g1 + pk.b_g1_query[0] + pk.beta_g1 + pk.delta_g1 * s;
        let g2_b: G2Projective = sums.b_g2 + pk.b_g2_query[0] + pk.vk.beta_g2 + pk.vk.delta_g2 * s;
        let g_c: G1Projective = g_a * s + g1_b * r - pk.delta_g1 * (r * s) + sums.l + sums.h;
        let [a, c] = <G1Projective as CurveGroup>::normalize_batch(&[g_a, g_c]).try_into().expect("two points");
        Ok(Proof { a: a as G1Affine, b: g2_b.into_affine() as G2Affine, c })
    }

    /// The proof's five MSMs, as [`Self::prove`] runs them: with the witness map, everything a
    /// proof costs but a few scalar multiplications.
    pub fn msms(&self, s: &Scalars) -> MsmSums {
        MsmSums {
            a: self.a.msm(&s.z),
            b_g1: self.b_g1.msm(&s.z),
            b_g2: self.b_g2.msm(&s.z),
            l: self.l.msm(&s.z[s.inputs - 1..]),
            h: self.h.msm(&s.h),
        }
    }
}

/// The MSM results of one proof.
pub struct MsmSums {
    pub a: G1Projective,
    pub b_g1: G1Projective,
    pub b_g2: G2Projective,
    pub l: G1Projective,
    pub h: G1Projective,
}

/// The scalars of one proof: the assignment and the quotient's coefficients, as integers.
pub struct Scalars {
    /// The assignment without the constant one (the A and B queries' first point covers it).
    z: Vec<BigInt>,
    /// `h`, from the witness map.
    h: Vec<BigInt>,
    /// Instance variables, the constant one included: `z[inputs - 1..]` is the witness.
    inputs: usize,
}

impl Scalars {
    /// Runs the witness map of `reduction` over `full`.
    pub fn new(matrices: &ConstraintMatrices<Fr>, full: &[Fr], reduction: Reduction) -> Result<Self, SynthesisError> {
        let inputs = matrices.num_instance_variables;
        let h = reduction.witness_map(matrices, full)?;
        Ok(Self {
            h: h.par_iter().map(|x| x.into_bigint()).collect(),
            z: full[1..].par_iter().map(|x| x.into_bigint()).collect(),
            inputs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::compound::FnCircuit;
    use ark_groth16::Groth16;
    use ark_r1cs_std::alloc::AllocVar;
    use ark_r1cs_std::eq::EqGadget;
    use ark_r1cs_std::fields::{fp::FpVar, FieldVar};
    use ark_relations::r1cs::{ConstraintSynthesizer, ConstraintSystem, ConstraintSystemRef, SynthesisMode};
    use rand::SeedableRng;

    /// x⁵ + y = out with `out` public: S-box-shaped constraints, like the storage circuit's.
    fn circuit(x: u64, y: u64) -> impl ConstraintSynthesizer<Fr> {
        FnCircuit(move |cs: ConstraintSystemRef<Fr>| {
            let out = Fr::from(x).pow([5]) + Fr::from(y);
            let o = FpVar::new_input(cs.clone(), || Ok(out))?;
            let xv = FpVar::new_witness(cs.clone(), || Ok(Fr::from(x)))?;
            let yv = FpVar::new_witness(cs.clone(), || Ok(Fr::from(y)))?;
            let x4 = xv.square()?.square()?;
            (x4 * &xv + yv).enforce_equal(&o)
        })
    }

    use ark_ff::Field;

    #[test]
    fn same_proof_as_arkworks() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(9);
        let pk = Groth16::<Bn254>::generate_random_parameters_with_reduction(circuit(0, 0), &mut rng).unwrap();
        let cs = ConstraintSystem::new_ref();
        cs.set_mode(SynthesisMode::Setup);
        circuit(0, 0).generate_constraints(cs.clone()).unwrap();
        cs.finalize();
        let matrices = cs.to_matrices().unwrap();
        let cs = ConstraintSystem::new_ref();
        circuit(3, 11).generate_constraints(cs.clone()).unwrap();
        let cs = cs.into_inner().unwrap();
        let full = [cs.instance_assignment, cs.witness_assignment].concat();
        let (r, s) = (Fr::from(12345u64), Fr::from(678u64));
        let ours = PreparedKey::new(pk.clone()).prove(&matrices, &full, r, s).unwrap();
        let theirs = Groth16::<Bn254, LibsnarkReduction>::create_proof_with_reduction_and_matrices(
            &pk,
            r,
            s,
            &matrices,
            matrices.num_instance_variables,
            matrices.num_constraints,
            &full,
        )
        .unwrap();
        assert_eq!(ours, theirs);
        let key = PreparedKey::new(pk);
        assert!(key.sizes().b_g2.0 < key.sizes().b_g2.1, "{:?}", key.sizes());
    }
}
