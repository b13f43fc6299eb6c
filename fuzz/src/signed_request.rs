//! What a node parses from a request before it touches storage: the method and target, the five
//! signature headers, the owner's signed order, the key and the `Range` header. The request
//! signed below is the only one that may pass: any accepted request must be it, byte for byte in
//! meaning, and a nonce passes the replay guard once.

use ddc_chain::Signer;
use ddc_prover::auth::{self, ReplayGuard, RequestAuth, ACCOUNT, CONTENT_SHA256, NONCE, SIGNATURE, TIMESTAMP};
use ddc_prover::receipt::{order, sign_order, ORDER};
use ddc_prover::server::objects::{check_key, parse_range, signed_order};
use http::{HeaderMap, HeaderValue, Method, Uri};
use std::sync::OnceLock;

pub const METHOD: &str = "PUT";
pub const TARGET: &str = "/v1/buckets/1/objects/photos/a.jpg?version=3";
pub const KEY: &str = "photos/a.jpg";
pub const TIMESTAMP_MS: u64 = 1_765_000_000_000;
pub const NONCE_VALUE: u64 = 42;
pub const CONTENT: [u8; 32] = [7; 32];

pub struct Fixture {
    pub signer: Signer,
    pub auth: RequestAuth,
    pub order_signature: [u8; 64],
}

pub fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let signer = Signer::dev("ferdie").expect("dev key");
        let message = auth::message(METHOD, TARGET, TIMESTAMP_MS, NONCE_VALUE, &CONTENT);
        let auth = RequestAuth {
            account: signer.account(),
            timestamp_ms: TIMESTAMP_MS,
            nonce: NONCE_VALUE,
            content_sha256: CONTENT,
            signature: signer.sign(&message),
        };
        let order_signature = sign_order(&signer, &order(1, KEY, TIMESTAMP_MS, Some(CONTENT)));
        Fixture { signer, auth, order_signature }
    })
}

/// The request as the fields `run` reads, one per line (none of them can hold a newline).
pub fn encode(fields: &[&str; 10]) -> Vec<u8> {
    fields.join("\n").into_bytes()
}

/// The fixture's genuine request, as [`encode`] lays it out.
pub fn genuine() -> Vec<u8> {
    let f = fixture();
    let headers = f.auth.headers().map(|(_, v)| v);
    let order = hex::encode(f.order_signature);
    let [account, timestamp, nonce, content, signature] = headers.each_ref().map(String::as_str);
    encode(&[METHOD, TARGET, account, timestamp, nonce, content, signature, &order, "bytes=0-99", KEY])
}

/// Lines: method, target, the five signature headers, the order's signature, `Range`, key.
pub fn run(data: &[u8]) {
    let f = fixture();
    let lines = crate::fields(data, b'\n', 10);
    let line = |i: usize| lines.get(i).copied().unwrap_or_default();
    let Ok(method) = Method::from_bytes(line(0)) else { return };
    let Ok(uri) = Uri::try_from(line(1)) else { return };
    let target = auth::target(&uri);
    let mut headers = HeaderMap::new();
    for (i, name) in [ACCOUNT, TIMESTAMP, NONCE, CONTENT_SHA256, SIGNATURE, ORDER].into_iter().enumerate() {
        if let Ok(value) = HeaderValue::from_bytes(line(2 + i)) {
            headers.insert(name, value);
        }
    }
    if let Ok(Some(request)) = RequestAuth::from_headers(&headers) {
        if request.verify(method.as_str(), target).is_ok() {
            let genuine = RequestAuth { signature: request.signature, ..f.auth.clone() };
            assert_eq!(
                (method.as_str(), target, &request),
                (METHOD, TARGET, &genuine),
                "only the signed request passes"
            );
            let guard = ReplayGuard::new(60_000);
            assert_eq!(guard.check(&request, TIMESTAMP_MS + 59_999), Ok(()));
            assert_eq!(guard.check(&request, TIMESTAMP_MS + 59_999), Err(auth::AuthError::Replayed));
        }
        let key = String::from_utf8_lossy(line(9));
        let claimed = order(1, &key, request.timestamp_ms, Some(request.content_sha256));
        if signed_order(&headers, &f.signer.account(), &claimed).is_ok() {
            assert_eq!(claimed, order(1, KEY, TIMESTAMP_MS, Some(CONTENT)), "only the signed order passes");
        }
    }
    if let Ok(range) = std::str::from_utf8(line(8)) {
        let len = u64::from(line(9).len() as u32) * 1_000;
        if let Some((start, end)) = parse_range(range, len) {
            assert!(start < end && end <= len, "{range} within {len} gave {start}..{end}");
        }
    }
    if let Ok(key) = std::str::from_utf8(line(9)) {
        if check_key(key).is_ok() {
            assert!(!key.is_empty() && !key.chars().any(char::is_control));
        }
    }
}
