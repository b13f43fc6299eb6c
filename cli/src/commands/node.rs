//! `ddc node`: the storage node daemon (see `ddc_prover::daemon`).

use anyhow::Context;
use clap::Args;
use ddc_prover::config::NodeConfig;
use std::path::PathBuf;
use std::process::ExitCode;
use tokio_util::sync::CancellationToken;

#[derive(Args)]
pub struct NodeArgs {
    /// Settings file (TOML, see docs/api.md); every field can also be set as DDC_NODE_<FIELD>.
    #[arg(long, env = "DDC_NODE_CONFIG")]
    pub config: Option<PathBuf>,
}

pub fn run(args: NodeArgs) -> anyhow::Result<ExitCode> {
    let config = NodeConfig::load(args.config.as_deref()).context("reading the node's settings")?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let stop = CancellationToken::new();
        let on_signal = stop.clone();
        tokio::spawn(async move {
            ddc_chain::settings::shutdown_signal().await;
            tracing::info!("shutting down: finishing in-flight requests");
            on_signal.cancel();
        });
        ddc_prover::daemon::run(config, stop).await.context("storage node")?;
        Ok(ExitCode::SUCCESS)
    })
}
