//! Daemons start in any order: they wait for the chain instead of failing.

use crate::client::{ChainClient, ChainError};
use crate::keys::Signer;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// [`crate::connect`], retried with backoff while the chain is unreachable. `Ok(None)`:
/// `stopped` resolved first.
pub async fn connect_patiently(
    chain: &str,
    contract: Option<&str>,
    signer: Signer,
    stopped: impl Future<Output = ()>,
) -> Result<Option<Arc<dyn ChainClient>>, ChainError> {
    tokio::pin!(stopped);
    let mut delay = Duration::from_millis(200);
    loop {
        match crate::connect(chain, contract, signer.clone()).await {
            Ok(c) => return Ok(Some(c)),
            Err(e @ ChainError::Unreachable { .. }) => {
                tracing::warn!("{e}; retrying");
                tokio::select! {
                    _ = &mut stopped => return Ok(None),
                    _ = tokio::time::sleep(delay) => {}
                }
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            Err(e) => return Err(e),
        }
    }
}
