//! Signed requests. A client signs `METHOD`, the URL's path and query, a timestamp, a nonce and
//! the body's SHA-256 with its sr25519 chain key; nodes check the signature, the time window and
//! the nonce, so a request cannot be altered (its `?version=` or `?prefix=` included), replayed,
//! or sent with another body.

use ddc_chain::keys::verify;
use ddc_chain::{AccountId, Signer};
use http::HeaderMap;
use std::collections::HashMap;
use std::sync::Mutex;

pub const ACCOUNT: &str = "x-ddc-account";
pub const TIMESTAMP: &str = "x-ddc-timestamp";
pub const NONCE: &str = "x-ddc-nonce";
pub const CONTENT_SHA256: &str = "x-ddc-content-sha256";
pub const SIGNATURE: &str = "x-ddc-signature";

/// SHA-256 of an empty body.
pub const EMPTY_SHA256: [u8; 32] = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41,
    0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    #[error("header {0} is missing")]
    Missing(&'static str),
    #[error("header {0} is malformed")]
    Malformed(&'static str),
    #[error("the signature does not match the request")]
    BadSignature,
    #[error("the request's timestamp is outside the accepted window of ±{0} ms")]
    Expired(u64),
    #[error("the request was already used (replay)")]
    Replayed,
}

/// A request's signature headers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestAuth {
    pub account: AccountId,
    pub timestamp_ms: u64,
    pub nonce: u64,
    pub content_sha256: [u8; 32],
    pub signature: [u8; 64],
}

/// The signed message; `target` is the path and query exactly as sent (`/v1/…?prefix=a`).
pub fn message(method: &str, target: &str, timestamp_ms: u64, nonce: u64, content_sha256: &[u8; 32]) -> Vec<u8> {
    format!("ddc-request-v2\n{method}\n{target}\n{timestamp_ms}\n{nonce}\n{}", hex::encode(content_sha256)).into_bytes()
}

/// What a server checks a signature against: the request's path and query.
pub fn target(uri: &http::Uri) -> &str {
    uri.path_and_query().map_or(uri.path(), |pq| pq.as_str())
}

pub fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// The clock of signed requests: a write's version is its timestamp, so this process's requests
/// take strictly increasing ones, even when two are signed in the same millisecond.
fn signing_ms() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = now_ms();
    let mut last = LAST.load(SeqCst);
    loop {
        let next = now.max(last + 1);
        match LAST.compare_exchange_weak(last, next, SeqCst, SeqCst) {
            Ok(_) => return next,
            Err(seen) => last = seen,
        }
    }
}

impl RequestAuth {
    /// Signs a request to `target` (path and query) now, with a fresh nonce.
    pub fn sign(signer: &Signer, method: &str, target: &str, content_sha256: [u8; 32]) -> Self {
        let (timestamp_ms, nonce) = (signing_ms(), rand::random::<u64>());
        let signature = signer.sign(&message(method, target, timestamp_ms, nonce, &content_sha256));
        Self { account: signer.account(), timestamp_ms, nonce, content_sha256, signature }
    }

    pub fn headers(&self) -> [(&'static str, String); 5] {
        [
            (ACCOUNT, hex::encode(<AccountId as AsRef<[u8; 32]>>::as_ref(&self.account))),
            (TIMESTAMP, self.timestamp_ms.to_string()),
            (NONCE, self.nonce.to_string()),
            (CONTENT_SHA256, hex::encode(self.content_sha256)),
            (SIGNATURE, hex::encode(self.signature)),
        ]
    }

    /// The signature headers of a request; `None` when it carries none (an anonymous request).
    pub fn from_headers(headers: &HeaderMap) -> Result<Option<Self>, AuthError> {
        if !headers.contains_key(ACCOUNT) && !headers.contains_key(SIGNATURE) {
            return Ok(None);
        }
        let get = |name: &'static str| -> Result<&str, AuthError> {
            headers.get(name).ok_or(AuthError::Missing(name))?.to_str().map_err(|_| AuthError::Malformed(name))
        };
        fn bytes<const N: usize>(name: &'static str, s: &str) -> Result<[u8; N], AuthError> {
            hex::decode(s.trim_start_matches("0x"))
                .ok()
                .and_then(|v| v.try_into().ok())
                .ok_or(AuthError::Malformed(name))
        }
        Ok(Some(Self {
            account: AccountId::from(bytes::<32>(ACCOUNT, get(ACCOUNT)?)?),
            timestamp_ms: get(TIMESTAMP)?.parse().map_err(|_| AuthError::Malformed(TIMESTAMP))?,
            nonce: get(NONCE)?.parse().map_err(|_| AuthError::Malformed(NONCE))?,
            content_sha256: bytes(CONTENT_SHA256, get(CONTENT_SHA256)?)?,
            signature: bytes(SIGNATURE, get(SIGNATURE)?)?,
        }))
    }

    pub fn verify(&self, method: &str, target: &str) -> Result<(), AuthError> {
        let msg = message(method, target, self.timestamp_ms, self.nonce, &self.content_sha256);
        if verify(&self.account, &msg, &self.signature) {
            Ok(())
        } else {
            Err(AuthError::BadSignature)
        }
    }
}

/// Remembers the nonces seen inside the time window; older requests are refused by timestamp.
pub struct ReplayGuard {
    window_ms: u64,
    seen: Mutex<HashMap<(AccountId, u64), u64>>,
}

impl ReplayGuard {
    pub fn new(window_ms: u64) -> Self {
        Self { window_ms, seen: Mutex::new(HashMap::new()) }
    }

    /// Accepts a request once, inside `±window` of `now_ms`.
    pub fn check(&self, auth: &RequestAuth, now_ms: u64) -> Result<(), AuthError> {
        if auth.timestamp_ms.abs_diff(now_ms) > self.window_ms {
            return Err(AuthError::Expired(self.window_ms));
        }
        let mut seen = self.seen.lock().expect("replay lock");
        if seen.len() > 100_000 {
            seen.retain(|_, t| t.abs_diff(now_ms) <= self.window_ms);
        }
        if seen.insert((auth.account, auth.nonce), auth.timestamp_ms).is_some() {
            return Err(AuthError::Replayed);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    /// Writes signed in one millisecond, from any thread, still get distinct versions.
    #[test]
    fn request_timestamps_strictly_increase() {
        let threads: Vec<_> =
            (0..4).map(|_| std::thread::spawn(|| (0..5_000).map(|_| signing_ms()).collect::<Vec<_>>())).collect();
        let mut all = Vec::new();
        for t in threads {
            let mine = t.join().unwrap();
            assert!(mine.windows(2).all(|w| w[0] < w[1]), "increasing within a thread");
            all.extend(mine);
        }
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n, "no two requests share a timestamp");
        // Ahead of the clock by at most one ms per request signed (other tests sign a few too).
        assert!(all[n - 1] <= now_ms() + n as u64 + 1_000, "never far ahead of the clock");
    }

    #[test]
    fn signatures_bind_method_path_query_and_body() {
        assert_eq!(EMPTY_SHA256, <[u8; 32]>::from(Sha256::digest(b"")));
        let signer = Signer::dev("ferdie").unwrap();
        let auth = RequestAuth::sign(&signer, "PUT", "/v1/buckets/1/objects/a", [7; 32]);
        let mut headers = HeaderMap::new();
        for (k, v) in auth.headers() {
            headers.insert(k, v.parse().unwrap());
        }
        let parsed = RequestAuth::from_headers(&headers).unwrap().unwrap();
        assert_eq!(parsed, auth);
        parsed.verify("PUT", "/v1/buckets/1/objects/a").unwrap();
        assert_eq!(parsed.verify("DELETE", "/v1/buckets/1/objects/a"), Err(AuthError::BadSignature));
        assert_eq!(parsed.verify("PUT", "/v1/buckets/2/objects/a"), Err(AuthError::BadSignature));
        let listing = RequestAuth::sign(&signer, "GET", "/v1/buckets/1/objects?prefix=a", EMPTY_SHA256);
        listing.verify("GET", "/v1/buckets/1/objects?prefix=a").unwrap();
        for altered in ["/v1/buckets/1/objects?prefix=b", "/v1/buckets/1/objects", "/v1/buckets/1/objects?prefix=a&x"] {
            assert_eq!(listing.verify("GET", altered), Err(AuthError::BadSignature), "{altered}");
        }
        let uri: http::Uri = "http://node:1/v1/buckets/1/objects/k?version=3".parse().unwrap();
        assert_eq!(target(&uri), "/v1/buckets/1/objects/k?version=3");
        let other_body = RequestAuth { content_sha256: [8; 32], ..parsed.clone() };
        assert_eq!(other_body.verify("PUT", "/v1/buckets/1/objects/a"), Err(AuthError::BadSignature));

        let guard = ReplayGuard::new(1000);
        guard.check(&parsed, parsed.timestamp_ms + 10).unwrap();
        assert_eq!(guard.check(&parsed, parsed.timestamp_ms + 10), Err(AuthError::Replayed));
        assert_eq!(guard.check(&auth, auth.timestamp_ms + 5000), Err(AuthError::Expired(1000)));
        assert_eq!(RequestAuth::from_headers(&HeaderMap::new()), Ok(None));
    }
}
