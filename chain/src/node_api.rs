//! The storage node's HTTP messages that validators send and read (docs/api.md): shared here,
//! the crate both daemons depend on, so the two sides cannot drift apart.

use ddc_primitives::ids::{ClusterId, Epoch, VNodeIndex};
use serde::{Deserialize, Serialize};

/// `POST /v1/proof`: a validator's challenge of one commitment.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProofRequest {
    pub cluster_id: ClusterId,
    pub vnode: VNodeIndex,
    pub epoch: Epoch,
    /// The epoch's seed as the chain finalized it (hex).
    #[serde(with = "hex::serde")]
    pub seed: [u8; 32],
}

/// `GET /v1/chunk/{cluster}/{vnode}/{epoch}/{index}`: one chunk of an epoch's commitment with
/// its Merkle path, for retrievability sampling.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkOpening {
    pub index: u64,
    #[serde(with = "hex::serde")]
    pub chunk: Vec<u8>,
    /// Sibling nodes bottom-up, canonical little-endian scalars (hex).
    pub siblings: Vec<String>,
}
