//! Endpoints for validators and for the other nodes of the cluster: proofs of epoch commitments,
//! and the manifests, entries and object bytes a replacement node resyncs from.

use super::error::{ApiError, ApiResult};
use crate::auth::{now_ms, RequestAuth};
use crate::state::{NodeState, Shared};
use crate::storage::index::{Manifest, ManifestEntry, ReplicaState};
use crate::storage::StorageError;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ddc_chain::{ChainError, Ddc};
use ddc_primitives::encoding::fr_to_bytes;
use ddc_primitives::ids::{BucketId, ClusterId, Epoch, VNodeIndex};
use ddc_verifier_contract::logic::Error as ContractError;
use serde::Deserialize;
use sha2::Digest;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

pub use ddc_chain::node_api::{ChunkOpening, ProofRequest};

/// `POST /v1/proof`: the 128-byte proof of this node's commitment of `vnode` in `epoch`.
pub async fn proof(State(state): State<Shared>, Json(req): Json<ProofRequest>) -> ApiResult<Response> {
    if req.cluster_id != state.cluster_id {
        return Err(ApiError::not_found(format!(
            "this node serves cluster {}, not {}",
            state.cluster_id, req.cluster_id
        )));
    }
    let seed = match state.view.chain().epoch_seed(req.cluster_id, req.epoch).await {
        Err(ChainError::Contract(ContractError::EpochNotFinished)) => None,
        other => other?,
    };
    match seed {
        None => {
            return Err(ApiError::new(
                StatusCode::TOO_EARLY,
                "seed_not_final",
                format!("epoch {}'s seed is not final on the chain yet", req.epoch),
            ))
        }
        Some(seed) if seed != req.seed => {
            return Err(ApiError::bad_request(format!(
                "seed {} is not epoch {}'s seed on the chain",
                hex::encode(req.seed),
                req.epoch
            )))
        }
        Some(_) => {}
    }
    if state.storage.commit(req.cluster_id, req.vnode, req.epoch)?.is_some_and(|c| c.chunk_count == 0) {
        return Err(ApiError::new(StatusCode::CONFLICT, "empty", "an empty vnode passes without a proof"));
    }
    let proof = state.proofs.proof(req.cluster_id, req.vnode, req.epoch, req.seed).await?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], proof.to_vec()).into_response())
}

/// `GET /v1/chunk/{cluster}/{vnode}/{epoch}/{index}`: a chunk of this node's `epoch`
/// commitment and its path, so validators can check data is retrievable, not only provable.
pub async fn chunk(
    State(state): State<Shared>,
    Path((cluster_id, vnode, epoch, index)): Path<(ClusterId, VNodeIndex, Epoch, u64)>,
) -> ApiResult<Json<ChunkOpening>> {
    let s = state.clone();
    let opened = tokio::task::spawn_blocking(move || s.storage.open_chunk(cluster_id, vnode, epoch, index))
        .await
        .map_err(|e| ApiError::internal(format!("chunk task: {e}")))?;
    let (commit, opening) = match opened {
        Err(StorageError::NoCommit { .. }) => {
            return Err(ApiError::not_found(format!("no commitment of vnode {vnode} in epoch {epoch} here")))
        }
        other => other?,
    };
    if index >= commit.chunk_count {
        return Err(ApiError::bad_request(format!("the commitment holds {} chunks", commit.chunk_count)));
    }
    let siblings = opening.path.siblings.iter().map(|f| hex::encode(fr_to_bytes(f))).collect();
    Ok(Json(ChunkOpening { index, chunk: opening.chunk, siblings }))
}

/// Node-to-node calls must be signed by the provider of a node in this cluster.
async fn peer(state: &NodeState, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> ApiResult<()> {
    let auth =
        RequestAuth::from_headers(headers)?.ok_or_else(|| ApiError::unauthorized("node calls must be signed"))?;
    auth.verify(method.as_str(), crate::auth::target(uri))?;
    if auth.content_sha256 != <[u8; 32]>::from(sha2::Sha256::digest(body)) {
        return Err(ApiError::bad_request("the body does not match its signed hash"));
    }
    state.replay.check(&auth, now_ms())?;
    if state.topology().await?.node_of(&auth.account).is_none() {
        return Err(ApiError::forbidden("only nodes of this cluster may call this"));
    }
    Ok(())
}

/// A node-to-node call without a body, checked before the handler runs.
pub struct PeerCall;

impl axum::extract::FromRequestParts<Shared> for PeerCall {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &Shared) -> ApiResult<Self> {
        peer(state, &parts.method, &parts.uri, &parts.headers, b"").await?;
        Ok(PeerCall)
    }
}

/// `POST /v1/internal/manifest`: a peer's manifest of one of its replicas, kept for resync.
pub async fn put_manifest(
    State(state): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    peer(&state, &method, &uri, &headers, &body).await?;
    let manifest: Manifest =
        serde_json::from_slice(&body).map_err(|e| ApiError::bad_request(format!("manifest: {e}")))?;
    let topo = state.topology().await?;
    let host = topo.host(manifest.vnode).and_then(|h| topo.nodes.get(&h)).map(|p| p.provider);
    let sender = RequestAuth::from_headers(&headers)?.map(|a| a.account);
    if manifest.cluster != state.cluster_id || host.is_none() || host != sender {
        return Err(ApiError::forbidden("only a vnode's host may publish its manifest"));
    }
    state.storage.store_manifest(&manifest)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /v1/internal/manifest/{cluster}/{vnode}`: the newest manifest of a vnode kept here.
pub async fn get_manifest(
    State(state): State<Shared>,
    Path((cluster, vnode)): Path<(ClusterId, VNodeIndex)>,
    _: PeerCall,
) -> ApiResult<Json<Manifest>> {
    let m = state.storage.peer_manifest(cluster, vnode)?;
    Ok(Json(m.ok_or_else(|| ApiError::not_found(format!("no manifest of vnode {vnode} here")))?))
}

/// `GET /v1/internal/entries/{cluster}/{vnode}`: every object record of a replica here.
pub async fn get_entries(
    State(state): State<Shared>,
    Path((cluster, vnode)): Path<(ClusterId, VNodeIndex)>,
    _: PeerCall,
) -> ApiResult<Json<Vec<ManifestEntry>>> {
    Ok(Json(state.storage.entries(cluster, vnode)?))
}

#[derive(Debug, Deserialize)]
pub struct VersionQuery {
    pub version: Option<u64>,
}

/// `GET /v1/internal/data/{cluster}/{vnode}/{bucket}/{*key}[?version=V]`: a replica's current
/// version of an object, or version V while its log still holds it, whatever the bucket's read
/// permissions (peers need them to rebuild replicas).
pub async fn get_data(
    State(state): State<Shared>,
    Path((cluster, vnode, bucket, key)): Path<(ClusterId, VNodeIndex, BucketId, String)>,
    Query(q): Query<VersionQuery>,
    _: PeerCall,
) -> ApiResult<Response> {
    let reader = match q.version {
        Some(version) => state.storage.version_reader(cluster, vnode, bucket, &key, version)?,
        None => state.storage.reader(cluster, vnode, bucket, &key)?,
    };
    let reader =
        reader.ok_or_else(|| ApiError::not_found(format!("no such version of {key} in vnode {vnode} here")))?;
    let (file, offset) = reader.file()?;
    let mut file = tokio::fs::File::from_std(file);
    file.seek(std::io::SeekFrom::Start(offset)).await?;
    let stream = tokio_util::io::ReaderStream::new(file.take(reader.meta.len));
    Ok(Response::builder()
        .header(header::CONTENT_LENGTH, reader.meta.len)
        .header("x-ddc-version", reader.meta.version)
        .body(Body::from_stream(stream))
        .expect("response"))
}

/// `GET /v1/replicas`: every vnode replica here with its current root.
pub async fn replicas(State(state): State<Shared>) -> ApiResult<Json<Vec<ReplicaState>>> {
    let s = state.storage.clone();
    let out = tokio::task::spawn_blocking(move || -> Result<Vec<ReplicaState>, StorageError> {
        let mut out = Vec::new();
        for ((cluster, vnode), _) in s.replicas()? {
            let (meta, chunk_count, root) = s.replica_state((cluster, vnode))?;
            out.push(ReplicaState {
                cluster,
                vnode,
                generation: meta.generation,
                chunk_count,
                live_chunks: meta.live_chunks,
                root,
            });
        }
        Ok(out)
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    Ok(Json(out))
}

/// `GET /health`.
pub async fn health(State(state): State<Shared>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "status": "ok",
        "node_id": state.node_id,
        "cluster_id": state.cluster_id,
        "account": hex::encode(<ddc_chain::AccountId as AsRef<[u8; 32]>>::as_ref(&state.signer.account())),
        "params": state.storage.params(),
    }))
}

/// `GET /metrics`: Prometheus text format.
pub async fn metrics(State(state): State<Shared>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render())
}
