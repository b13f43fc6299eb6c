//! The epoch driver: follows the cluster's epochs on the chain. In each commit phase it commits
//! every hosted vnode's `(root, chunk_count)` (compacting first where deletes left most of a log
//! dead) and hands the manifest to its peers; once an epoch's seed is final it proves each
//! commitment; when a validator reports a fault against this node, it rebuts with the proof.

use crate::peers::signed;
use crate::resync;
use crate::state::Shared;
use crate::storage::index::CommitRecord;
use crate::storage::{Storage, StorageError};
use ddc_chain::{ChainError, Ddc, Event};
use ddc_primitives::ids::{ClusterId, Epoch, VNodeIndex};
use ddc_verifier_contract::logic::{Error as ContractError, Phase};
use reqwest::Method;
use std::collections::HashSet;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Epochs of commitments and proofs kept after their epoch.
const KEEP_EPOCHS: Epoch = 4;

#[derive(Default)]
struct Progress {
    epoch: Option<Epoch>,
    committed: HashSet<(VNodeIndex, Epoch)>,
    proving: HashSet<(VNodeIndex, Epoch)>,
    /// Vnodes rebuilt (or found already held) since this node started; only they are committed.
    resynced: HashSet<VNodeIndex>,
    /// Vnodes whose rebuild failed part way: retried, resuming, every round until it succeeds.
    resync_failed: HashSet<VNodeIndex>,
    /// Vnodes whose chunks fault injection has dropped.
    dropped: HashSet<VNodeIndex>,
    events_from: u64,
}

pub async fn run(state: Shared, stop: CancellationToken) {
    let mut progress = Progress::default();
    if let Ok(head) = state.view.chain().head().await {
        progress.events_from = head.number.saturating_sub(1_000);
    }
    let mut tick = tokio::time::interval(Duration::from_millis(state.config.poll_ms));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tick.tick() => {}
        }
        if let Err(e) = step(&state, &mut progress, &stop).await {
            state.metrics.chain_errors.with_label_values(&["epoch"]).inc();
            tracing::warn!("epoch driver: {e}");
        }
    }
}

async fn step(state: &Shared, p: &mut Progress, stop: &CancellationToken) -> Result<(), ChainError> {
    let chain = state.view.chain().clone();
    let c = state.cluster_id;
    let topo = state.topology().await?;
    let hosted = topo.hosted_by(state.node_id);

    // A vnode this node newly hosts is rebuilt from its peers before anything else touches it.
    // A rebuild that fails (a peer not reachable yet, a topology still changing) is retried, and
    // the vnode is not committed meanwhile: committing a partial replica would omit users' data.
    for &v in &hosted {
        if p.resynced.contains(&v) {
            continue;
        }
        match resync::resync_vnode(state, v, p.resync_failed.contains(&v)).await {
            Ok(_) => {
                p.resynced.insert(v);
                p.resync_failed.remove(&v);
            }
            Err(e) => {
                tracing::warn!(vnode = v, "resync failed, retrying next round: {e}");
                p.resync_failed.insert(v);
            }
        }
    }

    let Some(verification) = chain.cluster_verification(c).await? else { return Ok(()) };
    let info = chain.cluster_epoch(c).await?;
    if p.epoch != Some(info.epoch) {
        p.epoch = Some(info.epoch);
        ensure_bonded(state, verification.config.node_stake).await?;
        let before = info.epoch.saturating_sub(KEEP_EPOCHS);
        for &v in &hosted {
            let s = state.storage.clone();
            let _ = tokio::task::spawn_blocking(move || s.prune(c, v, before)).await;
        }
        p.committed.retain(|(_, e)| *e >= before);
        p.proving.retain(|(_, e)| *e >= before);
    }

    if info.phase == Phase::Commit {
        for &v in &hosted {
            if stop.is_cancelled() || p.committed.contains(&(v, info.epoch)) || !p.resynced.contains(&v) {
                continue;
            }
            if commit(state, v, info.epoch).await? {
                let lag = info.now_ms.saturating_sub(info.start_ms) as i64;
                state.metrics.commit_lag_ms.with_label_values(&[&v.to_string()]).set(lag);
            }
            p.committed.insert((v, info.epoch));
            if state.config.chaos_drop_fraction > 0.0 && !p.dropped.contains(&v) {
                drop_chunks(state, v, &mut p.dropped).await;
            }
        }
    }

    // Prove the previous epoch's commitments once its seed is final.
    if let Some(prev) = info.epoch.checked_sub(1) {
        if let Some(seed) = chain.epoch_seed(c, prev).await? {
            for &v in &hosted {
                if p.proving.contains(&(v, prev)) {
                    continue;
                }
                p.proving.insert((v, prev));
                let ours = chain.commitment_get(c, v, prev).await?.is_some_and(|m| m.node_id == state.node_id);
                if ours && chain.pass_get(c, v, prev).await?.is_none() {
                    let s = state.clone();
                    tokio::spawn(async move {
                        let _ = s.proofs.proof(c, v, prev, seed).await;
                    });
                }
            }
        }
    }

    // Rebut fault reports against this node.
    let batch = chain.events_since(p.events_from).await?;
    p.events_from = batch.head + 1;
    for (_, events) in batch.blocks {
        for event in events {
            match event {
                Event::FaultReported { cluster_id, epoch, vnode, node_id, .. }
                    if cluster_id == c && node_id == state.node_id =>
                {
                    tokio::spawn(rebut(state.clone(), epoch, vnode));
                }
                Event::OmissionReported { cluster_id, epoch, vnode, node_id, is_final: false, .. }
                    if cluster_id == c && node_id == state.node_id =>
                {
                    tokio::spawn(rebut_omission(state.clone(), epoch, vnode));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Fault injection: loses a fraction of a committed vnode's chunks, once it holds any.
async fn drop_chunks(state: &Shared, vnode: VNodeIndex, dropped: &mut HashSet<VNodeIndex>) {
    let (s, c, fraction) = (state.storage.clone(), state.cluster_id, state.config.chaos_drop_fraction);
    let result = tokio::task::spawn_blocking(move || -> Result<Option<u64>, crate::storage::StorageError> {
        if s.replica_meta((c, vnode))?.chunks == 0 {
            return Ok(None);
        }
        s.drop_chunks(c, vnode, fraction, &mut rand::thread_rng()).map(Some)
    })
    .await;
    match result {
        Ok(Ok(Some(n))) => {
            dropped.insert(vnode);
            tracing::warn!(vnode, chunks = n, fraction, "FAULT INJECTION: silently dropped chunks");
        }
        Ok(Ok(None)) => {}
        Ok(Err(e)) => tracing::error!(vnode, "fault injection failed: {e}"),
        Err(e) => tracing::error!(vnode, "fault injection task: {e}"),
    }
}

/// Bonds the cluster's node stake if this node has none yet.
async fn ensure_bonded(state: &Shared, stake: u128) -> Result<(), ChainError> {
    let chain = state.view.chain();
    if stake == 0 || chain.node_bond_get(state.cluster_id, state.node_id).await?.is_some_and(|b| b.amount >= stake) {
        return Ok(());
    }
    chain.node_bond(state.cluster_id, state.node_id, stake).await?;
    tracing::info!(cluster = state.cluster_id, node = state.node_id, stake, "bonded node stake");
    Ok(())
}

/// Commits a vnode for `epoch`; returns whether this call landed the commitment.
async fn commit(state: &Shared, vnode: VNodeIndex, epoch: Epoch) -> Result<bool, ChainError> {
    let (c, s) = (state.cluster_id, state.storage.clone());
    let min_dead = state.config.compact_min_chunks;
    let shrink_to = state.config.chaos_shrink.then_some(1);
    let record = tokio::task::spawn_blocking(move || commit_locally(&s, c, vnode, epoch, min_dead, shrink_to))
        .await
        .map_err(|e| ChainError::Protocol(format!("commit task: {e}")))?
        .map_err(|e| ChainError::Protocol(format!("local commitment of vnode {vnode}: {e}")))?;
    if shrink_to.is_some() {
        tracing::warn!(vnode, epoch, chunks = record.chunk_count, "FAULT INJECTION: committing a shrunk replica");
    }
    match state.view.chain().commit_root(c, vnode, epoch, record.root, record.chunk_count, record.generation).await {
        Ok(()) => {}
        Err(ChainError::Contract(ContractError::AlreadyCommitted)) => return Ok(false),
        Err(e) => return Err(e),
    }
    tracing::info!(
        cluster = c,
        vnode,
        epoch,
        chunks = record.chunk_count,
        root = hex::encode(record.root),
        "committed"
    );
    tokio::spawn(publish_manifest(state.clone(), vnode, epoch));
    Ok(true)
}

/// Records this node's commitment of a vnode for `epoch` (compacting first where deletes left
/// most of the log dead): what `commit` sends on-chain. The daemon runs it on a blocking thread,
/// the network simulation directly.
pub fn commit_locally(
    s: &Storage,
    c: ClusterId,
    vnode: VNodeIndex,
    epoch: Epoch,
    min_dead: u64,
    shrink_to: Option<u64>,
) -> Result<CommitRecord, StorageError> {
    if s.commit(c, vnode, epoch)?.is_none() {
        let meta = s.replica_meta((c, vnode))?;
        let dead = meta.chunks - meta.live_chunks;
        if dead >= min_dead && dead > meta.live_chunks {
            let after = s.compact(c, vnode)?;
            tracing::info!(vnode, dead, chunks = after.chunks, "compacted replica");
        }
    }
    s.record_commit(c, vnode, epoch, shrink_to)
}

/// Hands a vnode's manifest to the other nodes of the cluster, for a future resync.
async fn publish_manifest(state: Shared, vnode: VNodeIndex, epoch: Epoch) {
    let Ok(manifest) = state.storage.manifest(state.cluster_id, vnode, epoch) else { return };
    let Ok(topo) = state.topology().await else { return };
    let body = serde_json::to_vec(&manifest).expect("manifest serializes");
    for (id, peer) in topo.nodes.iter().filter(|(id, _)| **id != state.node_id) {
        let sent = signed(&state, Method::POST, &peer.url, "/v1/internal/manifest", Some(body.clone())).send().await;
        match sent {
            Ok(r) if r.status().is_success() => {}
            Ok(r) => tracing::debug!(peer = id, "manifest refused: {}", r.status()),
            Err(e) => tracing::debug!(peer = id, "manifest not delivered: {e}"),
        }
    }
}

/// Answers a fault report with the proof, on-chain. While the chain cannot be reached the
/// rebuttal is retried, so a partition shorter than the dispute window costs no slash; once the
/// window has closed the chain refuses it, which ends the retries.
async fn rebut(state: Shared, epoch: Epoch, vnode: VNodeIndex) {
    let chain = state.view.chain().clone();
    let c = state.cluster_id;
    loop {
        let result = async {
            let seed = chain.epoch_seed(c, epoch).await?.ok_or_else(|| ChainError::Protocol("no seed".into()))?;
            let proof =
                state.proofs.proof(c, vnode, epoch, seed).await.map_err(|e| ChainError::Protocol(e.to_string()))?;
            chain.rebut_fault(c, epoch, vnode, proof).await
        }
        .await;
        match result {
            Ok(()) => tracing::info!(vnode, epoch, "rebutted a fault report with the proof"),
            Err(e @ ChainError::Unreachable { .. }) => {
                tracing::warn!(vnode, epoch, "cannot reach the chain to rebut a fault report, retrying: {e}");
                tokio::time::sleep(Duration::from_millis(state.config.poll_ms)).await;
                continue;
            }
            Err(e) => tracing::warn!(vnode, epoch, "cannot rebut the fault report: {e}"),
        }
        return;
    }
}

/// Answers an omission report with the owner's newer order for the object (it was deleted or
/// overwritten before the compaction) or with a receipt of where the object moved.
async fn rebut_omission(state: Shared, epoch: Epoch, vnode: VNodeIndex) {
    let chain = state.view.chain().clone();
    let c = state.cluster_id;
    let result = async {
        let claim =
            chain.omission_claim(c, vnode, epoch).await?.ok_or_else(|| ChainError::Protocol("no claim".into()))?;
        let s = state.clone();
        let justification = tokio::task::spawn_blocking(move || crate::receipt::justify(&s, &claim, epoch))
            .await
            .map_err(|e| ChainError::Protocol(format!("justification task: {e}")))?
            .map_err(|e| ChainError::Protocol(e.to_string()))?
            .ok_or_else(|| ChainError::Protocol("the object is neither superseded nor held".into()))?;
        chain.rebut_omission(c, vnode, epoch, justification).await
    }
    .await;
    match result {
        Ok(()) => tracing::info!(vnode, epoch, "answered an omission report"),
        Err(e) => tracing::warn!(vnode, epoch, "cannot answer the omission report: {e}"),
    }
}
