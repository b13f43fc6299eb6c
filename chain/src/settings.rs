//! Daemon settings: a TOML file overlaid by environment variables, shared by the storage node and
//! the validator so both read configuration the same way.
//!
//! `PREFIX_FIELD=value` sets `field`; `PREFIX_TABLE__FIELD` sets a field of a nested table. Values
//! are read as TOML literals (`8080`, `true`, `[1, 2]`), else taken as plain strings.

use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("invalid settings (file and {prefix}* environment): {message}")]
    Invalid { prefix: String, message: String },
}

/// Reads `path` (if any), applies the `prefix` environment overrides, and deserializes.
pub fn load<T: DeserializeOwned>(path: Option<&Path>, prefix: &str) -> Result<T, SettingsError> {
    load_from(path, prefix, std::env::vars())
}

/// [`load`] with the environment given.
pub fn load_from<T: DeserializeOwned>(
    path: Option<&Path>,
    prefix: &str,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<T, SettingsError> {
    let mut table = match path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|source| SettingsError::Read { path: path.to_path_buf(), source })?;
            text.parse::<toml::Table>()
                .map_err(|e| SettingsError::Parse { path: path.to_path_buf(), message: e.to_string() })?
        }
        None => toml::Table::new(),
    };
    for (name, value) in env {
        let Some(field) = name.strip_prefix(prefix) else { continue };
        let parts: Vec<String> = field.split("__").map(str::to_lowercase).collect();
        let value = format!("v = {value}")
            .parse::<toml::Table>()
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or(toml::Value::String(value));
        let mut at = &mut table;
        for part in &parts[..parts.len() - 1] {
            at = at
                .entry(part.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()))
                .as_table_mut()
                .ok_or_else(|| SettingsError::Invalid {
                    prefix: prefix.into(),
                    message: format!("{part} is not a table"),
                })?;
        }
        at.insert(parts[parts.len() - 1].clone(), value);
    }
    T::deserialize(toml::Value::Table(table))
        .map_err(|e| SettingsError::Invalid { prefix: prefix.into(), message: e.to_string() })
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("signal handler");
        tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct S {
        port: u16,
        name: String,
        inner: Inner,
    }
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Inner {
        on: bool,
    }

    #[test]
    fn environment_overrides_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, "port = 1\nname = \"a\"\n[inner]\non = false\n").unwrap();
        let env = [("X_PORT", "2"), ("X_INNER__ON", "true"), ("X_NAME", "http://b:1"), ("Y_PORT", "3")];
        let s: S = load_from(Some(&path), "X_", env.map(|(k, v)| (k.into(), v.into()))).unwrap();
        assert_eq!(s, S { port: 2, name: "http://b:1".into(), inner: Inner { on: true } });
        let err = load_from::<S>(Some(&path), "X_", [("X_PORT".into(), "many".into())]).unwrap_err();
        assert!(err.to_string().contains("X_"), "{err}");
    }
}
