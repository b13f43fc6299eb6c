//! The epoch driver. For every validated cluster, each tick: commit to a seed secret in the
//! commit phase and reveal it in the reveal phase; once the previous epoch's seed is final,
//! verify that epoch (a task of its own, so a slow node never delays a reveal); finalize the
//! faults this validator reported once their dispute window closed; settle revenues.

use crate::assignment::rank;
use crate::check::{check_chunk, check_grouped, group_by_key, Candidate};
use crate::config::ValidatorConfig;
use crate::fetch::{FetchError, Fetcher};
use crate::metrics::Metrics;
use crate::secrets::{SecretError, Secrets};
use crate::status::{EpochReport, Status};
use ddc_chain::node_api::ProofRequest;
use ddc_chain::{AccountId, ChainClient, ChainError, Ddc};
use ddc_primitives::groth16::{decode_vk, Bn254, PreparedVerifyingKey, PROOF_BYTES};
use ddc_primitives::ids::{ClusterId, Epoch, NodeId, VNodeIndex};
use ddc_primitives::merkle::TreeShape;
use ddc_verifier_contract::logic::{
    seed_commitment, Commitment, Error as ContractError, Phase, ProofItem, ProtocolConfig, Verification,
    VerificationMode,
};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

#[derive(Debug, thiserror::Error)]
pub enum EpochError {
    #[error(transparent)]
    Chain(#[from] ChainError),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error("the cluster's verifying key: {0}")]
    Key(String),
}

/// Secrets and reports kept for this many epochs.
const KEEP_EPOCHS: Epoch = 8;

pub struct Validator {
    pub config: ValidatorConfig,
    pub chain: Arc<dyn ChainClient>,
    pub me: AccountId,
    pub secrets: Secrets,
    pub fetcher: Fetcher,
    pub metrics: Arc<Metrics>,
    pub status: Mutex<Status>,
    /// Prepared verifying keys by hash: decoding and checking one costs a pairing.
    keys: Mutex<HashMap<[u8; 32], Arc<PreparedVerifyingKey<Bn254>>>>,
    /// Faults this validator reported: `(cluster, epoch, vnode)` → when they can be finalized.
    faults: Mutex<HashMap<(ClusterId, Epoch, VNodeIndex), u64>>,
}

pub type Shared = Arc<Validator>;

impl Validator {
    pub fn new(config: ValidatorConfig, chain: Arc<dyn ChainClient>, secrets: Secrets) -> Self {
        let fetcher = Fetcher::new(Duration::from_millis(config.proof_timeout_ms), config.proof_attempts);
        let me = chain.account();
        Self {
            config,
            me,
            chain,
            secrets,
            fetcher,
            metrics: Arc::new(Metrics::new()),
            status: Mutex::new(Status { account: ddc_chain::rpc::to_hex(me.as_ref()), ..Status::default() }),
            keys: Mutex::new(HashMap::new()),
            faults: Mutex::new(HashMap::new()),
        }
    }

    /// The prepared key a commitment's proofs are checked under, by its hash.
    async fn prepared_key(&self, hash: [u8; 32]) -> Result<Arc<PreparedVerifyingKey<Bn254>>, EpochError> {
        if let Some(k) = self.keys.lock().expect("keys lock").get(&hash) {
            return Ok(k.clone());
        }
        let pvk = Arc::new(load_key(self.chain.as_ref(), hash).await?);
        self.keys.lock().expect("keys lock").insert(hash, pvk.clone());
        Ok(pvk)
    }
}

/// A registered verifying key, decoded and prepared (a pairing: callers keep it).
pub async fn load_key(chain: &dyn ChainClient, hash: [u8; 32]) -> Result<PreparedVerifyingKey<Bn254>, EpochError> {
    let record = chain
        .verifying_key(hash)
        .await?
        .ok_or_else(|| EpochError::Key(format!("no key {} is registered", hex::encode(hash))))?;
    if record.insecure {
        tracing::warn!("the cluster's verifying key is an INSECURE development key: local networks only");
    }
    decode_vk(&record.bytes).map_err(|e| EpochError::Key(format!("{e:?}")))
}

/// Where the driver is with one cluster.
#[derive(Default)]
struct Progress {
    committed: BTreeSet<Epoch>,
    revealed: BTreeSet<Epoch>,
    verified: BTreeSet<Epoch>,
    settled_through: Option<Epoch>,
}

pub async fn run(v: Shared, stop: CancellationToken) {
    let mut progress: HashMap<ClusterId, Progress> = HashMap::new();
    let jobs = TaskTracker::new();
    let mut tick = tokio::time::interval(Duration::from_millis(v.config.poll_ms));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = tick.tick() => {}
        }
        let clusters = match clusters(&v).await {
            Ok(c) => c,
            Err(e) => {
                v.metrics.chain_errors.with_label_values(&["cluster_list"]).inc();
                tracing::warn!("validator: {e}");
                continue;
            }
        };
        for (c, verification) in clusters {
            let p = progress.entry(c).or_default();
            if let Err(e) = step(&v, c, verification, p, &jobs, &stop).await {
                v.metrics.chain_errors.with_label_values(&["epoch"]).inc();
                tracing::warn!(cluster = c, "validator: {e}");
            }
        }
    }
    // Verification tasks stop at their next chain call; give in-flight submissions a moment.
    jobs.close();
    let _ = tokio::time::timeout(Duration::from_secs(10), jobs.wait()).await;
}

/// The clusters to validate, with their verification settings.
async fn clusters(v: &Validator) -> Result<Vec<(ClusterId, Verification)>, ChainError> {
    let ids: Vec<ClusterId> = if v.config.clusters.is_empty() {
        let (all, _): (Vec<ddc_verifier_contract::logic::ClusterStatus>, u32) =
            v.chain.query("cluster_list", (0u32, 1000u32, None::<AccountId>)).await?;
        all.into_iter().map(|c| c.cluster_id).collect()
    } else {
        v.config.clusters.clone()
    };
    let mut out = Vec::new();
    for c in ids {
        if let Some(verification) = v.chain.cluster_verification(c).await? {
            out.push((c, verification));
        }
    }
    Ok(out)
}

async fn step(
    v: &Shared,
    c: ClusterId,
    verification: Verification,
    p: &mut Progress,
    jobs: &TaskTracker,
    stop: &CancellationToken,
) -> Result<(), EpochError> {
    let info = v.chain.cluster_epoch(c).await?;
    let e = info.epoch;
    v.metrics.epoch.with_label_values(&[&c.to_string()]).set(e as i64);
    randomness(v, c, e, info.phase, p).await?;

    if let Some(prev) = e.checked_sub(1) {
        if !p.verified.contains(&prev) {
            p.verified.insert(prev);
            match v.chain.epoch_seed(c, prev).await? {
                Some(seed) => {
                    let (v, stop) = (v.clone(), stop.clone());
                    jobs.spawn(async move {
                        tokio::select! {
                            _ = stop.cancelled() => {}
                            r = verify_epoch(&v, c, prev, seed, verification) => if let Err(err) = r {
                                tracing::warn!(cluster = c, epoch = prev, "verification: {err}");
                            }
                        }
                    });
                }
                None => tracing::warn!(
                    cluster = c,
                    epoch = prev,
                    "no validator revealed a seed: the epoch cannot be verified"
                ),
            }
        }
    }

    finalize_faults(v, c, info.now_ms).await;
    if v.config.settle {
        settle(v, c, &verification, info.now_ms, p).await;
    }
    let before = e.saturating_sub(KEEP_EPOCHS);
    v.secrets.prune(c, before);
    for set in [&mut p.committed, &mut p.revealed, &mut p.verified] {
        set.retain(|x| *x >= before);
    }
    Ok(())
}

/// The seed's commit-reveal: the secret is on disk before its commitment is sent.
async fn randomness(v: &Validator, c: ClusterId, e: Epoch, phase: Phase, p: &mut Progress) -> Result<(), EpochError> {
    match phase {
        Phase::Commit if !p.committed.contains(&e) => {
            let secret = v.secrets.get_or_create(c, e)?;
            let result = v.chain.seed_commit(c, e, seed_commitment(&secret, &v.me, c, e)).await;
            count(v, "seed_commit", &result);
            match result {
                Ok(()) => tracing::info!(cluster = c, epoch = e, "committed to a seed secret"),
                Err(ChainError::Contract(ContractError::AlreadyCommitted | ContractError::WrongEpochPhase)) => {}
                Err(err) => return Err(err.into()),
            }
            p.committed.insert(e);
        }
        Phase::Reveal if !p.revealed.contains(&e) => {
            if let Some(secret) = v.secrets.get(c, e)? {
                let result = v.chain.seed_reveal(c, e, secret).await;
                count(v, "seed_reveal", &result);
                match result {
                    Ok(()) => tracing::info!(cluster = c, epoch = e, "revealed the seed secret"),
                    Err(ChainError::Contract(
                        ContractError::AlreadyCommitted | ContractError::NotCommitted | ContractError::WrongEpochPhase,
                    )) => {}
                    Err(err) => return Err(err.into()),
                }
            }
            p.revealed.insert(e);
        }
        _ => {}
    }
    Ok(())
}

fn count<T>(v: &Validator, call: &str, result: &Result<T, ChainError>) {
    let outcome = match result {
        Ok(_) => "ok",
        Err(ChainError::Contract(_)) => "refused",
        Err(_) => "error",
    };
    v.metrics.submissions.with_label_values(&[call, outcome]).inc();
}

/// A replica this validator answers for in an epoch.
struct Duty {
    vnode: VNodeIndex,
    rank: usize,
    host: NodeId,
    commitment: Option<Commitment>,
}

/// What became of a duty's proof.
enum Outcome {
    Proof([u8; PROOF_BYTES]),
    /// Passed already (empty vnode, or another validator was faster).
    Settled,
    Missing(String),
}

/// Verifies one epoch of a cluster: fetch the assigned replicas' proofs, batch-verify them,
/// record passes (or attest), report faults, sample chunks.
async fn verify_epoch(
    v: &Shared,
    c: ClusterId,
    epoch: Epoch,
    seed: [u8; 32],
    verification: Verification,
) -> Result<(), EpochError> {
    let chain = &v.chain;
    let head = chain.head().await?;
    let window = verification.proof_deadline(epoch).saturating_sub(head.now_ms);
    // Results must land before the deadline, by the chain's clock (never the machine's, which
    // may be slower or faster): stop retrying fetches with a quarter of the window left; backups
    // act halfway through it.
    let deadline = head.now_ms + (window - window / 4);
    let backup_at = head.now_ms + window / 2;
    let hosts = chain.cluster_get(c).await?.cluster.vnodes;
    let validators = chain.validator_list().await?;
    let mut duties = Vec::new();
    for (vnode, host) in hosts.iter().enumerate() {
        let vnode = vnode as VNodeIndex;
        let Some(rank) = rank(&seed, c, epoch, vnode, &validators, v.config.quorum, &v.me) else { continue };
        let commitment = chain.commitment_get(c, vnode, epoch).await?;
        duties.push(Duty { vnode, rank, host: *host, commitment });
    }
    let mut report = EpochReport { cluster_id: c, epoch, assigned: duties.len() as u32, ..Default::default() };

    // Fetch every proof at once: nodes prove in parallel.
    let mut fetches = tokio::task::JoinSet::new();
    for (i, d) in duties.iter().enumerate() {
        let (v, commitment) = (v.clone(), d.commitment);
        let vnode = d.vnode;
        fetches.spawn(async move { (i, fetch_proof(&v, c, epoch, seed, vnode, commitment, deadline).await) });
    }
    let mut outcomes: Vec<Option<Outcome>> = (0..duties.len()).map(|_| None).collect();
    while let Some(joined) = fetches.join_next().await {
        if let Ok((i, outcome)) = joined {
            outcomes[i] = Some(outcome);
        }
    }

    let mut candidates = Vec::new();
    let mut proofs: HashMap<VNodeIndex, [u8; PROOF_BYTES]> = HashMap::new();
    let mut faulty = Vec::new();
    for (i, (d, outcome)) in duties.iter().zip(outcomes).enumerate() {
        match (outcome.unwrap_or_else(|| Outcome::Missing("the fetch task failed".into())), d.commitment) {
            (Outcome::Settled, _) => v.metrics.proofs.with_label_values(&["empty"]).inc(),
            (Outcome::Proof(proof), Some(cm)) => {
                // Committed roots are canonical (the contract checks), so this always decodes.
                let Some(candidate) = Candidate::of_commitment(i, &seed, (c, d.vnode, epoch), &cm, proof) else {
                    continue;
                };
                candidates.push((cm.vk_hash, candidate));
                proofs.insert(d.vnode, proof);
            }
            (Outcome::Proof(_), None) => unreachable!("a proof is only fetched for a commitment"),
            (Outcome::Missing(why), _) => {
                tracing::warn!(cluster = c, epoch, vnode = d.vnode, node = d.host, "no proof: {why}");
                v.metrics.proofs.with_label_values(&["missing"]).inc();
                report.missing += 1;
                faulty.push(i);
            }
        }
    }
    let n = candidates.len();
    // Proofs are checked under the key each commitment was made with.
    let mut keyed = Vec::with_capacity(n);
    for (hash, candidate) in candidates {
        keyed.push((v.prepared_key(hash).await?, candidate));
    }
    let groups = group_by_key(keyed);
    let verdicts = tokio::task::spawn_blocking(move || check_grouped(groups))
        .await
        .map_err(|e| EpochError::Key(format!("verification task: {e}")))?;
    let path = if verdicts.invalid.is_empty() { "batch" } else { "batch_then_single" };
    let spent = verdicts.batch_time + verdicts.single_time;
    v.metrics.verify_seconds.with_label_values(&[path]).observe(spent.as_secs_f64());
    v.metrics.proofs.with_label_values(&["valid"]).inc_by(verdicts.valid.len() as u64);
    v.metrics.proofs.with_label_values(&["invalid"]).inc_by(verdicts.invalid.len() as u64);
    report.valid = verdicts.valid.len() as u32;
    report.invalid = verdicts.invalid.len() as u32;
    report.verify_ms = spent.as_secs_f64() * 1e3;
    if n > 0 {
        tracing::info!(
            cluster = c,
            epoch,
            proofs = n,
            invalid = verdicts.invalid.len(),
            batch_ms = verdicts.batch_time.as_secs_f64() * 1e3,
            per_proof_us = verdicts.batch_time.as_secs_f64() * 1e6 / n as f64,
            "verified the epoch's proofs in one batch"
        );
    }
    for &i in &verdicts.invalid {
        tracing::warn!(cluster = c, epoch, vnode = duties[i].vnode, node = duties[i].host, "invalid proof");
    }
    faulty.extend(verdicts.invalid.iter().copied());

    // Primaries act at once; backups act halfway through the window on what is still open.
    for backups in [false, true] {
        if backups {
            chain_time_reaches(v, backup_at).await?;
        }
        let turn = |d: &&Duty| (d.rank > 0) == backups;
        let passing: Vec<&Duty> = verdicts.valid.iter().map(|&i| &duties[i]).filter(turn).collect();
        let failing: Vec<&Duty> = faulty.iter().map(|&i| &duties[i]).filter(turn).collect();
        report.submitted += record_passes(v, c, epoch, &verification, &passing, &proofs).await?;
        report.faults_reported += report_faults(v, c, epoch, &verification, &failing).await?;
    }
    let sampled: Vec<&Duty> = verdicts.valid.iter().map(|&i| &duties[i]).collect();
    let (ok, failed) = sample_chunks(v, c, epoch, &verification, &sampled).await;
    report.qos_ok = ok;
    report.qos_failed = failed;
    v.status.lock().expect("status lock").record(report);
    Ok(())
}

/// A replica's proof from its host, unless it passed already.
async fn fetch_proof(
    v: &Validator,
    c: ClusterId,
    epoch: Epoch,
    seed: [u8; 32],
    vnode: VNodeIndex,
    commitment: Option<Commitment>,
    deadline: u64,
) -> Outcome {
    let Some(cm) = commitment else { return Outcome::Missing("the host committed nothing".into()) };
    match v.chain.pass_get(c, vnode, epoch).await {
        Ok(Some(_)) => return Outcome::Settled,
        Ok(None) => {}
        Err(e) => return Outcome::Missing(format!("chain: {e}")),
    }
    let url = match node_url(v, cm.node_id).await {
        Ok(url) => url,
        Err(e) => return Outcome::Missing(e),
    };
    let remaining = || async {
        let now = v.chain.head().await.map_or(deadline, |h| h.now_ms);
        Duration::from_millis(deadline.saturating_sub(now))
    };
    match v.fetcher.proof(&url, &ProofRequest { cluster_id: c, vnode, epoch, seed }, remaining).await {
        Ok(proof) => Outcome::Proof(proof),
        Err(FetchError::Empty) if cm.chunk_count == 0 => Outcome::Settled,
        Err(e) => Outcome::Missing(e.to_string()),
    }
}

/// Returns once the chain's clock reads `at_ms` or later (polled every `poll_ms`).
async fn chain_time_reaches(v: &Validator, at_ms: u64) -> Result<(), ChainError> {
    while v.chain.head().await?.now_ms < at_ms {
        tokio::time::sleep(Duration::from_millis(v.config.poll_ms)).await;
    }
    Ok(())
}

/// Where a node serves, from its on-chain params.
async fn node_url(v: &Validator, node_id: NodeId) -> Result<String, String> {
    let node = v.chain.node_get(node_id).await.map_err(|e| format!("chain: {e}"))?;
    serde_json::from_str::<serde_json::Value>(&node.params)
        .ok()
        .and_then(|p| p["url"].as_str().map(str::to_string))
        .ok_or_else(|| format!("node {node_id} has no URL in its params"))
}

/// The duties whose replica has neither a pass nor a fault yet.
async fn still_open<'a>(
    v: &Validator,
    c: ClusterId,
    epoch: Epoch,
    duties: &[&'a Duty],
) -> Result<Vec<&'a Duty>, ChainError> {
    let mut open = Vec::new();
    for d in duties {
        if v.chain.pass_get(c, d.vnode, epoch).await?.is_none() && v.chain.fault_get(c, d.vnode, epoch).await?.is_none()
        {
            open.push(*d);
        }
    }
    Ok(open)
}

/// Records verified replicas on-chain: proof batches or attestations, per the cluster's mode.
/// Replicas that passed meanwhile are left out. Returns how many this call recorded.
async fn record_passes(
    v: &Validator,
    c: ClusterId,
    epoch: Epoch,
    verification: &Verification,
    duties: &[&Duty],
    proofs: &HashMap<VNodeIndex, [u8; PROOF_BYTES]>,
) -> Result<u32, EpochError> {
    let mut open = still_open(v, c, epoch, duties).await?;
    let mut recorded = 0;
    match verification.config.mode {
        VerificationMode::Attestations if !open.is_empty() => {
            let vnodes: Vec<VNodeIndex> = open.iter().map(|d| d.vnode).collect();
            let result = v.chain.attest(c, epoch, vnodes).await;
            count(v, "attest", &result);
            match result {
                Ok(()) => recorded = open.len() as u32,
                Err(ChainError::Contract(ContractError::AlreadyVoted)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        VerificationMode::Attestations => {}
        VerificationMode::Proofs => {
            let protocol: ProtocolConfig = v.chain.query("protocol_config", ()).await?;
            // A batch with one replica that passed meanwhile is refused whole: resubmit the rest.
            for _ in 0..3 {
                let mut refused = Vec::new();
                for batch in open.chunks(protocol.max_batch.max(1) as usize) {
                    let items: Vec<ProofItem> = batch
                        .iter()
                        .filter_map(|d| {
                            Some(ProofItem {
                                vnode: d.vnode,
                                node_id: d.commitment?.node_id,
                                proof: *proofs.get(&d.vnode)?,
                            })
                        })
                        .collect();
                    let result = v.chain.submit_proofs(c, epoch, items.clone()).await;
                    count(v, "submit_proofs", &result);
                    match result {
                        Ok(()) => recorded += items.len() as u32,
                        Err(ChainError::Contract(ContractError::AlreadyPassed | ContractError::FaultExists)) => {
                            refused.extend_from_slice(batch)
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                if refused.is_empty() {
                    break;
                }
                open = still_open(v, c, epoch, &refused).await?;
            }
        }
    }
    if recorded > 0 {
        tracing::info!(cluster = c, epoch, replicas = recorded, mode = ?verification.config.mode, "recorded passes on-chain");
    }
    Ok(recorded)
}

/// Reports replicas without a valid proof that are still open; remembers when each report
/// can be finalized.
async fn report_faults(
    v: &Validator,
    c: ClusterId,
    epoch: Epoch,
    verification: &Verification,
    duties: &[&Duty],
) -> Result<u32, EpochError> {
    let mut reported = 0;
    for d in still_open(v, c, epoch, duties).await? {
        let result = v.chain.report_fault(c, epoch, d.vnode).await;
        count(v, "report_fault", &result);
        match result {
            Ok(()) => {
                let at = v.chain.fault_get(c, d.vnode, epoch).await?.map_or(0, |f| f.reported_at_ms);
                let due = at.saturating_add(verification.config.dispute_window_ms);
                v.faults.lock().expect("faults lock").insert((c, epoch, d.vnode), due);
                tracing::warn!(cluster = c, epoch, vnode = d.vnode, node = d.host, "reported a fault");
                reported += 1;
            }
            Err(ChainError::Contract(ContractError::AlreadyPassed | ContractError::FaultExists)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(reported)
}

/// Finalizes this validator's reports whose dispute window closed without a rebuttal.
async fn finalize_faults(v: &Validator, c: ClusterId, now_ms: u64) {
    let due: Vec<(Epoch, VNodeIndex)> = v
        .faults
        .lock()
        .expect("faults lock")
        .iter()
        .filter(|((fc, _, _), at)| *fc == c && **at <= now_ms)
        .map(|((_, e, vn), _)| (*e, *vn))
        .collect();
    for (epoch, vnode) in due {
        let result = v.chain.finalize_fault(c, epoch, vnode).await;
        count(v, "finalize_fault", &result);
        let done = match result {
            Ok(slashed) => {
                tracing::warn!(cluster = c, epoch, vnode, slashed, "fault final: the node's stake was slashed");
                true
            }
            Err(ChainError::Contract(ContractError::FaultDoesNotExist)) => {
                tracing::info!(cluster = c, epoch, vnode, "the fault was rebutted or finalized already");
                true
            }
            Err(ChainError::Contract(ContractError::DisputeWindowOpen)) => false,
            Err(e) => {
                tracing::warn!(cluster = c, epoch, vnode, "cannot finalize the fault yet: {e}");
                false
            }
        };
        if done {
            v.faults.lock().expect("faults lock").remove(&(c, epoch, vnode));
        }
    }
}

/// Settles the cluster's buckets and distributes the revenues of epochs past their dispute
/// window. One validator per epoch does it (the assignment's primary of a reserved slot).
async fn settle(v: &Validator, c: ClusterId, verification: &Verification, now_ms: u64, p: &mut Progress) {
    let last = verification.settleable(now_ms);
    if last <= verification.next_settle || p.settled_through >= Some(last) {
        return;
    }
    let result = async {
        let validators = v.chain.validator_list().await?;
        if rank(&[0; 32], c, last, VNodeIndex::MAX, &validators, 1, &v.me) != Some(0) {
            return Ok(false);
        }
        let (buckets, _): (Vec<ddc_verifier_contract::logic::BucketStatus>, u32) =
            v.chain.query("bucket_list", (0u32, 1000u32, None::<AccountId>)).await?;
        for b in buckets.iter().filter(|b| b.bucket.cluster_id == c) {
            let r = v.chain.act::<_, ()>(0, "bucket_settle_payment", b.bucket_id).await;
            count(v, "bucket_settle_payment", &r);
        }
        let r = v.chain.act::<_, ()>(0, "cluster_distribute_revenues", c).await;
        count(v, "cluster_distribute_revenues", &r);
        match r {
            Ok(()) | Err(ChainError::Contract(ContractError::NothingToDistribute)) => Ok(true),
            Err(e) => Err(e),
        }
    }
    .await;
    match result {
        Ok(true) => {
            tracing::info!(cluster = c, through = last, "settled buckets and distributed revenues");
            p.settled_through = Some(last);
        }
        Ok(false) => p.settled_through = Some(last),
        Err(e) => tracing::warn!(cluster = c, "settlement: {e}"),
    }
}

/// Fetches random chunks of verified replicas with their Merkle paths and checks them against
/// the committed roots: proofs show data is held, samples show it is served, and how fast.
async fn sample_chunks(
    v: &Validator,
    c: ClusterId,
    epoch: Epoch,
    verification: &Verification,
    duties: &[&Duty],
) -> (u32, u32) {
    let shape = verification.config.shape;
    let Ok(tree) = TreeShape::for_depth(shape.arity as usize, shape.depth as u32) else { return (0, 0) };
    let with_data: Vec<(&Duty, Commitment)> =
        duties.iter().filter_map(|d| d.commitment.filter(|cm| cm.chunk_count > 0).map(|cm| (*d, cm))).collect();
    let (mut ok, mut failed) = (0, 0);
    if with_data.is_empty() {
        return (0, 0);
    }
    for _ in 0..v.config.qos_samples {
        let (d, cm) = with_data[rand::random::<usize>() % with_data.len()];
        let index = rand::random::<u64>() % cm.chunk_count;
        let node = cm.node_id.to_string();
        let outcome = match node_url(v, cm.node_id).await {
            Err(e) => Err(e),
            Ok(url) => match v.fetcher.chunk(&url, c, d.vnode, epoch, index).await {
                Err(e) => Err(e.to_string()),
                Ok((opening, took)) => {
                    v.metrics.qos_seconds.with_label_values(&[&node]).observe(took.as_secs_f64());
                    check_chunk(&tree, shape.chunk_bytes as usize, &cm.root, index, &opening).map_err(|e| e.to_string())
                }
            },
        };
        match outcome {
            Ok(()) => {
                ok += 1;
                v.metrics.qos.with_label_values(&[&node, "ok"]).inc();
            }
            Err(e) => {
                failed += 1;
                v.metrics.qos.with_label_values(&[&node, "failed"]).inc();
                tracing::warn!(
                    cluster = c,
                    epoch,
                    vnode = d.vnode,
                    index,
                    node = cm.node_id,
                    "chunk sample failed: {e}"
                );
            }
        }
    }
    (ok, failed)
}
