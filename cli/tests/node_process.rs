//! The storage node as a real process: killed with SIGKILL in the middle of uploads it restarts
//! with every acknowledged object intact and the same roots; SIGTERM stops it cleanly (exit 0).

use crate::common::*;
use ddc_chain::Signer;
use ddc_prover::client::ObjectClient;
use ddc_prover::config::NodeConfig;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub fn start(config_path: &Path) -> Child {
    start_bin(Path::new(env!("CARGO_BIN_EXE_ddc")), config_path)
}

/// `ddc node` from the binary `bin`.
pub fn start_bin(bin: &Path, config_path: &Path) -> Child {
    Command::new(bin)
        .args(["node", "--config"])
        .arg(config_path)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .unwrap()
}

pub async fn healthy(url: &str) {
    let health = format!("{url}/health");
    wait_for("node health", 60, || async { reqwest::get(&health).await.ok().filter(|r| r.status().is_success()) })
        .await;
}

/// Provider `bob`'s node as a process of `bin`, its `config` written to the test's directory:
/// registered, alone in a cluster of `vnodes` vnodes (R = 1), and healthy. Returns the process
/// and its config file (to restart it).
pub async fn single_node(net: &mut Net, config: &NodeConfig, bin: &Path, vnodes: u32) -> (Child, PathBuf) {
    let path = net.dir.path().join("node.toml");
    std::fs::write(&path, toml::to_string(config).unwrap()).unwrap();
    let child = start_bin(bin, &path);
    let id = net.registered("bob").await;
    net.form_cluster(&["bob"], &[id], vnodes, 1).await;
    healthy(&config.public_url).await;
    (child, path)
}

/// A body that trickles in, so the node is mid-upload when it dies.
fn slow_body(len: usize) -> reqwest::Body {
    let pieces = (0..len / 512).map(|i| Ok::<_, std::io::Error>(vec![i as u8; 512]));
    let stream = futures_util::stream::iter(pieces).then(|p| async move {
        tokio::time::sleep(Duration::from_millis(30)).await;
        p
    });
    reqwest::Body::wrap_stream(stream)
}

use futures_util::StreamExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_upload_loses_nothing_acknowledged() {
    let mut net = Net::start().await;
    let config = net.node_config("bob");
    let (mut child, path) = single_node(&mut net, &config, Path::new(env!("CARGO_BIN_EXE_ddc")), 2).await;
    let url = config.public_url.clone();

    let user = Signer::dev(USER).unwrap();
    let client = ObjectClient::new(&url, Some(user.clone()));
    let objects: Vec<(String, Vec<u8>)> =
        (0..10).map(|i| (format!("acked-{i}"), vec![i as u8 * 7 + 1; 300 + i * 211])).collect();
    for (k, v) in &objects {
        client.put_bytes(net.bucket, k, v.clone()).await.unwrap();
    }
    let before = client.replicas().await.unwrap();

    // Uploads in flight when the process is killed.
    let mut inflight = Vec::new();
    for i in 0..3 {
        let len = 6_144;
        let body: Vec<u8> = (0..len / 512).flat_map(|j| vec![j as u8; 512]).collect();
        let sha: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(&body).into();
        let path = ddc_prover::client::object_path(net.bucket, &format!("unacked-{i}"));
        let auth = ddc_prover::auth::RequestAuth::sign(&user, "PUT", &path, sha);
        let mut req = reqwest::Client::new().put(format!("{url}{path}")).body(slow_body(len));
        for (k, v) in auth.headers() {
            req = req.header(k, v);
        }
        inflight.push(tokio::spawn(req.send()));
    }
    tokio::time::sleep(Duration::from_millis(150)).await;
    child.kill().unwrap();
    child.wait().unwrap();
    for f in inflight {
        assert!(f.await.unwrap().is_err(), "no upload was acknowledged after the kill");
    }

    let mut child = start(&path);
    healthy(&url).await;
    assert_eq!(client.replicas().await.unwrap(), before, "same roots and counts as acknowledged before the kill");
    for (k, v) in &objects {
        assert_eq!(&client.get_bytes(net.bucket, k).await.unwrap(), v, "{k}");
    }
    // A write after the restart lands on the repaired log.
    client.put_bytes(net.bucket, "after", vec![9; 1000]).await.unwrap();
    assert_eq!(client.get_bytes(net.bucket, "after").await.unwrap(), vec![9; 1000]);

    // SIGTERM: graceful, exit 0.
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "graceful shutdown exits 0, got {exit}");
}
