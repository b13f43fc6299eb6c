//! iden3's binary container, which `.ptau`, `.zkey`, `.r1cs` and `.wtns` all use: a 4-byte
//! magic, a version, a section count, then sections `(id u32, size u64, bytes)`, little-endian,
//! in any order.

use crate::CeremonyError;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A whole file in memory, with its sections located.
pub struct BinFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    sections: Vec<(u32, Range<usize>)>,
}

impl BinFile {
    pub fn read(path: &Path, magic: &[u8; 4]) -> Result<Self, CeremonyError> {
        let bytes = std::fs::read(path).map_err(|e| CeremonyError::io(path, e))?;
        Self::parse(path, bytes, magic)
    }

    pub fn parse(path: &Path, bytes: Vec<u8>, magic: &[u8; 4]) -> Result<Self, CeremonyError> {
        let bad = |why: &str| CeremonyError::Format(path.to_path_buf(), why.to_string());
        if bytes.len() < 12 || &bytes[..4] != magic {
            return Err(bad(&format!("not a {} file", String::from_utf8_lossy(magic))));
        }
        let count = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
        let mut sections = Vec::with_capacity(count as usize);
        let mut pos = 12usize;
        for _ in 0..count {
            let header = bytes.get(pos..pos + 12).ok_or_else(|| bad("truncated section header"))?;
            let id = u32::from_le_bytes(header[..4].try_into().expect("4 bytes"));
            let size = u64::from_le_bytes(header[4..].try_into().expect("8 bytes")) as usize;
            let start = pos + 12;
            let end = start.checked_add(size).filter(|e| *e <= bytes.len()).ok_or_else(|| bad("truncated section"))?;
            sections.push((id, start..end));
            pos = end;
        }
        Ok(Self { path: path.to_path_buf(), bytes, sections })
    }

    pub fn has(&self, id: u32) -> bool {
        self.sections.iter().any(|(i, _)| *i == id)
    }

    /// The range of the one section `id`.
    pub fn range(&self, id: u32) -> Result<Range<usize>, CeremonyError> {
        let mut found = self.sections.iter().filter(|(i, _)| *i == id);
        match (found.next(), found.next()) {
            (Some((_, r)), None) => Ok(r.clone()),
            (None, _) => Err(CeremonyError::Format(self.path.clone(), format!("no section {id}"))),
            _ => Err(CeremonyError::Format(self.path.clone(), format!("section {id} appears twice"))),
        }
    }

    pub fn section(&self, id: u32) -> Result<&[u8], CeremonyError> {
        Ok(&self.bytes[self.range(id)?])
    }

    /// A section that must hold exactly `len` bytes.
    pub fn sized(&self, id: u32, len: usize) -> Result<&[u8], CeremonyError> {
        let s = self.section(id)?;
        if s.len() != len {
            return Err(CeremonyError::Format(
                self.path.clone(),
                format!("section {id} has {} bytes, expected {len}", s.len()),
            ));
        }
        Ok(s)
    }
}

/// Builds a file section by section.
pub struct Writer {
    out: Vec<u8>,
    count: u32,
}

impl Writer {
    pub fn new(magic: &[u8; 4], version: u32) -> Self {
        let mut out = magic.to_vec();
        out.extend_from_slice(&version.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        Self { out, count: 0 }
    }

    pub fn section(&mut self, id: u32, parts: &[&[u8]]) {
        let size: usize = parts.iter().map(|p| p.len()).sum();
        self.out.reserve(12 + size);
        self.out.extend_from_slice(&id.to_le_bytes());
        self.out.extend_from_slice(&(size as u64).to_le_bytes());
        parts.iter().for_each(|p| self.out.extend_from_slice(p));
        self.count += 1;
    }

    pub fn finish(mut self) -> Vec<u8> {
        self.out[8..12].copy_from_slice(&self.count.to_le_bytes());
        self.out
    }

    /// Writes the file so that a crash leaves the old content or the new, never a torn file.
    pub fn write(self, path: &Path) -> Result<(), CeremonyError> {
        write_atomic(path, &self.finish())
    }
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CeremonyError> {
    ddc_primitives::fs::write_atomic(path, bytes).map_err(|e| CeremonyError::io(path, e))
}

pub fn u32_at(bytes: &[u8], pos: usize) -> u32 {
    u32::from_le_bytes(bytes[pos..pos + 4].try_into().expect("4 bytes"))
}
