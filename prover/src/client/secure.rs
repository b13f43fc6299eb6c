//! Client-side encryption and sharing over [`ObjectClient`]: nodes store, replicate and prove
//! ciphertext only (`envelope.rs`), so the proof of storage covers exactly what they hold.
//!
//! Each write draws a fresh data key, wrapped to the writer in the object's header. Sharing an
//! object wraps its data key to another account's published encryption key and stores that
//! wrap as a small grant object, `.ddc/grants/<stored key>/<account hex>`; a later write of the
//! key re-wraps its new data key to every grantee, and `unshare` deletes the grant, so the
//! revoked reader cannot open later writes (what it already downloaded, it keeps).

use super::envelope::{object_binding, ChunkCipher, DataKey, EnvelopeError, Header, Opener, HEADER_LEN, TAG_LEN};
use super::names::NameKey;
use super::wrap::{EncryptionKey, Wrap};
use super::{ClientError, ObjectClient};
use crate::server::objects::WriteReceipt;
use crate::view::{account_hex, BucketParams};
use bytes::Bytes;
use ddc_chain::rpc::account_from_hex;
use ddc_chain::{AccountId, Signer};
use ddc_primitives::ids::BucketId;
use ddc_verifier_contract::logic::BucketStatus;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use std::path::Path;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use zeroize::Zeroizing;

/// Where grants live: `.ddc/grants/<stored key>/<account hex>`.
pub const GRANTS: &str = ".ddc/grants/";

pub fn grant_key(stored: &str, account: &AccountId) -> String {
    format!("{GRANTS}{stored}/{}", account_hex(account))
}

#[derive(Debug, thiserror::Error)]
pub enum SecureError {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("the object changed while it was read (a newer write replaced it): read it again")]
    Changed,
}

/// What a bucket publishes for encryption: its owner, writers, readers and their keys.
#[derive(Clone, Debug)]
pub struct BucketKeys {
    pub owner: AccountId,
    pub writers: Vec<AccountId>,
    pub params: BucketParams,
}

impl BucketKeys {
    pub fn new(status: &BucketStatus) -> Self {
        Self {
            owner: status.bucket.owner_id,
            writers: status.writer_ids.clone(),
            params: BucketParams::parse(&String::from_utf8_lossy(status.params.as_ref())),
        }
    }

    /// Whether `sender` is the published key of the owner or of a writer.
    pub fn trusts(&self, sender: &[u8; 32]) -> bool {
        std::iter::once(&self.owner)
            .chain(&self.writers)
            .any(|a| self.params.encryption_key(a).as_ref() == Some(sender))
    }
}

pub struct SecureClient {
    pub objects: ObjectClient,
    account: AccountId,
    key: EncryptionKey,
    names: NameKey,
}

impl SecureClient {
    /// Encryption keys derive from the signer's sr25519 key: nothing else to keep safe.
    pub fn new(objects: ObjectClient, signer: &Signer) -> Self {
        Self {
            objects,
            account: signer.account(),
            key: EncryptionKey::from_signer(signer),
            names: NameKey::from_signer(signer),
        }
    }

    /// This account's encryption public key, which others share to.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.public()
    }

    /// The key an object named `name` is stored under.
    pub fn stored_key(&self, bucket: BucketId, name: &str, encrypt_name: bool) -> String {
        if encrypt_name {
            self.names.seal(bucket, name)
        } else {
            name.to_string()
        }
    }

    /// The name behind a stored key this account encrypted, else `None`.
    pub fn name_of(&self, bucket: BucketId, stored: &str) -> Option<String> {
        self.names.open(bucket, stored)
    }

    /// A new write's header, data key and object binding.
    fn seal_to_self(&self, bucket: BucketId, stored: &str, len: u64) -> (Header, DataKey, [u8; 32]) {
        let dk: DataKey = Zeroizing::new(rand::random());
        let object = object_binding(bucket, stored);
        let mut header = Header::new(len, rand::random(), Wrap::default());
        header.wrap = self.key.wrap(&dk, &self.key.public(), &header.wrap_binding(&object));
        (header, dk, object)
    }

    /// Encrypts and stores `data`; see [`Self::put_file`].
    pub async fn put_bytes(
        &self,
        bucket: BucketId,
        stored: &str,
        data: &[u8],
        keys: Option<&BucketKeys>,
    ) -> Result<(WriteReceipt, Vec<AccountId>), SecureError> {
        let (header, dk, object) = self.seal_to_self(bucket, stored, data.len() as u64);
        let cipher = ChunkCipher::new(&dk, &header, &object);
        let mut body = header.to_bytes().to_vec();
        for i in 0..header.chunks() {
            body.extend(cipher.seal(i, data.chunks(header.chunk_len() as usize).nth(i as usize).unwrap_or(&[])));
        }
        let receipt = self.objects.put_bytes(bucket, stored, body).await?;
        let shared = self.rewrap_grants(bucket, stored, &header, &dk, keys).await?;
        Ok((receipt, shared))
    }

    /// Encrypts `file` as it streams (it is read twice: to hash the ciphertext the write order
    /// signs, then to send it) and stores it under `stored`; re-wraps the new data key to the
    /// key's grantees whose keys `keys` publishes, and returns them.
    pub async fn put_file(
        &self,
        bucket: BucketId,
        stored: &str,
        file: &Path,
        keys: Option<&BucketKeys>,
        progress: impl Fn(u64) + Send + Sync + 'static,
    ) -> Result<(WriteReceipt, Vec<AccountId>), SecureError> {
        let io = |source| SecureError::Io { path: file.display().to_string(), source };
        let len = tokio::fs::metadata(file).await.map_err(io)?.len();
        let (header, dk, object) = self.seal_to_self(bucket, stored, len);
        let open = || async { tokio::fs::File::open(file).await.map_err(io) };
        let mut hasher = Sha256::new();
        let mut pass =
            std::pin::pin!(sealed_stream(open().await?, header.clone(), ChunkCipher::new(&dk, &header, &object)));
        while let Some(piece) = pass.next().await {
            hasher.update(piece.map_err(io)?);
        }
        let stream = sealed_stream(open().await?, header.clone(), ChunkCipher::new(&dk, &header, &object));
        let receipt = self
            .objects
            .put_stream(bucket, stored, hasher.finalize().into(), header.ciphertext_len(), stream, progress)
            .await?;
        let shared = self.rewrap_grants(bucket, stored, &header, &dk, keys).await?;
        Ok((receipt, shared))
    }

    /// Wraps a new write's data key to every current grantee of `stored` with a published key.
    async fn rewrap_grants(
        &self,
        bucket: BucketId,
        stored: &str,
        header: &Header,
        dk: &DataKey,
        keys: Option<&BucketKeys>,
    ) -> Result<Vec<AccountId>, SecureError> {
        let mut shared = Vec::new();
        let prefix = format!("{GRANTS}{stored}/");
        for o in self.objects.list(bucket, &prefix).await?.objects {
            let Some(account) = o.key.strip_prefix(&prefix).and_then(|a| account_from_hex(a).ok()) else { continue };
            let Some(to) = keys.and_then(|k| k.params.encryption_key(&account)) else { continue };
            let wrap = self.key.wrap(dk, &to, &header.wrap_binding(&object_binding(bucket, stored)));
            self.objects.put_bytes(bucket, &grant_key(stored, &account), wrap.to_bytes().to_vec()).await?;
            shared.push(account);
        }
        Ok(shared)
    }

    /// The header of the stored object.
    pub async fn header(&self, bucket: BucketId, stored: &str) -> Result<Header, SecureError> {
        let resp = self.objects.get(bucket, stored, Some((0, HEADER_LEN as u64))).await?;
        let bytes = resp.bytes().await.map_err(|e| self.unreachable(e))?;
        Ok(Header::parse(&bytes)?)
    }

    fn unreachable(&self, e: reqwest::Error) -> SecureError {
        SecureError::Client(ClientError::Unreachable { url: self.objects.base.clone(), reason: e.to_string() })
    }

    /// Opens the object's data key: from its header when it was written by this account, else
    /// from this account's grant; a wrap from anyone but this account must come from a key
    /// `keys` publishes for the owner or a writer.
    pub async fn data_key(
        &self,
        bucket: BucketId,
        stored: &str,
        header: &Header,
        keys: Option<&BucketKeys>,
    ) -> Result<DataKey, SecureError> {
        let binding = header.wrap_binding(&object_binding(bucket, stored));
        let trusted = |s: &[u8; 32]| keys.is_some_and(|k| k.trusts(s));
        if header.wrap.recipient == self.key.public() {
            return Ok(self.key.unwrap(&header.wrap, &binding, trusted)?);
        }
        let grant = match self.objects.get_bytes(bucket, &grant_key(stored, &self.account)).await {
            Ok(g) => g,
            Err(ClientError::Api { status: 404, .. }) => {
                return Err(EnvelopeError::NotRecipient(format!(
                    "the object was not shared with {}",
                    account_hex(&self.account)
                ))
                .into())
            }
            Err(e) => return Err(e.into()),
        };
        Ok(self.key.unwrap(&Wrap::parse(&grant)?, &binding, trusted)?)
    }

    /// Downloads and decrypts the object, or plaintext `range` `[a, b)` of it, into `out`;
    /// returns the plaintext length written.
    pub async fn get_to<W: AsyncWrite + Unpin + ?Sized>(
        &self,
        bucket: BucketId,
        stored: &str,
        range: Option<(u64, u64)>,
        keys: Option<&BucketKeys>,
        out: &mut W,
        progress: impl Fn(u64, Option<u64>),
    ) -> Result<u64, SecureError> {
        let header = self.header(bucket, stored).await?;
        let dk = self.data_key(bucket, stored, &header, keys).await?;
        let object = object_binding(bucket, stored);
        let cipher = ChunkCipher::new(&dk, &header, &object);
        let (a, b) = range.unwrap_or((0, header.plaintext_len));
        let b = b.min(header.plaintext_len);
        if a >= b {
            return Ok(0);
        }
        let (start, end, first) = header.ciphertext_range(a, b);
        let sealed = header.chunk_len() + TAG_LEN as u64;
        let last = first + (end - start).div_ceil(sealed);
        let mut opener = Opener::new(cipher, &header, first, last);
        let mut resp = self.objects.get(bucket, stored, Some((start, end))).await?;
        // Plaintext offsets of what the opener yields, and the part of them asked for.
        let (mut at, mut written) = (first << header.chunk_log2, 0u64);
        let mut emit = |plain: Vec<u8>| {
            let from = a.saturating_sub(at).min(plain.len() as u64) as usize;
            let to = (b.saturating_sub(at)).min(plain.len() as u64) as usize;
            at += plain.len() as u64;
            plain[from..to.max(from)].to_vec()
        };
        let write_err = |source| SecureError::Io { path: "output".into(), source };
        let mut received = 0u64;
        while let Some(piece) = resp.chunk().await.map_err(|e| self.unreachable(e))? {
            received += piece.len() as u64;
            let part = emit(opener.push(&piece)?);
            out.write_all(&part).await.map_err(write_err)?;
            written += part.len() as u64;
            progress(written, Some(b - a));
        }
        if received != end - start {
            return Err(EnvelopeError::Length { got: start + received, want: end }.into());
        }
        let part = emit(opener.finish()?);
        out.write_all(&part).await.map_err(write_err)?;
        out.flush().await.map_err(write_err)?;
        written += part.len() as u64;
        if written != b - a {
            return Err(SecureError::Changed);
        }
        Ok(written)
    }

    pub async fn get_bytes(
        &self,
        bucket: BucketId,
        stored: &str,
        range: Option<(u64, u64)>,
        keys: Option<&BucketKeys>,
    ) -> Result<Vec<u8>, SecureError> {
        let mut out = Vec::new();
        self.get_to(bucket, stored, range, keys, &mut out, |_, _| {}).await?;
        Ok(out)
    }

    /// Lets `to` (whose published encryption key is `to_key`) read the current write of
    /// `stored` and every later one, until [`Self::unshare`].
    pub async fn share(
        &self,
        bucket: BucketId,
        stored: &str,
        to: &AccountId,
        to_key: &[u8; 32],
        keys: Option<&BucketKeys>,
    ) -> Result<WriteReceipt, SecureError> {
        let header = self.header(bucket, stored).await?;
        let dk = self.data_key(bucket, stored, &header, keys).await?;
        let wrap = self.key.wrap(&dk, to_key, &header.wrap_binding(&object_binding(bucket, stored)));
        Ok(self.objects.put_bytes(bucket, &grant_key(stored, to), wrap.to_bytes().to_vec()).await?)
    }

    /// Removes `from`'s grant: later writes of `stored` are not wrapped to it.
    pub async fn unshare(&self, bucket: BucketId, stored: &str, from: &AccountId) -> Result<WriteReceipt, SecureError> {
        Ok(self.objects.delete(bucket, &grant_key(stored, from)).await?)
    }
}

/// The header, then each chunk sealed as it is read from `file`.
fn sealed_stream(
    file: impl AsyncRead + Unpin + Send + 'static,
    header: Header,
    cipher: ChunkCipher,
) -> impl Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    let head = futures_util::stream::once(futures_util::future::ready(Ok(Bytes::copy_from_slice(&header.to_bytes()))));
    let plain = futures_util::stream::unfold((file, 0u64, header.clone()), |(mut file, index, header)| async move {
        if index >= header.chunks() {
            return None;
        }
        let want = (header.plaintext_len - (index << header.chunk_log2)).min(header.chunk_len()) as usize;
        let mut buf = vec![0u8; want];
        let read = file.read_exact(&mut buf).await.map(|_| buf);
        Some((read, (file, index + 1, header)))
    });
    let mut index = 0u64;
    head.chain(plain.map(move |plain| {
        let sealed = plain.map(|p| Bytes::from(cipher.seal(index, &p)));
        index += 1;
        sealed
    }))
}
