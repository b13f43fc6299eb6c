//! Running the devnet: start it, upload the workload, serve the dashboard, follow the chain,
//! and either run until stopped or until `epochs` full epochs after the workload are paid out.

use crate::config::{DevnetConfig, ADMIN, USER};
use crate::dashboard::{self, SharedReport};
use crate::ledger::{Ledger, Report};
use crate::network::{Devnet, DevnetError};
use crate::workload;
use ddc_chain::Ddc;
use ddc_prover::receipt_store::audit;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// Where to look once the devnet runs.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Urls {
    pub dashboard: String,
    /// The web app: upload, list and download, encrypted and signed in the browser.
    pub app: String,
    pub report: String,
    pub chain: String,
    pub nodes: Vec<String>,
    pub validators: Vec<String>,
}

/// What happened along the way, for a progress display.
pub enum Progress<'a> {
    Started(&'a Devnet),
    Uploaded { objects: usize, total: usize },
    Ready(&'a Urls),
    Epoch { epoch: u64, settled_through: u64 },
}

/// Runs the devnet. With `epochs`, returns once that many epochs after the workload's upload
/// are settled; otherwise once `stop` is cancelled. Either way the network is stopped cleanly.
pub async fn run(
    config: DevnetConfig,
    epochs: Option<u64>,
    stop: CancellationToken,
    mut progress: impl FnMut(Progress<'_>),
) -> Result<Report, DevnetError> {
    let dashboard_listen = config.dashboard_listen;
    let epoch_ms = config.epoch_ms;
    let net = Devnet::start(config).await?;
    progress(Progress::Started(&net));
    let total = net.config.objects;
    workload::upload(&net, |objects| progress(Progress::Uploaded { objects, total })).await?;
    let observer = net.client(ADMIN).await?;
    // The user checks its receipts against every epoch's commitments, as `ddc receipts audit`.
    let auditor = net.client(USER).await?;
    let receipts = workload::receipts(&net)?.load().map_err(|e| DevnetError::Failed(e.to_string()))?;
    let mut audited = None;
    let first = observer.cluster_epoch(net.cluster_id).await?.epoch + 1;

    let report: SharedReport = Arc::new(Mutex::new(Report::default()));
    let mut ledger = Ledger::new(&net);
    ledger.follow(observer.as_ref()).await?;
    *report.lock().expect("report lock") = ledger.report.clone();
    let listener = tokio::net::TcpListener::bind(dashboard_listen)
        .await
        .map_err(|source| DevnetError::Io { what: format!("binding the dashboard to {dashboard_listen}"), source })?;
    let dashboard_url = format!(
        "http://{}/",
        listener.local_addr().map_err(|source| DevnetError::Io { what: "dashboard address".into(), source })?
    );
    let web_stop = CancellationToken::new();
    let app_config = dashboard::AppConfig {
        nodes: net.nodes.iter().map(|n| n.url.clone()).collect(),
        bucket: net.bucket_id,
        user: USER.to_string(),
        accounts: ddc_chain::keys::DEV_ACCOUNTS.iter().map(|a| a.to_string()).collect(),
    };
    let (app, shutdown) = (dashboard::router(report.clone(), app_config), web_stop.clone().cancelled_owned());
    let web = tokio::spawn(async move { axum::serve(listener, app).with_graceful_shutdown(shutdown).await });
    let urls = Urls {
        report: format!("{dashboard_url}api/report"),
        app: format!("{dashboard_url}app"),
        dashboard: dashboard_url,
        chain: net.chain_url.clone(),
        nodes: net.nodes.iter().map(|n| n.url.clone()).collect(),
        validators: net.validators.iter().map(|v| format!("{}/v1/status", v.url)).collect(),
    };
    progress(Progress::Ready(&urls));

    // `--exit` gives up when the network stops making progress (no new epoch, nothing more
    // settled) for this long, not after a fixed time: in lockstep an epoch lasts as long as its
    // work takes on this machine and chain.
    let stall = Duration::from_millis(8 * epoch_ms) + Duration::from_secs(120);
    let mut deadline = Instant::now() + stall;
    let mut last_settled = None;
    let http = reqwest::Client::new();
    let mut last_epoch = None;
    let outcome = loop {
        tokio::select! {
            _ = stop.cancelled() => break Ok(()),
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
        }
        if let Err(e) = ledger.follow(observer.as_ref()).await {
            tracing::warn!("following the chain: {e}");
            continue;
        }
        if let Some(e) = ledger.report.current_epoch.and_then(|e| e.checked_sub(1)).filter(|e| audited < Some(*e)) {
            match audit(auditor.as_ref(), &receipts, e, false).await {
                Ok(_) => audited = Some(e),
                Err(err) => tracing::warn!(epoch = e, "auditing the receipts: {err}"),
            }
        }
        ledger.scrape(&http).await;
        *report.lock().expect("report lock") = ledger.report.clone();
        let r = &ledger.report;
        if r.current_epoch != last_epoch || Some(r.settled_through) != last_settled {
            (last_epoch, last_settled) = (r.current_epoch, Some(r.settled_through));
            deadline = Instant::now() + stall;
            progress(Progress::Epoch { epoch: r.current_epoch.unwrap_or(0), settled_through: r.settled_through });
        }
        if let Some(e) = epochs {
            if r.settled_through >= first + e {
                break Ok(());
            }
            if Instant::now() > deadline {
                break Err(DevnetError::Timeout(format!(
                    "{e} epochs after the workload to be paid out: no progress for {stall:?}"
                )));
            }
        }
    };
    net.stop().await?;
    web_stop.cancel();
    let _ = web.await;
    outcome.map(|()| ledger.report)
}
