//! The dashboard: one static page that polls `/api/report` (the ledger's report as JSON), and
//! the report itself for scripts; and the web app at `/app`, which stores objects straight from
//! the browser (encrypted and signed there; `webapp/`), with its settings at `/api/app-config`.
//! CORS is open.

use crate::ledger::Report;
use axum::extract::State;
use axum::http::header;
use axum::response::Html;
use axum::routing::get;
use axum::{Json, Router};
use std::sync::{Arc, Mutex};
use tower_http::cors::CorsLayer;

pub type SharedReport = Arc<Mutex<Report>>;

const PAGE: &str = include_str!("dashboard.html");
const APP_PAGE: &str = include_str!("../../webapp/app.html");
/// Built by `scripts/build-webapp.sh` from `webapp/src` with the pinned `webapp/package-lock.json`.
const APP_JS: &str = include_str!("../../webapp/dist/app.js");

/// What the web app starts from: the devnet's nodes, its user's bucket, the dev accounts.
#[derive(Clone, Debug, serde::Serialize)]
pub struct AppConfig {
    pub nodes: Vec<String>,
    pub bucket: u32,
    pub user: String,
    pub accounts: Vec<String>,
}

pub fn router(report: SharedReport, app: AppConfig) -> Router {
    Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route("/app", get(|| async { Html(APP_PAGE) }))
        .route("/app/app.js", get(|| async { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], APP_JS) }))
        .route("/api/app-config", get(move || async move { Json(app.clone()) }))
        .route("/api/report", get(report_json))
        .layer(CorsLayer::permissive())
        .with_state(report)
}

async fn report_json(State(report): State<SharedReport>) -> Json<Report> {
    Json(report.lock().expect("report lock").clone())
}
