//! Chunk reads from a flat file, as the vanilla prover and ingest see them.

use ddc_circuits::storage::vanilla::ChunkSource;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// A file cut into fixed-size chunks; the last one is zero-padded.
pub struct FileChunks {
    path: PathBuf,
    file: File,
    len: u64,
    chunk_bytes: usize,
}

impl FileChunks {
    pub fn open(path: &Path, chunk_bytes: usize) -> std::io::Result<Self> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        Ok(Self { path: path.to_path_buf(), file, len, chunk_bytes })
    }
    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn len_bytes(&self) -> u64 {
        self.len
    }
    pub fn chunk_count(&self) -> u64 {
        self.len.div_ceil(self.chunk_bytes as u64)
    }
    pub fn chunk_bytes(&self) -> usize {
        self.chunk_bytes
    }
}

impl ChunkSource for FileChunks {
    type Error = std::io::Error;
    fn read_chunk(&self, index: u64, buf: &mut [u8]) -> std::io::Result<()> {
        if index >= self.chunk_count() || buf.len() != self.chunk_bytes {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("no chunk {index} in {}", self.path.display()),
            ));
        }
        let start = index * self.chunk_bytes as u64;
        let n = (self.len - start).min(buf.len() as u64) as usize;
        buf.fill(0);
        self.file.read_exact_at(&mut buf[..n], start)
    }
}
