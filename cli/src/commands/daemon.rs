//! What `ddc node` and `ddc validator` share: settings with command-line overrides of the
//! chain, and a runtime that turns SIGINT/SIGTERM into a graceful stop.

use clap::Args;
use std::future::Future;
use std::path::PathBuf;
use std::process::ExitCode;
use tokio_util::sync::CancellationToken;

#[derive(Args)]
pub struct DaemonArgs {
    /// Settings file (TOML); every field can also be set in the environment (see docs/api.md).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// The chain: the embedded dev chain's `http://HOST:PORT`, `embedded:PATH` (run it in this
    /// process from its data directory), or a Substrate node's `ws://HOST:PORT`.
    #[arg(long)]
    pub chain: Option<String>,
    /// The DDC contract's address on a Substrate chain.
    #[arg(long)]
    pub contract: Option<String>,
}

impl DaemonArgs {
    /// Applies `--chain` and `--contract` over the settings' values.
    pub fn overlay(&self, chain: &mut String, contract: &mut Option<String>) {
        if let Some(c) = &self.chain {
            chain.clone_from(c);
        }
        if self.contract.is_some() {
            contract.clone_from(&self.contract);
        }
    }
}

/// Runs a daemon until SIGINT or SIGTERM.
pub fn run_until_signal<F, Fut>(what: &'static str, daemon: F) -> anyhow::Result<ExitCode>
where
    F: FnOnce(CancellationToken) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let stop = CancellationToken::new();
        let on_signal = stop.clone();
        tokio::spawn(async move {
            ddc_chain::settings::shutdown_signal().await;
            tracing::info!("{what}: shutting down, finishing in-flight work");
            on_signal.cancel();
        });
        daemon(stop).await?;
        Ok(ExitCode::SUCCESS)
    })
}
