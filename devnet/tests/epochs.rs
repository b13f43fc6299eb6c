//! Honest epochs end to end on a devnet: every node commits, validators commit and reveal the
//! seed, nodes prove, validators batch-verify and record the passes on-chain, the epochs are
//! settled and every provider is paid; the dashboard, in headless Chromium, shows it all.

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn honest_epochs_pay_every_node_and_the_dashboard_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut net = spawn(small(dir.path()), None);
    let report = net.report_when(180, |r| r.settled_through >= 3).await;

    for e in report.epochs.iter().filter(|e| e.settled) {
        // An epoch whose vnodes were all empty passes at commitment and never needs its seed.
        assert!(e.proof_batches == 0 || e.seed.is_some(), "epoch {} has a seed: {report:#?}", e.epoch);
        assert_eq!(e.commitments, 8, "every vnode committed in epoch {}", e.epoch);
        assert_eq!(e.passed, 8, "every vnode passed in epoch {}", e.epoch);
        assert_eq!(e.faults_reported, 0);
    }
    assert!(report.epochs.iter().any(|e| e.proof_batches > 0), "passes came from verified proof batches");
    assert_eq!(report.withheld, 0, "nothing withheld from honest nodes");
    for n in &report.nodes {
        assert!(n.proofs_passed > 0 && n.proofs_failed == 0 && n.stake_slashed == 0, "{n:?}");
        assert!(n.revenue_paid > 0, "node {} was paid: {n:?}", n.node_id);
    }
    for v in &report.validators {
        assert!(v.seed_commits > 0 && v.reveals > 0 && v.penalized == 0, "{v:?}");
    }
    assert!(report.validators.iter().map(|v| v.proofs_submitted).sum::<u32>() > 0);

    // The dashboard, rendered by a real browser, lists the nodes and a paid-out epoch.
    let dashboard = net.urls.lock().unwrap().as_ref().unwrap().dashboard.clone();
    let dom = chromium_dom(&dashboard);
    for n in &report.nodes {
        assert!(dom.contains(&format!("#{} {}", n.node_id, n.name)), "node {} on the dashboard:\n{dom}", n.name);
    }
    assert!(dom.contains(">yes<"), "a paid-out epoch on the dashboard:\n{dom}");

    net.stop.cancel();
    net.task.await.unwrap().unwrap();
}

/// The DOM of `url` after its scripts ran, from headless Chromium.
fn chromium_dom(url: &str) -> String {
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| std::process::Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success()))
        .expect(
            "headless Chromium is needed for the dashboard test: `apt-get install chromium` (scripts/setup.sh does)",
        );
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--virtual-time-budget=4000",
            &format!("--user-data-dir={}", profile.path().display()),
            "--dump-dom",
            url,
        ])
        .output()
        .expect("running chromium");
    assert!(out.status.success(), "chromium: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}
