//! Proofs and chunks from storage nodes over HTTP (the node API in docs/api.md), with timeouts
//! and retries: a node that is still proving answers late, not never.

use ddc_chain::node_api::{ChunkOpening, ProofRequest};
use ddc_primitives::groth16::PROOF_BYTES;
use ddc_primitives::ids::{ClusterId, Epoch, VNodeIndex};
use std::time::{Duration, Instant};

/// Why a node gave no proof.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("the node answered {status}: {body}")]
    Refused { status: u16, body: String },
    #[error("the node is unreachable: {0}")]
    Unreachable(String),
    #[error("the answer is {0} bytes, not a 128-byte proof")]
    Malformed(usize),
    #[error("the node says the vnode is empty (it passes without a proof)")]
    Empty,
}

impl FetchError {
    /// Worth asking again: the node may still be proving or restarting.
    fn transient(&self) -> bool {
        match self {
            FetchError::Unreachable(_) => true,
            FetchError::Refused { status, .. } => *status == 425 || *status == 429 || *status >= 500,
            _ => false,
        }
    }
}

/// A transport error with its causes ("timed out", "connection refused"), not only its URL.
fn unreachable(e: reqwest::Error) -> FetchError {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text.push_str(&format!(": {s}"));
        source = s.source();
    }
    FetchError::Unreachable(text)
}

pub struct Fetcher {
    http: reqwest::Client,
    timeout: Duration,
    attempts: u32,
}

impl Fetcher {
    pub fn new(timeout: Duration, attempts: u32) -> Self {
        Self { http: reqwest::Client::new(), timeout, attempts: attempts.max(1) }
    }

    /// The node's proof of its `epoch` commitment of `vnode`, retried with backoff while the
    /// attempts last and `remaining()` (time left before the caller's deadline, by the chain's
    /// clock) allows; each attempt waits at most the configured timeout and what remains.
    pub async fn proof<F: std::future::Future<Output = Duration>>(
        &self,
        url: &str,
        req: &ProofRequest,
        mut remaining: impl FnMut() -> F,
    ) -> Result<[u8; PROOF_BYTES], FetchError> {
        let mut delay = Duration::from_millis(250);
        let mut attempt = 1;
        loop {
            let timeout = self.timeout.min(remaining().await).max(Duration::from_millis(100));
            match self.proof_once(url, req, timeout).await {
                Err(e) if e.transient() && attempt < self.attempts && remaining().await > delay => {
                    tracing::debug!(url, vnode = req.vnode, attempt, "proof not there yet: {e}");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn proof_once(
        &self,
        url: &str,
        req: &ProofRequest,
        timeout: Duration,
    ) -> Result<[u8; PROOF_BYTES], FetchError> {
        let resp = self
            .http
            .post(format!("{}/v1/proof", url.trim_end_matches('/')))
            .json(req)
            .timeout(timeout)
            .send()
            .await
            .map_err(unreachable)?;
        let status = resp.status().as_u16();
        let body = resp.bytes().await.map_err(unreachable)?;
        match status {
            200 => body[..].try_into().map_err(|_| FetchError::Malformed(body.len())),
            409 => Err(FetchError::Empty),
            _ => Err(FetchError::Refused { status, body: String::from_utf8_lossy(&body).chars().take(300).collect() }),
        }
    }

    /// One chunk of a commitment with its path, and how long the node took to serve it.
    pub async fn chunk(
        &self,
        url: &str,
        cluster: ClusterId,
        vnode: VNodeIndex,
        epoch: Epoch,
        index: u64,
    ) -> Result<(ChunkOpening, Duration), FetchError> {
        let started = Instant::now();
        let resp = self
            .http
            .get(format!("{}/v1/chunk/{cluster}/{vnode}/{epoch}/{index}", url.trim_end_matches('/')))
            .timeout(self.timeout)
            .send()
            .await
            .map_err(unreachable)?;
        let status = resp.status().as_u16();
        if status != 200 {
            let body = resp.text().await.unwrap_or_default();
            return Err(FetchError::Refused { status, body: body.chars().take(300).collect() });
        }
        let opening: ChunkOpening = resp.json().await.map_err(unreachable)?;
        Ok((opening, started.elapsed()))
    }
}
