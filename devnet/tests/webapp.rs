//! The web app `ddc devnet` serves, driven in headless Chromium as a user would: the devnet's
//! user uploads a file (encrypted and signed in the browser), lists the bucket, downloads and
//! decrypts it; the bytes match. The Rust client then reads the browser's object and finds the
//! same bytes (one envelope format, two implementations), and the nodes hold only ciphertext.

use crate::node_tools;

use crate::common::*;
use ddc_chain::Signer;
use ddc_prover::client::envelope::ciphertext_len;
use ddc_prover::client::secure::SecureClient;
use ddc_prover::client::ObjectClient;
use sha2::{Digest, Sha256};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_app_stores_encrypted_objects_from_the_browser() {
    let dir = tempfile::tempdir().unwrap();
    let mut net = spawn(small(dir.path()), None);
    net.report_when(180, |_| true).await;
    let urls = net.urls.lock().unwrap().clone().unwrap();
    let config: serde_json::Value =
        reqwest::get(format!("{}api/app-config", urls.dashboard)).await.unwrap().json().await.unwrap();
    let bucket = config["bucket"].as_u64().unwrap() as u32;

    // Two and a bit chunks, with a marker the nodes must never see.
    let mut data: Vec<u8> = (0..150_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    data[70_000..70_019].copy_from_slice(b"BROWSER-PLAINTEXT-1");
    let file = dir.path().join("upload.bin");
    std::fs::write(&file, &data).unwrap();
    let shot = dir.path().join("webapp.png");
    let out = tokio::process::Command::new(node_tools::node())
        .arg(node_tools::script("webapp-drive.mjs"))
        .args([&urls.app, file.to_str().unwrap(), "browser/upload.bin", shot.to_str().unwrap()])
        .output()
        .await
        .expect("runs the browser driver");
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "driving the web app: {log}");
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["errors"], serde_json::json!([]), "{result}");
    assert!(result["listed"].as_array().unwrap().contains(&serde_json::json!("browser/upload.bin")), "{result}");
    assert_eq!(result["downloaded_len"], serde_json::json!(data.len()), "{result}");
    assert_eq!(result["downloaded_sha256"].as_str().unwrap(), hex::encode(Sha256::digest(&data)), "{result}");
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000, "a screenshot of the page");
    if let Ok(keep) = std::env::var("DDC_WEBAPP_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }

    // The Rust client of the same account opens what the browser sealed; nodes hold ciphertext.
    let user = Signer::dev(config["user"].as_str().unwrap()).unwrap();
    let node = config["nodes"][0].as_str().unwrap();
    let rust = SecureClient::new(ObjectClient::new(node, Some(user.clone())), &user);
    assert_eq!(rust.get_bytes(bucket, "browser/upload.bin", None, None).await.unwrap(), data);
    let stored = rust.objects.get_bytes(bucket, "browser/upload.bin").await.unwrap();
    assert_eq!(stored.len() as u64, ciphertext_len(data.len() as u64));
    assert!(!stored.windows(19).any(|w| w == b"BROWSER-PLAINTEXT-1"));

    net.stop.cancel();
    net.task.await.unwrap().unwrap();
}
