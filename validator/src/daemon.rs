//! `ddc validator`: connects to the chain, bonds the protocol's validator stake if it has none,
//! waits for governance to admit it, then serves its endpoints and drives epochs until
//! SIGINT/SIGTERM, when it lets in-flight chain calls finish and exits.

use crate::config::ValidatorConfig;
use crate::epoch::{self, Shared, Validator};
use crate::secrets::{SecretError, Secrets};
use crate::server;
use ddc_chain::{ChainClient, ChainError, Ddc, Signer};
use ddc_verifier_contract::logic::ProtocolConfig;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    #[error("key: {0}")]
    Key(String),
    #[error("chain: {0}")]
    Chain(#[from] ChainError),
    #[error("seed secrets: {0}")]
    Secrets(#[from] SecretError),
    #[error("listening on {addr}: {source}")]
    Listen { addr: std::net::SocketAddr, source: std::io::Error },
    #[error("stopped before the validator was admitted")]
    Stopped,
}

/// Runs the validator until `stop` is cancelled.
pub async fn run(config: ValidatorConfig, stop: CancellationToken) -> Result<(), DaemonError> {
    let signer = Signer::operator(&config.key).map_err(|e| DaemonError::Key(e.to_string()))?;
    let chain = ddc_chain::reconnect::connect_patiently(
        &config.chain,
        config.contract.as_deref(),
        signer,
        stop.clone().cancelled_owned(),
    )
    .await?
    .ok_or(DaemonError::Stopped)?;
    join(chain.as_ref(), &stop).await?;
    let secrets = Secrets::open(&config.data_dir.join("secrets"))?;
    let addr = config.listen;
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|source| DaemonError::Listen { addr, source })?;
    let v: Shared = Arc::new(Validator::new(config, chain, secrets));
    tracing::info!(%addr, account = %ddc_chain::rpc::to_hex(v.me.as_ref()), "validating");
    let driver = tokio::spawn(epoch::run(v.clone(), stop.clone()));
    let served =
        axum::serve(listener, server::router(v.clone())).with_graceful_shutdown(stop.clone().cancelled_owned()).await;
    let _ = driver.await;
    served.map_err(|source| DaemonError::Listen { addr, source })?;
    tracing::info!("validator stopped");
    Ok(())
}

/// Bonds the protocol's validator stake if needed and waits until governance admits us.
async fn join(chain: &dyn ChainClient, stop: &CancellationToken) -> Result<(), DaemonError> {
    let me = chain.account();
    let mut said = false;
    loop {
        let record: Option<ddc_verifier_contract::logic::Validator> = chain.query("validator_get", me).await?;
        let protocol: ProtocolConfig = chain.query("protocol_config", ()).await?;
        match record {
            Some(r) if r.admitted => return Ok(()),
            Some(r) if r.bond.amount >= protocol.validator_stake && r.bond.unbonding_since.is_none() => {}
            _ => {
                let have = record.map_or(0, |r| r.bond.amount);
                let stake = protocol.validator_stake.saturating_sub(have).max(1);
                chain.act::<_, ()>(stake, "validator_bond", ()).await?;
                tracing::info!(stake, "bonded the validator stake");
            }
        }
        if !said {
            tracing::info!("waiting for governance to admit this validator (admin_admit_validator)");
            said = true;
        }
        tokio::select! {
            _ = stop.cancelled() => return Err(DaemonError::Stopped),
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
        }
    }
}
