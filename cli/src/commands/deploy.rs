//! `ddc deploy`: instantiates the DDC core contract on a Substrate node with pallet-contracts and
//! prints its address, for `--chain ws://… --contract ADDRESS` everywhere else.

use anyhow::Context;
use clap::Args;
use ddc_chain::calls::call_data;
use ddc_chain::substrate::{address::to_ss58, parse_account, SubstrateClient};
use ddc_chain::Signer;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct DeployArgs {
    /// The node's WebSocket RPC URL.
    #[arg(long, env = "DDC_CHAIN", default_value = "ws://127.0.0.1:9944")]
    pub chain: String,
    /// The deployer's secret key URI (sr25519). `//Name` dev keys are INSECURE.
    #[arg(long, env = "DDC_KEY", default_value = "//Alice")]
    pub key: String,
    /// The contract's wasm. Without --verifier, the `ddc-pos` build
    /// (`target/contract/ddc_verifier_contract_ddc_pos.wasm`), which checks proofs through the
    /// DDC runtime's chain extension; with it, the plain build (`ddc_verifier_contract.wasm`).
    #[arg(long)]
    pub wasm: Option<PathBuf>,
    /// A deployed `ddc_groth16_verifier` contract to check proofs with, on a chain without the
    /// `ddc-pos` extension.
    #[arg(long)]
    pub verifier: Option<String>,
    /// Accept INSECURE development verifying keys: for local and test chains only, fixed for
    /// the contract's lifetime.
    #[arg(long)]
    pub dev_chain: bool,
    /// Salt of the contract's address (hex), to deploy more than one instance of the same code.
    #[arg(long, default_value = "")]
    pub salt: String,
}

pub fn run(args: DeployArgs) -> anyhow::Result<ExitCode> {
    let (default_wasm, constructor) = match &args.verifier {
        None => ("ddc_verifier_contract_ddc_pos.wasm", call_data("new_with_extension", args.dev_chain)),
        Some(verifier) => {
            let verifier = parse_account(verifier).context("--verifier")?;
            ("ddc_verifier_contract.wasm", call_data("new", (verifier, args.dev_chain)))
        }
    };
    let wasm = args.wasm.clone().unwrap_or_else(|| PathBuf::from("target/contract").join(default_wasm));
    let code = std::fs::read(&wasm)
        .with_context(|| format!("reading {} (scripts/build-contract.sh builds it)", wasm.display()))?;
    let salt = hex::decode(args.salt.trim_start_matches("0x")).context("--salt: hex")?;
    let signer = Signer::from_uri(&args.key).context("--key")?;
    let runtime = tokio::runtime::Runtime::new()?;
    let client = runtime
        .block_on(SubstrateClient::deploy(&args.chain, signer, code, constructor, salt))
        .with_context(|| format!("deploying {} on {}", wasm.display(), args.chain))?;
    let address = to_ss58(&client.contract());
    tracing::info!(contract = %address, wasm = %wasm.display(), dev_chain = args.dev_chain, "DDC core contract deployed");
    println!("{address}");
    Ok(ExitCode::SUCCESS)
}
