//! `ddc validator`: the validator daemon (see `ddc_validator::daemon`).

use super::daemon::{run_until_signal, DaemonArgs};
use anyhow::Context;
use ddc_validator::config::ValidatorConfig;
use std::process::ExitCode;

pub fn run(args: DaemonArgs) -> anyhow::Result<ExitCode> {
    let mut config = ValidatorConfig::load(args.config.as_deref()).context("reading the validator's settings")?;
    args.overlay(&mut config.chain, &mut config.contract);
    run_until_signal(
        "validator",
        |stop| async move { ddc_validator::daemon::run(config, stop).await.context("validator") },
    )
}
