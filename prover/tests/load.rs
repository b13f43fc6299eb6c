//! A bounded load test on loopback: three nodes (R=3), concurrent signed puts and gets of 4 KiB
//! objects while the nodes build the epoch's proofs (1 KiB chunks, 8 challenges). Prints
//! throughput and p50/p99 latencies; fails on any error.

use crate::common::*;
use ddc_chain::{Ddc, Signer};
use ddc_circuits::storage::StorageParams;
use ddc_prover::client::ObjectClient;
use ddc_prover::server::internal::ProofRequest;
use std::time::Instant;

const WORKERS: usize = 8;
const OPS_PER_WORKER: usize = 40;
const OBJECT_BYTES: usize = 4096;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn puts_and_gets_under_proving_load() {
    let params = StorageParams { depth: 12, arity: 8, challenges: 8, chunk_bytes: 1024 }.checked().unwrap();
    let mut net = Net::start_with(params).await;
    let providers = ["bob", "charlie", "dave"];
    let nodes: Vec<RunningNode> = providers.iter().map(|p| spawn_node(p, net.node_config(p))).collect();
    let mut ids = Vec::new();
    for p in providers {
        ids.push(net.registered(p).await);
    }
    net.form_cluster(&providers, &ids, 6, 3).await;
    for n in &nodes {
        n.healthy().await;
    }
    let user = Signer::dev(USER).unwrap();
    // Data for every vnode to prove, then an epoch whose proofs are built during the load.
    let warm = ObjectClient::new(&nodes[0].url, Some(user.clone()));
    for i in 0..24 {
        warm.put_bytes(net.bucket, &format!("warm-{i}"), vec![i as u8; 3000]).await.unwrap();
    }
    let epoch = net.drive_epoch().await;
    let v = net.client(VALIDATOR).await;
    let seed = v.epoch_seed(net.cluster, epoch).await.unwrap().expect("the epoch's seed is final");

    let urls: Vec<String> = nodes.iter().map(|n| n.url.clone()).collect();
    let started = Instant::now();
    let prover_urls = urls.clone();
    let (cluster, vnodes) = (net.cluster, v.cluster_get(net.cluster).await.unwrap().cluster.vnodes);
    let chain_client = net.client(VALIDATOR).await;
    let proving = tokio::spawn(async move {
        let t = Instant::now();
        let http = reqwest::Client::new();
        let mut built = 0;
        for (vnode, node) in vnodes.iter().enumerate() {
            let committed =
                chain_client.commitment_get(cluster, vnode as u32, epoch).await.unwrap().expect("committed");
            if committed.chunk_count == 0 {
                continue;
            }
            built += 1;
            let url = &prover_urls[ids_index(&ids, *node)];
            let req = ProofRequest { cluster_id: cluster, vnode: vnode as u32, epoch, seed };
            let resp = http.post(format!("{url}/v1/proof")).json(&req).send().await.unwrap();
            assert!(resp.status().is_success(), "{}", resp.text().await.unwrap());
        }
        (built, t.elapsed())
    });
    let bucket = net.bucket;
    let workers = (0..WORKERS).map(|w| {
        let (url, user) = (urls[w % urls.len()].clone(), user.clone());
        tokio::spawn(async move {
            let c = ObjectClient::new(&url, Some(user));
            let (mut puts, mut gets) = (Vec::new(), Vec::new());
            for i in 0..OPS_PER_WORKER {
                let key = format!("load/{w}/{i}");
                let body = vec![(w * 31 + i) as u8; OBJECT_BYTES];
                let t = Instant::now();
                c.put_bytes(bucket, &key, body.clone()).await.unwrap();
                puts.push(t.elapsed());
                let t = Instant::now();
                assert_eq!(c.get_bytes(bucket, &key).await.unwrap(), body);
                gets.push(t.elapsed());
            }
            (puts, gets)
        })
    });
    let (mut puts, mut gets) = (Vec::new(), Vec::new());
    for w in futures_util::future::join_all(workers).await {
        let (p, g) = w.unwrap();
        puts.extend(p);
        gets.extend(g);
    }
    let wall = started.elapsed();
    let (built, proving) = proving.await.unwrap();
    puts.sort();
    gets.sort();
    let n = puts.len();
    let mib = (n * OBJECT_BYTES) as f64 / (1 << 20) as f64;
    println!(
        "RESULT load: {n} puts + {n} gets of {OBJECT_BYTES} B (R=3, {WORKERS} workers) in {:.2?}; \
         put {:.1} ops/s ({:.2} MiB/s) p50 {:.1?} p99 {:.1?}; get p50 {:.1?} p99 {:.1?}; \
         {built} proofs built meanwhile in {:.2?}",
        wall,
        n as f64 / wall.as_secs_f64(),
        mib / wall.as_secs_f64(),
        percentile(&puts, 0.5),
        percentile(&puts, 0.99),
        percentile(&gets, 0.5),
        percentile(&gets, 0.99),
        proving,
    );
    for n in nodes {
        n.shutdown().await;
    }
}

fn ids_index(ids: &[u32], node: u32) -> usize {
    ids.iter().position(|x| *x == node).unwrap()
}
