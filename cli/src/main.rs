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
    /// A multi-party trusted setup in snarkjs's formats: powers of tau, then the circuit's
    /// phase 2, then the key files (docs/ceremony.md).
    Ceremony {
        #[command(subcommand)]
        command: CeremonyCommand,
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
    /// Upload a file into a bucket, encrypted on this machine (docs/encryption.md).
    Put {
        file: PathBuf,
        #[arg(long)]
        bucket: u32,
        /// Object key (default: the file's name).
        #[arg(long)]
        key: Option<String>,
        /// Store the file as is: every node (and anyone it leaks to) can read it.
        #[arg(long)]
        plain: bool,
        /// Encrypt the key too: nodes see `~` and random-looking text; `get` finds it by name.
        #[arg(long, conflicts_with = "plain")]
        encrypt_name: bool,
        #[command(flatten)]
        user: commands::objects::UserArgs,
    },
    /// Download and decrypt an object (to stdout without --out).
    Get {
        bucket: u32,
        key: String,
        #[arg(long)]
        out: Option<PathBuf>,
        /// The object was stored with --plain: download it as is.
        #[arg(long)]
        plain: bool,
        /// Only bytes START..END of the (decrypted) object.
        #[arg(long, value_parser = commands::objects::parse_range)]
        range: Option<(u64, u64)>,
        #[command(flatten)]
        user: commands::objects::UserArgs,
    },
    /// List a bucket's objects (names you encrypted are shown decrypted).
    Ls {
        bucket: u32,
        #[arg(long, default_value = "")]
        prefix: String,
        /// Also list the sharing grants under `.ddc/`.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        user: commands::objects::UserArgs,
    },
    /// Let another account read an encrypted object: wraps its data key to their encryption
    /// key (and to that of every later write) and adds them to the bucket's readers.
    Share {
        bucket: u32,
        key: String,
        /// The account: SS58, 0x hex, or `//Name` for a development account.
        #[arg(long)]
        to: String,
        /// Their encryption public key, as `ddc whoami` prints it; needed once per bucket.
        #[arg(long)]
        to_key: Option<String>,
        #[command(flatten)]
        user: commands::objects::UserArgs,
    },
    /// Stop sharing an object: later writes are not readable by the account (what it already
    /// downloaded, it keeps).
    Unshare {
        bucket: u32,
        key: String,
        #[arg(long)]
        from: String,
        /// Also remove the account from the bucket's readers.
        #[arg(long)]
        revoke_read: bool,
        #[command(flatten)]
        user: commands::objects::UserArgs,
    },
    /// Print your account and the encryption public key others share to.
    Whoami {
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
    /// Simulate a whole network under injected faults, deterministically from a seed, and check
    /// its invariants: money conserved, no honest node slashed, faulty nodes caught in time, no
    /// acknowledged write lost.
    Sim(commands::sim::SimArgs),
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
enum CeremonyCommand {
    /// Phase 1: powers of tau (`.ptau`), shared by every circuit up to its size.
    Phase1 {
        #[command(subcommand)]
        command: Phase1Command,
    },
    /// Phase 2: the storage circuit's own contributions (`.zkey`).
    Phase2 {
        #[command(subcommand)]
        command: Phase2Command,
    },
    /// Verify the final zkey against this build's circuit and the powers of tau, then write the
    /// key files `ddc node` and the validators load (not INSECURE) and print the verifying key's
    /// hash to register on-chain.
    Finalize {
        #[arg(long)]
        zkey: PathBuf,
        /// The circuit, as `ddc export r1cs` writes it for this shape.
        #[arg(long)]
        r1cs: PathBuf,
        /// The prepared powers of tau phase 2 started from.
        #[arg(long)]
        ptau: PathBuf,
        #[command(flatten)]
        shape: ShapeArgs,
        /// Directory for the key files.
        #[arg(long)]
        keys: PathBuf,
    },
}

/// Who contributes, and with what extra entropy (beyond 64 bytes from the OS).
#[derive(clap::Args)]
struct Participant {
    /// A name recorded with the contribution (64 bytes at most).
    #[arg(long)]
    name: Option<String>,
    /// Text mixed into the OS's randomness.
    #[arg(long, env = "DDC_ENTROPY", hide_env_values = true)]
    entropy: Option<String>,
}

/// A public random beacon, applied last so that no participant chose the final keys.
#[derive(clap::Args)]
struct BeaconArgs {
    /// The beacon's value in hex (e.g. a future block hash announced in advance).
    #[arg(long)]
    hash: String,
    /// The value is hashed 2^N times (10..=63), so that it cannot be ground in time.
    #[arg(long, default_value_t = 10)]
    iterations_exp: u8,
    #[arg(long)]
    name: Option<String>,
}

#[derive(Subcommand)]
enum Phase1Command {
    /// Start a ceremony for circuits of up to 2^POWER constraints.
    New {
        #[arg(long)]
        power: u32,
        #[arg(long)]
        out: PathBuf,
    },
    /// Add a contribution; prints its hash.
    Contribute {
        input: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        who: Participant,
    },
    /// Add a public random beacon's contribution.
    Beacon {
        input: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        beacon: BeaconArgs,
    },
    /// Check every contribution and the points; lists the contributions' hashes.
    Verify { input: PathBuf },
    /// Compute the Lagrange-basis points phase 2 reads.
    Prepare {
        input: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Air-gapped step 1: write the challenge file for an offline participant.
    ExportChallenge {
        input: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Air-gapped step 2, on the offline machine: answer a challenge file with a response file.
    Respond {
        challenge: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, env = "DDC_ENTROPY", hide_env_values = true)]
        entropy: Option<String>,
    },
    /// Air-gapped step 3: add the response to the ceremony (checked first).
    ImportResponse {
        input: PathBuf,
        #[arg(long)]
        response: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand)]
enum Phase2Command {
    /// The circuit's initial key from its `.r1cs` and a prepared powers of tau.
    Setup {
        #[arg(long)]
        r1cs: PathBuf,
        #[arg(long)]
        ptau: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Add a contribution; prints its hash.
    Contribute {
        input: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        who: Participant,
    },
    /// Add a public random beacon's contribution.
    Beacon {
        input: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        beacon: BeaconArgs,
    },
    /// Check every contribution, and the key against the circuit and the powers of tau.
    Verify {
        input: PathBuf,
        #[arg(long)]
        r1cs: PathBuf,
        #[arg(long)]
        ptau: PathBuf,
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

fn ceremony(command: CeremonyCommand) -> anyhow::Result<ExitCode> {
    use commands::ceremony as c;
    match command {
        CeremonyCommand::Phase1 { command } => match command {
            Phase1Command::New { power, out } => c::p1_new(power, &out),
            Phase1Command::Contribute { input, out, who } => c::p1_contribute(&input, &out, who.name, who.entropy),
            Phase1Command::Beacon { input, out, beacon: b } => {
                c::p1_beacon(&input, &out, b.name, &b.hash, b.iterations_exp)
            }
            Phase1Command::Verify { input } => c::p1_verify(&input),
            Phase1Command::Prepare { input, out } => c::p1_prepare(&input, &out),
            Phase1Command::ExportChallenge { input, out } => c::p1_export_challenge(&input, &out),
            Phase1Command::Respond { challenge, out, entropy } => c::p1_respond(&challenge, &out, entropy),
            Phase1Command::ImportResponse { input, response, out, name } => c::p1_import(&input, &response, &out, name),
        },
        CeremonyCommand::Phase2 { command } => match command {
            Phase2Command::Setup { r1cs, ptau, out } => c::p2_setup(&r1cs, &ptau, &out),
            Phase2Command::Contribute { input, out, who } => c::p2_contribute(&input, &out, who.name, who.entropy),
            Phase2Command::Beacon { input, out, beacon: b } => {
                c::p2_beacon(&input, &out, b.name, &b.hash, b.iterations_exp)
            }
            Phase2Command::Verify { input, r1cs, ptau } => c::p2_verify(&input, &r1cs, &ptau),
        },
        CeremonyCommand::Finalize { zkey, r1cs, ptau, shape, keys } => c::finalize(&zkey, &r1cs, &ptau, shape, &keys),
    }
}

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
        Command::Ceremony { command } => ceremony(command),
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
        Command::Put { file, bucket, key, plain, encrypt_name, user } => {
            commands::objects::put(user, file, bucket, key, plain, encrypt_name)
        }
        Command::Get { bucket, key, out, plain, range, user } => {
            commands::objects::get(user, bucket, key, out, plain, range)
        }
        Command::Ls { bucket, prefix, all, user } => commands::objects::ls(user, bucket, prefix, all),
        Command::Share { bucket, key, to, to_key, user } => commands::sharing::share(user, bucket, key, to, to_key),
        Command::Unshare { bucket, key, from, revoke_read, user } => {
            commands::sharing::unshare(user, bucket, key, from, revoke_read)
        }
        Command::Whoami { user } => commands::sharing::whoami(user),
        Command::Rm { bucket, key, user } => commands::objects::rm(user, bucket, key),
        Command::Receipts { command, user } => commands::objects::receipts(user, command),
        Command::Validator(args) => commands::validator::run(args),
        Command::Devnet(args) => commands::devnet::run_devnet(args),
        Command::Sim(args) => commands::sim::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
