//! Validators are held to account: one that commits to a seed and never reveals it is
//! penalised when the seed is fixed, and one that reports an honest node is penalised when the
//! node rebuts the report with a valid proof.

mod common;

use common::*;
use ddc_chain::{ChainError, Ddc, Event};
use ddc_devnet::network::{client, dev_account, PENALTY, VALIDATOR_STAKE};
use ddc_verifier_contract::logic::{seed_commitment, Error as ContractError, Phase, Validator};
use std::time::{Duration, Instant};

/// Not one of the devnet's validator daemons: this test plays it by hand.
const ROGUE: &str = "zoe";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missed_reveal_and_a_rebutted_false_report_are_penalised() {
    let dir = tempfile::tempdir().unwrap();
    let mut net = spawn(small(dir.path()), None);
    let report = net.report_when(120, |r| r.current_epoch.is_some()).await;
    let (chain_url, cluster) = (report.chain_url.clone(), report.cluster_id);
    let rogue = client(&chain_url, ROGUE).await.unwrap();
    let admin = client(&chain_url, "alice").await.unwrap();
    rogue.act::<_, ()>(VALIDATOR_STAKE, "validator_bond", ()).await.unwrap();
    admin.act::<_, ()>(0, "admin_admit_validator", dev_account(ROGUE)).await.unwrap();
    let bond = || async {
        let v: Option<Validator> = rogue.query("validator_get", dev_account(ROGUE)).await.unwrap();
        v.unwrap().bond.amount
    };

    // Commit in a commit phase, never reveal.
    let epoch = loop {
        let info = rogue.cluster_epoch(cluster).await.unwrap();
        if info.phase == Phase::Commit {
            let c = seed_commitment(&[9; 32], &dev_account(ROGUE), cluster, info.epoch);
            match rogue.seed_commit(cluster, info.epoch, c).await {
                Ok(()) => break info.epoch,
                Err(ChainError::Contract(ContractError::WrongEpochPhase)) => {}
                Err(e) => panic!("{e}"),
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let before = bond().await;
    let mut from = 0;
    // The seed is fixed by the first verification call, or by anyone once the epoch ended (an
    // epoch whose vnodes were all empty has no verification calls).
    while rogue.cluster_epoch(cluster).await.unwrap().epoch <= epoch {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    rogue.act::<_, Option<[u8; 32]>>(0, "epoch_finalize_seed", (cluster, epoch)).await.unwrap();
    let penalised = wait_event(&rogue, &mut from, 30, |e| {
        matches!(e, Event::ValidatorPenalized { validator, value } if *validator == dev_account(ROGUE) && *value == PENALTY)
    })
    .await;
    assert!(penalised, "the missed reveal of epoch {epoch} is penalised");
    assert_eq!(bond().await, before - PENALTY);
    let seed = rogue.epoch_seed(cluster, epoch).await.unwrap();
    assert!(seed.is_some(), "the honest validators' reveals still fix the seed");

    // Report an honest node's vnode as soon as an epoch's seed is fixed, before the passes land.
    let before = bond().await;
    let deadline = Instant::now() + Duration::from_secs(60);
    let (e, vnode) = 'found: loop {
        assert!(Instant::now() < deadline, "no epoch let the false report in before the passes");
        let now = rogue.cluster_epoch(cluster).await.unwrap().epoch;
        let Some(prev) = now.checked_sub(1) else { continue };
        for vnode in 0..8 {
            let Some(c) = rogue.commitment_get(cluster, vnode, prev).await.unwrap() else { continue };
            if c.chunk_count == 0 {
                continue;
            }
            match rogue.report_fault(cluster, prev, vnode).await {
                Ok(()) => break 'found (prev, vnode),
                Err(ChainError::Contract(
                    ContractError::AlreadyPassed | ContractError::FaultExists | ContractError::NotValidator,
                )) => {}
                Err(e) => panic!("{e}"),
            }
        }
        // Wait for the next epoch boundary.
        let next = now + 1;
        while rogue.cluster_epoch(cluster).await.unwrap().epoch < next {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let rebutted = wait_event(&rogue, &mut from, 30, |ev| {
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
