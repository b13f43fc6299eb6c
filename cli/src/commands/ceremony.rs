//! `ddc ceremony`: a multi-party trusted setup in snarkjs's formats (docs/ceremony.md).
//!
//! Phase 1 grows a powers of tau (`.ptau`) contribution by contribution; phase 2 specializes it
//! to the storage circuit (`.zkey`); `finalize` checks the whole chain and writes the prover's
//! key files. Every file is written atomically, so an interrupted step leaves the input intact.

use crate::progress;
use crate::ShapeArgs;
use anyhow::{bail, Context};
use ddc_ceremony::phase1::{self, Ptau};
use ddc_ceremony::phase2::Zkey;
use ddc_ceremony::rng::ChaCha;
use ddc_ceremony::{format_hash, Beacon, ContributionInfo, Progress};
use ddc_circuits::export::iden3::{read_r1cs, write_r1cs};
use ddc_circuits::storage::compound::constraint_matrices;
use ddc_circuits::storage::keys::{write_keys, Origin};
use ddc_primitives::fs::write_atomic;
use indicatif::ProgressBar;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

/// An indicatif bar per step.
#[derive(Default)]
struct Bars(Mutex<Option<ProgressBar>>);

impl Progress for Bars {
    fn begin(&self, label: &str, total: u64) {
        let mut bar = self.0.lock().expect("not poisoned");
        if let Some(b) = bar.take() {
            b.finish();
        }
        *bar = Some(progress::count(total, label));
    }
    fn advance(&self, n: u64) {
        if let Some(b) = &*self.0.lock().expect("not poisoned") {
            b.inc(n);
        }
    }
}

impl Drop for Bars {
    fn drop(&mut self) {
        if let Some(b) = self.0.lock().expect("not poisoned").take() {
            b.finish();
        }
    }
}

/// The contribution's randomness: 64 bytes from the OS and the participant's text.
fn entropy(text: Option<String>) -> ChaCha {
    ddc_ceremony::rng::entropy(&text.unwrap_or_default())
}

fn timed<T>(what: &str, f: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<T> {
    let start = Instant::now();
    let r = f()?;
    eprintln!("{what}: {:.1} s", start.elapsed().as_secs_f64());
    Ok(r)
}

fn print_hash(title: &str, h: &[u8]) {
    println!("{title}\n{}", indent(&format_hash(h)));
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
}

fn print_contributions(list: &[ContributionInfo]) {
    for c in list {
        let kind = match &c.beacon {
            Some(b) => format!(" (beacon {} hashed 2^{} times)", hex::encode(&b.hash), b.iterations_exp),
            None => String::new(),
        };
        println!("contribution #{}: {}{kind}", c.index, c.name.as_deref().unwrap_or("(unnamed)"));
        println!("{}", indent(&format_hash(&c.hash)));
    }
}

fn read_ptau(path: &Path) -> anyhow::Result<Ptau> {
    timed("read", || Ok(Ptau::read(path)?))
}

fn read_zkey(path: &Path) -> anyhow::Result<Zkey> {
    timed("read", || Ok(Zkey::read(path)?))
}

fn beacon(hash: &str, iterations_exp: u8) -> anyhow::Result<Beacon> {
    Ok(Beacon::parse(hash, iterations_exp)?)
}

pub fn p1_new(power: u32, out: &Path) -> anyhow::Result<ExitCode> {
    let ptau = Ptau::new(power)?;
    timed("write", || Ok(ptau.write(out)?))?;
    print_hash("first challenge hash:", &ptau.current_challenge());
    Ok(ExitCode::SUCCESS)
}

pub fn p1_contribute(
    input: &Path,
    out: &Path,
    name: Option<String>,
    entropy_text: Option<String>,
) -> anyhow::Result<ExitCode> {
    let mut ptau = read_ptau(input)?;
    let hash =
        timed("contribute", || Ok(ptau.contribute(&mut entropy(entropy_text), name, None, &Bars::default())?))?;
    timed("write", || Ok(ptau.write(out)?))?;
    print_hash("your contribution's hash (keep it: `verify` lists it):", &hash);
    Ok(ExitCode::SUCCESS)
}

pub fn p1_beacon(input: &Path, out: &Path, name: Option<String>, hash: &str, exp: u8) -> anyhow::Result<ExitCode> {
    let mut ptau = read_ptau(input)?;
    let b = beacon(hash, exp)?;
    let h = timed("beacon", || Ok(ptau.contribute(&mut b.rng(), name, Some(b.clone()), &Bars::default())?))?;
    timed("write", || Ok(ptau.write(out)?))?;
    print_hash("beacon contribution's hash:", &h);
    Ok(ExitCode::SUCCESS)
}

pub fn p1_prepare(input: &Path, out: &Path) -> anyhow::Result<ExitCode> {
    let mut ptau = read_ptau(input)?;
    timed("prepare phase 2", || {
        ptau.prepare_phase2(&Bars::default());
        Ok(())
    })?;
    timed("write", || Ok(ptau.write(out)?))?;
    Ok(ExitCode::SUCCESS)
}

pub fn p1_verify(input: &Path) -> anyhow::Result<ExitCode> {
    let ptau = read_ptau(input)?;
    let list = timed("verify", || Ok(ptau.verify(&Bars::default())?))?;
    println!("powers of tau 2^{}: {} contributions, all valid", ptau.power(), list.len());
    print_contributions(&list);
    if ptau.lagrange.is_none() {
        println!("not prepared for phase 2 yet (`ddc ceremony phase1 prepare`)");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn p1_export_challenge(input: &Path, out: &Path) -> anyhow::Result<ExitCode> {
    let ptau = read_ptau(input)?;
    write_atomic(out, &ptau.export_challenge()).with_context(|| out.display().to_string())?;
    print_hash("challenge hash:", &ptau.current_challenge());
    Ok(ExitCode::SUCCESS)
}

pub fn p1_respond(challenge: &Path, out: &Path, entropy_text: Option<String>) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(challenge).with_context(|| challenge.display().to_string())?;
    let (response, hash) = timed("contribute", || {
        Ok(phase1::contribute_challenge(&bytes, &mut entropy(entropy_text), &Bars::default())?)
    })?;
    write_atomic(out, &response).with_context(|| out.display().to_string())?;
    print_hash("your contribution's hash (keep it: `verify` lists it):", &hash);
    Ok(ExitCode::SUCCESS)
}

pub fn p1_import(input: &Path, response: &Path, out: &Path, name: Option<String>) -> anyhow::Result<ExitCode> {
    let mut ptau = read_ptau(input)?;
    let bytes = std::fs::read(response).with_context(|| response.display().to_string())?;
    let hash = timed("import", || Ok(ptau.import_response(&bytes, name)?))?;
    timed("write", || Ok(ptau.write(out)?))?;
    print_hash("imported contribution's hash:", &hash);
    Ok(ExitCode::SUCCESS)
}

fn read_circuit(r1cs: &Path) -> anyhow::Result<ark_relations::r1cs::ConstraintMatrices<ark_bn254::Fr>> {
    let bytes = std::fs::read(r1cs).with_context(|| r1cs.display().to_string())?;
    read_r1cs(&bytes).with_context(|| r1cs.display().to_string())
}

pub fn p2_setup(r1cs: &Path, ptau: &Path, out: &Path) -> anyhow::Result<ExitCode> {
    let m = read_circuit(r1cs)?;
    let ptau = read_ptau(ptau)?;
    let zkey = timed("setup", || Ok(Zkey::setup(&m, &ptau, &Bars::default())?))?;
    timed("write", || Ok(zkey.write(out)?))?;
    print_hash("circuit hash:", &zkey.cs_hash);
    Ok(ExitCode::SUCCESS)
}

pub fn p2_contribute(
    input: &Path,
    out: &Path,
    name: Option<String>,
    entropy_text: Option<String>,
) -> anyhow::Result<ExitCode> {
    let mut zkey = read_zkey(input)?;
    let hash = timed("contribute", || Ok(zkey.contribute(&mut entropy(entropy_text), name, None, &Bars::default())))?;
    timed("write", || Ok(zkey.write(out)?))?;
    print_hash("your contribution's hash (keep it: `verify` lists it):", &hash);
    Ok(ExitCode::SUCCESS)
}

pub fn p2_beacon(input: &Path, out: &Path, name: Option<String>, hash: &str, exp: u8) -> anyhow::Result<ExitCode> {
    let mut zkey = read_zkey(input)?;
    let b = beacon(hash, exp)?;
    let h = timed("beacon", || Ok(zkey.contribute(&mut b.rng(), name, Some(b.clone()), &Bars::default())))?;
    timed("write", || Ok(zkey.write(out)?))?;
    print_hash("beacon contribution's hash:", &h);
    Ok(ExitCode::SUCCESS)
}

fn verify_zkey(zkey: &Zkey, r1cs: &Path, ptau: &Path, with_ptau: bool) -> anyhow::Result<()> {
    let m = read_circuit(r1cs)?;
    let ptau = read_ptau(ptau)?;
    if with_ptau {
        let list = timed("verify the powers of tau", || Ok(ptau.verify(&Bars::default())?))?;
        println!("powers of tau 2^{}: {} contributions, all valid", ptau.power(), list.len());
        print_contributions(&list);
    }
    let list = timed("verify", || Ok(zkey.verify(&m, &ptau, &Bars::default())?))?;
    println!("circuit key: {} contributions, all valid, derived from this circuit and powers of tau", list.len());
    print_contributions(&list);
    Ok(())
}

pub fn p2_verify(zkey: &Path, r1cs: &Path, ptau: &Path) -> anyhow::Result<ExitCode> {
    verify_zkey(&read_zkey(zkey)?, r1cs, ptau, false)?;
    Ok(ExitCode::SUCCESS)
}

/// Verifies the powers of tau and the final zkey, checks the zkey is this shape's circuit, and
/// writes the prover's and verifier's key files; prints the verifying key's hash that
/// governance pins on-chain.
pub fn finalize(zkey_path: &Path, r1cs: &Path, ptau: &Path, shape: ShapeArgs, keys: &Path) -> anyhow::Result<ExitCode> {
    let params = shape.params()?;
    let zkey = read_zkey(zkey_path)?;
    if zkey.contributions.is_empty() {
        bail!("{}: no contribution yet; its keys are as public as the powers of tau", zkey_path.display());
    }
    let m = constraint_matrices(&params)?;
    let mut ours = Vec::new();
    write_r1cs(&mut ours, &m)?;
    if std::fs::read(r1cs).with_context(|| r1cs.display().to_string())? != ours {
        bail!("{} is not the circuit of shape {} in this build", r1cs.display(), params.name());
    }
    verify_zkey(&zkey, r1cs, ptau, true)?;
    let zkey_sha = hex::encode(Sha256::digest(std::fs::read(zkey_path)?));
    let origin = format!(
        "ceremony: zkey sha256 {zkey_sha}, {} contributions, last {}",
        zkey.contributions.len(),
        if zkey.contributions.last().is_some_and(|c| c.beacon.is_some()) { "a beacon" } else { "a participant" }
    );
    let manifest = write_keys(keys, &params, &zkey.proving_key(), Origin::Ceremony(origin), m.num_constraints)?;
    println!("wrote {} and {} in {}", manifest.pk_file, manifest.vk_file, keys.display());
    println!("verifying key sha256 (register it on-chain): {}", manifest.vk_sha256);
    Ok(ExitCode::SUCCESS)
}
