//! The vanilla (native, non-succinct) storage proof: the challenged chunks and their paths.
//! Tests and debugging use it directly; the SNARK prover checks it before proving.

use super::StorageParams;
use crate::challenge::{challenge_indices, ChallengeError};
use crate::merkle::{MerklePath, NodeStore, Snapshot, TreeError};
use crate::packing::leaf_hash;
use ark_bn254::Fr;
use ddc_primitives::groth16::PublicInputs;

/// One challenged chunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opening {
    pub index: u64,
    pub chunk: Vec<u8>,
    pub path: MerklePath,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VanillaProof {
    pub openings: Vec<Opening>,
    /// The nodes of the shared top level ([`StorageParams::shared_levels`] below the root), in
    /// order; the root alone when no level is shared.
    pub top: Vec<Fr>,
}

/// Reads chunk `index` of the committed data into `buf` (chunk-sized).
pub trait ChunkSource {
    type Error: std::error::Error + Send + Sync + 'static;
    fn read_chunk(&self, index: u64, buf: &mut [u8]) -> Result<(), Self::Error>;
}

impl ChunkSource for [u8] {
    type Error = std::io::Error;
    /// A byte slice as a chunked log; the tail is zero-padded.
    fn read_chunk(&self, index: u64, buf: &mut [u8]) -> Result<(), Self::Error> {
        let start = (index as usize).checked_mul(buf.len()).filter(|s| *s < self.len().max(1));
        let start =
            start.ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "chunk past the data"))?;
        let end = (start + buf.len()).min(self.len());
        buf.fill(0);
        buf[..end - start].copy_from_slice(&self[start..end]);
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VanillaError {
    #[error(transparent)]
    Challenge(#[from] ChallengeError),
    #[error("tree: {0}")]
    Tree(String),
    #[error("reading chunk {index}: {source}")]
    Read { index: u64, source: Box<dyn std::error::Error + Send + Sync> },
    #[error("chunk {0} on disk does not match its committed leaf (local data is corrupt or missing)")]
    Corrupt(u64),
    #[error("proof has {got} openings, expected {expected}")]
    Count { got: usize, expected: usize },
    #[error("opening {0} is for the wrong index")]
    WrongIndex(usize),
    #[error("opening {0} has a chunk of the wrong size")]
    ChunkSize(usize),
    #[error("opening {0} does not hash to the root")]
    BadPath(usize),
    #[error("the shared top nodes do not hash to the root")]
    BadTop,
}

impl<E: std::fmt::Debug> From<TreeError<E>> for VanillaError {
    fn from(e: TreeError<E>) -> Self {
        VanillaError::Tree(format!("{e:?}"))
    }
}

/// Opens the challenges of `seed` against `snapshot`, reading chunks from `data`.
pub fn prove<S: NodeStore, C: ChunkSource + ?Sized>(
    params: &StorageParams,
    snapshot: &Snapshot<'_, S>,
    data: &C,
    seed: Fr,
) -> Result<VanillaProof, VanillaError>
where
    S::Error: std::fmt::Debug,
{
    let indices = challenge_indices(seed, snapshot.count(), params.challenges, params.shape().capacity())?;
    let mut openings = Vec::with_capacity(indices.len());
    for index in indices {
        let mut chunk = vec![0u8; params.chunk_bytes];
        data.read_chunk(index, &mut chunk).map_err(|e| VanillaError::Read { index, source: Box::new(e) })?;
        if leaf_hash(&chunk) != snapshot.leaf(index)? {
            return Err(VanillaError::Corrupt(index));
        }
        openings.push(Opening { index, chunk, path: snapshot.path(index)? });
    }
    let level = params.shape().height() - params.shared_levels();
    let top = (0..top_width(params)).map(|j| snapshot.node(level, j as u64)).collect::<Result<_, _>>()?;
    Ok(VanillaProof { openings, top })
}

/// Nodes on the shared top level.
fn top_width(params: &StorageParams) -> usize {
    params.shape().arity().pow(params.shared_levels() as u32)
}

/// The root over the shared top nodes, as the circuit hashes them.
fn top_root(params: &StorageParams, top: &[Fr]) -> Fr {
    let mut layer = top.to_vec();
    while layer.len() > 1 {
        layer = layer.chunks(params.shape().arity()).map(crate::merkle::node_hash).collect();
    }
    layer[0]
}

/// Checks a vanilla proof as the circuit does: the right indices, full chunks, the shared top
/// hashing to the root, and each path reaching its node of the top.
pub fn verify(params: &StorageParams, public: &PublicInputs, proof: &VanillaProof) -> Result<(), VanillaError> {
    let shape = params.shape();
    if proof.top.len() != top_width(params) || top_root(params, &proof.top) != public.root {
        return Err(VanillaError::BadTop);
    }
    let level = shape.height() - params.shared_levels();
    let digits = level as u32 * shape.arity_log2();
    let indices = challenge_indices(public.seed, public.chunk_count, params.challenges, shape.capacity())?;
    if proof.openings.len() != indices.len() {
        return Err(VanillaError::Count { got: proof.openings.len(), expected: indices.len() });
    }
    for (i, (o, index)) in proof.openings.iter().zip(indices).enumerate() {
        if o.index != index {
            return Err(VanillaError::WrongIndex(i));
        }
        if o.chunk.len() != params.chunk_bytes {
            return Err(VanillaError::ChunkSize(i));
        }
        let reached = o.path.ancestor(&shape, index, leaf_hash(&o.chunk), level);
        if reached.is_none() || reached != proof.top.get((index >> digits) as usize).copied() {
            return Err(VanillaError::BadPath(i));
        }
    }
    Ok(())
}
