//! The embedded chain's HTTP RPC (see `docs/chain-rpc.md`), CORS open for web pages.

use super::node::Node;
use crate::rpc::*;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State as AxumState;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use scale::{Decode, Encode};
use std::sync::Arc;
use tower_http::cors::CorsLayer;

type Shared = Arc<Node>;

struct RpcError(StatusCode, String);

impl IntoResponse for RpcError {
    fn into_response(self) -> Response {
        (self.0, Json(ErrorResponse { error: self.1 })).into_response()
    }
}

fn bad(e: impl ToString) -> RpcError {
    RpcError(StatusCode::BAD_REQUEST, e.to_string())
}

pub fn router(node: Shared) -> Router {
    Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/rpc/head", post(head))
        .route("/rpc/query", post(query))
        .route("/rpc/submit", post(submit))
        .route("/rpc/account", post(account))
        .route("/rpc/events", post(events))
        .route("/rpc/dev/set_time", post(set_time))
        .route("/rpc/subscribe", get(subscribe))
        .layer(CorsLayer::permissive())
        .with_state(node)
}

async fn head(AxumState(node): AxumState<Shared>) -> Json<HeadResponse> {
    Json(
        node.with_chain(|c| HeadResponse {
            number: c.number,
            now_ms: c.state.now_ms,
            genesis: to_hex(&c.genesis),
            contract: to_hex(c.state.contract.as_ref()),
        })
        .await,
    )
}

async fn query(
    AxumState(node): AxumState<Shared>,
    Json(req): Json<QueryRequest>,
) -> Result<Json<QueryResponse>, RpcError> {
    let origin = account_from_hex(&req.origin).map_err(bad)?;
    let data = from_hex(&req.data).map_err(bad)?;
    let (out, _) = node.with_chain(|c| c.state.dry_run(origin, 0, &data)).await.map_err(bad)?;
    Ok(Json(QueryResponse { output: to_hex(&out.data), reverted: out.reverted }))
}

async fn submit(
    AxumState(node): AxumState<Shared>,
    Json(req): Json<SubmitRequest>,
) -> Result<Json<SubmitResponse>, RpcError> {
    let bytes = from_hex(&req.call).map_err(bad)?;
    let call = SignedCall::decode(&mut &bytes[..]).map_err(|e| bad(format!("not a SignedCall: {e}")))?;
    let included = node.submit(call).await.map_err(bad)?;
    Ok(Json(SubmitResponse {
        block: included.block,
        output: to_hex(&included.output),
        reverted: included.reverted,
        events: included.events.iter().map(|e| to_hex(&e.encode())).collect(),
    }))
}

async fn account(
    AxumState(node): AxumState<Shared>,
    Json(req): Json<AccountRequest>,
) -> Result<Json<AccountResponse>, RpcError> {
    let who = account_from_hex(&req.account).map_err(bad)?;
    Ok(Json(
        node.with_chain(|c| AccountResponse {
            free: c.state.balance(&who).to_string(),
            nonce: c.nonces.get(&who).copied().unwrap_or(0),
        })
        .await,
    ))
}

async fn events(AxumState(node): AxumState<Shared>, Json(req): Json<EventsRequest>) -> Json<EventsResponse> {
    Json(
        node.with_chain(|c| EventsResponse {
            head: c.number,
            blocks: c
                .events
                .iter()
                .filter(|(n, _)| *n >= req.from)
                .map(|(n, events)| BlockEvents {
                    number: *n,
                    events: events.iter().map(|e| to_hex(&e.encode())).collect(),
                })
                .collect(),
        })
        .await,
    )
}

async fn set_time(
    AxumState(node): AxumState<Shared>,
    Json(req): Json<SetTimeRequest>,
) -> Result<Json<HeadResponse>, RpcError> {
    if !node.set_time(req.now_ms).await {
        return Err(RpcError(
            StatusCode::FORBIDDEN,
            "this chain runs on the wall clock (start it with --manual-time)".into(),
        ));
    }
    Ok(head(AxumState(node)).await)
}

/// A WebSocket that sends every new block as a JSON `BlockEvents` (events hex-encoded), from the
/// next block on, until the client goes away.
async fn subscribe(AxumState(node): AxumState<Shared>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| follow(node, socket))
}

async fn follow(node: Shared, mut socket: WebSocket) {
    let mut head = node.subscribe();
    let mut next = *head.borrow() + 1;
    while head.changed().await.is_ok() {
        let blocks = node
            .with_chain(|c| {
                (next..=c.number)
                    .map(|number| BlockEvents {
                        number,
                        events: c.block_events(number).iter().map(|e| to_hex(&e.encode())).collect(),
                    })
                    .collect::<Vec<_>>()
            })
            .await;
        for block in blocks {
            next = block.number + 1;
            let json = serde_json::to_string(&block).expect("JSON");
            if socket.send(Message::Text(json.into())).await.is_err() {
                return;
            }
        }
    }
}
