//! The append-only chunk log of one vnode replica: fixed-size chunks, the last chunk of every
//! object zero-padded, so chunk `i` sits at byte `i · chunk_bytes` and is what leaf `i` hashes.

use super::StorageError;
use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct ChunkLog {
    path: PathBuf,
    file: Arc<File>,
    chunk_bytes: usize,
}

impl ChunkLog {
    /// Opens the log keeping its first `keep` chunks: whatever a crash left after the last
    /// acknowledged write is cut off.
    pub fn open(path: &Path, chunk_bytes: usize, keep: u64) -> Result<Self, StorageError> {
        let io = StorageError::io(path);
        let file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path).map_err(&io)?;
        let len = file.metadata().map_err(&io)?.len();
        let want = keep * chunk_bytes as u64;
        if len < want {
            return Err(StorageError::Corrupt(format!(
                "{}: holds {len} bytes but the index acknowledges {keep} chunks",
                path.display()
            )));
        }
        if len > want {
            file.set_len(want).map_err(&io)?;
            file.sync_data().map_err(&io)?;
        }
        Ok(Self { path: path.to_path_buf(), file: Arc::new(file), chunk_bytes })
    }

    pub fn write_at(&self, chunk: u64, bytes: &[u8]) -> Result<(), StorageError> {
        debug_assert_eq!(bytes.len() % self.chunk_bytes, 0);
        self.file.write_all_at(bytes, chunk * self.chunk_bytes as u64).map_err(StorageError::io(&self.path))
    }

    pub fn sync(&self) -> Result<(), StorageError> {
        self.file.sync_data().map_err(StorageError::io(&self.path))
    }

    /// A handle for reads outside the replica's lock; it stays valid after compaction unlinks it.
    pub fn reader(&self) -> LogReader {
        LogReader { file: self.file.clone(), path: self.path.clone() }
    }
}

/// Positional reads of a log.
#[derive(Clone)]
pub struct LogReader {
    file: Arc<File>,
    path: PathBuf,
}

impl LogReader {
    /// A read-only handle of a retired generation's log.
    pub fn open(path: &Path) -> Result<Self, StorageError> {
        let file = File::open(path).map_err(StorageError::io(path))?;
        Ok(Self { file: Arc::new(file), path: path.to_path_buf() })
    }

    /// A new handle of the log file with its own offset, for async streaming (a duplicated
    /// descriptor would share the offset with concurrent readers).
    pub fn reopen(&self) -> Result<File, StorageError> {
        File::open(&self.path).map_err(StorageError::io(&self.path))
    }

    pub fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> Result<(), StorageError> {
        self.file.read_exact_at(buf, offset).map_err(StorageError::io(&self.path))
    }
}
