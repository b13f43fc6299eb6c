//! Objects in buckets: signed puts and deletes fanned out to the object's replica set, reads with
//! ranges served from a local replica or through one that has it, and cluster-wide listings.

use super::error::{ApiError, ApiResult};
use crate::auth::{now_ms, RequestAuth};
use crate::peers::{failure, forward, FORWARDED};
use crate::receipt::{self, order_signed_by, SignedReceipt, ORDER};
use crate::ring::placement;
use crate::state::{NodeState, Shared};
use crate::storage::index::ObjectMeta;
use crate::storage::Written;
use crate::view::{Bucket, Topology};
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ddc_chain::AccountId;
use ddc_primitives::ids::{BucketId, NodeId, VNodeIndex};
use ddc_verifier_contract::logic::Order;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

/// Longest object key, in bytes.
pub const MAX_KEY_BYTES: usize = 1024;

/// One replica's outcome in a write receipt.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReplicaOutcome {
    pub vnode: VNodeIndex,
    pub node_id: NodeId,
    /// Durable on that replica (or a newer version already was).
    pub durable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The hosting node's signed receipt; none where nothing was stored for this version (a
    /// newer one had arrived first) or the replica failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<SignedReceipt>,
}

/// The answer to a put or delete.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WriteReceipt {
    pub bucket: BucketId,
    pub key: String,
    pub version: u64,
    pub len: u64,
    #[serde(with = "hex::serde")]
    pub sha256: [u8; 32],
    pub replicas: Vec<ReplicaOutcome>,
}

/// An entry of a listing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedObject {
    pub key: String,
    pub len: u64,
    pub version: u64,
    #[serde(with = "hex::serde")]
    pub sha256: [u8; 32],
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Listing {
    pub objects: Vec<ListedObject>,
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub prefix: String,
    #[serde(default = "default_limit")]
    pub limit: usize,
}

fn default_limit() -> usize {
    1000
}

struct Access {
    auth: Option<RequestAuth>,
    bucket: Arc<Bucket>,
}

/// Checks a request against the bucket: signature, freshness, cluster, permission, payment.
async fn authorize(
    state: &NodeState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    id: BucketId,
    write: bool,
) -> ApiResult<Access> {
    let auth = RequestAuth::from_headers(headers)?;
    if let Some(a) = &auth {
        a.verify(method.as_str(), crate::auth::target(uri))?;
        state.replay.check(a, now_ms())?;
    }
    let bucket =
        state.view.bucket(id).await?.ok_or_else(|| ApiError::not_found(format!("bucket {id} does not exist")))?;
    let cluster = bucket.status.bucket.cluster_id;
    if cluster != state.cluster_id {
        return Err(ApiError::new(
            StatusCode::MISDIRECTED_REQUEST,
            "wrong_cluster",
            format!("bucket {id} is stored by cluster {cluster}; this node serves cluster {}", state.cluster_id),
        ));
    }
    let account = auth.as_ref().map(|a| a.account);
    match (write, account) {
        (true, None) => return Err(ApiError::unauthorized("writes must be signed by the bucket's owner or a writer")),
        (true, Some(a)) if !bucket.may_write(&a) => {
            return Err(ApiError::forbidden(format!(
                "account 0x{} may not write to bucket {id}",
                crate::view::account_hex(&a)
            )))
        }
        (false, None) if !bucket.may_read(None) => {
            return Err(ApiError::unauthorized(format!("bucket {id} is private: sign the request")))
        }
        (false, Some(a)) if !bucket.may_read(Some(&a)) => {
            return Err(ApiError::forbidden(format!(
                "account 0x{} may not read bucket {id}",
                crate::view::account_hex(&a)
            )))
        }
        _ => {}
    }
    if !bucket.paid() {
        return Err(ApiError::new(
            StatusCode::PAYMENT_REQUIRED,
            "payment_required",
            format!(
                "the owner's deposit covered bucket {id}'s rent only until {} ms (chain time): deposit more",
                bucket.status.rent_covered_until_ms
            ),
        ));
    }
    Ok(Access { auth, bucket })
}

/// Keys are what a path can carry and a listing can print.
pub fn check_key(key: &str) -> ApiResult<()> {
    if key.is_empty() || key.len() > MAX_KEY_BYTES || key.chars().any(char::is_control) {
        return Err(ApiError::bad_request(format!(
            "object keys are 1 to {MAX_KEY_BYTES} bytes without control characters"
        )));
    }
    Ok(())
}

/// Writes the body to a temporary file while hashing it: memory stays flat, and nothing is
/// stored until the body matches the signed hash.
async fn spool(state: &NodeState, body: Body) -> ApiResult<(tempfile::TempPath, u64, [u8; 32])> {
    let path = tempfile::NamedTempFile::new_in(&state.spool_dir)?.into_temp_path();
    let mut file = tokio::fs::File::create(&path).await?;
    let mut hasher = Sha256::new();
    let mut len = 0u64;
    let mut stream = body.into_data_stream();
    while let Some(piece) = stream.next().await {
        let piece = piece.map_err(|e| ApiError::bad_request(format!("reading the body: {e}")))?;
        hasher.update(&piece);
        len += piece.len() as u64;
        file.write_all(&piece).await?;
    }
    file.flush().await?;
    Ok((path, len, hasher.finalize().into()))
}

enum WriteOp {
    Put { path: std::path::PathBuf, len: u64, sha256: [u8; 32] },
    Delete,
}

/// The owner's signed order of a write: required, and it must be the request's.
pub fn signed_order(headers: &HeaderMap, account: &AccountId, order: &Order) -> ApiResult<[u8; 64]> {
    let signature = headers
        .get(ORDER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| hex::decode(v.trim_start_matches("0x")).ok())
        .and_then(|v| <[u8; 64]>::try_from(v).ok())
        .ok_or_else(|| {
            ApiError::bad_request(format!("a write needs header {ORDER}: the owner's signed order (docs/api.md)"))
        })?;
    if !order_signed_by(account, order, &signature) {
        return Err(ApiError::unauthorized(format!(
            "header {ORDER} is not the signer's signature of this write's order"
        )));
    }
    Ok(signature)
}

/// Applies a write to the replicas of the placement: the local ones here, the others through
/// their nodes (unless this request was itself forwarded). Returns every replica's outcome.
async fn replicate(
    state: &Shared,
    topo: &Topology,
    targets: &[VNodeIndex],
    forwarded: bool,
    (bucket, key, version): (BucketId, &str, u64),
    (op, order, order_signature): (&WriteOp, Order, [u8; 64]),
    (method, uri, headers): (&Method, &Uri, &HeaderMap),
) -> Vec<ReplicaOutcome> {
    let mut outcomes = Vec::new();
    let mut remote: BTreeMap<NodeId, Vec<VNodeIndex>> = BTreeMap::new();
    for &vnode in targets {
        match topo.host(vnode) {
            Some(n) if n == state.node_id => {
                let (s, key) = (state.clone(), key.to_string());
                let result = match op {
                    WriteOp::Put { path, len, sha256 } => {
                        let (path, len, sha256) = (path.clone(), *len, *sha256);
                        tokio::task::spawn_blocking(move || {
                            let mut file = std::fs::File::open(&path).map_err(|e| e.to_string())?;
                            s.storage
                                .put(
                                    s.cluster_id,
                                    vnode,
                                    bucket,
                                    &key,
                                    version,
                                    sha256,
                                    len,
                                    &mut file,
                                    Some(order_signature),
                                )
                                .map_err(|e| e.to_string())
                        })
                        .await
                    }
                    WriteOp::Delete => {
                        tokio::task::spawn_blocking(move || {
                            s.storage
                                .delete(s.cluster_id, vnode, bucket, &key, version, Some(order_signature))
                                .map_err(|e| e.to_string())
                        })
                        .await
                    }
                };
                let result = result.unwrap_or_else(|e| Err(e.to_string())).and_then(|w| match w {
                    // Acknowledging it would lose it: the other write stays.
                    Written::Conflict(other) => Err(format!(
                        "another write of this key has the same version {} (its signed timestamp): sign this one again",
                        other.version
                    )),
                    w => Ok(w),
                });
                state.observe_replica(vnode);
                let stored = match &result {
                    Ok(Written::Stored(meta)) => Some(meta),
                    Ok(Written::Superseded(meta)) if meta.version == version => Some(meta),
                    _ => None,
                };
                let receipt = stored
                    .map(|m| SignedReceipt::issue(&state.signer, (state.cluster_id, vnode, state.node_id), order, m));
                outcomes.push(ReplicaOutcome {
                    vnode,
                    node_id: state.node_id,
                    durable: matches!(result, Ok(Written::Stored(_)) | Ok(Written::Superseded(_))),
                    error: result.err(),
                    receipt,
                });
            }
            Some(n) if !forwarded => remote.entry(n).or_default().push(vnode),
            _ => {}
        }
    }
    let body = match op {
        WriteOp::Put { path, .. } => Some(path.as_path()),
        WriteOp::Delete => None,
    };
    let path_and_query = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    let sends = remote.iter().map(|(node, vnodes)| async move {
        let url = topo.nodes.get(node).map(|p| p.url.clone()).unwrap_or_default();
        let result = match forward(state, &url, method.clone(), path_and_query, headers, body).await {
            Ok(r) if r.status().is_success() => r.json::<WriteReceipt>().await.map_err(|e| e.to_string()),
            Ok(r) => Err(failure(r).await),
            Err(e) => Err(e),
        };
        match result {
            Ok(receipt) => receipt.replicas,
            Err(e) => vnodes
                .iter()
                .map(|v| ReplicaOutcome {
                    vnode: *v,
                    node_id: *node,
                    durable: false,
                    error: Some(e.clone()),
                    receipt: None,
                })
                .collect(),
        }
    });
    for r in futures_util::future::join_all(sends).await {
        outcomes.extend(r);
    }
    outcomes.sort_by_key(|o| targets.iter().position(|v| *v == o.vnode));
    outcomes
}

async fn write(
    state: Shared,
    (bucket, key): (BucketId, String),
    (method, uri, headers): (Method, Uri, HeaderMap),
    body: Option<Body>,
) -> ApiResult<Response> {
    check_key(&key)?;
    let access = authorize(&state, &method, &uri, &headers, bucket, true).await?;
    let auth = access.auth.expect("writes are signed");
    let topo = state.topology().await?;
    let targets = placement(bucket, &key, topo.vnode_count(), access.bucket.params.replication);
    let forwarded = headers.contains_key(FORWARDED);
    if forwarded && !targets.iter().any(|v| topo.host(*v) == Some(state.node_id)) {
        return Err(ApiError::new(StatusCode::CONFLICT, "not_a_replica", "this node hosts no replica of the key"));
    }
    let (_spooled, op, len, sha256) = match body {
        Some(body) => {
            let (path, len, sha256) = spool(&state, body).await?;
            if sha256 != auth.content_sha256 {
                return Err(ApiError::bad_request(format!(
                    "the body's SHA-256 is {}, the request signed {}",
                    hex::encode(sha256),
                    hex::encode(auth.content_sha256)
                )));
            }
            let op = WriteOp::Put { path: path.to_path_buf(), len, sha256 };
            (Some(path), op, len, sha256)
        }
        None => (None, WriteOp::Delete, 0, auth.content_sha256),
    };
    let version = auth.timestamp_ms;
    let order = receipt::order(bucket, &key, version, matches!(op, WriteOp::Put { .. }).then_some(sha256));
    let order_signature = signed_order(&headers, &auth.account, &order)?;
    let replicas = replicate(
        &state,
        &topo,
        &targets,
        forwarded,
        (bucket, &key, version),
        (&op, order, order_signature),
        (&method, &uri, &headers),
    )
    .await;
    let durable = replicas.iter().filter(|o| o.durable).count();
    let quorum = match state.config.write_quorum {
        0 => targets.len(),
        q => (q as usize).min(targets.len()),
    };
    let receipt = WriteReceipt { bucket, key, version, len, sha256, replicas };
    if forwarded || durable >= quorum {
        let status = if method == Method::PUT { StatusCode::CREATED } else { StatusCode::OK };
        return Ok((status, Json(receipt)).into_response());
    }
    tracing::warn!(bucket, key = receipt.key, durable, quorum, "write quorum not reached");
    Ok((StatusCode::SERVICE_UNAVAILABLE, Json(receipt)).into_response())
}

pub async fn put_object(
    State(state): State<Shared>,
    Path(object): Path<(BucketId, String)>,
    head: Parts,
    body: Body,
) -> ApiResult<Response> {
    write(state, object, (head.method, head.uri, head.headers), Some(body)).await
}

pub async fn delete_object(
    State(state): State<Shared>,
    Path(object): Path<(BucketId, String)>,
    head: Parts,
) -> ApiResult<Response> {
    write(state, object, (head.method, head.uri, head.headers), None).await
}

/// `Range: bytes=a-b | a- | -n` → `[start, end)` within `len`.
pub fn parse_range(value: &str, len: u64) -> Option<(u64, u64)> {
    let spec = value.strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (start, end) = match (a.trim(), b.trim()) {
        ("", n) => {
            let n: u64 = n.parse().ok()?;
            (len.saturating_sub(n), len)
        }
        (a, "") => (a.parse().ok()?, len),
        (a, b) => (a.parse().ok()?, b.parse::<u64>().ok()?.saturating_add(1).min(len)),
    };
    (start < end && start < len).then_some((start, end))
}

/// Streams `[start, end)` of a local object.
async fn serve_local(
    state: &NodeState,
    vnode: VNodeIndex,
    bucket: BucketId,
    key: &str,
    range: Option<&str>,
) -> ApiResult<Option<Response>> {
    let Some(reader) = state.storage.reader(state.cluster_id, vnode, bucket, key)? else { return Ok(None) };
    let meta = reader.meta.clone();
    let (start, end, status) = match range {
        Some(r) => match parse_range(r, meta.len) {
            Some((s, e)) => (s, e, StatusCode::PARTIAL_CONTENT),
            None => {
                return Ok(Some(
                    Response::builder()
                        .status(StatusCode::RANGE_NOT_SATISFIABLE)
                        .header(header::CONTENT_RANGE, format!("bytes */{}", meta.len))
                        .body(Body::empty())
                        .expect("response"),
                ))
            }
        },
        None => (0, meta.len, StatusCode::OK),
    };
    let (file, offset) = reader.file()?;
    let mut file = tokio::fs::File::from_std(file);
    file.seek(std::io::SeekFrom::Start(offset + start)).await?;
    let stream = tokio_util::io::ReaderStream::new(file.take(end - start));
    let mut resp = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header(header::CONTENT_LENGTH, end - start)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::ETAG, format!("\"{}\"", hex::encode(meta.sha256)))
        .header("x-ddc-version", meta.version)
        .header("x-ddc-sha256", hex::encode(meta.sha256))
        .header("x-ddc-vnode", vnode);
    if status == StatusCode::PARTIAL_CONTENT {
        resp = resp.header(header::CONTENT_RANGE, format!("bytes {start}-{}/{}", end - 1, meta.len));
    }
    Ok(Some(resp.body(Body::from_stream(stream)).expect("response")))
}

pub async fn get_object(
    State(state): State<Shared>,
    Path((bucket, key)): Path<(BucketId, String)>,
    Parts { method, uri, headers, .. }: Parts,
) -> ApiResult<Response> {
    check_key(&key)?;
    let access = authorize(&state, &method, &uri, &headers, bucket, false).await?;
    let topo = state.topology().await?;
    let targets = placement(bucket, &key, topo.vnode_count(), access.bucket.params.replication);
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    // The newest version among the local replicas.
    let mut best: Option<(VNodeIndex, ObjectMeta)> = None;
    for &v in targets.iter().filter(|v| topo.host(**v) == Some(state.node_id)) {
        if let Some(m) = state.storage.object(state.cluster_id, v, bucket, &key)? {
            if best.as_ref().map_or(true, |(_, b)| m.version > b.version) {
                best = Some((v, m));
            }
        }
    }
    if let Some((vnode, meta)) = &best {
        if meta.deleted {
            return Err(ApiError::not_found(format!("{key} was deleted from bucket {bucket}")));
        }
        if let Some(resp) = serve_local(&state, *vnode, bucket, &key, range).await? {
            return Ok(resp);
        }
    }
    if headers.contains_key(FORWARDED) {
        return Err(ApiError::not_found(format!("no object {key} in bucket {bucket}")));
    }
    // Through the other replicas' nodes, in placement order.
    let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    let mut last = ApiError::not_found(format!("no object {key} in bucket {bucket}"));
    for v in &targets {
        let Some(node) = topo.host(*v).filter(|n| *n != state.node_id) else { continue };
        let url = topo.nodes.get(&node).map(|p| p.url.clone()).unwrap_or_default();
        match forward(&state, &url, method.clone(), path, &headers, None).await {
            Ok(r) if r.status().is_success() => return Ok(proxied(r)),
            Ok(r) if r.status() == StatusCode::NOT_FOUND => {}
            Ok(r) => last = ApiError::new(StatusCode::BAD_GATEWAY, "replica_failed", failure(r).await),
            Err(e) => last = ApiError::new(StatusCode::BAD_GATEWAY, "replica_unreachable", e),
        }
    }
    Err(last)
}

/// A peer's response passed through as it streams.
fn proxied(r: reqwest::Response) -> Response {
    let mut resp = Response::builder().status(r.status().as_u16());
    for (k, v) in r.headers() {
        if k != header::TRANSFER_ENCODING && k != header::CONNECTION {
            resp = resp.header(k.as_str(), HeaderValue::from_bytes(v.as_bytes()).expect("header"));
        }
    }
    resp.body(Body::from_stream(r.bytes_stream())).expect("response")
}

pub async fn list_objects(
    State(state): State<Shared>,
    Path(bucket): Path<BucketId>,
    Query(q): Query<ListQuery>,
    Parts { method, uri, headers, .. }: Parts,
) -> ApiResult<Json<Listing>> {
    authorize(&state, &method, &uri, &headers, bucket, false).await?;
    let topo = state.topology().await?;
    let limit = q.limit.clamp(1, 10_000);
    let mut merged: BTreeMap<String, ListedObject> = BTreeMap::new();
    let mut add = |o: ListedObject| match merged.get(&o.key) {
        Some(e) if e.version >= o.version => {}
        _ => {
            merged.insert(o.key.clone(), o);
        }
    };
    for v in topo.hosted_by(state.node_id) {
        for (key, m) in state.storage.list(state.cluster_id, v, bucket, &q.prefix, limit)? {
            add(ListedObject { key, len: m.len, version: m.version, sha256: m.sha256, deleted: m.deleted });
        }
    }
    if !headers.contains_key(FORWARDED) {
        let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
        let peers = topo.nodes.iter().filter(|(id, _)| **id != state.node_id);
        let answers = futures_util::future::join_all(
            peers.map(|(_, p)| forward(&state, &p.url, Method::GET, path, &headers, None)),
        )
        .await;
        for answer in answers {
            match answer {
                Ok(r) if r.status().is_success() => {
                    let listing: Listing = r
                        .json()
                        .await
                        .map_err(|e| ApiError::new(StatusCode::BAD_GATEWAY, "replica_failed", e.to_string()))?;
                    listing.objects.into_iter().for_each(&mut add);
                }
                Ok(r) => tracing::warn!("listing from a peer failed: {}", failure(r).await),
                Err(e) => tracing::warn!("listing from a peer failed: {e}"),
            }
        }
    }
    let forwarded = headers.contains_key(FORWARDED);
    let objects = merged.into_values().filter(|o| forwarded || !o.deleted).take(limit).collect();
    Ok(Json(Listing { objects }))
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9", 100), Some((0, 10)));
        assert_eq!(parse_range("bytes=90-", 100), Some((90, 100)));
        assert_eq!(parse_range("bytes=-5", 100), Some((95, 100)));
        assert_eq!(parse_range("bytes=50-500", 100), Some((50, 100)));
        assert_eq!(parse_range("bytes=100-", 100), None);
        assert_eq!(parse_range("bytes=5-1", 100), None);
        assert_eq!(parse_range("items=0-1", 100), None);
        assert_eq!(parse_range("bytes=0-1,4-5", 100), None);
    }
}
