//! The sustained load run behind `docs/reliability.md`: one `ddc node` process, closed-loop
//! signed puts and gets of 4 KiB objects from `WORKERS` clients for `DDC_LOAD_SECS` seconds,
//! while epochs pass and the node commits, compacts and proves every vnode (as a validator asks).
//! Each second's throughput, latency percentiles, errors and the node's RSS go to the CSV file
//! `DDC_LOAD_CSV`; `scripts/plot-load.py` draws them. It is a measurement, so it is ignored;
//! the reported run measured a release build of the node:
//! `cargo build --release -p ddc && DDC_LOAD_BIN=target/release/ddc DDC_LOAD_SECS=600
//! DDC_LOAD_CSV=docs/load.csv cargo test -p ddc --test integration load_run -- --ignored --nocapture`.
//! CI runs the bounded `prover/tests/load.rs`.

use crate::common::*;
use crate::node_process::single_node;
use ddc_chain::{Ddc, Signer};
use ddc_circuits::storage::StorageParams;
use ddc_prover::client::ObjectClient;
use ddc_prover::server::internal::ProofRequest;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const WORKERS: usize = 8;
const OBJECT_BYTES: usize = 4096;
/// Keys each worker overwrites in turn: the data stays bounded, and compaction has work.
const KEYS_PER_WORKER: usize = 250;
const EPOCH_EVERY: Duration = Duration::from_secs(20);

/// One operation: when it ended (s since the start), whether a put, its latency, and success.
type Op = (u32, bool, Duration, bool);

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// [`percentile`] in milliseconds; 0 for a second without operations of the kind.
fn ms(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        0.0
    } else {
        percentile(sorted, p).as_secs_f64() * 1e3
    }
}

async fn worker(url: String, bucket: u32, w: usize, start: Instant, stop: Arc<AtomicBool>, ops: Arc<Mutex<Vec<Op>>>) {
    let client = ObjectClient::new(&url, Some(Signer::dev(USER).unwrap()));
    let mut written = 0usize;
    while !stop.load(Ordering::SeqCst) {
        let key = format!("load/{w}/{}", written % KEYS_PER_WORKER);
        let body = vec![(w * 31 + written) as u8; OBJECT_BYTES];
        let t = Instant::now();
        let put = client.put_bytes(bucket, &key, body.clone()).await;
        ops.lock().unwrap().push((start.elapsed().as_secs() as u32, true, t.elapsed(), put.is_ok()));
        if let Err(e) = put {
            eprintln!("put {key}: {e}");
            continue;
        }
        written += 1;
        let t = Instant::now();
        let got = client.get_bytes(bucket, &key).await;
        let ok = got.as_ref().is_ok_and(|b| *b == body);
        ops.lock().unwrap().push((start.elapsed().as_secs() as u32, false, t.elapsed(), ok));
        if !ok {
            eprintln!("get {key}: {:?}", got.map(|b| b.len()));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement of DDC_LOAD_SECS seconds; see the module's documentation"]
async fn load_run() {
    let secs: u64 = std::env::var("DDC_LOAD_SECS").map_or(60, |v| v.parse().expect("DDC_LOAD_SECS"));
    // Relative to the workspace root (tests run in the crate's directory).
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let csv = root.join(std::env::var("DDC_LOAD_CSV").unwrap_or_else(|_| "target/load.csv".into()));
    let params = StorageParams { depth: 16, arity: 8, challenges: 8, chunk_bytes: 1024 }.checked().unwrap();
    let mut net = Net::start_with(params).await;
    let mut config = net.node_config("bob");
    config.compact_min_chunks = 2_048;
    config.prove_concurrency = 1;
    // DDC_LOAD_BIN: the node binary to measure (the reported run: a release build).
    let bin = std::env::var("DDC_LOAD_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_ddc").into());
    let (mut child, _) = single_node(&mut net, &config, &root.join(bin), 8).await;
    let url = config.public_url.clone();

    let start_at = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let ops = Arc::new(Mutex::new(Vec::<Op>::new()));
    let workers: Vec<_> = (0..WORKERS)
        .map(|w| tokio::spawn(worker(url.clone(), net.bucket, w, start_at, stop.clone(), ops.clone())))
        .collect();
    // RSS once a second.
    let pid = child.id();
    let rss_stop = stop.clone();
    let rss = tokio::spawn(async move {
        let mut samples = Vec::new();
        while !rss_stop.load(Ordering::SeqCst) {
            samples.push(rss_kib(pid));
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        samples
    });
    // Epochs: commitments (with compaction), the seed, then a proof of every vnode.
    let (mut epochs, mut proofs) = (0, 0);
    let v = net.client(VALIDATOR).await;
    let http = reqwest::Client::new();
    while start_at.elapsed() < Duration::from_secs(secs) {
        tokio::time::sleep(EPOCH_EVERY.min(Duration::from_secs(secs).saturating_sub(start_at.elapsed()))).await;
        if start_at.elapsed() + Duration::from_secs(5) > Duration::from_secs(secs) {
            break;
        }
        let epoch = net.drive_epoch().await;
        epochs += 1;
        let seed = v.epoch_seed(net.cluster, epoch).await.unwrap().expect("the epoch's seed is final");
        for vnode in 0..8 {
            let committed = v.commitment_get(net.cluster, vnode, epoch).await.unwrap().expect("committed");
            if committed.chunk_count == 0 {
                continue;
            }
            let req = ProofRequest { cluster_id: net.cluster, vnode, epoch, seed };
            let resp = http.post(format!("{url}/v1/proof")).json(&req).send().await.unwrap();
            assert!(resp.status().is_success(), "{}", resp.text().await.unwrap());
            proofs += 1;
        }
    }
    stop.store(true, Ordering::SeqCst);
    for w in workers {
        w.await.unwrap();
    }
    let rss = rss.await.unwrap();
    let wall = start_at.elapsed().as_secs_f64();
    let ops = std::mem::take(&mut *ops.lock().unwrap());

    let mut lines = vec!["second,puts,gets,errors,put_p50_ms,put_p99_ms,get_p50_ms,get_p99_ms,rss_mib".to_string()];
    let seconds = ops.iter().map(|o| o.0).max().unwrap_or(0);
    for s in 0..=seconds {
        let of = |put: bool| {
            let mut l: Vec<Duration> = ops.iter().filter(|o| o.0 == s && o.1 == put).map(|o| o.2).collect();
            l.sort();
            l
        };
        let (p, g) = (of(true), of(false));
        let errors = ops.iter().filter(|o| o.0 == s && !o.3).count();
        let rss_mib = rss.get(s as usize).copied().unwrap_or(0) as f64 / 1024.0;
        lines.push(format!(
            "{s},{},{},{errors},{:.2},{:.2},{:.2},{:.2},{rss_mib:.1}",
            p.len(),
            g.len(),
            ms(&p, 0.5),
            ms(&p, 0.99),
            ms(&g, 0.5),
            ms(&g, 0.99)
        ));
    }
    std::fs::write(&csv, lines.join("\n") + "\n").unwrap();

    let all = |put: bool| {
        let mut l: Vec<Duration> = ops.iter().filter(|o| o.1 == put).map(|o| o.2).collect();
        l.sort();
        l
    };
    let (p, g) = (all(true), all(false));
    let errors = ops.iter().filter(|o| !o.3).count();
    let peak = rss.iter().max().copied().unwrap_or(0) as f64 / 1024.0;
    println!(
        "RESULT load run: {wall:.0} s, {WORKERS} closed-loop clients, {OBJECT_BYTES} B objects; {} puts ({:.1}/s) \
         p50 {:.2} ms p99 {:.2} ms p999 {:.2} ms; {} gets ({:.1}/s) p50 {:.2} ms p99 {:.2} ms p999 {:.2} ms; \
         {errors} errors; {epochs} epochs, {proofs} proofs; node RSS first {:.1} MiB, last {:.1} MiB, peak {peak:.1} MiB; \
         per second in {}",
        p.len(),
        p.len() as f64 / wall,
        ms(&p, 0.5),
        ms(&p, 0.99),
        ms(&p, 0.999),
        g.len(),
        g.len() as f64 / wall,
        ms(&g, 0.5),
        ms(&g, 0.99),
        ms(&g, 0.999),
        rss.first().copied().unwrap_or(0) as f64 / 1024.0,
        rss.last().copied().unwrap_or(0) as f64 / 1024.0,
        csv.display()
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(errors, 0, "no request failed");
    assert!(proofs > 0 || secs < 30, "the node proved during the run");
}
