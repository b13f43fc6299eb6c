//! A user's client of the node API: signed puts, gets, listings and deletes, streaming both ways
//! so memory stays flat for any object size; [`secure`] adds client-side encryption and
//! sharing on top. The `ddc` CLI and the tests use it; app developers use it from Rust.

pub mod envelope;
pub mod names;
pub mod secure;
pub mod wrap;

use crate::auth::{RequestAuth, EMPTY_SHA256};
use crate::receipt;
use crate::server::objects::{Listing, WriteReceipt};
use crate::storage::index::ReplicaState;
use ddc_chain::Signer;
use ddc_primitives::ids::BucketId;
use futures_util::StreamExt;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use sha2::{Digest, Sha256};
use std::path::Path;
use tokio::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Characters escaped in an object key's path segment (`/` stays: keys may have folders).
const KEY: &AsciiSet =
    &CONTROLS.add(b' ').add(b'"').add(b'#').add(b'%').add(b'<').add(b'>').add(b'?').add(b'`').add(b'{').add(b'}');

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the node answered {status}: {message}")]
    Api { status: u16, code: String, message: String },
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
}

pub struct ObjectClient {
    http: reqwest::Client,
    base: String,
    signer: Option<Signer>,
}

pub fn object_path(bucket: BucketId, key: &str) -> String {
    format!("/v1/buckets/{bucket}/objects/{}", utf8_percent_encode(key, KEY))
}

impl ObjectClient {
    /// A client of the node at `base_url`; without a signer it makes anonymous (public) reads.
    pub fn new(base_url: &str, signer: Option<Signer>) -> Self {
        Self { http: reqwest::Client::new(), base: base_url.trim_end_matches('/').to_string(), signer }
    }

    fn request(&self, method: reqwest::Method, path: &str, sha: [u8; 32]) -> reqwest::RequestBuilder {
        self.signed(method, path, sha, None)
    }

    /// A put (content `sha`) or delete (`sha` None) of `key`, with the owner's signed order.
    fn write(
        &self,
        method: reqwest::Method,
        bucket: BucketId,
        key: &str,
        sha: Option<[u8; 32]>,
    ) -> reqwest::RequestBuilder {
        self.signed(method, &object_path(bucket, key), sha.unwrap_or(EMPTY_SHA256), Some((bucket, key, sha)))
    }

    fn signed(
        &self,
        method: reqwest::Method,
        path: &str,
        sha: [u8; 32],
        write: Option<(BucketId, &str, Option<[u8; 32]>)>,
    ) -> reqwest::RequestBuilder {
        let mut req = self.http.request(method.clone(), format!("{}{path}", self.base));
        if let Some(s) = &self.signer {
            let auth = RequestAuth::sign(s, method.as_str(), path, sha);
            if let Some((bucket, key, digest)) = write {
                let order = receipt::order(bucket, key, auth.timestamp_ms, digest);
                req = req.header(receipt::ORDER, hex::encode(receipt::sign_order(s, &order)));
            }
            for (k, v) in auth.headers() {
                req = req.header(k, v);
            }
        }
        req
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Result<reqwest::Response, ClientError> {
        let resp =
            req.send().await.map_err(|e| ClientError::Unreachable { url: self.base.clone(), reason: e.to_string() })?;
        if resp.status().is_success() {
            return Ok(resp);
        }
        let status = resp.status().as_u16();
        let body: serde_json::Value = resp.json().await.unwrap_or_default();
        Err(ClientError::Api {
            status,
            code: body["error"].as_str().unwrap_or("").to_string(),
            message: body["message"].as_str().map_or_else(|| body.to_string(), str::to_string),
        })
    }

    pub async fn put_bytes(&self, bucket: BucketId, key: &str, data: Vec<u8>) -> Result<WriteReceipt, ClientError> {
        let sha: [u8; 32] = Sha256::digest(&data).into();
        let resp = self.send(self.write(reqwest::Method::PUT, bucket, key, Some(sha)).body(data)).await?;
        json(resp).await
    }

    /// Uploads a file; `progress` gets the bytes hashed, then the bytes sent.
    pub async fn put_file(
        &self,
        bucket: BucketId,
        key: &str,
        file: &Path,
        progress: impl Fn(u64) + Send + Sync + 'static,
    ) -> Result<WriteReceipt, ClientError> {
        let io = |source| ClientError::Io { path: file.display().to_string(), source };
        let mut f = tokio::fs::File::open(file).await.map_err(io)?;
        let len = f.metadata().await.map_err(io)?.len();
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = f.read(&mut buf).await.map_err(io)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        let f = tokio::fs::File::open(file).await.map_err(io)?;
        self.put_stream(bucket, key, hasher.finalize().into(), len, tokio_util::io::ReaderStream::new(f), progress)
            .await
    }

    /// Uploads `len` bytes of content `sha` from `stream`; `progress` gets the bytes sent.
    pub async fn put_stream<S>(
        &self,
        bucket: BucketId,
        key: &str,
        sha: [u8; 32],
        len: u64,
        stream: S,
        progress: impl Fn(u64) + Send + Sync + 'static,
    ) -> Result<WriteReceipt, ClientError>
    where
        S: futures_util::Stream<Item = std::io::Result<bytes::Bytes>> + Send + 'static,
    {
        let mut sent = 0u64;
        let stream = stream.map(move |piece| {
            if let Ok(p) = &piece {
                sent += p.len() as u64;
                progress(sent);
            }
            piece
        });
        let req = self
            .write(reqwest::Method::PUT, bucket, key, Some(sha))
            .header(reqwest::header::CONTENT_LENGTH, len)
            .body(reqwest::Body::wrap_stream(stream));
        json(self.send(req).await?).await
    }

    /// The object (or `range` of it, `[start, end)`), as a streaming response.
    pub async fn get(
        &self,
        bucket: BucketId,
        key: &str,
        range: Option<(u64, u64)>,
    ) -> Result<reqwest::Response, ClientError> {
        let mut req = self.request(reqwest::Method::GET, &object_path(bucket, key), EMPTY_SHA256);
        if let Some((a, b)) = range {
            req = req.header(reqwest::header::RANGE, format!("bytes={a}-{}", b.saturating_sub(1)));
        }
        self.send(req).await
    }

    pub async fn get_bytes(&self, bucket: BucketId, key: &str) -> Result<Vec<u8>, ClientError> {
        let resp = self.get(bucket, key, None).await?;
        Ok(resp
            .bytes()
            .await
            .map_err(|e| ClientError::Unreachable { url: self.base.clone(), reason: e.to_string() })?
            .to_vec())
    }

    /// Streams an object into `out`; returns its length.
    pub async fn get_to<W: AsyncWrite + Unpin + ?Sized>(
        &self,
        bucket: BucketId,
        key: &str,
        out: &mut W,
        progress: impl Fn(u64, Option<u64>),
    ) -> Result<u64, ClientError> {
        let mut resp = self.get(bucket, key, None).await?;
        let total = resp.content_length();
        let mut n = 0u64;
        let unreachable =
            |e: reqwest::Error| ClientError::Unreachable { url: self.base.clone(), reason: e.to_string() };
        while let Some(piece) = resp.chunk().await.map_err(unreachable)? {
            out.write_all(&piece).await.map_err(|source| ClientError::Io { path: "output".into(), source })?;
            n += piece.len() as u64;
            progress(n, total);
        }
        out.flush().await.map_err(|source| ClientError::Io { path: "output".into(), source })?;
        Ok(n)
    }

    pub async fn list(&self, bucket: BucketId, prefix: &str) -> Result<Listing, ClientError> {
        let path = format!("/v1/buckets/{bucket}/objects?prefix={}", utf8_percent_encode(prefix, KEY));
        let req = self.request(reqwest::Method::GET, &path, EMPTY_SHA256);
        json(self.send(req).await?).await
    }

    pub async fn delete(&self, bucket: BucketId, key: &str) -> Result<WriteReceipt, ClientError> {
        json(self.send(self.write(reqwest::Method::DELETE, bucket, key, None)).await?).await
    }

    /// The node's replicas with their current roots.
    pub async fn replicas(&self) -> Result<Vec<ReplicaState>, ClientError> {
        json(self.send(self.http.get(format!("{}/v1/replicas", self.base))).await?).await
    }
}

async fn json<T: serde::de::DeserializeOwned>(resp: reqwest::Response) -> Result<T, ClientError> {
    let url = resp.url().to_string();
    resp.json().await.map_err(|e| ClientError::Unreachable { url, reason: format!("undecodable answer: {e}") })
}
