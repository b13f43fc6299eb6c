//! The contract's main flows, written once against [`Runtime`]: the seed's worked example, and
//! epochs of proof-of-storage with on-chain verification, faults, slashing and rebuttals.

use super::proofs::{fixture, rotated, CHUNKS};
use super::*;
use ddc_verifier_contract::logic::{
    seed_commitment, BucketStatus, CircuitShape, ClusterStatus, Error, FeeConfig, NodeStatus, ProofItem,
    ProtocolConfig, VerificationConfig, VerificationMode, MS_PER_MONTH, TOKEN,
};

/// BOB, CHARLIE and DAVE each trust EVE (the manager) and create a node; the nodes' ids.
fn trusted_nodes<R: Runtime>(c: &mut Contract<R>, rent: Balance, params: &str, capacity: u32) -> Vec<u32> {
    [BOB, CHARLIE, DAVE]
        .into_iter()
        .map(|p| {
            c.ok::<_, ()>(p, "node_trust_manager", account(EVE));
            c.ok(p, "node_create", (rent, String::from(params), capacity))
        })
        .collect()
}

/// The seed's worked example: 3 nodes at 10 TOKEN rent, 6 vnodes, reserve 10, allocate 1,
/// deposit 10 TOKEN, settle after 5 ms, distribute with a 1% network and a 2% management fee.
/// The arithmetic is in `docs/contract.md`.
pub fn seed_worked_example<R: Runtime>(c: &mut Contract<R>) {
    // Start at t = one month so that the stream's floor arithmetic matches the seed's t = 0.
    let t0 = MS_PER_MONTH;
    c.rt.set_time(t0);
    let nodes = trusted_nodes(c, 10 * TOKEN, "{\"url\":\"http://n\"}", 100);
    assert_eq!(nodes, vec![1, 2, 3], "id 0 is reserved");
    let (listed, count): (Vec<NodeStatus>, u32) = c.query("node_list", (1u32, 100u32, None::<AccountId>));
    assert_eq!((listed.len(), count), (3, 4));

    assert_eq!(
        c.tx::<_, u32>(FERDIE, "cluster_create", (6u32, nodes.clone(), String::new())),
        Err(Error::ClusterManagerIsNotTrusted)
    );
    let cluster: u32 = c.ok(EVE, "cluster_create", (6u32, nodes.clone(), String::from("{}")));
    assert_eq!(
        c.tx::<_, ()>(FERDIE, "cluster_reserve_resource", (cluster, 10u32)),
        Err(Error::UnauthorizedClusterManager)
    );
    c.ok::<_, ()>(EVE, "cluster_reserve_resource", (cluster, 10u32));
    let status: ClusterStatus = c.ok(ALICE, "cluster_get", cluster);
    assert_eq!(status.cluster.vnodes, vec![1, 2, 3, 1, 2, 3]);
    assert_eq!(status.cluster.total_rent, 60 * TOKEN);
    let n1: NodeStatus = c.ok(ALICE, "node_get", 1u32);
    assert_eq!(n1.node.free_resource, 100 - 2 * 10);

    let bucket: u32 = c.ok(FERDIE, "bucket_create", (String::from("{}"), cluster));
    c.ok::<_, ()>(FERDIE, "bucket_alloc_into_cluster", (bucket, 1u32));
    c.send::<_, Result<(), Error>>(FERDIE, 10 * TOKEN, "account_deposit", ()).unwrap();
    let status: BucketStatus = c.ok(ALICE, "bucket_get", bucket);
    assert_eq!(status.rent_covered_until_ms - t0, 446_400_000, "MS_PER_MONTH / 6");

    c.rt.set_time(t0 + 5);
    c.ok::<_, ()>(ALICE, "bucket_settle_payment", bucket);
    let revenues = c.ok::<_, ClusterStatus>(ALICE, "cluster_get", cluster).cluster.revenues;
    assert_eq!(revenues, 1120, "60 TOKEN × 5 ms / MS_PER_MONTH");
    let ferdie: ddc_verifier_contract::logic::Account = c.ok(ALICE, "account_get", account(FERDIE));
    assert_eq!(ferdie.deposit, 10 * TOKEN - 1120);

    assert_eq!(c.tx::<_, ()>(BOB, "admin_set_fee_config", FeeConfig::default()), Err(Error::Unauthorized));
    let fees =
        FeeConfig { network_fee_bp: 100, network_fee_destination: account(ALICE), cluster_management_fee_bp: 200 };
    c.ok::<_, ()>(ALICE, "admin_set_fee_config", fees);
    let before: Vec<Balance> = [ALICE, BOB, CHARLIE, DAVE, EVE].map(|a| c.rt.balance(account(a))).to_vec();
    c.rt.take_events();
    c.ok::<_, ()>(FERDIE, "cluster_distribute_revenues", cluster);
    let earned: Vec<Balance> =
        [ALICE, BOB, CHARLIE, DAVE, EVE].iter().zip(&before).map(|(a, b)| c.rt.balance(account(*a)) - b).collect();
    assert_eq!(earned, vec![11, 362, 362, 362, 22], "network fee, 3 providers × 2 vnodes × 181, management fee");
    let left = c.ok::<_, ClusterStatus>(ALICE, "cluster_get", cluster).cluster.revenues;
    assert_eq!(left, 1, "the rounding remainder stays in the cluster");
    let events = c.rt.take_events();
    let seed_events: Vec<AccountId> = events
        .iter()
        .filter_map(|e| match e {
            Event::ClusterDistributeRevenues { provider_id, cluster_id } if *cluster_id == cluster => {
                Some(*provider_id)
            }
            _ => None,
        })
        .collect();
    let paid: Vec<(AccountId, Balance)> = events
        .iter()
        .filter_map(|e| match e {
            Event::ProviderPaid { provider_id, value, .. } => Some((*provider_id, *value)),
            _ => None,
        })
        .collect();
    let per_vnode = [BOB, CHARLIE, DAVE, BOB, CHARLIE, DAVE].map(|a| (account(a), 181)).to_vec();
    assert_eq!(paid, per_vnode, "one ProviderPaid per vnode, with what it paid");
    assert_eq!(seed_events, per_vnode.iter().map(|(a, _)| *a).collect::<Vec<_>>(), "and the seed's event before each");

    // What the seed lacked: de-allocation stops the stream; the unspent deposit comes back.
    c.ok::<_, ()>(FERDIE, "bucket_dealloc_from_cluster", bucket);
    c.rt.set_time(t0 + 1_000_000);
    let deposit = c.ok::<_, ddc_verifier_contract::logic::Account>(ALICE, "account_get", account(FERDIE)).deposit;
    assert_eq!(c.ok::<_, Balance>(ALICE, "account_withdrawable", account(FERDIE)), deposit, "nothing streams any more");
    let before = c.rt.balance(account(FERDIE));
    c.ok::<_, ()>(FERDIE, "account_withdraw", deposit);
    assert_eq!(c.rt.balance(account(FERDIE)) - before, deposit);
    assert_eq!(c.tx::<_, ()>(FERDIE, "account_withdraw", 1_u128), Err(Error::InsufficientBalance));
}

/// Rent that streamed is never locked: settlement pays what the deposit covers and records the
/// rest as arrears, a top-up pays the arrears first, and de-allocation always works. The seed's
/// cluster (60 TOKEN per month for 1 unit), with the owner withdrawing, then running out.
pub fn arrears<R: Runtime>(c: &mut Contract<R>) {
    let t0 = MS_PER_MONTH;
    c.rt.set_time(t0);
    let nodes = trusted_nodes(c, 10 * TOKEN, "", 100);
    let cluster: u32 = c.ok(EVE, "cluster_create", (6u32, nodes, String::new()));
    c.ok::<_, ()>(EVE, "cluster_reserve_resource", (cluster, 10u32));
    let bucket: u32 = c.ok(FERDIE, "bucket_create", (String::new(), cluster));
    c.ok::<_, ()>(FERDIE, "bucket_alloc_into_cluster", (bucket, 1u32));
    c.send::<_, Result<(), Error>>(FERDIE, 10 * TOKEN, "account_deposit", ()).unwrap();
    let streamed = |t: u64| 60 * TOKEN * (t as Balance) / MS_PER_MONTH as Balance;
    let revenues = |c: &mut Contract<R>| c.ok::<_, ClusterStatus>(ALICE, "cluster_get", cluster).cluster.revenues;
    let deposit = |c: &mut Contract<R>| {
        c.ok::<_, ddc_verifier_contract::logic::Account>(ALICE, "account_get", account(FERDIE)).deposit
    };
    let arrears = |c: &mut Contract<R>| c.query::<_, Vec<(u32, Balance)>>("account_arrears", account(FERDIE));
    let covered = |c: &mut Contract<R>| c.ok::<_, BucketStatus>(ALICE, "bucket_get", bucket).rent_covered_until_ms;

    // 1. Withdraw all that is withdrawable, then settle 1 ms later.
    let t1 = t0 + 1_000;
    c.rt.set_time(t1);
    let withdrawable: Balance = c.ok(ALICE, "account_withdrawable", account(FERDIE));
    assert_eq!(withdrawable, 10 * TOKEN - (streamed(t1) - streamed(t0)));
    c.ok::<_, ()>(FERDIE, "account_withdraw", withdrawable);
    c.rt.set_time(t1 + 1);
    c.rt.take_events();
    c.ok::<_, ()>(ALICE, "bucket_settle_payment", bucket);
    assert_eq!(revenues(c), streamed(t1) - streamed(t0), "what streamed while the deposit covered it is paid");
    let owed = streamed(t1 + 1) - streamed(t1);
    assert!(owed > 0);
    assert_eq!(deposit(c), 0);
    assert_eq!(arrears(c), vec![(bucket, owed)]);
    assert!(c.rt.take_events().contains(&Event::ArrearsRecorded {
        account_id: account(FERDIE),
        bucket_id: bucket,
        value: owed
    }));
    assert_eq!(covered(c), 0, "a bucket in arrears is not covered: nodes answer 402");

    // 2. A top-up pays the arrears first.
    let before = revenues(c);
    c.send::<_, Result<(), Error>>(FERDIE, TOKEN, "account_deposit", ()).unwrap();
    assert_eq!(arrears(c), vec![]);
    assert_eq!(deposit(c), TOKEN - owed);
    assert_eq!(revenues(c), before + owed);
    assert!(covered(c) > t1 + 1);

    // 3. The deposit runs out without any withdrawal; settlement still pays what it covered.
    let t2 = t1 + 1 + 100_000_000;
    c.rt.set_time(t2);
    let left = deposit(c);
    let before = revenues(c);
    c.ok::<_, ()>(ALICE, "bucket_settle_payment", bucket);
    assert_eq!(revenues(c), before + left);
    assert_eq!(arrears(c), vec![(bucket, streamed(t2) - streamed(t1 + 1) - left)]);

    // 4. De-allocation works in arrears; the debt stays owed and nothing streams any more.
    c.rt.set_time(t2 + 5);
    c.ok::<_, ()>(FERDIE, "bucket_dealloc_from_cluster", bucket);
    let debt = streamed(t2 + 5) - streamed(t1 + 1) - left;
    assert_eq!(arrears(c), vec![(bucket, debt)]);
    c.rt.set_time(t2 + 1_000_000);
    c.ok::<_, ()>(ALICE, "bucket_settle_payment", bucket);
    assert_eq!(arrears(c), vec![(bucket, debt)], "nothing streams after de-allocation");
    c.send::<_, Result<(), Error>>(FERDIE, debt + 7, "account_deposit", ()).unwrap();
    assert_eq!((arrears(c), deposit(c)), (vec![], 7));
    assert_eq!(
        revenues(c),
        11 * TOKEN + debt - withdrawable,
        "every unit deposited and not withdrawn is the cluster's"
    );
}

/// The flows' verification settings: 10 s epochs, a 3 s dispute window, half the stake slashed.
fn verification(mode: VerificationMode, shape: CircuitShape, vk_hash: [u8; 32]) -> VerificationConfig {
    VerificationConfig {
        mode,
        shape,
        vk_hash,
        epoch_len_ms: EPOCH,
        node_stake: NODE_STAKE,
        unbonding_ms: 1_000,
        dispute_window_ms: DISPUTE,
        attest_threshold: 2,
        slash_bp: 5_000,
        reporter_reward_bp: 1_000,
        max_consecutive_faults: 2,
        validator_fee_bp: 500,
    }
}

/// On a deployment that is not a development chain (`dev_chain = false` at instantiation), no
/// cluster can pin a key flagged insecure, whose setup's toxic waste is public; a key
/// governance registered as secure can be pinned.
pub fn insecure_keys_need_a_dev_chain<R: Runtime>(c: &mut Contract<R>) {
    assert!(!c.query::<_, bool>("dev_chain", ()));
    let f = fixture();
    let nodes = trusted_nodes(c, TOKEN, "", 1000);
    let cluster: u32 = c.ok(EVE, "cluster_create", (2u32, nodes.clone(), String::new()));
    let insecure = f.shape();
    let secure = CircuitShape { challenges: insecure.challenges + 1, ..insecure };
    let insecure_hash: [u8; 32] = c.ok(ALICE, "admin_set_verifying_key", (insecure, f.vk.clone(), true));
    let secure_hash: [u8; 32] = c.ok(ALICE, "admin_set_verifying_key", (secure, rotated().vk.clone(), false));
    let config = verification(VerificationMode::Proofs, insecure, insecure_hash);
    assert_eq!(c.tx::<_, ()>(EVE, "cluster_set_verification", (cluster, config)), Err(Error::InsecureKey));
    let create = (2u32, nodes, String::new(), config);
    assert_eq!(c.tx::<_, u32>(EVE, "cluster_create_verified", create), Err(Error::InsecureKey));
    let config = VerificationConfig { shape: secure, vk_hash: secure_hash, ..config };
    c.ok::<_, ()>(EVE, "cluster_set_verification", (cluster, config));
}

/// A cluster of 4 vnodes on 3 nodes with verification on, two admitted validators and a paying
/// bucket; epochs are 10 s, the dispute window 3 s.
pub struct Pos {
    pub cluster: u32,
    pub start: u64,
    pub vnodes: Vec<u32>,
}

pub const EPOCH: u64 = 10_000;
pub const DISPUTE: u64 = 3_000;
pub const NODE_STAKE: Balance = 5 * TOKEN;
pub const VALIDATOR_STAKE: Balance = 10 * TOKEN;
pub const FALSE_REPORT: Balance = 2 * TOKEN;
pub const MISSED_REVEAL: Balance = TOKEN;

pub fn secret(who: u8, epoch: u64) -> [u8; 32] {
    let mut s = [who; 32];
    s[..8].copy_from_slice(&epoch.to_le_bytes());
    s
}

pub fn provider_of(node: u32) -> u8 {
    [BOB, CHARLIE, DAVE][node as usize - 1]
}

pub fn pos_setup<R: Runtime>(c: &mut Contract<R>, mode: VerificationMode, vnode_count: u32) -> Pos {
    let start = 1_000_000;
    c.rt.set_time(start);
    let f = fixture();
    let protocol = ProtocolConfig {
        validator_stake: VALIDATOR_STAKE,
        validator_unbonding_ms: 60_000,
        false_report_penalty: FALSE_REPORT,
        missed_reveal_penalty: MISSED_REVEAL,
        max_validators: 16,
        max_batch: 64,
    };
    c.ok::<_, ()>(ALICE, "admin_set_protocol_config", protocol);
    assert_eq!(
        c.tx::<_, [u8; 32]>(ALICE, "admin_set_verifying_key", (f.shape(), vec![1u8; 10], true)),
        Err(Error::VerifyingKeyInvalid)
    );
    let vk_hash: [u8; 32] = c.ok(ALICE, "admin_set_verifying_key", (f.shape(), f.vk.clone(), true));
    let nodes = trusted_nodes(c, TOKEN, "", 1000);
    let config = verification(mode, f.shape(), vk_hash);
    let wrong = VerificationConfig { vk_hash: [0; 32], ..config };
    let other_shape = CircuitShape { depth: f.shape().depth + 1, ..f.shape() };
    let mismatched = VerificationConfig { shape: other_shape, ..config };
    let create = (vnode_count, nodes.clone(), String::new());
    let create_verified = |config| (vnode_count, nodes.clone(), String::new(), config);
    let clusters = |c: &mut Contract<R>| {
        c.query::<_, (Vec<ClusterStatus>, u32)>("cluster_list", (0u32, 0u32, None::<AccountId>)).1
    };
    let count = clusters(c);
    assert_eq!(
        c.tx::<_, u32>(EVE, "cluster_create_verified", create_verified(wrong)),
        Err(Error::VerifyingKeyMissing),
        "a refused config creates no cluster"
    );
    assert_eq!(
        c.tx::<_, u32>(EVE, "cluster_create_verified", create_verified(mismatched)),
        Err(Error::VerifyingKeyMismatch),
        "the key must be for the cluster's circuit"
    );
    // Attestations clusters are verified from creation; Proofs clusters turn verification on after.
    let cluster: u32 = match mode {
        VerificationMode::Attestations => {
            let cluster = c.ok(EVE, "cluster_create_verified", create_verified(config));
            assert_eq!(
                c.tx::<_, ()>(EVE, "cluster_distribute_revenues", cluster),
                Err(Error::NothingToDistribute),
                "never paid the seed's way"
            );
            cluster
        }
        VerificationMode::Proofs => {
            let cluster = c.ok(EVE, "cluster_create", create);
            assert_eq!(
                c.tx::<_, ()>(EVE, "cluster_set_verification", (cluster, wrong)),
                Err(Error::VerifyingKeyMissing)
            );
            c.ok::<_, ()>(EVE, "cluster_set_verification", (cluster, config));
            cluster
        }
    };
    assert_eq!((cluster, clusters(c)), (count, count + 1), "the refused creation used no id");
    c.ok::<_, ()>(EVE, "cluster_reserve_resource", (cluster, 10u32));
    for node in &nodes {
        c.send::<_, Result<(), Error>>(provider_of(*node), NODE_STAKE, "node_bond", (cluster, *node)).unwrap();
    }
    for v in [VERA, VICTOR] {
        assert_eq!(c.tx::<_, ()>(v, "seed_commit", (cluster, 0u64, [0u8; 32])), Err(Error::NotValidator));
        c.send::<_, Result<(), Error>>(v, VALIDATOR_STAKE, "validator_bond", ()).unwrap();
        c.ok::<_, ()>(ALICE, "admin_admit_validator", account(v));
    }
    let bucket: u32 = c.ok(FERDIE, "bucket_create", (String::new(), cluster));
    c.ok::<_, ()>(FERDIE, "bucket_alloc_into_cluster", (bucket, 1u32));
    c.send::<_, Result<(), Error>>(FERDIE, 1000 * TOKEN, "account_deposit", ()).unwrap();
    let vnodes = c.ok::<_, ClusterStatus>(ALICE, "cluster_get", cluster).cluster.vnodes;
    Pos { cluster, start, vnodes }
}

impl Pos {
    pub fn at(&self, epoch: u64, offset: u64) -> u64 {
        self.start + epoch * EPOCH + offset
    }

    /// Commit phase (every node commits, `revealers` and `silent` commit seeds), reveal phase
    /// (only `revealers` reveal), then the next epoch: returns the epoch's seed.
    pub fn run_epoch<R: Runtime>(&self, c: &mut Contract<R>, epoch: u64, revealers: &[u8], silent: &[u8]) -> [u8; 32] {
        let f = fixture();
        c.rt.set_time(self.at(epoch, 1));
        for (vnode, node) in self.vnodes.iter().enumerate() {
            let vnode = vnode as u32;
            c.ok::<_, ()>(provider_of(*node), "commit_root", (self.cluster, vnode, epoch, f.root(vnode), CHUNKS, 0u32));
        }
        assert_eq!(
            c.tx::<_, ()>(FERDIE, "commit_root", (self.cluster, 0u32, epoch, f.root(0), CHUNKS, 0u32)),
            Err(Error::NotHostingNode)
        );
        for v in revealers.iter().chain(silent) {
            let commitment = seed_commitment(&secret(*v, epoch), &account(*v), self.cluster, epoch);
            c.ok::<_, ()>(*v, "seed_commit", (self.cluster, epoch, commitment));
        }
        c.rt.set_time(self.at(epoch, EPOCH / 2));
        let late = provider_of(self.vnodes[1]);
        assert_eq!(
            c.tx::<_, ()>(late, "commit_root", (self.cluster, 1u32, epoch, f.root(1), CHUNKS, 0u32)),
            Err(Error::WrongEpochPhase)
        );
        for v in revealers {
            c.ok::<_, ()>(*v, "seed_reveal", (self.cluster, epoch, secret(*v, epoch)));
        }
        c.rt.set_time(self.at(epoch + 1, 1));
        c.ok::<_, Option<[u8; 32]>>(ALICE, "epoch_finalize_seed", (self.cluster, epoch)).expect("a revealed seed")
    }

    pub fn proof(&self, seed: &[u8; 32], epoch: u64, vnode: u32) -> ProofItem {
        let node_id = self.vnodes[vnode as usize];
        ProofItem { vnode, node_id, proof: fixture().prove(seed, self.cluster, vnode, node_id, epoch) }
    }
}

/// Randomness has teeth: with the protocol's default settings a validator that commits and
/// never reveals loses stake, and an epoch left without a seed pays no node (its shares go to
/// the treasury), whatever the nodes committed.
pub fn silent_epoch<R: Runtime>(c: &mut Contract<R>) {
    let p = pos_setup(c, VerificationMode::Proofs, 4);
    let defaults = ProtocolConfig { validator_stake: VALIDATOR_STAKE, max_batch: 64, ..ProtocolConfig::default() };
    assert!(defaults.missed_reveal_penalty > 0);
    c.ok::<_, ()>(ALICE, "admin_set_protocol_config", defaults);
    let f = fixture();
    c.rt.set_time(p.at(0, 1));
    for (vnode, node) in p.vnodes.iter().enumerate() {
        c.ok::<_, ()>(
            provider_of(*node),
            "commit_root",
            (p.cluster, vnode as u32, 0u64, f.root(vnode as u32), CHUNKS, 0u32),
        );
    }
    let commitment = seed_commitment(&secret(VERA, 0), &account(VERA), p.cluster, 0);
    c.ok::<_, ()>(VERA, "seed_commit", (p.cluster, 0u64, commitment));
    c.rt.set_time(p.at(1, 1));
    assert_eq!(c.ok::<_, Option<[u8; 32]>>(ALICE, "epoch_finalize_seed", (p.cluster, 0u64)), None);
    let vera: ddc_verifier_contract::logic::Validator =
        c.query::<_, Option<_>>("validator_get", account(VERA)).expect("bonded");
    assert_eq!(
        vera.bond.amount,
        VALIDATOR_STAKE - defaults.missed_reveal_penalty,
        "a missed reveal costs stake by default"
    );

    // Settle epoch 0 only: nobody is paid for it.
    c.rt.set_time(p.at(2, DISPUTE + 1));
    c.ok::<_, ()>(ALICE, "bucket_settle_payment", 1u32);
    let pot = c.ok::<_, ClusterStatus>(ALICE, "cluster_get", p.cluster).cluster.revenues;
    assert!(pot > 0);
    let providers = [BOB, CHARLIE, DAVE].map(|a| c.rt.balance(account(a)));
    let treasury: Balance = c.query("treasury", ());
    c.rt.take_events();
    c.ok::<_, ()>(ALICE, "cluster_distribute_revenues", p.cluster);
    assert_eq!([BOB, CHARLIE, DAVE].map(|a| c.rt.balance(account(a))), providers, "an unseeded epoch pays no node");
    let events = c.rt.take_events();
    let withheld = events
        .iter()
        .find_map(|e| match e {
            Event::EpochsSettled { from: 0, to: 1, withheld, .. } => Some(*withheld),
            _ => None,
        })
        .expect("epoch 0 settled");
    assert!(withheld > 0);
    assert_eq!(c.query::<_, Balance>("treasury", ()) - treasury, withheld, "withheld shares go to the treasury");
    assert!(!events.iter().any(|e| matches!(e, Event::ClusterDistributeRevenues { .. } | Event::ProviderPaid { .. })));
}

/// Proofs mode end to end: an honest epoch is verified on-chain in one batch and paid; a node
/// that does not prove is reported, cannot rebut, and is slashed while its share is withheld; a
/// false report is rebutted with a proof and penalises the reporter; a validator that does not
/// reveal is penalised.
pub fn proofs_epochs<R: Runtime>(c: &mut Contract<R>) {
    let p = pos_setup(c, VerificationMode::Proofs, 4);
    let cl = p.cluster;

    // Epoch 0: all honest.
    let seed0 = p.run_epoch(c, 0, &[VERA, VICTOR], &[]);
    let items: Vec<ProofItem> = (0..4).map(|v| p.proof(&seed0, 0, v)).collect();
    let mut tampered = items.clone();
    tampered[2].proof[40] ^= 1;
    assert!(matches!(
        c.tx::<_, ()>(VERA, "submit_proofs", (cl, 0u64, tampered)),
        Err(Error::BatchInvalid | Error::ProofMalformed)
    ));
    let mut replayed = items.clone();
    replayed[1].proof = items[0].proof; // vnode 0's proof offered for vnode 1
    assert_eq!(c.tx::<_, ()>(VERA, "submit_proofs", (cl, 0u64, replayed)), Err(Error::BatchInvalid));
    assert_eq!(c.tx::<_, ()>(FERDIE, "submit_proofs", (cl, 0u64, items.clone())), Err(Error::Unauthorized));
    c.ok::<_, ()>(VERA, "submit_proofs", (cl, 0u64, items.clone()));
    assert_eq!(c.tx::<_, ()>(VERA, "submit_proofs", (cl, 0u64, items)), Err(Error::AlreadyPassed));
    for v in 0..4u32 {
        assert_eq!(c.query::<_, Option<u32>>("pass_get", (cl, v, 0u64)), Some(p.vnodes[v as usize]));
    }

    // Epoch 1: the node hosting vnode 3 lost its data and gives no proof; Victor commits and never reveals.
    let seed1 = p.run_epoch(c, 1, &[VERA], &[VICTOR]);
    let victor =
        c.query::<_, Option<ddc_verifier_contract::logic::Validator>>("validator_get", account(VICTOR)).unwrap();
    assert_eq!(victor.bond.amount, VALIDATOR_STAKE - MISSED_REVEAL, "missed reveal penalised");
    let items: Vec<ProofItem> = (0..3).map(|v| p.proof(&seed1, 1, v)).collect();
    c.ok::<_, ()>(VERA, "submit_proofs", (cl, 1u64, items));
    c.ok::<_, ()>(VERA, "report_fault", (cl, 1u64, 3u32));
    let faulty = p.vnodes[3];
    let wrong = p.proof(&seed0, 0, 3).proof; // last epoch's proof does not rebut this one
    assert_eq!(c.tx::<_, ()>(provider_of(faulty), "rebut_fault", (cl, 1u64, 3u32, wrong)), Err(Error::ProofInvalid));
    assert_eq!(c.tx::<_, Balance>(ALICE, "finalize_fault", (cl, 1u64, 3u32)), Err(Error::DisputeWindowOpen));

    // Epoch 2 runs; meanwhile the dispute window of epoch 1's fault closes and it is final.
    let seed2 = p.run_epoch(c, 2, &[VERA, VICTOR], &[]);
    let reporter_before = c.rt.balance(account(VERA));
    let treasury_before: Balance = c.query("treasury", ());
    let slashed: Balance = c.ok(ALICE, "finalize_fault", (cl, 1u64, 3u32));
    assert_eq!(slashed, NODE_STAKE / 2);
    assert_eq!(c.rt.balance(account(VERA)) - reporter_before, slashed / 10, "reporter reward");
    assert_eq!(c.query::<_, Balance>("treasury", ()) - treasury_before, slashed - slashed / 10);
    assert_eq!(c.query::<_, u32>("vnode_fault_streak", (cl, 3u32)), 1);

    // Epoch 2: Vera falsely reports vnode 1; its node rebuts with a valid proof.
    c.ok::<_, ()>(VERA, "report_fault", (cl, 2u64, 1u32));
    let rebuttal = p.proof(&seed2, 2, 1).proof;
    let vera_bond = |c: &mut Contract<R>| {
        c.query::<_, Option<ddc_verifier_contract::logic::Validator>>("validator_get", account(VERA))
            .unwrap()
            .bond
            .amount
    };
    let before = vera_bond(c);
    c.ok::<_, ()>(provider_of(p.vnodes[1]), "rebut_fault", (cl, 2u64, 1u32, rebuttal));
    assert_eq!(before - vera_bond(c), FALSE_REPORT, "the false reporter is penalised");
    assert_eq!(c.query::<_, Option<u32>>("pass_get", (cl, 1u32, 2u64)), Some(p.vnodes[1]));

    // Settle epochs 0 and 1: every vnode is paid for epoch 0; vnode 3's share of epoch 1 is withheld.
    c.rt.set_time(p.at(3, DISPUTE + 1));
    c.ok::<_, ()>(ALICE, "bucket_settle_payment", 1u32);
    let providers = [BOB, CHARLIE, DAVE];
    let before: Vec<Balance> = providers.map(|a| c.rt.balance(account(a))).to_vec();
    let treasury_before: Balance = c.query("treasury", ());
    c.ok::<_, ()>(ALICE, "cluster_distribute_revenues", cl);
    let earned: Vec<Balance> = providers.iter().zip(&before).map(|(a, b)| c.rt.balance(account(*a)) - b).collect();
    let withheld = c.query::<_, Balance>("treasury", ()) - treasury_before;
    assert!(withheld > 0, "the failed share went to the treasury");
    // Bob hosts vnodes 0 and 3: he is paid 3 epoch-shares of 4; Charlie and Dave 2 of 2.
    assert_eq!(earned[1], earned[2]);
    assert_eq!(earned[0], earned[1] + withheld, "Bob lost exactly the withheld share");
    assert_eq!(c.tx::<_, ()>(ALICE, "cluster_distribute_revenues", cl), Err(Error::NothingToDistribute));
}

/// Attestations mode: a vnode passes once the threshold of validators attested it.
pub fn attestation_epoch<R: Runtime>(c: &mut Contract<R>) {
    let p = pos_setup(c, VerificationMode::Attestations, 4);
    p.run_epoch(c, 0, &[VERA, VICTOR], &[]);
    c.ok::<_, ()>(VERA, "attest", (p.cluster, 0u64, vec![0u32, 1, 2, 3]));
    assert_eq!(c.query::<_, Option<u32>>("pass_get", (p.cluster, 0u32, 0u64)), None, "one of two attestations");
    assert_eq!(c.tx::<_, ()>(VERA, "attest", (p.cluster, 0u64, vec![0u32])), Err(Error::AlreadyVoted));
    c.ok::<_, ()>(VICTOR, "attest", (p.cluster, 0u64, vec![0u32, 1, 2, 3]));
    assert_eq!(c.query::<_, Option<u32>>("pass_get", (p.cluster, 0u32, 0u64)), Some(p.vnodes[0]));
    assert_eq!(c.tx::<_, ()>(VERA, "submit_proofs", (p.cluster, 0u64, Vec::<ProofItem>::new())), Err(Error::WrongMode));
}
