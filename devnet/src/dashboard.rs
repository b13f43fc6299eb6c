//! The dashboard: one static page that polls `/api/report` (the ledger's report as JSON), and
//! the report itself for scripts. CORS is open.

use crate::ledger::Report;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use axum::{Json, Router};
use std::sync::{Arc, Mutex};
use tower_http::cors::CorsLayer;

pub type SharedReport = Arc<Mutex<Report>>;

const PAGE: &str = include_str!("dashboard.html");

pub fn router(report: SharedReport) -> Router {
    Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route("/api/report", get(report_json))
        .layer(CorsLayer::permissive())
        .with_state(report)
}

async fn report_json(State(report): State<SharedReport>) -> Json<Report> {
    Json(report.lock().expect("report lock").clone())
}
