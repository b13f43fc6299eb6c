//! The user's workload: objects of pseudo-random bytes, written through the nodes, spread over
//! the ring by their keys.

use crate::config::USER;
use crate::network::{Devnet, DevnetError};
use ddc_chain::Signer;
use ddc_prover::client::ObjectClient;
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

/// Uploads the configured workload, round-robin through the nodes; `progress` gets the count.
pub async fn upload(net: &Devnet, mut progress: impl FnMut(usize)) -> Result<u64, DevnetError> {
    let user = Signer::dev(USER).map_err(|e| DevnetError::Failed(e.to_string()))?;
    let clients: Vec<ObjectClient> = net.nodes.iter().map(|n| ObjectClient::new(&n.url, Some(user.clone()))).collect();
    let mut bytes = 0;
    for i in 0..net.config.objects {
        let data = object_bytes(i, net.config.object_bytes);
        bytes += data.len() as u64;
        clients[i % clients.len()]
            .put_bytes(net.bucket_id, &object_key(i), data)
            .await
            .map_err(|e| DevnetError::Failed(format!("uploading {}: {e}", object_key(i))))?;
        progress(i + 1);
    }
    Ok(bytes)
}
