//! A small, fast devnet for the scenario tests: a tiny circuit (depth 12, 64-byte chunks) and
//! short epochs, on free loopback ports.

#![allow(dead_code)]

use ddc_circuits::storage::StorageParams;
use ddc_devnet::clock::Clock;
use ddc_devnet::run::{run, Progress, Urls};
use ddc_devnet::{DevnetConfig, Report};
use std::sync::{Arc, Mutex};
use tokio_util::sync::CancellationToken;

pub fn small(dir: &std::path::Path) -> DevnetConfig {
    let mut c = DevnetConfig::new(dir.to_path_buf());
    c.nodes = 4;
    c.vnodes = 8;
    c.validators = 2;
    c.epoch_ms = 10_000;
    c.block_ms = 100;
    c.shape = StorageParams { depth: 12, arity: 8, challenges: 4, chunk_bytes: 64 };
    c.objects = 16;
    c.object_bytes = 4 << 10;
    c.chain_listen = "127.0.0.1:0".parse().unwrap();
    c.dashboard_listen = "127.0.0.1:0".parse().unwrap();
    // The chain's clock moves only once each phase's work is on-chain: the same run on any machine.
    c.lockstep = true;
    c
}

/// A devnet running in the background until `stop` is cancelled.
pub struct Running {
    pub stop: CancellationToken,
    pub urls: Arc<Mutex<Option<Urls>>>,
    /// The lockstep clock, once the network is up.
    pub clock: Arc<Mutex<Option<Clock>>>,
    pub task: tokio::task::JoinHandle<Result<Report, ddc_devnet::network::DevnetError>>,
}

pub fn spawn(config: DevnetConfig, epochs: Option<u64>) -> Running {
    // `RUST_LOG=warn cargo test -- --nocapture` shows what the daemons say.
    let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| "off".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(format!("{filter},r1cs=off")))
        .with_test_writer()
        .try_init();
    let stop = CancellationToken::new();
    let urls = Arc::new(Mutex::new(None));
    let clock = Arc::new(Mutex::new(None));
    let (s, u, k) = (stop.clone(), urls.clone(), clock.clone());
    let task = tokio::spawn(async move {
        run(config, epochs, s, move |p| match p {
            Progress::Started(net) => *k.lock().unwrap() = net.clock.clone(),
            Progress::Ready(ready) => *u.lock().unwrap() = Some(ready.clone()),
            _ => {}
        })
        .await
    });
    Running { stop, urls, clock, task }
}

impl Running {
    /// The report the dashboard serves, polled until `done` holds (at most `secs`).
    pub async fn report_when(&mut self, secs: u64, done: impl Fn(&Report) -> bool) -> Report {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        loop {
            let url = self.urls.lock().unwrap().as_ref().map(|u| u.report.clone());
            if let Some(url) = url {
                if let Ok(r) = reqwest::get(&url).await {
                    if let Ok(report) = r.json::<Report>().await {
                        if done(&report) {
                            return report;
                        }
                    }
                }
            }
            if self.task.is_finished() {
                panic!("the devnet stopped early: {:?}", (&mut self.task).await);
            }
            assert!(std::time::Instant::now() < deadline, "timed out waiting for the devnet's report");
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
    }
}
