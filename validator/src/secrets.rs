//! Seed secrets, kept on disk before their commitment is sent: a validator that restarts between
//! commit and reveal can still reveal (not revealing is penalised).

use ddc_primitives::ids::{ClusterId, Epoch};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{0}: not a 32-byte secret")]
    Corrupt(PathBuf),
}

pub struct Secrets {
    dir: PathBuf,
}

impl Secrets {
    pub fn open(dir: &Path) -> Result<Self, SecretError> {
        std::fs::create_dir_all(dir).map_err(|source| SecretError::Io { path: dir.to_path_buf(), source })?;
        Ok(Self { dir: dir.to_path_buf() })
    }

    fn path(&self, cluster: ClusterId, epoch: Epoch) -> PathBuf {
        self.dir.join(format!("c{cluster}-e{epoch}.secret"))
    }

    /// The secret of an epoch, made and made durable on first use.
    pub fn get_or_create(&self, cluster: ClusterId, epoch: Epoch) -> Result<[u8; 32], SecretError> {
        if let Some(s) = self.get(cluster, epoch)? {
            return Ok(s);
        }
        let secret: [u8; 32] = rand::random();
        let path = self.path(cluster, epoch);
        ddc_primitives::fs::write_atomic(&path, &secret).map_err(|source| SecretError::Io { path, source })?;
        Ok(secret)
    }

    pub fn get(&self, cluster: ClusterId, epoch: Epoch) -> Result<Option<[u8; 32]>, SecretError> {
        let path = self.path(cluster, epoch);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes.try_into().map_err(|_| SecretError::Corrupt(path))?)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(SecretError::Io { path, source }),
        }
    }

    /// Forgets secrets of epochs before `before`.
    pub fn prune(&self, cluster: ClusterId, before: Epoch) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return };
        let prefix = format!("c{cluster}-e");
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            let epoch = name.strip_prefix(&prefix).and_then(|r| r.strip_suffix(".secret")).and_then(|n| n.parse().ok());
            if epoch.is_some_and(|n: Epoch| n < before) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_survives_reopening_and_old_ones_are_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let s = Secrets::open(dir.path()).unwrap();
        let a = s.get_or_create(1, 5).unwrap();
        let again = Secrets::open(dir.path()).unwrap();
        assert_eq!(again.get_or_create(1, 5).unwrap(), a);
        assert_ne!(again.get_or_create(1, 6).unwrap(), a);
        again.prune(1, 6);
        assert_eq!(again.get(1, 5).unwrap(), None);
        assert!(again.get(1, 6).unwrap().is_some());
        std::fs::write(dir.path().join("c1-e9.secret"), b"short").unwrap();
        assert!(matches!(again.get(1, 9), Err(SecretError::Corrupt(_))));
    }
}
