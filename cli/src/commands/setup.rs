//! `ddc setup`: deterministic INSECURE development keys.

use crate::progress::spinner;
use crate::ShapeArgs;
use ddc_circuits::storage::keys::{write_dev_keys, INSECURE_DEV_SEED};
use std::path::Path;
use std::process::ExitCode;

pub fn run(shape: ShapeArgs, out: &Path) -> anyhow::Result<ExitCode> {
    let params = shape.params()?;
    eprintln!("WARNING: generating INSECURE development keys from the public seed {INSECURE_DEV_SEED:?}.");
    eprintln!("         Anyone can forge proofs under them. Never secure real value with these keys.");
    let bar = spinner(&format!("generating INSECURE keys for circuit {}", params.name()));
    let manifest = write_dev_keys(out, &params)?;
    bar.finish_and_clear();
    tracing::warn!(dir = %out.display(), "wrote INSECURE development keys");
    println!("INSECURE development keys for {} ({} constraints):", params.name(), manifest.constraints);
    println!("  proving key    {}  sha256 {}", out.join(&manifest.pk_file).display(), manifest.pk_sha256);
    println!("  verifying key  {}  sha256 {}", out.join(&manifest.vk_file).display(), manifest.vk_sha256);
    Ok(ExitCode::SUCCESS)
}
