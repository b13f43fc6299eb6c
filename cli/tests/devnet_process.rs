//! The README's main command as a user runs it, on a small circuit: `ddc devnet --faulty 1
//! --exit --json` runs epochs until they are paid out and prints one JSON report in which the
//! node that dropped chunks was caught and slashed and every honest node was paid.

use std::process::Command;

#[test]
fn the_devnet_catches_and_slashes_a_faulty_node_and_pays_the_honest_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ddc"))
        .args(["devnet", "--epochs", "2", "--faulty", "1", "--drop-fraction", "0.5", "--exit", "--json", "--lockstep"])
        .args(["--vnodes", "8", "--validators", "2", "--epoch-ms", "10000", "--block-ms", "100"])
        .args(["--depth", "12", "--challenges", "4", "--chunk-bytes", "64", "--objects", "16", "--object-kib", "4"])
        .args(["--chain-listen", "127.0.0.1:0", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path().join("devnet"))
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "ddc devnet failed:\n{stderr}");
    assert!(stderr.contains("dashboard:  http://127.0.0.1:"), "it says where to look:\n{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON report on stdout");
    let nodes = report["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 4);
    for n in nodes {
        let (failed, slashed, paid) = (
            n["proofs_failed"].as_u64().unwrap(),
            n["stake_slashed"].as_u64().unwrap(),
            n["revenue_paid"].as_u64().unwrap(),
        );
        if n["faulty"].as_bool().unwrap() {
            assert!(failed > 0 && slashed > 0, "the faulty node is caught and slashed: {n}");
        } else {
            assert!(failed == 0 && slashed == 0 && paid > 0, "an honest node is paid and never slashed: {n}");
        }
    }
    let epochs = report["epochs"].as_array().unwrap();
    // An epoch whose vnodes were all empty passes at commitment and never needs its seed.
    let verified: Vec<_> =
        epochs.iter().filter(|e| e["settled"].as_bool().unwrap() && e["proof_batches"].as_u64().unwrap() > 0).collect();
    assert!(!verified.is_empty() && verified.iter().all(|e| e["seed"].is_string()), "{report}");
}
