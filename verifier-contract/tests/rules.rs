//! The contract's rules on the embedded chain's native executor: the shared flows (the same as
//! the drink tests run in pallet-contracts), error paths, and properties over random calls.

use crate::common;

use crate::common::flows;
use crate::common::*;
use ddc_verifier_contract::logic::{AccountId, Balance, Error, FeeConfig, Permission, TOKEN};
use ddc_verifier_contract::native::State;
use proptest::prelude::*;

fn native() -> Contract<Native> {
    Contract { rt: Native::new() }
}

#[test]
fn seed_worked_example() {
    flows::seed_worked_example(&mut native());
}

#[test]
fn proofs_mode_epochs_faults_rebuttals_and_gated_payouts() {
    let mut c = native();
    flows::proofs_epochs(&mut c);
    assert_eq!(c.rt.state.held(), c.rt.state.balance(&c.rt.state.contract));
}

#[test]
fn rent_that_streamed_is_never_locked() {
    flows::arrears(&mut native());
}

#[test]
fn an_unseeded_epoch_pays_nobody_and_a_missed_reveal_costs_stake() {
    flows::silent_epoch(&mut native());
}

/// Attestations need a quorum of at least 2 and at least ⅔ of the admitted validators.
#[test]
fn attestation_quorum_is_at_least_two_and_two_thirds() {
    use ddc_verifier_contract::logic::{
        CircuitShape, Verification, VerificationConfig, VerificationMode, MIN_ATTEST_QUORUM,
    };
    let config = VerificationConfig {
        mode: VerificationMode::Attestations,
        shape: CircuitShape::default(),
        vk_hash: [0; 32],
        epoch_len_ms: 10,
        node_stake: 0,
        unbonding_ms: 0,
        dispute_window_ms: 0,
        attest_threshold: 1,
        slash_bp: 0,
        reporter_reward_bp: 0,
        max_consecutive_faults: 1,
        validator_fee_bp: 0,
    };
    let v = Verification { config, epoch_start_ms: 0, next_settle: 0 };
    let quorums: Vec<u32> = [0u32, 1, 2, 3, 4, 9, 10, 64].iter().map(|n| v.attest_quorum(*n)).collect();
    assert_eq!(quorums, vec![MIN_ATTEST_QUORUM, 2, 2, 2, 3, 6, 7, 43]);
    let strict = Verification { config: VerificationConfig { attest_threshold: 50, ..config }, ..v };
    assert_eq!(strict.attest_quorum(64), 50, "a cluster may ask for more");

    let mut c = native();
    let p = flows::pos_setup(&mut c, VerificationMode::Attestations, 4);
    let current: Verification = c.query::<_, Option<_>>("cluster_verification", p.cluster).expect("enabled");
    let lax = VerificationConfig { attest_threshold: 1, ..current.config };
    assert_eq!(c.tx::<_, ()>(EVE, "cluster_set_verification", (p.cluster, lax)), Err(Error::InvalidParams));
}

#[test]
fn receipts_catch_omission() {
    common::omission::receipts_catch_omission(&mut native());
}

#[test]
fn keys_are_immutable_and_old_commitments_stay_checkable() {
    common::omission::key_rotation(&mut native());
}

#[test]
fn insecure_keys_need_a_dev_chain() {
    flows::insecure_keys_need_a_dev_chain(&mut Contract { rt: Native::deployed(false) });
}

#[test]
fn attestation_mode() {
    flows::attestation_epoch(&mut native());
}

#[test]
fn failed_calls_change_nothing_and_unknown_ids_are_typed_errors() {
    let mut c = native();
    let before = c.rt.state.clone();
    assert_eq!(c.tx::<_, ()>(BOB, "cluster_reserve_resource", (1u32, 5u32)), Err(Error::ClusterDoesNotExist));
    assert_eq!(c.tx::<_, ()>(BOB, "node_change_params", (0u32, String::new())), Err(Error::NodeDoesNotExist));
    assert_eq!(c.tx::<_, ()>(BOB, "bucket_settle_payment", 9u32), Err(Error::BucketDoesNotExist));
    assert_eq!(c.tx::<_, u32>(BOB, "cluster_create", (301u32, vec![1u32], String::new())), Err(Error::TooManyVNodes));
    assert_eq!(c.tx::<_, ()>(BOB, "admin_withdraw", 1_u128), Err(Error::Unauthorized));
    assert_eq!(c.tx::<_, ()>(BOB, "account_withdraw", 1_u128), Err(Error::AccountDoesNotExist));
    assert_eq!(c.tx::<_, u32>(BOB, "node_create", (1_u128, "x".repeat(100_001), 1u32)), Err(Error::ParamsTooBig));
    assert_eq!(c.rt.state, before);
    // Value sent to a message that is not payable is refused before it runs.
    let mut data = ddc_verifier_contract::native::selector("node_create").to_vec();
    scale::Encode::encode_to(&(1_u128, String::new(), 1u32), &mut data);
    assert!(c.rt.state.call(account(BOB), 5, &data).is_err());
}

#[test]
fn super_admin_implies_every_permission_and_grants_are_revocable() {
    let mut c = native();
    let has =
        |c: &mut Contract<Native>, who: u8, p: Permission| c.query::<_, bool>("has_permission", (account(who), p));
    assert!(has(&mut c, ALICE, Permission::SetExchangeRate));
    assert!(!has(&mut c, BOB, Permission::SetExchangeRate));
    assert_eq!(c.tx::<_, ()>(BOB, "account_set_usd_per_cere", 2 * TOKEN), Err(Error::Unauthorized));
    c.ok::<_, ()>(ALICE, "admin_grant_permission", (account(BOB), Permission::SetExchangeRate));
    c.ok::<_, ()>(BOB, "account_set_usd_per_cere", 2 * TOKEN);
    assert_eq!(c.query::<_, u128>("account_get_usd_per_cere", ()), 2 * TOKEN);
    c.ok::<_, ()>(ALICE, "admin_revoke_permission", (account(BOB), Permission::SetExchangeRate));
    assert_eq!(c.tx::<_, ()>(BOB, "account_set_usd_per_cere", TOKEN), Err(Error::Unauthorized));
}

#[test]
fn replacing_a_node_moves_resources_and_recomputes_total_rent() {
    let mut c = native();
    for (p, rent) in [(BOB, 10), (CHARLIE, 10), (DAVE, 40)] {
        c.ok::<_, ()>(p, "node_trust_manager", account(EVE));
        c.ok::<_, u32>(p, "node_create", (rent * TOKEN, String::new(), 100u32));
    }
    let cluster: u32 = c.ok(EVE, "cluster_create", (4u32, vec![1u32, 2], String::new()));
    c.ok::<_, ()>(EVE, "cluster_reserve_resource", (cluster, 10u32));
    c.ok::<_, ()>(EVE, "cluster_replace_node", (cluster, 1u32, 3u32));
    let status: ddc_verifier_contract::logic::ClusterStatus = c.ok(ALICE, "cluster_get", cluster);
    assert_eq!(status.cluster.vnodes, vec![1, 3, 1, 2]);
    assert_eq!(status.cluster.total_rent, (10 + 40 + 10 + 10) * TOKEN);
    let free = |c: &mut Contract<Native>, n: u32| {
        c.ok::<_, ddc_verifier_contract::logic::NodeStatus>(ALICE, "node_get", n).node.free_resource
    };
    assert_eq!((free(&mut c, 1), free(&mut c, 2), free(&mut c, 3)), (80, 90, 90));
    assert_eq!(
        c.tx::<_, ()>(BOB, "cluster_replace_node", (cluster, 0u32, 3u32)),
        Err(Error::UnauthorizedClusterManager)
    );
    assert_eq!(c.tx::<_, ()>(EVE, "cluster_replace_node", (cluster, 9u32, 3u32)), Err(Error::VNodeDoesNotExist));
}

/// A random action by a random account.
#[derive(Clone, Debug)]
enum Action {
    Deposit(u8, u128),
    Withdraw(u8, u128),
    /// Withdraws all that `account_withdrawable` allows (the "withdraw, then settle").
    WithdrawAll(u8),
    Alloc(u8, u32),
    Dealloc(u8),
    Settle,
    Distribute(u8),
    Reserve(u8, u32),
    Replace(u8, u32, u32),
    SetFees(u8, u128, u128),
    SetRate(u8, u128),
    AdminWithdraw(u8, u128),
    Advance(u64),
}

fn action() -> impl Strategy<Value = Action> {
    let who = 1u8..=8;
    prop_oneof![
        (who.clone(), 1u128..50 * TOKEN).prop_map(|(w, v)| Action::Deposit(w, v)),
        (who.clone(), 1u128..50 * TOKEN).prop_map(|(w, v)| Action::Withdraw(w, v)),
        who.clone().prop_map(Action::WithdrawAll),
        (who.clone(), 1u32..4).prop_map(|(w, r)| Action::Alloc(w, r)),
        who.clone().prop_map(Action::Dealloc),
        Just(Action::Settle),
        who.clone().prop_map(Action::Distribute),
        (who.clone(), 1u32..20).prop_map(|(w, r)| Action::Reserve(w, r)),
        (who.clone(), 0u32..8, 1u32..4).prop_map(|(w, v, n)| Action::Replace(w, v, n)),
        (who.clone(), 0u128..3000, 0u128..3000).prop_map(|(w, a, b)| Action::SetFees(w, a, b)),
        (who.clone(), 1u128..5 * TOKEN).prop_map(|(w, r)| Action::SetRate(w, r)),
        (who.clone(), 1u128..TOKEN).prop_map(|(w, v)| Action::AdminWithdraw(w, v)),
        (1u64..10_000_000).prop_map(Action::Advance),
    ]
}

/// Who may do what: the deployer (ALICE) is SuperAdmin, EVE manages the cluster, FERDIE owns the bucket.
fn authorised(a: &Action) -> bool {
    match a {
        Action::Alloc(w, _) | Action::Dealloc(w) => *w == FERDIE || *w == EVE,
        Action::Reserve(w, _) | Action::Replace(w, _, _) => *w == EVE,
        Action::SetFees(w, _, _) | Action::SetRate(w, _) | Action::AdminWithdraw(w, _) => *w == ALICE,
        _ => true,
    }
}

fn world() -> Contract<Native> {
    let mut c = native();
    c.rt.set_time(1_000);
    for p in [BOB, CHARLIE, DAVE] {
        c.ok::<_, ()>(p, "node_trust_manager", account(EVE));
        c.ok::<_, u32>(p, "node_create", (TOKEN, String::new(), 1_000u32));
    }
    c.ok::<_, u32>(EVE, "cluster_create", (8u32, vec![1u32, 2, 3], String::new()));
    c.ok::<_, ()>(EVE, "cluster_reserve_resource", (1u32, 10u32));
    c.ok::<_, u32>(FERDIE, "bucket_create", (String::new(), 1u32));
    c.ok::<_, ()>(
        ALICE,
        "admin_set_fee_config",
        FeeConfig { network_fee_bp: 100, network_fee_destination: account(DAVE), cluster_management_fee_bp: 200 },
    );
    c
}

fn apply(c: &mut Contract<Native>, a: &Action) -> Result<(), Error> {
    match a.clone() {
        Action::Deposit(w, v) => c.send(w, v, "account_deposit", ()),
        Action::Withdraw(w, v) => c.tx(w, "account_withdraw", v),
        Action::WithdrawAll(w) => {
            let all = c.query::<_, Result<Balance, Error>>("account_withdrawable", account(w))?;
            c.tx(w, "account_withdraw", all)
        }
        Action::Alloc(w, r) => c.tx(w, "bucket_alloc_into_cluster", (1u32, r)),
        Action::Dealloc(w) => c.tx(w, "bucket_dealloc_from_cluster", 1u32),
        Action::Settle => c.tx(ALICE, "bucket_settle_payment", 1u32),
        Action::Distribute(w) => c.tx(w, "cluster_distribute_revenues", 1u32),
        Action::Reserve(w, r) => c.tx(w, "cluster_reserve_resource", (1u32, r)),
        Action::Replace(w, v, n) => c.tx(w, "cluster_replace_node", (1u32, v, n)),
        Action::SetFees(w, a, b) => c.tx(
            w,
            "admin_set_fee_config",
            FeeConfig { network_fee_bp: a, network_fee_destination: account(DAVE), cluster_management_fee_bp: b },
        ),
        Action::SetRate(w, r) => c.tx(w, "account_set_usd_per_cere", r),
        Action::AdminWithdraw(w, v) => c.tx(w, "admin_withdraw", v),
        Action::Advance(ms) => {
            let now = c.rt.state.now_ms;
            c.rt.set_time(now + ms);
            Ok(())
        }
    }
}

/// Property-test cases: `DDC_PROPTEST_CASES` or 10,000 (about 2 s here).
fn cases() -> u32 {
    std::env::var("DDC_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000)
}

fn total_money(s: &State) -> u128 {
    s.balances.values().sum()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// Over random call sequences (`DDC_PROPTEST_CASES`, 10,000 by default, × up to 60 calls, with
    /// withdrawals and deposits that run out): money is conserved — everything the contract holds
    /// is accounted for as deposits, revenues, stake, treasury or burned fees, and nothing is
    /// created or lost — an unauthorised caller never changes the state, and settlement and the
    /// owner's de-allocation never fail, so streamed rent is never locked.
    #[test]
    fn money_is_conserved_and_unauthorised_calls_change_nothing(actions in prop::collection::vec(action(), 1..60)) {
        let mut c = world();
        let money = total_money(&c.rt.state);
        for a in &actions {
            let before = c.rt.state.clone();
            let result = apply(&mut c, a);
            if !authorised(a) {
                prop_assert!(result.is_err(), "{a:?} by an unauthorised caller succeeded");
                prop_assert_eq!(&c.rt.state, &before);
            }
            if result.is_err() {
                prop_assert_eq!(&c.rt.state, &before, "{:?} failed but changed state", a);
            }
            if matches!(a, Action::Settle | Action::Dealloc(FERDIE)) {
                prop_assert!(result.is_ok(), "{:?} failed: {:?}", a, result);
            }
            let arrears: Vec<(u32, u128)> = c.query("account_arrears", account(FERDIE));
            let deposit = c.ok::<_, ddc_verifier_contract::logic::Account>(ALICE, "account_get", account(FERDIE)).deposit;
            prop_assert!(arrears.is_empty() || deposit == 0, "arrears {:?} beside a deposit of {}", arrears, deposit);
            prop_assert_eq!(c.rt.state.held(), c.rt.state.balance(&c.rt.state.contract), "after {:?}", a);
            prop_assert_eq!(total_money(&c.rt.state), money);
        }
    }
}

#[test]
fn stake_epoch_and_verification_error_paths() {
    use common::flows::{pos_setup, EPOCH, NODE_STAKE, VALIDATOR_STAKE};
    use ddc_verifier_contract::logic::{seed_commitment, ProofItem, VerificationMode};
    let mut c = native();
    let p = pos_setup(&mut c, VerificationMode::Proofs, 4);
    let cl = p.cluster;
    // Stake.
    assert_eq!(c.send::<_, Result<(), Error>>(BOB, 0, "node_bond", (cl, 1u32)), Err(Error::ZeroValue));
    assert_eq!(c.send::<_, Result<(), Error>>(CHARLIE, 1, "node_bond", (cl, 1u32)), Err(Error::UnauthorizedProvider));
    assert_eq!(c.send::<_, Result<(), Error>>(BOB, 1, "node_bond", (9u32, 1u32)), Err(Error::VerificationNotEnabled));
    assert_eq!(c.tx::<_, ()>(BOB, "node_withdraw_stake", (cl, 1u32)), Err(Error::StakeLocked));
    c.ok::<_, ()>(BOB, "node_unbond", (cl, 1u32));
    assert_eq!(c.tx::<_, ()>(BOB, "node_unbond", (cl, 1u32)), Err(Error::Unbonding));
    assert_eq!(c.tx::<_, ()>(BOB, "node_withdraw_stake", (cl, 1u32)), Err(Error::UnbondingNotFinished));
    // An unbonding node cannot commit.
    let root = common::proofs::fixture().root(0);
    assert_eq!(c.tx::<_, ()>(BOB, "commit_root", (cl, 0u32, 0u64, root, 6u64, 0u32)), Err(Error::InsufficientStake));
    c.rt.set_time(p.at(0, 1_001));
    let before = c.rt.balance(account(BOB));
    c.ok::<_, ()>(BOB, "node_withdraw_stake", (cl, 1u32));
    assert_eq!(c.rt.balance(account(BOB)) - before, NODE_STAKE);
    assert_eq!(c.tx::<_, ()>(BOB, "node_unbond", (cl, 1u32)), Err(Error::NotBonded));
    // Validators.
    assert_eq!(c.tx::<_, ()>(ALICE, "admin_admit_validator", account(VERA)), Err(Error::AlreadyRegistered));
    assert_eq!(c.tx::<_, ()>(ALICE, "admin_admit_validator", account(DAVE)), Err(Error::NotBonded));
    c.send::<_, Result<(), Error>>(DAVE, VALIDATOR_STAKE / 2, "validator_bond", ()).unwrap();
    assert_eq!(c.tx::<_, ()>(ALICE, "admin_admit_validator", account(DAVE)), Err(Error::InsufficientStake));
    assert_eq!(c.tx::<_, ()>(BOB, "admin_admit_validator", account(DAVE)), Err(Error::Unauthorized));
    // Seeds.
    let secret = [9u8; 32];
    let commitment = seed_commitment(&secret, &account(VERA), cl, 0);
    c.ok::<_, ()>(VERA, "seed_commit", (cl, 0u64, commitment));
    assert_eq!(c.tx::<_, ()>(VERA, "seed_commit", (cl, 0u64, commitment)), Err(Error::AlreadyCommitted));
    assert_eq!(c.tx::<_, ()>(VERA, "seed_reveal", (cl, 0u64, secret)), Err(Error::WrongEpochPhase));
    c.rt.set_time(p.at(0, EPOCH / 2));
    assert_eq!(c.tx::<_, ()>(VERA, "seed_reveal", (cl, 0u64, [8u8; 32])), Err(Error::RevealMismatch));
    assert_eq!(c.tx::<_, ()>(VICTOR, "seed_reveal", (cl, 0u64, secret)), Err(Error::NotCommitted));
    assert_eq!(c.tx::<_, Option<[u8; 32]>>(ALICE, "epoch_finalize_seed", (cl, 0u64)), Err(Error::EpochNotFinished));
    // Verification.
    c.rt.set_time(p.at(1, 1));
    let seed: Option<[u8; 32]> = c.ok(ALICE, "epoch_finalize_seed", (cl, 0u64));
    assert_eq!(seed, None, "Vera never revealed: nobody did");
    let vera = c.query::<_, Option<ddc_verifier_contract::logic::Validator>>("validator_get", account(VERA)).unwrap();
    assert_eq!(vera.bond.amount, VALIDATOR_STAKE - common::flows::MISSED_REVEAL);
    assert_eq!(c.tx::<_, ()>(VERA, "submit_proofs", (cl, 0u64, Vec::<ProofItem>::new())), Err(Error::EmptyBatch));
    let item = ProofItem { vnode: 1, node_id: 2, proof: [0; 128] };
    assert_eq!(c.tx::<_, ()>(VERA, "submit_proofs", (cl, 0u64, vec![item; 65])), Err(Error::BatchTooLarge));
    assert_eq!(c.tx::<_, ()>(VERA, "submit_proofs", (cl, 0u64, vec![item])), Err(Error::NoSeed));
    assert_eq!(c.tx::<_, ()>(VERA, "report_fault", (cl, 0u64, 1u32)), Err(Error::NoSeed));
    assert_eq!(c.tx::<_, ()>(BOB, "report_fault", (cl, 0u64, 1u32)), Err(Error::NotValidator));
    assert_eq!(c.tx::<_, Balance>(ALICE, "finalize_fault", (cl, 0u64, 1u32)), Err(Error::FaultDoesNotExist));
    assert_eq!(c.tx::<_, ()>(ALICE, "rebut_fault", (cl, 0u64, 1u32, [0u8; 128])), Err(Error::FaultDoesNotExist));
    assert_eq!(c.tx::<_, ()>(EVE, "commit_root", (cl, 9u32, 1u64, root, 6u64, 0u32)), Err(Error::VNodeDoesNotExist));
}

/// The messages no flow above needs: parameter changes, listings, views and validator exit.
#[test]
fn remaining_messages_behave() {
    use common::flows::{pos_setup, VALIDATOR_STAKE};
    use ddc_verifier_contract::logic::{
        BucketStatus, ClusterStatus, EpochInfo, Phase, ProtocolConfig, Verification, VerificationMode,
        VerifyingKeyRecord,
    };
    let mut c = native();
    let p = pos_setup(&mut c, VerificationMode::Attestations, 4);
    let cl = p.cluster;
    let f = common::proofs::fixture();
    // Parameters belong to their owners.
    c.ok::<_, ()>(BOB, "node_change_params", (1u32, String::from("{\"url\":\"http://b\"}")));
    assert_eq!(c.tx::<_, ()>(CHARLIE, "node_change_params", (1u32, String::new())), Err(Error::UnauthorizedProvider));
    c.ok::<_, ()>(EVE, "cluster_change_params", (cl, String::from("{\"r\":3}")));
    assert_eq!(
        c.tx::<_, ()>(BOB, "cluster_change_params", (cl, String::new())),
        Err(Error::UnauthorizedClusterManager)
    );
    c.ok::<_, ()>(FERDIE, "bucket_change_params", (1u32, String::from("{\"public\":true}")));
    assert_eq!(c.tx::<_, ()>(EVE, "bucket_change_params", (1u32, String::new())), Err(Error::UnauthorizedOwner));
    // Listings, with filters, count the reserved id 0.
    let (clusters, n): (Vec<ClusterStatus>, u32) = c.query("cluster_list", (0u32, 10u32, Some(account(EVE))));
    assert_eq!((clusters.len(), n, clusters[0].params.as_str()), (1, 2, "{\"r\":3}"));
    let (buckets, n): (Vec<BucketStatus>, u32) = c.query("bucket_list", (1u32, 10u32, Some(account(FERDIE))));
    assert_eq!((buckets.len(), n, buckets[0].params.as_str()), (1, 2, "{\"public\":true}"));
    let (none, _): (Vec<BucketStatus>, u32) = c.query("bucket_list", (1u32, 10u32, Some(account(BOB))));
    assert!(none.is_empty());
    // Views of the verification state.
    let v: Option<Verification> = c.query("cluster_verification", cl);
    let key: Option<VerifyingKeyRecord> = c.query("verifying_key", v.unwrap().config.vk_hash);
    let key = key.unwrap();
    assert!(key.insecure, "the development key is marked insecure");
    assert_eq!(key.shape, f.shape());
    assert_eq!(v.unwrap().config.mode, VerificationMode::Attestations);
    let e: EpochInfo = c.ok(ALICE, "cluster_epoch", cl);
    assert_eq!((e.epoch, e.phase), (0, Phase::Commit));
    assert_eq!(c.query::<_, ProtocolConfig>("protocol_config", ()).max_batch, 64);
    assert_eq!(c.query::<_, FeeConfig>("fee_config", ()), FeeConfig::default());
    assert_eq!(c.query::<_, Vec<AccountId>>("validator_list", ()), vec![account(VERA), account(VICTOR)]);
    p.run_epoch(&mut c, 0, &[VERA], &[]);
    assert_eq!(c.query::<_, Vec<ddc_verifier_contract::logic::SeedCommit>>("seed_commits", (cl, 0u64)).len(), 1);
    assert_eq!(
        c.query::<_, Option<ddc_verifier_contract::logic::Commitment>>("commitment_get", (cl, 0u32, 0u64))
            .unwrap()
            .chunk_count,
        6
    );
    c.ok::<_, ()>(VERA, "attest", (cl, 0u64, vec![0u32]));
    assert_eq!(c.query::<_, Vec<(AccountId, u32)>>("validator_work", cl), vec![(account(VERA), 1)]);
    c.ok::<_, ()>(VERA, "report_fault", (cl, 0u64, 1u32));
    assert_eq!(
        c.query::<_, Option<ddc_verifier_contract::logic::Fault>>("fault_get", (cl, 1u32, 0u64)).unwrap().reporter,
        account(VERA)
    );
    // A validator leaves: out of the active set at once, its stake back after the delay.
    c.ok::<_, ()>(VICTOR, "validator_unbond", ());
    assert_eq!(c.query::<_, Vec<AccountId>>("validator_list", ()), vec![account(VERA)]);
    assert_eq!(c.tx::<_, ()>(VICTOR, "attest", (cl, 0u64, vec![1u32])), Err(Error::NotValidator));
    assert_eq!(c.tx::<_, ()>(VICTOR, "validator_withdraw_stake", ()), Err(Error::UnbondingNotFinished));
    c.rt.set_time(p.at(1, 1) + 60_000);
    let before = c.rt.balance(account(VICTOR));
    c.ok::<_, ()>(VICTOR, "validator_withdraw_stake", ());
    assert_eq!(c.rt.balance(account(VICTOR)) - before, VALIDATOR_STAKE);
    assert_eq!(c.rt.state.held(), c.rt.state.balance(&c.rt.state.contract));
}
