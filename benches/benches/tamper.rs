//! Tampering at scale (`benches/src/tamper.rs`): millions of tampered vanilla statements, tens of
//! thousands of tampered Groth16 proofs verified natively (alone and in batches of 64), none
//! accepted; and the detection rate of a node missing a fraction f of its chunks against
//! `1 − (1 − f)^K`. Prints `RESULT tamper ...` lines; `DDC_TAMPER_SCALE` (default 1) scales the
//! counts.

use ddc_benches::fixtures::{dev_prover, rng, Committed};
use ddc_benches::tamper::{detection_rate, groth16_campaign, vanilla_campaign, Replica, Tally};
use ddc_circuits::storage::StorageParams;
use rayon::prelude::*;
use std::time::Instant;

const VANILLA: u64 = 1_000_000;
const GROTH16: u64 = 12_000;
const DETECTION_TRIALS: u64 = 100_000;

fn main() {
    let scale: f64 = std::env::var("DDC_TAMPER_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1.0);
    let n = |x: u64| ((x as f64 * scale) as u64).max(1);
    let params = StorageParams::new(9, 4, 1024).expect("valid shape");
    let committed = Committed::new(params.shape(), 300);
    let replica = |node, epoch| Replica { epoch_seed: [7; 32], node, epoch };
    let (public, vanilla) = committed.statement(&params, replica(3, 5).seed());

    let start = Instant::now();
    let threads = rayon::current_num_threads() as u64;
    let tallies: Vec<Tally> = (0..threads)
        .into_par_iter()
        .map(|t| vanilla_campaign(&params, &public, &vanilla, replica(3, 5), n(VANILLA) / threads, &mut rng(100 + t)))
        .collect();
    let mut tally = Tally::default();
    for t in tallies {
        for (k, v) in t.tried {
            *tally.tried.entry(k).or_default() += v;
        }
        for (k, v) in t.accepted {
            *tally.accepted.entry(k).or_default() += v;
        }
    }
    report("vanilla", &params, &tally, start);

    let prover = dev_prover(params);
    let honest: Vec<_> = (0..8u32)
        .map(|i| {
            let r = replica(i % 4, 10 + (i / 4) as u64);
            let (p, v) = committed.statement(&params, r.seed());
            (p, prover.prove(&p, &v, &mut rng(i as u64)).expect("honest statement"), r)
        })
        .collect();
    let start = Instant::now();
    let (tally, batches, refused) = groth16_campaign(&prover, &honest, n(GROTH16), &mut rng(200));
    report("groth16", &params, &tally, start);
    println!("RESULT tamper groth16_batches_of_64 batches={batches} refused={refused}");
    assert_eq!(batches, refused, "a batch with a tampered proof was accepted");

    let chunks = 1 << 20;
    for k in [4usize, 32] {
        for f in [0.01, 0.1, 0.5] {
            let rate = detection_rate(chunks, f, k, n(DETECTION_TRIALS), &mut rng(300));
            let predicted = 1.0 - (1.0f64 - f).powi(k as i32);
            let sigma = (predicted * (1.0 - predicted) / n(DETECTION_TRIALS) as f64).sqrt();
            println!(
                "RESULT tamper detection chunks={chunks} K={k} f={f} trials={} measured={rate:.4} predicted={predicted:.4} \
                 deviation_sigmas={:.2}",
                n(DETECTION_TRIALS),
                (rate - predicted) / sigma.max(1e-12)
            );
        }
    }
}

fn report(what: &str, params: &StorageParams, tally: &Tally, start: Instant) {
    for (kind, tried) in &tally.tried {
        println!(
            "RESULT tamper {what} kind=\"{kind}\" tried={tried} accepted={}",
            tally.accepted.get(kind).copied().unwrap_or(0)
        );
    }
    println!(
        "RESULT tamper {what} shape={} total={} accepted={} seconds={:.1}",
        params.name(),
        tally.total(),
        tally.total_accepted(),
        start.elapsed().as_secs_f64()
    );
    assert_eq!(tally.total_accepted(), 0, "a tampered {what} statement was accepted");
}
