//! `ddc chain`: the embedded dev chain as a daemon.

use anyhow::Context;
use clap::Args;
use ddc_chain::embedded::{server, ChainConfig, Node};
use ddc_chain::keys::{dev_account, DEV_ACCOUNTS};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Args)]
pub struct ChainArgs {
    /// Where the chain keeps its state (created if missing; reopened on restart).
    #[arg(long, env = "DDC_CHAIN_DIR", default_value = "ddc-chain")]
    pub data_dir: PathBuf,
    /// Address of the HTTP RPC.
    #[arg(long, env = "DDC_CHAIN_LISTEN", default_value = "127.0.0.1:9944")]
    pub listen: SocketAddr,
    /// Milliseconds between blocks.
    #[arg(long, env = "DDC_CHAIN_BLOCK_MS", default_value_t = 1000)]
    pub block_ms: u64,
    /// The clock moves only through `POST /rpc/dev/set_time` (tests, simulations).
    #[arg(long, env = "DDC_CHAIN_MANUAL_TIME")]
    pub manual_time: bool,
}

pub fn run(args: ChainArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.block_ms > 0, "--block-ms must be positive");
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let config = ChainConfig {
            data_dir: args.data_dir.clone(),
            block_time: Duration::from_millis(args.block_ms),
            manual_time: args.manual_time,
        };
        let node = Node::open(config).context("opening the chain")?;
        let listener =
            tokio::net::TcpListener::bind(args.listen).await.with_context(|| format!("binding {}", args.listen))?;
        let url = format!("http://{}", listener.local_addr()?);
        ddc_chain::embedded::publish_rpc_url(&args.data_dir, &url).context("recording the RPC URL")?;
        tracing::info!(rpc = %url, data = %args.data_dir.display(), block_ms = args.block_ms, "embedded chain running");
        for name in DEV_ACCOUNTS {
            tracing::info!(account = %hex::encode(dev_account(name)?), "dev account //{name} (INSECURE)");
        }
        let app = server::router(node.clone());
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let mut rpc_stop = stop_rx.clone();
        let rpc = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rpc_stop.changed().await;
                })
                .await
        });
        let mut chain_stop = stop_rx;
        let chain = tokio::spawn(node.run(async move {
            let _ = chain_stop.changed().await;
        }));
        ddc_chain::settings::shutdown_signal().await;
        tracing::info!("shutting down");
        let _ = stop_tx.send(true);
        chain.await?.context("producing blocks")?;
        rpc.await?.context("serving the RPC")?;
        Ok(ExitCode::SUCCESS)
    })
}
