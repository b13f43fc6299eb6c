//! The user's receipts, kept on disk beside their key: one JSON line per receipt, appended and
//! fsynced before `ddc put` reports success, so an acknowledged write's evidence survives a
//! crash. An audit checks them against the nodes' commitments and reports omissions on-chain.

use crate::receipt::SignedReceipt;
use ddc_chain::{AccountId, ChainError, Ddc};
use ddc_primitives::ids::Epoch;
use ddc_verifier_contract::logic::omits;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ReceiptStoreError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}, line {line}: {reason}")]
    Corrupt { path: PathBuf, line: usize, reason: String },
}

pub struct ReceiptStore {
    path: PathBuf,
}

impl ReceiptStore {
    /// The store of `account`'s receipts in `dir` (created if missing).
    pub fn open(dir: &Path, account: &AccountId) -> Result<Self, ReceiptStoreError> {
        let io = |source| ReceiptStoreError::Io { path: dir.to_path_buf(), source };
        std::fs::create_dir_all(dir).map_err(io)?;
        let name = hex::encode(<AccountId as AsRef<[u8; 32]>>::as_ref(account));
        Ok(Self { path: dir.join(format!("{name}.jsonl")) })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends receipts durably.
    pub fn append(&self, receipts: &[SignedReceipt]) -> Result<(), ReceiptStoreError> {
        let io = |source| ReceiptStoreError::Io { path: self.path.clone(), source };
        let created = !self.path.exists();
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(&self.path).map_err(io)?;
        let mut text = String::new();
        for r in receipts {
            text.push_str(&serde_json::to_string(r).expect("receipts serialize"));
            text.push('\n');
        }
        file.write_all(text.as_bytes()).map_err(io)?;
        file.sync_data().map_err(io)?;
        if created {
            if let Some(dir) = self.path.parent() {
                std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
            }
        }
        Ok(())
    }

    /// Every receipt; a last line cut short by a crash mid-append is skipped (its write was
    /// never reported as kept).
    pub fn load(&self) -> Result<Vec<SignedReceipt>, ReceiptStoreError> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => parse(&self.path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(source) => Err(ReceiptStoreError::Io { path: self.path.clone(), source }),
        }
    }
}

/// The receipts in the text of a store at `path`: every complete line (up to the last newline)
/// must be one; a torn last line is ignored.
pub fn parse(path: &Path, text: &str) -> Result<Vec<SignedReceipt>, ReceiptStoreError> {
    let complete = text.rfind('\n').map_or("", |end| &text[..end]);
    complete
        .lines()
        .enumerate()
        .map(|(i, line)| {
            serde_json::from_str(line).map_err(|e| ReceiptStoreError::Corrupt {
                path: path.to_path_buf(),
                line: i + 1,
                reason: e.to_string(),
            })
        })
        .collect()
}

/// Reports, against each node's commitment of `epoch`, the receipts it leaves out for sure
/// (see [`omits`]); a later generation, which the node may justify, is reported only with
/// `pending`. One report per vnode and epoch (the contract takes one). Returns the receipts
/// reported.
pub async fn audit<C: Ddc + ?Sized>(
    chain: &C,
    receipts: &[SignedReceipt],
    epoch: Epoch,
    pending: bool,
) -> Result<Vec<SignedReceipt>, ChainError> {
    let mut reported = Vec::new();
    let mut done = BTreeSet::new();
    for r in receipts {
        let key = (r.cluster_id, r.vnode);
        if epoch < r.liable_from || done.contains(&key) {
            continue;
        }
        let Some(c) = chain.commitment_get(r.cluster_id, r.vnode, epoch).await? else { continue };
        let receipt = r.receipt();
        match (c.node_id == r.node_id).then(|| omits(&c, &receipt)).flatten() {
            Some(is_final) if is_final || pending => {}
            _ => continue,
        }
        if chain.fault_get(r.cluster_id, r.vnode, epoch).await?.is_some() {
            done.insert(key);
            continue;
        }
        chain.report_omission(receipt, r.signature, epoch).await?;
        tracing::warn!(cluster = r.cluster_id, vnode = r.vnode, node = r.node_id, epoch, "reported an omission");
        done.insert(key);
        reported.push(*r);
    }
    Ok(reported)
}
