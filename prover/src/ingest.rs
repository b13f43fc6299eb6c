//! Ingest: bytes → chunks → leaves → tree. Leaves are hashed in parallel (rayon), in batches so
//! memory stays bounded whatever the input size; the tree appends stay sequential.

use crate::chunks::FileChunks;
use ark_bn254::Fr;
use ddc_circuits::merkle::{AppendTree, NodeStore, TreeError};
use ddc_primitives::packing::{leaf_hash, leaf_hashes};
use rayon::prelude::*;
use std::io::Read;

/// Bytes read per batch.
pub const BATCH_BYTES: usize = 4 << 20;

#[derive(Debug, thiserror::Error)]
pub enum IngestError<E: std::fmt::Debug + std::fmt::Display> {
    #[error("reading input: {0}")]
    Read(#[from] std::io::Error),
    #[error(transparent)]
    Tree(#[from] TreeError<E>),
}

/// Chunks hashed in lockstep per task (see `leaf_hashes`).
const LANES: usize = 8;

/// Leaves of a buffer of whole chunks (the last one zero-padded), in parallel.
pub fn leaves(data: &[u8], chunk_bytes: usize) -> Vec<Fr> {
    let whole = data.len() / (chunk_bytes * LANES) * chunk_bytes * LANES;
    let mut out: Vec<Fr> = data[..whole]
        .par_chunks(chunk_bytes * LANES)
        .flat_map_iter(|group| leaf_hashes::<LANES>(core::array::from_fn(|i| &group[i * chunk_bytes..][..chunk_bytes])))
        .collect();
    out.extend(data[whole..].chunks(chunk_bytes).map(|c| {
        if c.len() == chunk_bytes {
            leaf_hash(c)
        } else {
            let mut padded = vec![0u8; chunk_bytes];
            padded[..c.len()].copy_from_slice(c);
            leaf_hash(&padded)
        }
    }));
    out
}

/// Appends every chunk of `reader` to `tree`; `progress` receives the bytes consumed so far.
pub fn ingest<S: NodeStore>(
    tree: &mut AppendTree<S>,
    mut reader: impl Read,
    chunk_bytes: usize,
    mut progress: impl FnMut(u64),
) -> Result<u64, IngestError<S::Error>>
where
    S::Error: std::fmt::Debug + std::fmt::Display,
{
    let batch = BATCH_BYTES / chunk_bytes * chunk_bytes;
    let mut buf = vec![0u8; batch.max(chunk_bytes)];
    let mut total = 0u64;
    loop {
        let mut filled = 0;
        while filled < buf.len() {
            match reader.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            }
        }
        if filled == 0 {
            return Ok(total);
        }
        for leaf in leaves(&buf[..filled], chunk_bytes) {
            tree.append(leaf)?;
        }
        total += filled as u64;
        progress(total);
        if filled < buf.len() {
            return Ok(total);
        }
    }
}

/// Ingests a whole file.
pub fn ingest_file<S: NodeStore>(
    tree: &mut AppendTree<S>,
    chunks: &FileChunks,
    progress: impl FnMut(u64),
) -> Result<u64, IngestError<S::Error>>
where
    S::Error: std::fmt::Debug + std::fmt::Display,
{
    let file = std::fs::File::open(chunks.path())?;
    ingest(tree, file, chunks.chunk_bytes(), progress)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ddc_circuits::merkle::{MemTree, TreeShape};

    #[test]
    fn ingest_pads_the_tail_and_matches_chunkwise_appends() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let shape = TreeShape::default_for_depth(9).unwrap();
        let mut a = MemTree::new(shape);
        let n = ingest(&mut a, &data[..], 1024, |_| {}).unwrap();
        assert_eq!(n, 10_000);
        let mut b = MemTree::new(shape);
        for c in data.chunks(1024) {
            let mut padded = vec![0u8; 1024];
            padded[..c.len()].copy_from_slice(c);
            b.append(leaf_hash(&padded)).unwrap();
        }
        assert_eq!(a.len(), 10);
        assert_eq!(a.root().unwrap(), b.root().unwrap());
    }
}
