//! The fault-injection simulation (`ddc sim`): short runs of several seeds hold every
//! invariant, a seed replays exactly, and a run past the protocol's tolerance fails with the
//! seed that replays it. The full runs are `ddc sim --seeds N --epochs M` (docs/reliability.md).

use ddc_devnet::sim::{faults::Rates, run, SimConfig, SimError, SimReport};

fn config(seed: u64, epochs: u64, dir: &tempfile::TempDir) -> SimConfig {
    SimConfig::new(seed, epochs, dir.path().to_path_buf())
}

#[test]
fn seeds_hold_every_invariant_under_faults() {
    let mut t = SimReport::default();
    for seed in 1..=2 {
        let dir = tempfile::tempdir().unwrap();
        let r = run(config(seed, 25, &dir)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.money_checks, r.ticks);
        t.add(&r);
    }
    assert_eq!(t.honest_slashed, 0);
    assert!(
        t.node_crashes > 0 && t.torn_files > 0 && t.node_restarts > 0 && t.chain_cutoffs > 0 && t.block_delays > 0,
        "{t}"
    );
    assert!(t.slow_spans > 0 && t.partitions > 0 && t.validator_outages > 0, "{t}");
    assert!(t.writes_acked > 100 && t.objects_checked > 0 && t.commitments_checked > 0, "{t}");
    assert!(t.proofs_verified_on_chain > 50 && t.faults_rebutted > 0 && t.faults_final_faulty > 0, "{t}");
    assert!(t.catches.iter().any(|c| c.caught_epoch.is_some()), "{t}");
}

#[test]
fn a_seed_replays_exactly() {
    let reports: Vec<String> = (0..2)
        .map(|_| {
            let dir = tempfile::tempdir().unwrap();
            let r = run(config(11, 8, &dir)).unwrap();
            // Everything but the time proving took.
            format!("{:?}", ddc_devnet::sim::SimReport { proving_secs: 0.0, ..r })
        })
        .collect();
    assert_eq!(reports[0], reports[1]);
}

#[test]
fn outages_past_the_tolerance_slash_honest_nodes_and_name_the_seed() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(5, 20, &dir);
    c.faulty = 0;
    c.faults = Rates { crash: 0.2, outage_ticks: 6, ..Rates::default() };
    c.max_outage_run = Some(8);
    match run(c) {
        Err(e @ SimError::Violation { seed: 5, .. }) => {
            let text = e.to_string();
            assert!(text.contains("honest node-") && text.contains("replay: ddc sim --seed 5"), "{text}");
        }
        other => panic!("expected an honest node slashed, got {other:?}"),
    }
}

/// The full run of docs/reliability.md: `DDC_SIM_SEEDS` seeds (default 10) of `DDC_SIM_EPOCHS`
/// epochs (default 100) from `DDC_SIM_SEED` (default 1), in the test profile (proving optimized).
#[test]
#[ignore = "a measurement: cargo test --workspace -p ddc-devnet --test integration -- --ignored sim::full_run"]
fn full_run() {
    if let Ok(filter) = std::env::var("RUST_LOG") {
        let _ = tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::new(filter)).try_init();
    }
    let var = |name: &str, default: u64| std::env::var(name).map_or(default, |v| v.parse().expect(name));
    let (first, seeds, epochs) = (var("DDC_SIM_SEED", 1), var("DDC_SIM_SEEDS", 10), var("DDC_SIM_EPOCHS", 100));
    let mut totals = SimReport::default();
    let started = std::time::Instant::now();
    for seed in first..first + seeds {
        let dir = tempfile::tempdir().unwrap();
        let r = run(config(seed, epochs, &dir)).unwrap_or_else(|e| panic!("{e}"));
        println!("seed {seed}: {} epochs, every invariant held; {}", r.epochs, r.catches_line());
        totals.add(&r);
    }
    println!(
        "every invariant held over {seeds} seeds, {} epochs in {:.0} s:\n{totals}",
        totals.epochs,
        started.elapsed().as_secs_f64()
    );
}
