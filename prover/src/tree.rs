//! A commitment tree whose levels live in files, for vnodes larger than memory.
//!
//! Level `l` is the file `level-LL.bin`: complete nodes only, 32 bytes each (canonical little-
//! endian field elements), append-only. Appends are buffered per level and written with positional
//! I/O; [`DiskStore::sync`] makes everything written so far durable. After a crash, a torn record
//! is cut off and `AppendTree::open` recomputes or truncates upper levels to match the leaves,
//! so the tree is always consistent with its leaf file. `shape.json` pins the tree's shape.

use ark_bn254::Fr;
use ddc_circuits::merkle::{AppendTree, NodeStore, TreeError, TreeShape};
use ddc_primitives::encoding::{fr_from_bytes, fr_to_bytes, FR_BYTES};
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// Nodes buffered per level before they are written out.
const WRITE_BATCH: usize = 4096;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{0}: node {1} is not a field element (file corrupt)")]
    Corrupt(PathBuf, u64),
    #[error("{dir}: tree has shape {found:?}, opened as {requested:?}")]
    ShapeMismatch { dir: PathBuf, found: ShapeFile, requested: ShapeFile },
    #[error("{0}: unreadable shape.json: {1}")]
    ShapeFile(PathBuf, String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShapeFile {
    pub arity: usize,
    pub height: usize,
}

struct Level {
    path: PathBuf,
    file: File,
    /// Nodes already written to the file.
    written: u64,
    pending: Vec<[u8; FR_BYTES]>,
}

impl Level {
    fn open(path: PathBuf) -> Result<Self, StoreError> {
        let io = |source| StoreError::Io { path: path.clone(), source };
        let file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(io)?;
        let bytes = file.metadata().map_err(io)?.len();
        let written = bytes / FR_BYTES as u64;
        if bytes % FR_BYTES as u64 != 0 {
            file.set_len(written * FR_BYTES as u64).map_err(io)?;
        }
        Ok(Self { path, file, written, pending: Vec::new() })
    }

    fn io(&self) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
        |source| StoreError::Io { path: self.path.clone(), source }
    }

    fn write_pending(&mut self) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let bytes = self.pending.as_flattened();
        self.file
            .write_all_at(bytes, self.written * FR_BYTES as u64)
            .map_err(|source| StoreError::Io { path: self.path.clone(), source })?;
        self.written += self.pending.len() as u64;
        self.pending.clear();
        Ok(())
    }
}

/// The files of one tree.
pub struct DiskStore {
    dir: PathBuf,
    levels: Vec<Level>,
}

impl DiskStore {
    /// Opens (creating if needed) the store of a tree of `shape` in `dir`.
    pub fn open(dir: &Path, shape: &TreeShape) -> Result<Self, StoreError> {
        let io = |source| StoreError::Io { path: dir.to_path_buf(), source };
        std::fs::create_dir_all(dir).map_err(io)?;
        let requested = ShapeFile { arity: shape.arity(), height: shape.height() };
        let shape_path = dir.join("shape.json");
        match std::fs::read(&shape_path) {
            Ok(bytes) => {
                let found: ShapeFile = serde_json::from_slice(&bytes)
                    .map_err(|e| StoreError::ShapeFile(shape_path.clone(), e.to_string()))?;
                if found != requested {
                    return Err(StoreError::ShapeMismatch { dir: dir.to_path_buf(), found, requested });
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                ddc_primitives::fs::write_atomic(&shape_path, &serde_json::to_vec(&requested).expect("serializes"))
                    .map_err(|source| StoreError::Io { path: shape_path.clone(), source })?;
            }
            Err(source) => return Err(StoreError::Io { path: shape_path, source }),
        }
        let levels = (0..=shape.height())
            .map(|l| Level::open(dir.join(format!("level-{l:02}.bin"))))
            .collect::<Result<_, _>>()?;
        Ok(Self { dir: dir.to_path_buf(), levels })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes every buffered node and fsyncs every level: all appends so far survive a crash.
    pub fn sync(&mut self) -> Result<(), StoreError> {
        for level in &mut self.levels {
            level.write_pending()?;
            level.file.sync_data().map_err(level.io())?;
        }
        Ok(())
    }
}

impl NodeStore for DiskStore {
    type Error = StoreError;

    fn len(&self, level: usize) -> u64 {
        self.levels.get(level).map_or(0, |l| l.written + l.pending.len() as u64)
    }

    fn get(&self, level: usize, index: u64) -> Result<Fr, StoreError> {
        let l = &self.levels[level];
        let bytes = if index >= l.written {
            l.pending[(index - l.written) as usize]
        } else {
            let mut b = [0u8; FR_BYTES];
            l.file.read_exact_at(&mut b, index * FR_BYTES as u64).map_err(l.io())?;
            b
        };
        fr_from_bytes(&bytes).ok_or_else(|| StoreError::Corrupt(l.path.clone(), index))
    }

    fn push(&mut self, level: usize, node: Fr) -> Result<(), StoreError> {
        let l = &mut self.levels[level];
        l.pending.push(fr_to_bytes(&node));
        if l.pending.len() >= WRITE_BATCH {
            l.write_pending()?;
        }
        Ok(())
    }

    fn truncate(&mut self, level: usize, len: u64) -> Result<(), StoreError> {
        let l = &mut self.levels[level];
        if len >= l.written {
            l.pending.truncate((len - l.written) as usize);
        } else {
            l.pending.clear();
            l.file.set_len(len * FR_BYTES as u64).map_err(|source| StoreError::Io { path: l.path.clone(), source })?;
            l.written = len;
        }
        Ok(())
    }
}

/// A commitment tree on disk.
pub type DiskTree = AppendTree<DiskStore>;

/// Opens the tree in `dir`, repairing what a crash left inconsistent.
pub fn open_tree(dir: &Path, shape: TreeShape) -> Result<DiskTree, TreeError<StoreError>> {
    let store = DiskStore::open(dir, &shape).map_err(TreeError::Store)?;
    AppendTree::open(shape, store)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ddc_circuits::merkle::MemTree;
    use ddc_primitives::poseidon;

    fn leaf(i: u64) -> Fr {
        poseidon::hash(&[Fr::from(i)])
    }

    #[test]
    fn disk_tree_equals_memory_tree_across_reopen_and_torn_writes() {
        let dir = tempfile::tempdir().unwrap();
        let shape = TreeShape::default_for_depth(15).unwrap();
        let mut mem = MemTree::new(shape);
        {
            let mut disk = open_tree(dir.path(), shape).unwrap();
            for i in 0..10_000 {
                disk.append(leaf(i)).unwrap();
                mem.append(leaf(i)).unwrap();
            }
            disk.store_mut().sync().unwrap();
            assert_eq!(disk.root().unwrap(), mem.root().unwrap());
        }
        // A crash tore the last leaf record and lost part of level 1.
        let f = OpenOptions::new().write(true).open(dir.path().join("level-00.bin")).unwrap();
        f.set_len(9_999 * 32 + 17).unwrap();
        let f1 = OpenOptions::new().write(true).open(dir.path().join("level-01.bin")).unwrap();
        f1.set_len(1_000 * 32).unwrap();
        let disk = open_tree(dir.path(), shape).unwrap();
        assert_eq!(disk.len(), 9_999);
        assert_eq!(disk.root().unwrap(), mem.snapshot(9_999).unwrap().root());
        let snap = disk.snapshot(5_000).unwrap();
        assert_eq!(snap.root(), mem.snapshot(5_000).unwrap().root());
        assert_eq!(snap.path(4_321).unwrap(), mem.snapshot(5_000).unwrap().path(4_321).unwrap());
    }

    #[test]
    fn shape_is_pinned() {
        let dir = tempfile::tempdir().unwrap();
        open_tree(dir.path(), TreeShape::default_for_depth(12).unwrap()).unwrap();
        let err = open_tree(dir.path(), TreeShape::for_depth(4, 12).unwrap()).err().unwrap();
        assert!(matches!(err, TreeError::Store(StoreError::ShapeMismatch { .. })), "{err}");
    }
}
