//! The user's commands: buckets on the chain, objects on the nodes (`ddc bucket`, `put`, `get`,
//! `ls`, `rm`), signed with the same sr25519 key the user holds for the chain.

use crate::progress::bytes;
use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use ddc_chain::embedded::EmbeddedClient;
use ddc_chain::{ChainClient, Ddc, Signer};
use ddc_prover::client::envelope::EnvelopeError;
use ddc_prover::client::names::MARK;
use ddc_prover::client::secure::{BucketKeys, SecureClient, SecureError, GRANTS};
use ddc_prover::client::{ClientError, ObjectClient};
use ddc_prover::receipt_store::{audit, ReceiptStore};
use ddc_prover::server::objects::WriteReceipt;
use ddc_prover::view::{account_hex, BucketParams, ChainView};
use ddc_verifier_contract::logic::Phase;
use indicatif::ProgressBar;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

#[derive(Args, Clone)]
pub struct UserArgs {
    /// The chain's RPC URL.
    #[arg(long, env = "DDC_CHAIN", default_value = "http://127.0.0.1:9944", global = true)]
    pub chain: String,
    /// Your secret key URI (sr25519), as cargo-contract's `--suri`. `//Name` dev keys are
    /// INSECURE.
    #[arg(long, env = "DDC_KEY", global = true)]
    pub suri: Option<String>,
    /// A node of the bucket's cluster; found on the chain when omitted.
    #[arg(long, env = "DDC_NODE_URL", global = true)]
    pub node: Option<String>,
    /// Where your write receipts are kept, one file per key [default: ~/.ddc/receipts].
    #[arg(long, env = "DDC_RECEIPTS", global = true)]
    pub receipts: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum ReceiptsCommand {
    /// Print every receipt kept for your key (JSON lines).
    List,
    /// Check the receipts against the nodes' commitments of an epoch and report the omissions.
    Audit {
        /// The epoch whose commitments to check [default: the last one whose commit phase ended].
        #[arg(long)]
        epoch: Option<u64>,
        /// Also report a node's later log generation, which it may justify (else only sure omissions).
        #[arg(long)]
        pending: bool,
    },
}

#[derive(Subcommand)]
pub enum BucketCommand {
    /// Create a bucket in a cluster; prints its id.
    Create {
        #[arg(long)]
        cluster: u32,
        /// Replicas per object.
        #[arg(long, default_value_t = 3)]
        replication: u32,
        /// Anyone may read without signing.
        #[arg(long)]
        public_read: bool,
        /// Deposit this much (smallest units) into your account to pay rent.
        #[arg(long, default_value_t = 0)]
        deposit: u128,
    },
    /// Reserve resource for a bucket in its cluster.
    Alloc {
        bucket: u32,
        #[arg(long)]
        resource: u32,
    },
    /// Print a bucket's status (JSON).
    Info { bucket: u32 },
}

pub(crate) fn signer(args: &UserArgs) -> anyhow::Result<Signer> {
    let key = args.suri.as_deref().context("set --suri or DDC_KEY to your secret key URI")?;
    static WARNED: std::sync::Once = std::sync::Once::new();
    if key.starts_with("//") {
        WARNED.call_once(|| eprintln!("note: {key} is an INSECURE development key"));
    }
    Signer::from_uri(key).context("--key")
}

pub(crate) async fn chain(args: &UserArgs) -> anyhow::Result<EmbeddedClient> {
    EmbeddedClient::connect(&args.chain, signer(args)?).await.with_context(|| format!("connecting to {}", args.chain))
}

pub(crate) fn block_on<T>(f: impl std::future::Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    tokio::runtime::Runtime::new()?.block_on(f)
}

pub fn bucket(args: UserArgs, command: BucketCommand) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let chain = chain(&args).await?;
        match command {
            BucketCommand::Create { cluster, replication, public_read, deposit } => {
                let params =
                    serde_json::to_string(&BucketParams { replication, public_read, ..BucketParams::default() })?;
                let id = chain.bucket_create(params, cluster).await?;
                if deposit > 0 {
                    chain.act::<_, ()>(deposit, "account_deposit", ()).await?;
                }
                println!("{id}");
            }
            BucketCommand::Alloc { bucket, resource } => {
                chain.act::<_, ()>(0, "bucket_alloc_into_cluster", (bucket, resource)).await?;
                println!("bucket {bucket}: reserved {resource}");
            }
            BucketCommand::Info { bucket } => {
                let s = chain.bucket_get(bucket).await?;
                let json = serde_json::json!({
                    "bucket_id": s.bucket_id,
                    "owner": hex::encode(<ddc_chain::AccountId as AsRef<[u8; 32]>>::as_ref(&s.bucket.owner_id)),
                    "cluster_id": s.bucket.cluster_id,
                    "resource_reserved": s.bucket.resource_reserved,
                    "params": s.params,
                    "writers": s.writer_ids.iter().map(|w| hex::encode(<ddc_chain::AccountId as AsRef<[u8; 32]>>::as_ref(w))).collect::<Vec<_>>(),
                    "rent_covered_until_ms": s.rent_covered_until_ms,
                });
                println!("{}", serde_json::to_string_pretty(&json)?);
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// A client of a node that serves `bucket`.
async fn objects(args: &UserArgs, bucket: u32) -> anyhow::Result<ObjectClient> {
    let signer = signer(args)?;
    let url = match &args.node {
        Some(u) => u.clone(),
        None => {
            let chain: Arc<dyn ChainClient> = Arc::new(chain(args).await?);
            let cluster = chain.bucket_get(bucket).await?.bucket.cluster_id;
            let topo = ChainView::new(chain, Duration::from_secs(1)).topology(cluster).await?;
            match topo.nodes.values().find(|p| !p.url.is_empty()) {
                Some(p) => p.url.clone(),
                None => bail!("cluster {cluster} has no node with a URL"),
            }
        }
    };
    Ok(ObjectClient::new(&url, Some(signer)))
}

/// The user's receipt store.
fn store(args: &UserArgs) -> anyhow::Result<ReceiptStore> {
    let dir = match &args.receipts {
        Some(d) => d.clone(),
        None => PathBuf::from(std::env::var_os("HOME").context("set --receipts or HOME")?).join(".ddc/receipts"),
    };
    Ok(ReceiptStore::open(&dir, &signer(args)?.account())?)
}

/// Keeps a write's receipts before the write is reported done.
pub(crate) fn keep(args: &UserArgs, receipt: &WriteReceipt) -> anyhow::Result<usize> {
    let signed: Vec<_> = receipt.replicas.iter().filter_map(|r| r.receipt).collect();
    let store = store(args)?;
    store
        .append(&signed)
        .with_context(|| format!("the write succeeded but its receipts were not kept in {}", store.path().display()))?;
    Ok(signed.len())
}

pub fn receipts(args: UserArgs, command: ReceiptsCommand) -> anyhow::Result<ExitCode> {
    let kept = store(&args)?.load()?;
    match command {
        ReceiptsCommand::List => {
            for r in &kept {
                println!("{}", serde_json::to_string(r)?);
            }
            Ok(ExitCode::SUCCESS)
        }
        ReceiptsCommand::Audit { epoch, pending } => block_on(async move {
            let chain = chain(&args).await?;
            let mut reported = 0;
            let clusters: std::collections::BTreeSet<u32> = kept.iter().map(|r| r.cluster_id).collect();
            for cluster in clusters {
                let epoch = match epoch {
                    Some(e) => e,
                    None => {
                        let info = chain.cluster_epoch(cluster).await?;
                        match info.phase {
                            Phase::Reveal => info.epoch,
                            Phase::Commit => match info.epoch.checked_sub(1) {
                                Some(e) => e,
                                None => continue,
                            },
                        }
                    }
                };
                let ours: Vec<_> = kept.iter().filter(|r| r.cluster_id == cluster).copied().collect();
                for r in audit(&chain, &ours, epoch, pending).await? {
                    println!(
                        "reported: node {} left vnode {}'s chunks {}..{} out of epoch {epoch}",
                        r.node_id,
                        r.vnode,
                        r.first_chunk,
                        r.first_chunk + r.chunks
                    );
                    reported += 1;
                }
            }
            println!("{} receipts checked, {reported} omissions reported", kept.len());
            Ok(ExitCode::SUCCESS)
        }),
    }
}

pub fn parse_range(text: &str) -> Result<(u64, u64), String> {
    let (a, b) = text.split_once("..").ok_or("a range is START..END (END excluded)")?;
    let (a, b) = (a.parse::<u64>().map_err(|e| e.to_string())?, b.parse::<u64>().map_err(|e| e.to_string())?);
    if a >= b {
        return Err(format!("{text}: START must be below END"));
    }
    Ok((a, b))
}

/// The user's encrypting client of a node that serves `bucket`.
pub(crate) async fn secure(args: &UserArgs, bucket: u32) -> anyhow::Result<SecureClient> {
    Ok(SecureClient::new(objects(args, bucket).await?, &signer(args)?))
}

/// What the bucket publishes for encryption (owner, writers, readers, keys), from the chain.
pub(crate) async fn bucket_keys(args: &UserArgs, bucket: u32) -> anyhow::Result<BucketKeys> {
    Ok(BucketKeys::new(&chain(args).await?.bucket_get(bucket).await?))
}

/// The stored key of `name`: itself, or its encrypted form when only that exists.
pub(crate) async fn resolve(client: &SecureClient, bucket: u32, name: &str) -> anyhow::Result<String> {
    let sealed = client.stored_key(bucket, name, true);
    if name.starts_with(MARK) {
        return Ok(name.to_string());
    }
    match client.header(bucket, name).await {
        Err(SecureError::Client(ClientError::Api { status: 404, .. })) => match client.header(bucket, &sealed).await {
            Err(SecureError::Client(ClientError::Api { status: 404, .. })) => Ok(name.to_string()),
            _ => Ok(sealed),
        },
        _ => Ok(name.to_string()),
    }
}

pub fn put(
    args: UserArgs,
    file: PathBuf,
    bucket: u32,
    key: Option<String>,
    plain: bool,
    encrypt_name: bool,
) -> anyhow::Result<ExitCode> {
    let key = match key {
        Some(k) => k,
        None => file.file_name().context("FILE has no name; pass --key")?.to_string_lossy().into_owned(),
    };
    block_on(async move {
        let len = std::fs::metadata(&file).with_context(|| format!("{}", file.display()))?.len();
        let bar = bytes(len, if plain { "uploading" } else { "encrypting and uploading" });
        let b = bar.clone();
        let progress = move |n| b.set_position(n);
        let (stored, receipt, shared) = if plain {
            (key.clone(), objects(&args, bucket).await?.put_file(bucket, &key, &file, progress).await?, vec![])
        } else {
            let client = secure(&args, bucket).await?;
            let keys = bucket_keys(&args, bucket).await?;
            let stored = client.stored_key(bucket, &key, encrypt_name);
            bar.set_length(ddc_prover::client::envelope::ciphertext_len(len));
            let (receipt, shared) = client.put_file(bucket, &stored, &file, Some(&keys), progress).await?;
            (stored, receipt, shared)
        };
        bar.finish_and_clear();
        let durable = receipt.replicas.iter().filter(|r| r.durable).count();
        let kept = keep(&args, &receipt)?;
        let how = if plain { "in plain text".to_string() } else { format!("encrypted, {} stored bytes", receipt.len) };
        println!(
            "{bucket}/{key}: {len} bytes {how}, version {}, {durable}/{} replicas durable, {kept} receipts kept",
            receipt.version,
            receipt.replicas.len()
        );
        if stored != key {
            println!("stored as {stored}");
        }
        for a in shared {
            println!("re-shared with {}", account_hex(&a));
        }
        Ok(ExitCode::SUCCESS)
    })
}

pub fn get(
    args: UserArgs,
    bucket: u32,
    key: String,
    out: Option<PathBuf>,
    plain: bool,
    range: Option<(u64, u64)>,
) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let client = secure(&args, bucket).await?;
        let stored = if plain { key.clone() } else { resolve(&client, bucket, &key).await? };
        // Shared objects need the bucket's published keys; one's own do not.
        let keys = if plain { None } else { bucket_keys(&args, bucket).await.ok() };
        let fetch = Fetch { client: &client, bucket, key: &key, stored: &stored, keys: keys.as_ref(), plain, range };
        let n = match &out {
            Some(path) => {
                let tmp = path.with_extension("part");
                let mut file = tokio::fs::File::create(&tmp).await.with_context(|| tmp.display().to_string())?;
                let bar = bytes(0, if plain { "downloading" } else { "downloading and decrypting" });
                let n = match fetch.to(&mut file, Some(bar.clone())).await {
                    Ok(n) => n,
                    Err(e) => {
                        drop(file);
                        let _ = tokio::fs::remove_file(&tmp).await;
                        return Err(e);
                    }
                };
                file.sync_all().await?;
                tokio::fs::rename(&tmp, path).await?;
                bar.finish_and_clear();
                n
            }
            None => fetch.to(&mut tokio::io::stdout(), None).await?,
        };
        eprintln!("{bucket}/{key}: {n} bytes{}", if plain { "" } else { ", decrypted" });
        Ok(ExitCode::SUCCESS)
    })
}

/// One download: decrypted (or `plain`), whole or a `range`.
struct Fetch<'a> {
    client: &'a SecureClient,
    bucket: u32,
    key: &'a str,
    stored: &'a str,
    keys: Option<&'a BucketKeys>,
    plain: bool,
    range: Option<(u64, u64)>,
}

impl Fetch<'_> {
    async fn to<W: tokio::io::AsyncWrite + Unpin>(&self, out: &mut W, bar: Option<ProgressBar>) -> anyhow::Result<u64> {
        let progress = move |n, total: Option<u64>| {
            if let (Some(bar), Some(t)) = (&bar, total) {
                bar.set_length(t);
                bar.set_position(n);
            }
        };
        let (client, bucket, stored) = (self.client, self.bucket, self.stored);
        if self.plain {
            return Ok(match self.range {
                None => client.objects.get_to(bucket, stored, out, progress).await?,
                Some(r) => {
                    let data = client.objects.get(bucket, stored, Some(r)).await?.bytes().await?;
                    out.write_all(&data).await?;
                    out.flush().await?;
                    data.len() as u64
                }
            });
        }
        match client.get_to(bucket, stored, self.range, self.keys, out, progress).await {
            Err(SecureError::Envelope(EnvelopeError::NotEncrypted)) => {
                bail!("{bucket}/{} was stored in plain text: add --plain to download it as is", self.key)
            }
            r => Ok(r?),
        }
    }
}

pub fn ls(args: UserArgs, bucket: u32, prefix: String, all: bool) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let client = secure(&args, bucket).await?;
        for o in client.objects.list(bucket, &prefix).await?.objects {
            if o.key.starts_with(GRANTS) && !all {
                continue;
            }
            match client.name_of(bucket, &o.key) {
                Some(name) => println!("{:>12}  {}  {name}  (stored as {})", o.len, o.version, o.key),
                None => println!("{:>12}  {}  {}", o.len, o.version, o.key),
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

pub fn rm(args: UserArgs, bucket: u32, key: String) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let receipt = objects(&args, bucket).await?.delete(bucket, &key).await?;
        keep(&args, &receipt)?;
        println!("{bucket}/{key}: deleted (version {})", receipt.version);
        Ok(ExitCode::SUCCESS)
    })
}
