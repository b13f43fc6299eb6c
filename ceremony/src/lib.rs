//! A multi-party trusted setup for the storage circuit's Groth16 keys, in snarkjs's formats so
//! that snarkjs can check every step on its own:
//! - [`phase1`]: a powers-of-tau ceremony over a `.ptau` file, with its Lagrange-basis
//!   preparation for phase 2, and the challenge/response exchange of air-gapped participants;
//! - [`phase2`]: the circuit-specific ceremony over a `.zkey` file, set up from the circuit's
//!   `.r1cs`, and the conversion of its final key into the prover's key files.
//!
//! Every contribution multiplies secrets in and publishes a proof of knowledge of them, bound to
//! the transcript so far; verifying a file checks the whole chain with pairings. One honest
//! participant who destroys their secret makes the keys sound.

pub mod binfile;
pub mod blake2b;
pub mod encoding;
pub mod keypair;
pub mod phase1;
pub mod phase2;
pub mod rng;
pub mod scalar_mul;

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum CeremonyError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{0}: {1}")]
    Format(PathBuf, String),
    #[error("verification failed: {0}")]
    Invalid(String),
    #[error("{0}")]
    Usage(String),
}

impl CeremonyError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io { path: path.to_path_buf(), source }
    }
}

/// Reports progress of long steps (the CLI draws bars; tests stay silent).
pub trait Progress: Sync {
    fn begin(&self, label: &str, total: u64);
    fn advance(&self, n: u64);
}

/// No progress output.
pub struct Silent;

impl Progress for Silent {
    fn begin(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
}

/// A hash as snarkjs prints it: four lines of four big-endian 32-bit words.
pub fn format_hash(h: &[u8]) -> String {
    h.chunks(16)
        .map(|line| line.chunks(4).map(hex::encode).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Who contributed and how, as every verification lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContributionInfo {
    pub index: usize,
    pub name: Option<String>,
    /// The hash the participant was shown when contributing.
    pub hash: [u8; 64],
    pub beacon: Option<Beacon>,
}

/// A public random beacon's value and how many times (as a power of two) it was hashed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Beacon {
    pub hash: Vec<u8>,
    pub iterations_exp: u8,
}

impl Beacon {
    pub fn parse(hex_value: &str, iterations_exp: u8) -> Result<Self, CeremonyError> {
        let hash = hex::decode(hex_value.trim_start_matches("0x"))
            .map_err(|e| CeremonyError::Usage(format!("beacon hash is not hexadecimal: {e}")))?;
        if hash.is_empty() || hash.len() > 255 {
            return Err(CeremonyError::Usage("a beacon hash has 1 to 255 bytes".into()));
        }
        if !(10..=63).contains(&iterations_exp) {
            return Err(CeremonyError::Usage("the beacon's iterations exponent must be 10 to 63".into()));
        }
        Ok(Self { hash, iterations_exp })
    }

    pub fn rng(&self) -> rng::ChaCha {
        rng::beacon(&self.hash, self.iterations_exp)
    }
}

/// A contribution's optional parameters (name, beacon), in snarkjs's tagged layout.
pub(crate) fn write_params(out: &mut Vec<u8>, name: &Option<String>, beacon: &Option<Beacon>) {
    let mut p = Vec::new();
    if let Some(name) = name {
        let mut end = name.len().min(64);
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        p.push(1);
        p.push(end as u8);
        p.extend_from_slice(&name.as_bytes()[..end]);
    }
    if let Some(b) = beacon {
        p.extend_from_slice(&[2, b.iterations_exp, 3, b.hash.len() as u8]);
        p.extend_from_slice(&b.hash);
    }
    out.extend_from_slice(&(p.len() as u32).to_le_bytes());
    out.extend_from_slice(&p);
}

/// Reads what [`write_params`] wrote at `pos`, returning the position after it.
pub(crate) fn read_params(bytes: &[u8], mut pos: usize, kind: u32) -> Option<(Option<String>, Option<Beacon>, usize)> {
    let len = binfile::u32_at(bytes, pos) as usize;
    pos += 4;
    let end = pos + len;
    let (mut name, mut exp, mut hash, mut last) = (None, None, None, 0u8);
    while pos < end {
        let tag = *bytes.get(pos)?;
        if tag <= last {
            return None;
        }
        last = tag;
        match tag {
            1 => {
                let n = *bytes.get(pos + 1)? as usize;
                name = Some(String::from_utf8_lossy(bytes.get(pos + 2..pos + 2 + n)?).into_owned());
                pos += 2 + n;
            }
            2 => {
                exp = Some(*bytes.get(pos + 1)?);
                pos += 2;
            }
            3 => {
                let n = *bytes.get(pos + 1)? as usize;
                hash = Some(bytes.get(pos + 2..pos + 2 + n)?.to_vec());
                pos += 2 + n;
            }
            _ => return None,
        }
    }
    if pos != end {
        return None;
    }
    let beacon = match (kind, exp, hash) {
        (0, _, _) => None,
        (1, Some(iterations_exp), Some(hash)) => Some(Beacon { hash, iterations_exp }),
        _ => return None,
    };
    Some((name, beacon, end))
}
