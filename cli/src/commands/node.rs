//! `ddc node`: the storage node daemon (see `ddc_prover::daemon`).

use super::daemon::{run_until_signal, DaemonArgs};
use anyhow::Context;
use ddc_prover::config::NodeConfig;
use std::process::ExitCode;

pub fn run(args: DaemonArgs) -> anyhow::Result<ExitCode> {
    let mut config = NodeConfig::load(args.config.as_deref()).context("reading the node's settings")?;
    args.overlay(&mut config.chain, &mut config.contract);
    run_until_signal("storage node", |stop| async move {
        ddc_prover::daemon::run(config, stop).await.context("storage node")
    })
}
