//! The pinned npm tools (this directory's package.json), for tests: included with
//! `#[path = "../../tools/node/node_tools.rs"] mod node_tools;`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tools/node")
}

/// The pinned Node.js.
pub fn node() -> PathBuf {
    let node = dir().join("node_modules/.bin/node");
    assert!(node.exists(), "Node.js missing: run scripts/node-tools.sh (scripts/setup.sh --tests)");
    node
}

/// A script in this directory or a package's file under node_modules.
pub fn script(path: &str) -> PathBuf {
    let p = dir().join(path);
    assert!(p.exists(), "{} missing: run scripts/node-tools.sh (scripts/setup.sh --tests)", p.display());
    p
}

/// Runs snarkjs 0.7.6; returns (exit status success, stdout + stderr).
pub fn snarkjs<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> (bool, String) {
    let o = Command::new(node())
        .arg(script("node_modules/snarkjs/build/cli.cjs"))
        .args(args)
        .output()
        .expect("runs snarkjs");
    (o.status.success(), String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr))
}
