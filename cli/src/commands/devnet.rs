//! `ddc devnet`: a whole local network in one command (see `ddc_devnet`).

use crate::progress;
use anyhow::Context;
use clap::Args;
use ddc_circuits::storage::StorageParams;
use ddc_devnet::config::Fault;
use ddc_devnet::run::{run, Progress};
use ddc_devnet::DevnetConfig;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use tokio_util::sync::CancellationToken;

#[derive(Args)]
pub struct DevnetArgs {
    /// The devnet's state (wiped at start: every run is a fresh network).
    #[arg(long, default_value = "ddc-devnet")]
    pub data_dir: PathBuf,
    #[arg(long, default_value_t = 4)]
    pub nodes: usize,
    #[arg(long, default_value_t = 16)]
    pub vnodes: u32,
    /// Replicas per object (R).
    #[arg(long, default_value_t = 3)]
    pub replication: u32,
    #[arg(long, default_value_t = 3)]
    pub validators: usize,
    /// Validators assigned to each replica per epoch.
    #[arg(long, default_value_t = 2)]
    pub quorum: u32,
    /// Nodes that misbehave as --fault says (they get caught and slashed).
    #[arg(long, default_value_t = 0)]
    pub faulty: usize,
    /// How faulty nodes misbehave: `drop` a fraction of their chunks (their proofs fail), or
    /// `shrink` their commitments to one chunk (their proofs pass; the user's receipts convict them).
    #[arg(long, value_enum, default_value_t = FaultArg::Drop)]
    pub fault: FaultArg,
    /// The fraction of its chunks a faulty node drops.
    #[arg(long, default_value_t = 0.1)]
    pub drop_fraction: f64,
    /// Epoch length. By default it is sized from one proof timed on this machine at start-up,
    /// so that an epoch's proofs (one per vnode, one after another) take half an epoch.
    #[arg(long)]
    pub epoch_ms: Option<u64>,
    #[arg(long, default_value_t = 250)]
    pub block_ms: u64,
    /// The storage circuit: the tree holds 2^DEPTH chunks per vnode.
    #[arg(long, default_value_t = 16)]
    pub depth: u32,
    /// Challenged chunks per proof (K): with 32, a node missing 10% of a vnode fails 97% of epochs.
    #[arg(long, default_value_t = 32)]
    pub challenges: usize,
    #[arg(long, default_value_t = 1024)]
    pub chunk_bytes: usize,
    /// The workload: this many objects of --object-kib KiB.
    #[arg(long, default_value_t = 48)]
    pub objects: usize,
    #[arg(long, default_value_t = 64)]
    pub object_kib: usize,
    /// The embedded chain's RPC (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:9944")]
    pub chain_listen: SocketAddr,
    /// The dashboard (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:8700")]
    pub listen: SocketAddr,
    /// Run this many epochs after the workload is stored, until they are paid out, then exit.
    #[arg(long)]
    pub epochs: Option<u64>,
    /// Exit after --epochs (3 if not given) instead of running until Ctrl-C.
    #[arg(long)]
    pub exit: bool,
    /// Print the final report as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// Move the chain's clock phase by phase, each once its work is on-chain, instead of with
    /// the wall clock: the same outcome on a slow or loaded machine as on a fast one.
    #[arg(long)]
    pub lockstep: bool,
    /// Run on a real Substrate node instead of the embedded chain: chopsticks over the DDC
    /// runtime, started from this raw chain spec (`ddc-chain-spec`; scripts/substrate-chain.sh
    /// writes target/substrate/ddc-dev.json), with tools/node and target/contract from the
    /// current directory.
    #[arg(long)]
    pub chain_spec: Option<std::path::PathBuf>,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum FaultArg {
    Drop,
    Shrink,
}

pub fn run_devnet(args: DevnetArgs) -> anyhow::Result<ExitCode> {
    let mut config = DevnetConfig::new(args.data_dir.clone());
    config.nodes = args.nodes;
    config.vnodes = args.vnodes;
    config.replication = args.replication;
    config.validators = args.validators;
    config.quorum = args.quorum;
    config.faulty = args.faulty;
    config.fault = match args.fault {
        FaultArg::Drop => Fault::Drop,
        FaultArg::Shrink => Fault::Shrink,
    };
    config.drop_fraction = args.drop_fraction;
    config.block_ms = args.block_ms;
    config.shape =
        StorageParams { depth: args.depth, arity: 8, challenges: args.challenges, chunk_bytes: args.chunk_bytes };
    config.objects = args.objects;
    config.object_bytes = args.object_kib << 10;
    config.chain_listen = args.chain_listen;
    config.dashboard_listen = args.listen;
    config.lockstep = args.lockstep;
    if let Some(spec) = &args.chain_spec {
        config.engine = ddc_devnet::config::Engine::Substrate { spec: spec.clone(), root: std::env::current_dir()? };
    }
    let mut config = config.checked()?;
    let epochs = if args.exit { Some(args.epochs.unwrap_or(3)) } else { args.epochs };
    if args.data_dir.exists() {
        tracing::info!(dir = %args.data_dir.display(), "starting a fresh devnet: removing the previous one's state");
        std::fs::remove_dir_all(&args.data_dir).with_context(|| format!("removing {}", args.data_dir.display()))?;
    }
    config.epoch_ms = match args.epoch_ms {
        Some(ms) => ms,
        None => {
            let pace = ddc_devnet::pace::measure(&config).context("timing a proof to size the epoch")?;
            tracing::info!(
                proof_ms = pace.proof.as_millis() as u64,
                vnodes = config.vnodes,
                epoch_ms = pace.epoch_ms,
                "epoch sized from a proof timed on this machine"
            );
            pace.epoch_ms
        }
    };
    let config = config.checked()?;
    let json = args.json;
    let runtime = tokio::runtime::Runtime::new()?;
    let report = runtime.block_on(async move {
        let stop = CancellationToken::new();
        let on_signal = stop.clone();
        tokio::spawn(async move {
            ddc_chain::settings::shutdown_signal().await;
            tracing::info!("devnet: shutting down");
            on_signal.cancel();
        });
        let mut upload: Option<indicatif::ProgressBar> = None;
        run(config, epochs, stop, |p| match p {
            Progress::Started(net) => {
                tracing::info!(
                    nodes = net.nodes.len(),
                    vnodes = net.config.vnodes,
                    validators = net.validators.len(),
                    faulty = net.config.faulty,
                    "devnet up: uploading the workload"
                );
            }
            Progress::Uploaded { objects, total } => {
                let bar = upload.get_or_insert_with(|| progress::count(total as u64, "uploading"));
                bar.set_position(objects as u64);
                if objects == total {
                    bar.finish_and_clear();
                }
            }
            Progress::Ready(urls) => {
                // With --json, stdout carries only the report.
                let (mut err, mut std_out) = (std::io::stderr(), std::io::stdout());
                let out: &mut dyn Write = if json { &mut err } else { &mut std_out };
                let _ = writeln!(out, "DDC devnet is running (INSECURE development keys and accounts).");
                let _ = writeln!(out, "  dashboard:  {}", urls.dashboard);
                let _ = writeln!(out, "  web app:    {}  (upload, list, download: encrypted in the browser)", urls.app);
                let _ = writeln!(out, "  report:     {}", urls.report);
                let _ = writeln!(out, "  chain RPC:  {}", urls.chain);
                for (i, n) in urls.nodes.iter().enumerate() {
                    let _ = writeln!(out, "  node {i}:     {n}  ({n}/metrics)");
                }
                for v in &urls.validators {
                    let _ = writeln!(out, "  validator:  {v}");
                }
            }
            Progress::Epoch { epoch, settled_through } => {
                tracing::info!(epoch, paid_through = settled_through, "epoch");
            }
        })
        .await
    })?;
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        for n in &report.nodes {
            println!(
                "node {} {:8} passed {:3} failed {:3} omissions {:3} paid {} slashed {}{}",
                n.node_id,
                n.name,
                n.proofs_passed,
                n.proofs_failed,
                n.omissions,
                n.revenue_paid,
                n.stake_slashed,
                if n.faulty { "  (fault injected)" } else { "" }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
