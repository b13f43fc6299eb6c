//! Validators are held to account: one that commits to a seed and never reveals it is
//! penalised when the seed is fixed, and one that reports an honest node is penalised when the
//! node rebuts the report with a valid proof.

use crate::common::*;
use ddc_chain::{Ddc, Event};
use ddc_devnet::network::{client, dev_account, PENALTY, VALIDATOR_STAKE};
use ddc_validator::assignment::assigned;
use ddc_verifier_contract::logic::{seed_commitment, Phase, Validator};
use std::time::{Duration, Instant};

/// Not one of the devnet's validator daemons: this test plays it by hand.
const ROGUE: &str = "zoe";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missed_reveal_and_a_rebutted_false_report_are_penalised() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = small(dir.path());
    // One validator per replica: the replicas assigned to the rogue are checked by nobody else,
    // so its false report cannot race an honest validator's pass.
    config.quorum = 1;
    let mut net = spawn(config, None);
    let report = net.report_when(120, |r| r.current_epoch.is_some()).await;
    let clock = net.clock.lock().unwrap().clone().expect("the scenario tests run in lockstep");
    let (chain_url, cluster) = (report.chain_url.clone(), report.cluster_id);
    let rogue = client(&chain_url, None, ROGUE).await.unwrap();
    let admin = client(&chain_url, None, "alice").await.unwrap();
    rogue.act::<_, ()>(VALIDATOR_STAKE, "validator_bond", ()).await.unwrap();
    admin.act::<_, ()>(0, "admin_admit_validator", dev_account(ROGUE)).await.unwrap();
    let bond = || async {
        let v: Option<Validator> = rogue.query("validator_get", dev_account(ROGUE)).await.unwrap();
        v.unwrap().bond.amount
    };
    let epoch_now = || async { rogue.cluster_epoch(cluster).await.unwrap() };

    // Commit in a commit phase (the clock held, so the phase cannot end meanwhile), never reveal.
    let epoch = wait_state("a commit phase", || async {
        let _held = clock.hold().await;
        let info = epoch_now().await;
        if info.phase != Phase::Commit {
            return None;
        }
        let c = seed_commitment(&[9; 32], &dev_account(ROGUE), cluster, info.epoch);
        rogue.seed_commit(cluster, info.epoch, c).await.unwrap();
        Some(info.epoch)
    })
    .await;
    let before = bond().await;
    let mut from = 0;
    // The seed is fixed by the first verification call, or by anyone once the epoch ended (an
    // epoch whose vnodes were all empty has no verification calls).
    wait_state("the epoch to end", || async { (epoch_now().await.epoch > epoch).then_some(()) }).await;
    rogue.act::<_, Option<[u8; 32]>>(0, "epoch_finalize_seed", (cluster, epoch)).await.unwrap();
    let penalised = wait_event(&rogue, &mut from, 30, |e| {
        matches!(e, Event::ValidatorPenalized { validator, value } if *validator == dev_account(ROGUE) && *value == PENALTY)
    })
    .await;
    assert!(penalised, "the missed reveal of epoch {epoch} is penalised");
    assert_eq!(bond().await, before - PENALTY);
    let seed = rogue.epoch_seed(cluster, epoch).await.unwrap();
    assert!(seed.is_some(), "the honest validators' reveals still fix the seed");

    // Report an honest node's replica that only the rogue answers for, the clock held so that
    // the proof window stays open until the report is in.
    let before = bond().await;
    let honest: Vec<u32> = report.nodes.iter().filter(|n| !n.faulty).map(|n| n.node_id).collect();
    let deadline = Instant::now() + Duration::from_secs(180);
    let mut tried = epoch;
    let (e, vnode) = 'found: loop {
        assert!(Instant::now() < deadline, "no epoch had a replica only the rogue answers for");
        tokio::time::sleep(Duration::from_millis(50)).await;
        let _held = clock.hold().await;
        let Some(prev) = epoch_now().await.epoch.checked_sub(1) else { continue };
        let Some(seed) = rogue.epoch_seed(cluster, prev).await.unwrap().filter(|_| prev > tried) else { continue };
        tried = prev;
        let validators = rogue.validator_list().await.unwrap();
        for vnode in 0..8 {
            let Some(c) = rogue.commitment_get(cluster, vnode, prev).await.unwrap() else { continue };
            let only_rogue = assigned(&seed, cluster, prev, vnode, &validators, 1) == [dev_account(ROGUE)];
            if only_rogue && c.chunk_count > 0 && honest.contains(&c.node_id) {
                rogue.report_fault(cluster, prev, vnode).await.unwrap();
                break 'found (prev, vnode);
            }
        }
    };
    let rebutted = wait_event(&rogue, &mut from, 60, |ev| {
        matches!(ev, Event::FaultRebutted { epoch, vnode: v, reporter, .. }
            if *epoch == e && *v == vnode && *reporter == dev_account(ROGUE))
    })
    .await;
    assert!(rebutted, "the node rebuts the false report of vnode {vnode} in epoch {e} with its proof");
    assert!(rogue.pass_get(cluster, vnode, e).await.unwrap().is_some(), "the rebuttal's proof passes the vnode");
    assert!(rogue.fault_get(cluster, vnode, e).await.unwrap().is_none());
    assert!(bond().await <= before - PENALTY, "the false reporter is penalised");

    net.stop.cancel();
    let report = net.task.await.unwrap().unwrap();
    let honest: Vec<_> = report.validators.iter().filter(|v| v.penalized > 0).collect();
    assert!(honest.is_empty(), "the devnet's own validators were never penalised: {honest:?}");
}

/// Polls `check` (every 50 ms) until it yields: a wait on the chain's state, with a generous
/// bound only so that a broken network fails instead of hanging.
async fn wait_state<T, F: std::future::Future<Output = Option<T>>>(what: &str, mut check: impl FnMut() -> F) -> T {
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Follows events from block `from` until one matches, for at most `secs`.
async fn wait_event(chain: &impl Ddc, from: &mut u64, secs: u64, matches: impl Fn(&Event) -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        let batch = chain.events_since(*from).await.unwrap();
        *from = batch.head + 1;
        if batch.blocks.iter().any(|(_, events)| events.iter().any(&matches)) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}
