//! `ddc sim`: the seeded fault-injection simulation of a whole network (see `ddc_devnet::sim`).

use crate::progress;
use anyhow::Context;
use clap::Args;
use ddc_devnet::sim::{run_with, SimConfig, SimReport};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct SimArgs {
    /// The first seed. A run replays exactly from its seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// How many seeds to run, from --seed on.
    #[arg(long, default_value_t = 1)]
    pub seeds: u64,
    /// Simulated epochs per seed.
    #[arg(long, default_value_t = 200)]
    pub epochs: u64,
    #[arg(long, default_value_t = 5)]
    pub nodes: usize,
    /// Nodes that turn faulty (dropping chunks, replaying proofs, or walking away) at an epoch
    /// drawn from the seed.
    #[arg(long, default_value_t = 2)]
    pub faulty: usize,
    #[arg(long, default_value_t = 10)]
    pub vnodes: u32,
    #[arg(long, default_value_t = 3)]
    pub validators: usize,
    /// Where the nodes keep their storage during a run (default: a temporary directory,
    /// in /dev/shm where there is one). Each seed's directory is removed after its run.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// One JSON report per seed on stdout instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: SimArgs) -> anyhow::Result<ExitCode> {
    let shm = std::path::Path::new("/dev/shm");
    let base = match &args.data_dir {
        Some(d) => d.clone(),
        None if shm.is_dir() => shm.to_path_buf(),
        None => std::env::temp_dir(),
    };
    std::fs::create_dir_all(&base).with_context(|| format!("creating {}", base.display()))?;
    let bar = progress::count(args.seeds * args.epochs, "epochs");
    let mut totals = SimReport::default();
    for seed in args.seed..args.seed + args.seeds {
        let dir = tempfile::Builder::new().prefix(&format!("ddc-sim-{seed}-")).tempdir_in(&base)?;
        let mut config = SimConfig::new(seed, args.epochs, dir.path().to_path_buf());
        config.nodes = args.nodes;
        config.faulty = args.faulty.min(args.nodes.saturating_sub(1));
        config.vnodes = args.vnodes;
        config.validators = args.validators;
        let report = match run_with(config, &mut |_| bar.inc(1)) {
            Ok(r) => r,
            Err(e) => {
                bar.abandon();
                eprintln!("SIMULATION FAILED: {e}");
                return Ok(ExitCode::FAILURE);
            }
        };
        if args.json {
            println!("{}", serde_json::to_string(&report)?);
        } else {
            bar.suspend(|| {
                println!("seed {}: {} epochs, every invariant held; {}", seed, report.epochs, report.catches_line())
            });
        }
        totals.add(&report);
    }
    bar.finish_and_clear();
    if !args.json {
        let seeds = if args.seeds == 1 { "seed" } else { "seeds" };
        println!("every invariant held over {} {seeds}, {} epochs:\n{totals}", args.seeds, totals.epochs);
    }
    Ok(ExitCode::SUCCESS)
}
