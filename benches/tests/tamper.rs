//! The short version of the tampering campaign (`cargo bench -p ddc-benches --bench tamper` runs
//! the full one): nothing tampered is accepted, and the detection rate is what `1 − (1 − f)^K`
//! predicts.

use ddc_benches::fixtures::{dev_prover, rng, Committed};
use ddc_benches::tamper::{detection_rate, groth16_campaign, vanilla_campaign, Replica};
use ddc_circuits::storage::StorageParams;

#[test]
fn nothing_tampered_is_accepted_and_detection_follows_the_prediction() {
    let params = StorageParams::new(9, 4, 1024).unwrap();
    let committed = Committed::new(params.shape(), 300);
    let replica = |node, epoch| Replica { epoch_seed: [7; 32], node, epoch };
    let (public, vanilla) = committed.statement(&params, replica(3, 5).seed());
    let tally = vanilla_campaign(&params, &public, &vanilla, replica(3, 5), 4_000, &mut rng(1));
    assert_eq!(tally.total_accepted(), 0, "{tally:?}");
    assert_eq!(tally.tried.len(), 8, "every kind tried: {tally:?}");

    let prover = dev_prover(params);
    let honest: Vec<_> = [(1, 1), (1, 2), (2, 1)]
        .into_iter()
        .map(|(node, epoch)| {
            let r = replica(node, epoch);
            let (p, v) = committed.statement(&params, r.seed());
            (p, prover.prove(&p, &v, &mut rng(node as u64)).unwrap(), r)
        })
        .collect();
    let (tally, batches, refused) = groth16_campaign(&prover, &honest, 320, &mut rng(2));
    assert_eq!(tally.total_accepted(), 0, "{tally:?}");
    assert!(batches >= 10 && refused == batches, "{refused} of {batches} batches with a tampered proof refused");

    for (f, k) in [(0.1, 4), (0.01, 32)] {
        let rate = detection_rate(1 << 14, f, k, 4_000, &mut rng(3));
        let predicted = 1.0 - (1.0 - f).powi(k as i32);
        assert!((rate - predicted).abs() < 0.05, "f = {f}, K = {k}: {rate} against {predicted}");
    }
}
