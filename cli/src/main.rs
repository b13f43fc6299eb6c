//! `ddc`: one command line for the Decentralized Data Cloud.

mod commands;
mod progress;

use clap::{Args, Parser, Subcommand};
use ddc_circuits::storage::StorageParams;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "ddc", version, about = "Decentralized Data Cloud: storage proofs, nodes, validators, devnet")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The shape of a storage-proof circuit.
#[derive(Args, Clone, Copy, Debug)]
pub struct ShapeArgs {
    /// The tree holds up to 2^DEPTH chunks.
    #[arg(long, default_value_t = 30)]
    pub depth: u32,
    /// Challenged chunks per proof (K).
    #[arg(long, default_value_t = 32)]
    pub challenges: usize,
    /// Chunk size in bytes.
    #[arg(long, default_value_t = 1024)]
    pub chunk_bytes: usize,
    /// Tree arity (2, 4 or 8).
    #[arg(long, default_value_t = 8)]
    pub arity: usize,
}

impl ShapeArgs {
    pub fn params(&self) -> anyhow::Result<StorageParams> {
        Ok(StorageParams {
            depth: self.depth,
            arity: self.arity,
            challenges: self.challenges,
            chunk_bytes: self.chunk_bytes,
        }
        .checked()?)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Circuit tools.
    Circuit {
        #[command(subcommand)]
        command: CircuitCommand,
    },
    /// Generate INSECURE development proving and verifying keys.
    Setup {
        #[command(flatten)]
        shape: ShapeArgs,
        /// Directory for the key files.
        #[arg(long)]
        out: PathBuf,
    },
    /// Commit a file into a Merkle tree and prove storage of it for a seed.
    ProveFile {
        file: PathBuf,
        /// Directory written by `ddc setup`.
        #[arg(long)]
        keys: PathBuf,
        /// Challenge seed: 32 bytes of hex (reduced into the field).
        #[arg(long)]
        seed: String,
        /// Where to write the proof (JSON).
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        shape: ShapeArgs,
    },
    /// Verify a proof written by `prove-file`; exits 1 if it is invalid.
    Verify {
        proof: PathBuf,
        #[arg(long)]
        keys: PathBuf,
        /// Also check that the proof's root and chunk count are this file's.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Write keys and proofs in other tools' formats, for independent verification.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Run the embedded dev chain: the DDC contract's rules executed natively, blocks on a timer,
    /// state persisted in DIR, an HTTP RPC (docs/chain-rpc.md). Dev accounts are INSECURE.
    Chain(commands::chain::ChainArgs),
    /// Deploy the DDC core contract on a Substrate node with pallet-contracts and print its
    /// address (docs/substrate.md).
    Deploy(commands::deploy::DeployArgs),
    /// Run a storage node: store, serve, commit, prove (docs/api.md).
    Node(commands::daemon::DaemonArgs),
    /// Run a validator: seed randomness, proof requests, batch verification, on-chain results,
    /// fault reports, retrievability sampling (docs/validator.md).
    Validator(commands::daemon::DaemonArgs),
    /// Buckets on the chain.
    Bucket {
        #[command(subcommand)]
        command: commands::objects::BucketCommand,
        #[command(flatten)]
        user: commands::objects::UserArgs,
    },
    /// Upload a file into a bucket.
    Put {
        file: PathBuf,
        #[arg(long)]
        bucket: u32,
        /// Object key (default: the file's name).
        #[arg(long)]
        key: Option<String>,
        #[command(flatten)]
        user: commands::objects::UserArgs,
    },
    /// Download an object (to stdout without --out).
    Get {
        bucket: u32,
        key: String,
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        user: commands::objects::UserArgs,
    },
    /// List a bucket's objects.
    Ls {
        bucket: u32,
        #[arg(long, default_value = "")]
        prefix: String,
        #[command(flatten)]
        user: commands::objects::UserArgs,
    },
    /// Delete an object.
    Rm {
        bucket: u32,
        key: String,
        #[command(flatten)]
        user: commands::objects::UserArgs,
    },
    /// The write receipts the nodes signed for you: list them, or check them against the
    /// nodes' commitments and report on-chain those that leave your data out.
    Receipts {
        #[command(subcommand)]
        command: commands::objects::ReceiptsCommand,
        #[command(flatten)]
        user: commands::objects::UserArgs,
    },
    /// Start a whole local network: chain, nodes, validators, a workload, a live dashboard.
    Devnet(commands::devnet::DevnetArgs),
}

#[derive(Subcommand)]
enum CircuitCommand {
    /// Print constraint counts of a storage-proof circuit.
    Info {
        #[command(flatten)]
        shape: ShapeArgs,
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// A proof written by `prove-file` and its verifying key as snarkjs's verification_key.json,
    /// proof.json and public.json, for `snarkjs groth16 verify`.
    Snarkjs {
        proof: PathBuf,
        /// Directory written by `ddc setup`.
        #[arg(long)]
        keys: PathBuf,
        /// Directory for the three files.
        #[arg(long)]
        out: PathBuf,
    },
    /// A Solidity verifier contract rendered from the verifying key of a proof written by
    /// `prove-file` (DdcStorageVerifier.sol), and that proof's calldata (calldata.json).
    Solidity {
        proof: PathBuf,
        /// Directory written by `ddc setup`.
        #[arg(long)]
        keys: PathBuf,
        /// Directory for the two files.
        #[arg(long)]
        out: PathBuf,
    },
    /// The storage-proof circuit's constraint system as an iden3 `.r1cs` file (snarkjs reads it:
    /// `snarkjs r1cs info`, and a phase-2 ceremony starts from it).
    R1cs {
        #[command(flatten)]
        shape: ShapeArgs,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
}

/// arkworks instruments every gadget call with an INFO span on target `r1cs` whose fields are
/// `Debug` dumps of its arguments, including the whole constraint system: never record them.
const LOG_DEFAULT: &str = "info";
const LOG_ALWAYS: &str = "r1cs=off";

fn main() -> ExitCode {
    let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| LOG_DEFAULT.into());
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(format!("{filter},{LOG_ALWAYS}")))
        .with_writer(std::io::stderr)
        .init();
    let result = match Cli::parse().command {
        Command::Circuit { command: CircuitCommand::Info { shape, json } } => commands::circuit::info(shape, json),
        Command::Setup { shape, out } => commands::setup::run(shape, &out),
        Command::ProveFile { file, keys, seed, out, shape } => commands::prove::run(&file, &keys, &seed, &out, shape),
        Command::Verify { proof, keys, file } => commands::verify::run(&proof, &keys, file.as_deref()),
        Command::Export { command: ExportCommand::Snarkjs { proof, keys, out } } => {
            commands::export::snarkjs(&proof, &keys, &out)
        }
        Command::Export { command: ExportCommand::R1cs { shape, out } } => commands::export::r1cs(shape, &out),
        Command::Export { command: ExportCommand::Solidity { proof, keys, out } } => {
            commands::export::solidity(&proof, &keys, &out)
        }
        Command::Chain(args) => commands::chain::run(args),
        Command::Deploy(args) => commands::deploy::run(args),
        Command::Node(args) => commands::node::run(args),
        Command::Bucket { command, user } => commands::objects::bucket(user, command),
        Command::Put { file, bucket, key, user } => commands::objects::put(user, file, bucket, key),
        Command::Get { bucket, key, out, user } => commands::objects::get(user, bucket, key, out),
        Command::Ls { bucket, prefix, user } => commands::objects::ls(user, bucket, prefix),
        Command::Rm { bucket, key, user } => commands::objects::rm(user, bucket, key),
        Command::Receipts { command, user } => commands::objects::receipts(user, command),
        Command::Validator(args) => commands::validator::run(args),
        Command::Devnet(args) => commands::devnet::run_devnet(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
