//! The validator's HTTP endpoints (CORS open): `/health`, `/metrics`, `/v1/status`.

use crate::epoch::Shared;
use crate::status::Status;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use tower_http::cors::CorsLayer;

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .route("/v1/status", get(status))
        .layer(CorsLayer::permissive())
        .with_state(state)
}

async fn health(State(v): State<Shared>) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "ok": true, "account": ddc_chain::rpc::to_hex(v.me.as_ref()) }))
}

async fn metrics(State(v): State<Shared>) -> impl IntoResponse {
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], v.metrics.render())
}

async fn status(State(v): State<Shared>) -> Json<Status> {
    Json(v.status.lock().expect("status lock").clone())
}
