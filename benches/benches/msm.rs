//! Our MSM (`ddc_circuits::groth16::msm`: signed digits, batch-affine buckets) against arkworks'
//! `VariableBaseMSM` on the same points and scalars, in the same run: G1 points/s per core (a
//! one-thread pool) and with every thread, and G2 on one core.

use ark_bn254::Fr;
use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ec::{CurveGroup, VariableBaseMSM};
use ark_ff::{PrimeField, UniformRand};
use ddc_benches::fixtures::rng;
use ddc_benches::measure::{bench, criterion, ms, ratio, stage, timed};
use ddc_circuits::groth16::msm::msm;
use std::time::Duration;

fn main() {
    let mut c = criterion();
    for log_n in [16, 18] {
        compare::<ark_bn254::g1::Config>(&mut c, "g1", log_n, 1);
    }
    compare::<ark_bn254::g1::Config>(&mut c, "g1", 18, rayon::current_num_threads());
    compare::<ark_bn254::g2::Config>(&mut c, "g2", 16, 1);
    c.final_summary();
}

/// `2^log_n` distinct points `G + i·Q`, normalized together (random points cost a scalar
/// multiplication each; MSM time does not depend on how the points were made).
fn points<P: SWCurveConfig>(log_n: u32) -> Vec<Affine<P>> {
    let mut r = rng(5);
    let step = Projective::<P>::rand(&mut r);
    let mut acc = Projective::<P>::rand(&mut r);
    let all: Vec<Projective<P>> = (0..1usize << log_n)
        .map(|_| {
            acc += step;
            acc
        })
        .collect();
    Projective::<P>::normalize_batch(&all)
}

fn compare<P: SWCurveConfig<ScalarField = Fr>>(c: &mut criterion::Criterion, group: &str, log_n: u32, threads: usize) {
    let n = 1usize << log_n;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
    let data = std::cell::OnceCell::new();
    let setup = || {
        data.get_or_init(|| {
            stage(&format!("{group} 2^{log_n} points"), || {
                let mut r = rng(6);
                let scalars: Vec<_> = (0..n).map(|_| Fr::rand(&mut r).into_bigint()).collect();
                (points::<P>(log_n), scalars)
            })
        })
    };
    let mut g = c.benchmark_group(format!("msm/{group}_2^{log_n}_t{threads}"));
    let ours = bench(&mut g, "ddc", setup, |(p, s)| pool.install(|| timed(|| msm(p, s))));
    let theirs =
        bench(&mut g, "arkworks", setup, |(p, s)| pool.install(|| timed(|| Projective::<P>::msm_bigint(p, s))));
    g.finish();
    if let Some((p, s)) = data.get() {
        assert_eq!(msm(p, s).into_affine(), Projective::<P>::msm_bigint(p, s).into_affine(), "same sum");
    }
    let per_core =
        |d: Option<Duration>| d.map_or("n/a".into(), |d| format!("{:.0}", n as f64 / d.as_secs_f64() / threads as f64));
    println!(
        "RESULT msm {group} n=2^{log_n} threads={threads} ddc_ms={} arkworks_ms={} ddc_points_s_per_core={} arkworks_points_s_per_core={} speedup={}",
        ms(ours),
        ms(theirs),
        per_core(ours),
        per_core(theirs),
        ratio(theirs, ours),
    );
}
