//! The node's HTTP API (docs/api.md), with CORS open so web apps can call it directly.

pub mod error;
pub mod internal;
pub mod objects;

use crate::state::Shared;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;
use std::time::Instant;
use tower_http::cors::CorsLayer;

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/health", get(internal::health))
        .route("/metrics", get(internal::metrics))
        .route("/v1/buckets/{bucket}/objects", get(objects::list_objects))
        .route(
            "/v1/buckets/{bucket}/objects/{*key}",
            put(objects::put_object).get(objects::get_object).delete(objects::delete_object),
        )
        .route("/v1/replicas", get(internal::replicas))
        .route("/v1/proof", post(internal::proof))
        .route("/v1/chunk/{cluster}/{vnode}/{epoch}/{index}", get(internal::chunk))
        .route("/v1/internal/manifest", post(internal::put_manifest))
        .route("/v1/internal/manifest/{cluster}/{vnode}", get(internal::get_manifest))
        .route("/v1/internal/entries/{cluster}/{vnode}", get(internal::get_entries))
        .route("/v1/internal/data/{cluster}/{vnode}/{bucket}/{*key}", get(internal::get_data))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(CorsLayer::permissive())
        .with_state(state)
}

/// Request counts and latencies by route.
async fn observe(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map_or("unmatched".to_string(), |p| p.as_str().to_string());
    let started = Instant::now();
    let resp = next.run(req).await;
    state.metrics.request_seconds.with_label_values(&[&route]).observe(started.elapsed().as_secs_f64());
    state.metrics.requests.with_label_values(&[&route, resp.status().as_str()]).inc();
    resp
}
