//! One generation of a vnode replica: its chunk log and the commitment tree over it, kept equal
//! (leaf `i` hashes chunk `i`) across crashes.

use super::log::{ChunkLog, LogReader};
use super::StorageError;
use crate::ingest::leaves;
use crate::tree::{DiskStore, DiskTree};
use ddc_circuits::merkle::{AppendTree, NodeStore, TreeShape};
use ddc_circuits::storage::vanilla::ChunkSource;
use ddc_primitives::packing::leaf_hash;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Bytes moved per step of an append: memory stays bounded whatever the object size.
const STEP_BYTES: usize = 1 << 20;

pub struct Replica {
    dir: PathBuf,
    log: ChunkLog,
    tree: DiskTree,
    chunk_bytes: usize,
}

impl Replica {
    /// Opens generation `dir` with `chunks` acknowledged chunks: the log is cut back to them, and
    /// the tree is cut back or rebuilt from the log to match.
    pub fn open(dir: &Path, shape: TreeShape, chunk_bytes: usize, chunks: u64) -> Result<Self, StorageError> {
        std::fs::create_dir_all(dir).map_err(StorageError::io(dir))?;
        let log = ChunkLog::open(&dir.join("chunks.log"), chunk_bytes, chunks)?;
        let mut store = DiskStore::open(&dir.join("tree"), &shape)?;
        if store.len(0) > chunks {
            store.truncate(0, chunks)?;
        }
        let mut tree = AppendTree::open(shape, store)?;
        // Leaves a crash lost (the log is synced before the tree) are rehashed from the log.
        let reader = log.reader();
        let mut buf = vec![0u8; chunk_bytes];
        for i in tree.len()..chunks {
            reader.read_exact_at(&mut buf, i * chunk_bytes as u64)?;
            tree.append(leaf_hash(&buf))?;
        }
        tree.store_mut().sync()?;
        Ok(Self { dir: dir.to_path_buf(), log, tree, chunk_bytes })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
    pub fn len(&self) -> u64 {
        self.tree.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn tree(&self) -> &DiskTree {
        &self.tree
    }
    pub fn reader(&self) -> LogReader {
        self.log.reader()
    }

    /// Appends `len` bytes from `src` as whole chunks (the tail zero-padded) and makes them
    /// durable. Returns the first chunk and the number of chunks.
    pub fn append(&mut self, src: &mut impl Read, len: u64) -> Result<(u64, u64), StorageError> {
        let first = self.len();
        let chunks = len.div_ceil(self.chunk_bytes as u64);
        if first + chunks > self.tree.shape().capacity() {
            return Err(StorageError::Full { chunks: first, capacity: self.tree.shape().capacity() });
        }
        let step = STEP_BYTES / self.chunk_bytes * self.chunk_bytes;
        // Sized to the object, so a small put does not zero a whole step.
        let mut buf = vec![0u8; step.max(self.chunk_bytes).min(chunks as usize * self.chunk_bytes)];
        let mut left = len;
        let mut at = first;
        while left > 0 {
            let n = left.min(buf.len() as u64) as usize;
            src.read_exact(&mut buf[..n]).map_err(StorageError::io(&self.dir))?;
            let padded = n.div_ceil(self.chunk_bytes) * self.chunk_bytes;
            buf[n..padded].fill(0);
            self.log.write_at(at, &buf[..padded])?;
            for leaf in leaves(&buf[..padded], self.chunk_bytes) {
                self.tree.append(leaf)?;
            }
            at += (padded / self.chunk_bytes) as u64;
            left -= n as u64;
        }
        self.sync()?;
        Ok((first, chunks))
    }

    /// Replaces a chunk's bytes in the log without touching the tree (fault injection only).
    pub fn overwrite_chunk(&mut self, index: u64, bytes: &[u8]) -> Result<(), StorageError> {
        self.log.write_at(index, bytes)
    }

    /// Log first, then tree: after a crash the tree is rebuilt from the log, never the reverse.
    pub fn sync(&mut self) -> Result<(), StorageError> {
        self.log.sync()?;
        self.tree.store_mut().sync()?;
        Ok(())
    }
}

impl ChunkSource for Replica {
    type Error = StorageError;
    fn read_chunk(&self, index: u64, buf: &mut [u8]) -> Result<(), StorageError> {
        if index >= self.len() || buf.len() != self.chunk_bytes {
            return Err(StorageError::Corrupt(format!("no chunk {index} in {}", self.dir.display())));
        }
        self.log.reader().read_exact_at(buf, index * self.chunk_bytes as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ddc_circuits::merkle::MemTree;

    /// Objects smaller than a chunk, of exactly one, and straddling a step all land whole,
    /// each buffer sized to its object.
    #[test]
    fn appends_of_every_size_read_back_under_the_same_root() {
        const CHUNK: usize = 1024;
        let shape = TreeShape::for_depth(8, 12).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut replica = Replica::open(dir.path(), shape, CHUNK, 0).unwrap();
        let mut padded = Vec::new();
        for (i, len) in [1usize, CHUNK, STEP_BYTES + CHUNK + 7, 0, 3].into_iter().enumerate() {
            let object: Vec<u8> = (0..len).map(|b| (b * 7 + i) as u8).collect();
            let (first, chunks) = replica.append(&mut &object[..], len as u64).unwrap();
            assert_eq!((first, chunks), ((padded.len() / CHUNK) as u64, len.div_ceil(CHUNK) as u64));
            padded.extend_from_slice(&object);
            padded.resize(padded.len().div_ceil(CHUNK) * CHUNK, 0);
        }
        let mut expected = MemTree::new(shape);
        expected.extend(padded.chunks(CHUNK).map(leaf_hash)).unwrap();
        let replica = Replica::open(dir.path(), shape, CHUNK, (padded.len() / CHUNK) as u64).unwrap();
        assert_eq!(replica.tree().root().unwrap(), expected.root().unwrap());
        let mut buf = vec![0u8; CHUNK];
        for (i, chunk) in padded.chunks(CHUNK).enumerate() {
            replica.read_chunk(i as u64, &mut buf).unwrap();
            assert_eq!(&buf[..], chunk, "chunk {i}");
        }
    }
}
