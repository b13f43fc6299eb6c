//! The user's workload: objects of pseudo-random bytes, written through the nodes, spread over
//! the ring by their keys.

use crate::config::USER;
use crate::network::{Devnet, DevnetError};
use ddc_chain::Signer;
use ddc_prover::client::ObjectClient;
use ddc_prover::receipt_store::ReceiptStore;
use rand::{RngCore, SeedableRng};

/// The bytes of object `i` (reproducible, so a test can read them back and compare).
pub fn object_bytes(i: usize, len: usize) -> Vec<u8> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(i as u64);
    let mut out = vec![0u8; len];
    rng.fill_bytes(&mut out);
    out
}

pub fn object_key(i: usize) -> String {
    format!("workload/object-{i:04}")
}

/// The user's receipt store in the devnet's directory.
pub fn receipts(net: &Devnet) -> Result<ReceiptStore, DevnetError> {
    let user = Signer::dev(USER).map_err(|e| DevnetError::Failed(e.to_string()))?;
    ReceiptStore::open(&net.config.data_dir.join("receipts"), &user.account())
        .map_err(|e| DevnetError::Failed(e.to_string()))
}

/// Uploads the configured workload, round-robin through the nodes, keeping every receipt;
/// `progress` gets the count.
pub async fn upload(net: &Devnet, mut progress: impl FnMut(usize)) -> Result<u64, DevnetError> {
    let user = Signer::dev(USER).map_err(|e| DevnetError::Failed(e.to_string()))?;
    let clients: Vec<ObjectClient> = net.nodes.iter().map(|n| ObjectClient::new(&n.url, Some(user.clone()))).collect();
    let store = receipts(net)?;
    let mut bytes = 0;
    for i in 0..net.config.objects {
        let data = object_bytes(i, net.config.object_bytes);
        bytes += data.len() as u64;
        let written = clients[i % clients.len()]
            .put_bytes(net.bucket_id, &object_key(i), data)
            .await
            .map_err(|e| DevnetError::Failed(format!("uploading {}: {e}", object_key(i))))?;
        let signed: Vec<_> = written.replicas.iter().filter_map(|r| r.receipt).collect();
        store.append(&signed).map_err(|e| DevnetError::Failed(e.to_string()))?;
        progress(i + 1);
    }
    Ok(bytes)
}
