//! Lockstep time (`--lockstep`, and every scenario test): the embedded chain's clock moves only
//! here, one epoch phase at a time, and only once the work the phase is for is on-chain. A slow or
//! loaded machine then runs the same protocol as a fast one, only slower: nothing is late because
//! the machine was slow, so nothing is reported, slashed or withheld for it.
//!
//! The gates, for epoch `e` of the cluster:
//! - **commit → reveal:** every vnode whose host has its stake bonded (as committing requires)
//!   has its root committed for `e`, and every validator of the devnet has committed to a seed
//!   secret;
//! - **reveal → next epoch** (the proof deadline of `e − 1`): every devnet validator revealed its
//!   secret, and every vnode of `e − 1` whose primary validator is one of the devnet's has a pass
//!   or a fault;
//! - **either move:** no fault against an honest node is open (it has its proof: it rebuts first).
//!
//! Validators keep their deadlines by the chain's clock, so a gate is never crossed under them.

use ddc_chain::client::ManualClock;
use ddc_chain::{AccountId, ChainClient, ChainError, Ddc};
use ddc_primitives::ids::{ClusterId, Epoch, NodeId, VNodeIndex};
use ddc_validator::assignment::assigned;
use ddc_verifier_contract::logic::{Phase, SeedCommit};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};
use tokio_util::sync::CancellationToken;

/// What the gates check against: the devnet's own validators and honest nodes.
#[derive(Clone, Debug)]
pub struct Gates {
    pub cluster: ClusterId,
    pub vnodes: u32,
    pub validators: Vec<AccountId>,
    pub honest_nodes: HashSet<NodeId>,
    pub quorum: u32,
}

/// The lockstep clock's handle: holding it keeps the chain's time where it is.
#[derive(Clone, Default)]
pub struct Clock(Arc<Mutex<()>>);

impl Clock {
    /// Until the guard drops, the clock does not move (for a test that must act within a phase).
    pub async fn hold(&self) -> OwnedMutexGuard<()> {
        self.0.clone().lock_owned().await
    }

    /// Moves the chain's time phase by phase as the gates open, until `stop`.
    pub async fn drive(
        self,
        chain: Arc<dyn ChainClient>,
        time: Arc<dyn ManualClock>,
        gates: Gates,
        tick: Duration,
        stop: CancellationToken,
    ) {
        loop {
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = tokio::time::sleep(tick) => {}
            }
            let _held = self.0.lock().await;
            match next_move(chain.as_ref(), &gates).await {
                Ok(Some(to_ms)) => {
                    if let Err(e) = time.set_time(to_ms).await {
                        tracing::warn!("lockstep clock: {e}");
                    }
                }
                Ok(None) => {}
                Err(e) => tracing::debug!("lockstep clock waits: {e}"),
            }
        }
    }
}

/// Where the clock may move now, if anywhere: the next phase boundary once its gate is open.
async fn next_move(chain: &dyn ChainClient, g: &Gates) -> Result<Option<u64>, ChainError> {
    let info = chain.cluster_epoch(g.cluster).await?;
    let e = info.epoch;
    let open = match info.phase {
        Phase::Commit => committed(chain, g, e).await? && seeds(chain, g, e, false).await?,
        Phase::Reveal => seeds(chain, g, e, true).await? && verified(chain, g, e).await?,
    };
    if !open || false_fault_open(chain, g, e).await? {
        return Ok(None);
    }
    let boundary = match info.phase {
        Phase::Commit => info.start_ms + info.len_ms / 2,
        Phase::Reveal => info.start_ms + info.len_ms,
    };
    Ok(Some(boundary))
}

/// Every vnode whose host may commit (its stake bonded, as `commit_root` requires) committed.
async fn committed(chain: &dyn ChainClient, g: &Gates, e: Epoch) -> Result<bool, ChainError> {
    let hosts = chain.cluster_get(g.cluster).await?.cluster.vnodes;
    let required = chain.cluster_verification(g.cluster).await?.map_or(0, |v| v.config.node_stake);
    let mut bonded = HashSet::new();
    for host in hosts.iter().collect::<HashSet<_>>() {
        let bond = chain.node_bond_get(g.cluster, *host).await?;
        if bond.is_some_and(|b| b.unbonding_since.is_none() && b.amount >= required) {
            bonded.insert(*host);
        }
    }
    for (vnode, host) in hosts.iter().enumerate() {
        if bonded.contains(host) && chain.commitment_get(g.cluster, vnode as VNodeIndex, e).await?.is_none() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Every devnet validator committed to a seed secret for `e` (and, with `revealed`, revealed it).
async fn seeds(chain: &dyn ChainClient, g: &Gates, e: Epoch, revealed: bool) -> Result<bool, ChainError> {
    let commits: Vec<SeedCommit> = chain.query("seed_commits", (g.cluster, e)).await?;
    Ok(g.validators.iter().all(|v| commits.iter().any(|c| c.validator == *v && (!revealed || c.secret.is_some()))))
}

/// Every vnode of `e − 1` that a devnet validator answers for first has a pass or a fault.
async fn verified(chain: &dyn ChainClient, g: &Gates, e: Epoch) -> Result<bool, ChainError> {
    let Some(prev) = e.checked_sub(1) else { return Ok(true) };
    let Some(seed) = chain.epoch_seed(g.cluster, prev).await? else { return Ok(true) };
    let validators = chain.validator_list().await?;
    for vnode in 0..g.vnodes {
        let primary = assigned(&seed, g.cluster, prev, vnode, &validators, g.quorum).into_iter().next();
        if !primary.is_some_and(|p| g.validators.contains(&p)) {
            continue;
        }
        if !settled(chain, g.cluster, vnode, prev).await? {
            return Ok(false);
        }
    }
    Ok(true)
}

async fn settled(chain: &dyn ChainClient, c: ClusterId, vnode: VNodeIndex, e: Epoch) -> Result<bool, ChainError> {
    Ok(chain.pass_get(c, vnode, e).await?.is_some() || chain.fault_get(c, vnode, e).await?.is_some())
}

/// A fault against an honest node, not yet rebutted, in an epoch still open to disputes.
async fn false_fault_open(chain: &dyn ChainClient, g: &Gates, e: Epoch) -> Result<bool, ChainError> {
    for epoch in e.saturating_sub(2)..e {
        for vnode in 0..g.vnodes {
            if let Some(f) = chain.fault_get(g.cluster, vnode, epoch).await? {
                if !f.is_final && g.honest_nodes.contains(&f.node_id) {
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}
