//! Crash campaigns: `ddc node` killed with SIGKILL at a random moment of concurrent uploads,
//! overwrites, deletes and compactions, and `ddc chain` killed during transactions, cycle after
//! cycle. After each restart every acknowledged write reads back byte for byte, no acknowledged
//! delete is undone, the roots the node reports are recomputed from its logs, and the chain holds
//! every acknowledged transaction. `DDC_CRASH_CYCLES` (CI: 10) and `DDC_CRASH_SEED` set the run;
//! docs/reliability.md has the full one.

use crate::common::*;
use crate::node_process::{healthy, single_node, start};
use ddc_chain::{Balance, ChainClient, Ddc, Signer};
use ddc_circuits::storage::StorageParams;
use ddc_primitives::encoding::fr_to_bytes;
use ddc_primitives::merkle::MemTree;
use ddc_primitives::packing::leaf_hash;
use ddc_prover::client::{ClientError, ObjectClient};
use ddc_prover::storage::generation_dir;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().map_or(default, |v| v.parse().unwrap_or_else(|_| panic!("{name}={v} is not a number")))
}

fn cycles() -> u64 {
    env_or("DDC_CRASH_CYCLES", 10)
}

fn seed() -> u64 {
    env_or("DDC_CRASH_SEED", 1)
}

/// SIGKILL, after marking that errors from now on may be the kill's.
fn kill(child: &mut Child, killed: &AtomicBool) {
    killed.store(true, Ordering::SeqCst);
    child.kill().unwrap();
    child.wait().unwrap();
}

/// What an object may be after a crash: every value it can hold (`None`: absent).
type Possible = BTreeSet<Option<Vec<u8>>>;

/// One writer's sequential operations on its own keys, until `stop`. Returns each operation as
/// `(key, value written or None for a delete, acknowledged)`. An error while the node is up is a
/// failure of the test.
async fn writer(
    client: ObjectClient,
    bucket: u32,
    worker: usize,
    mut rng: StdRng,
    stop: Arc<AtomicBool>,
    killed: Arc<AtomicBool>,
) -> Vec<(String, Option<Vec<u8>>, bool)> {
    let mut done = Vec::new();
    while !stop.load(Ordering::SeqCst) {
        let key = format!("w{worker}-k{}", rng.gen_range(0..5));
        let value = if rng.gen_bool(0.25) {
            None
        } else {
            let len = rng.gen_range(1..1_500);
            let byte: u8 = rng.gen();
            Some((0..len).map(|i| byte.wrapping_add(i as u8)).collect::<Vec<u8>>())
        };
        let outcome = match &value {
            Some(v) => client.put_bytes(bucket, &key, v.clone()).await.map(drop),
            None => client.delete(bucket, &key).await.map(drop),
        };
        match outcome {
            Ok(()) => done.push((key, value, true)),
            Err(_) if killed.load(Ordering::SeqCst) => {
                done.push((key, value, false));
                break;
            }
            Err(e) => panic!("{key}: {e} while the node was up"),
        }
    }
    done
}

/// Moves the chain's clock an epoch at a time: the node commits every vnode, compacting those
/// whose deletes and overwrites left enough dead chunks.
async fn ticker(net_url: String, stop: Arc<AtomicBool>) {
    let v = client(&net_url, VALIDATOR).await;
    while !stop.load(Ordering::SeqCst) {
        let now = v.head().await.unwrap().now_ms;
        v.set_time(now + EPOCH_MS).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_writes_deletes_and_compaction_loses_nothing() {
    // Room for every cycle's writes (4096 chunks of 64 bytes per vnode).
    let params = StorageParams { depth: 12, arity: 8, challenges: 2, chunk_bytes: 64 }.checked().unwrap();
    let mut net = Net::start_with(params).await;
    let mut config = net.node_config("bob");
    config.compact_min_chunks = 8;
    let (mut child, path) = single_node(&mut net, &config, Path::new(env!("CARGO_BIN_EXE_ddc")), 2).await;
    let url = config.public_url.clone();

    let client = ObjectClient::new(&url, Some(Signer::dev(USER).unwrap()));
    let mut rng = StdRng::seed_from_u64(seed());
    let mut objects: BTreeMap<String, Possible> = BTreeMap::new();
    let (mut acknowledged, mut unacknowledged, mut generations) = (0, 0, BTreeSet::new());
    for cycle in 0..cycles() {
        let stop = Arc::new(AtomicBool::new(false));
        let killed = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..3)
            .map(|w| {
                let rng = StdRng::seed_from_u64(rng.gen());
                let client = ObjectClient::new(&url, Some(Signer::dev(USER).unwrap()));
                tokio::spawn(writer(client, net.bucket, w, rng, stop.clone(), killed.clone()))
            })
            .collect();
        let tick = tokio::spawn(ticker(net.chain_url.clone(), stop.clone()));
        tokio::time::sleep(Duration::from_millis(rng.gen_range(50..1_500))).await;
        kill(&mut child, &killed);
        stop.store(true, Ordering::SeqCst);
        tick.await.unwrap();
        for w in writers {
            for (key, value, acked) in w.await.unwrap() {
                let possible = objects.entry(key).or_insert_with(|| BTreeSet::from([None]));
                if acked {
                    acknowledged += 1;
                    *possible = BTreeSet::from([value]);
                } else {
                    unacknowledged += 1;
                    possible.insert(value);
                }
            }
        }

        child = start(&path);
        healthy(&url).await;
        for (key, possible) in objects.iter_mut() {
            let found = match client.get_bytes(net.bucket, key).await {
                Ok(bytes) => Some(bytes),
                Err(ClientError::Api { status: 404, .. }) => None,
                Err(e) => panic!("cycle {cycle}, {key}: {e}"),
            };
            assert!(
                possible.contains(&found),
                "cycle {cycle} (DDC_CRASH_SEED={}): {key} reads {:?} bytes, acknowledged {:?}",
                seed(),
                found.as_ref().map(Vec::len),
                possible.iter().map(|p| p.as_ref().map(Vec::len)).collect::<Vec<_>>()
            );
            *possible = BTreeSet::from([found]);
        }
        for r in client.replicas().await.unwrap() {
            generations.insert((r.vnode, r.generation));
            let dir = generation_dir(&config.data_dir.join("storage"), (r.cluster, r.vnode), r.generation);
            let log = std::fs::read(dir.join("chunks.log")).unwrap();
            let mut tree = MemTree::new(params.shape());
            let chunks = log.chunks(params.chunk_bytes).take(r.chunk_count as usize);
            tree.extend(chunks.map(leaf_hash)).unwrap();
            assert_eq!(
                fr_to_bytes(&tree.root().unwrap()),
                r.root,
                "cycle {cycle}: vnode {} root from its log",
                r.vnode
            );
        }
    }
    let compactions = generations.iter().map(|(_, g)| *g).max().unwrap_or(0);
    println!(
        "node crash campaign: {} cycles, {acknowledged} acknowledged and {unacknowledged} interrupted writes and \
         deletes, {} objects checked after each restart, newest log generation {compactions}",
        cycles(),
        objects.len()
    );
    assert!(compactions > 0, "the campaign compacted");
    kill(&mut child, &AtomicBool::new(false));
}

fn start_chain(dir: &std::path::Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_ddc"))
        .args(["chain", "--manual-time", "--block-ms", "20", "--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_of_the_chain_loses_no_acknowledged_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut chain = start_chain(dir.path(), port);
    const USERS: [&str; 4] = ["bob", "charlie", "dave", "ferdie"];
    let up = || async {
        let c = ddc_chain::embedded::EmbeddedClient::connect(&url, Signer::dev("bob").unwrap()).await.ok()?;
        c.head().await.ok()
    };
    wait_for("the chain's RPC", 60, up).await;
    let mut rng = StdRng::seed_from_u64(seed());
    // Per user: deposits acknowledged, and those in flight at a kill (either may have landed).
    let mut acked: BTreeMap<&str, Balance> = BTreeMap::new();
    let mut in_flight: BTreeMap<&str, Balance> = BTreeMap::new();
    let mut count = 0;
    for cycle in 0..cycles() {
        let stop = Arc::new(AtomicBool::new(false));
        let killed = Arc::new(AtomicBool::new(false));
        let tasks: Vec<_> = USERS
            .into_iter()
            .map(|user| {
                let (url, stop, killed) = (url.clone(), stop.clone(), killed.clone());
                let amount: Balance = rng.gen_range(1..1_000);
                tokio::spawn(async move {
                    let c = client(&url, user).await;
                    let (mut done, mut open, mut n) = (0, 0, 0);
                    while !stop.load(Ordering::SeqCst) {
                        match c.act::<_, ()>(amount, "account_deposit", ()).await {
                            Ok(()) => (done, n) = (done + amount, n + 1),
                            Err(_) if killed.load(Ordering::SeqCst) => {
                                open = amount;
                                break;
                            }
                            Err(e) => panic!("{user}: {e} while the chain was up"),
                        }
                    }
                    (user, done, open, n)
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(rng.gen_range(50..1_000))).await;
        kill(&mut chain, &killed);
        stop.store(true, Ordering::SeqCst);
        for t in tasks {
            let (user, done, open, n) = t.await.unwrap();
            *acked.entry(user).or_default() += done;
            *in_flight.entry(user).or_default() += open;
            count += n;
        }
        chain = start_chain(dir.path(), port);
        wait_for("the chain's RPC after a restart", 60, up).await;
        let c = client(&url, "alice").await;
        for user in USERS {
            let deposit = c.account_get(account(user)).await.map_or(0, |a| a.deposit);
            let (low, high) = (acked[user], acked[user] + in_flight[user]);
            assert!(
                (low..=high).contains(&deposit),
                "cycle {cycle} (DDC_CRASH_SEED={}): {user} holds {deposit}, acknowledged {low}, at most {high}",
                seed()
            );
            // What landed is now acknowledged.
            acked.insert(user, deposit);
            in_flight.insert(user, 0);
        }
    }
    println!(
        "chain crash campaign: {} cycles, {count} acknowledged deposits, each found after every restart",
        cycles()
    );
    kill(&mut chain, &AtomicBool::new(false));
}
