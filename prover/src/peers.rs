//! Requests to the other nodes of the cluster: forwarded user requests (the user's signature
//! travels with them and every replica checks it) and node-to-node calls signed with this
//! node's provider key.

use crate::auth::{RequestAuth, EMPTY_SHA256};
use crate::state::NodeState;
use reqwest::{Method, RequestBuilder, Response};
use std::path::Path;
use std::time::Duration;

/// Marks a request one node forwards to another: it is served locally, never forwarded again.
pub const FORWARDED: &str = "x-ddc-forwarded";

/// Headers of a user's request that a forward carries along.
const CARRIED: [&str; 7] = [
    crate::receipt::ORDER,
    crate::auth::ACCOUNT,
    crate::auth::TIMESTAMP,
    crate::auth::NONCE,
    crate::auth::CONTENT_SHA256,
    crate::auth::SIGNATURE,
    "range",
];

/// A user's request forwarded to `base_url`, with `body` streamed from a spooled file.
pub async fn forward(
    state: &NodeState,
    base_url: &str,
    method: Method,
    path_and_query: &str,
    headers: &http::HeaderMap,
    body: Option<&Path>,
) -> Result<Response, String> {
    let mut req = state.http.request(method, format!("{base_url}{path_and_query}")).header(FORWARDED, "1");
    for name in CARRIED {
        if let Some(v) = headers.get(name) {
            req = req.header(name, v);
        }
    }
    if let Some(path) = body {
        let file = tokio::fs::File::open(path).await.map_err(|e| format!("spooled body: {e}"))?;
        let len = file.metadata().await.map_err(|e| format!("spooled body: {e}"))?.len();
        req = req
            .header(http::header::CONTENT_LENGTH, len)
            .body(reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::new(file)));
    }
    req.timeout(Duration::from_millis(state.config.peer_timeout_ms))
        .send()
        .await
        .map_err(|e| format!("{base_url}: {e}"))
}

/// A request to another node signed by this node's provider key (path and query).
pub fn signed(state: &NodeState, method: Method, base_url: &str, path: &str, body: Option<Vec<u8>>) -> RequestBuilder {
    let sha = body.as_ref().map_or(EMPTY_SHA256, |b| <sha2::Sha256 as sha2::Digest>::digest(b).into());
    let auth = RequestAuth::sign(&state.signer, method.as_str(), path, sha);
    let mut req = state.http.request(method, format!("{base_url}{path}"));
    for (k, v) in auth.headers() {
        req = req.header(k, v);
    }
    if let Some(b) = body {
        req = req.header(http::header::CONTENT_TYPE, "application/json").body(b);
    }
    req.timeout(Duration::from_millis(state.config.peer_timeout_ms))
}

/// A failed peer response as text.
pub async fn failure(resp: Response) -> String {
    let status = resp.status();
    let body = resp.text().await.unwrap_or_default();
    format!("{status}: {body}")
}
