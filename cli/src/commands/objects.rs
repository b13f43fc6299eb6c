//! The user's commands: buckets on the chain, objects on the nodes (`ddc bucket`, `put`, `get`,
//! `ls`, `rm`), signed with the same sr25519 key the user holds for the chain.

use crate::progress::bytes;
use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use ddc_chain::embedded::EmbeddedClient;
use ddc_chain::{ChainClient, Ddc, Signer};
use ddc_prover::client::ObjectClient;
use ddc_prover::receipt_store::{audit, ReceiptStore};
use ddc_prover::server::objects::WriteReceipt;
use ddc_prover::view::{BucketParams, ChainView};
use ddc_verifier_contract::logic::Phase;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[derive(Args, Clone)]
pub struct UserArgs {
    /// The chain's RPC URL.
    #[arg(long, env = "DDC_CHAIN", default_value = "http://127.0.0.1:9944", global = true)]
    pub chain: String,
    /// Your secret key URI (sr25519). `//Name` dev keys are INSECURE.
    #[arg(long, env = "DDC_KEY", global = true)]
    pub key: Option<String>,
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

fn signer(args: &UserArgs) -> anyhow::Result<Signer> {
    let key = args.key.as_deref().context("set --key or DDC_KEY to your secret key URI")?;
    if key.starts_with("//") {
        eprintln!("note: {key} is an INSECURE development key");
    }
    Signer::from_uri(key).context("--key")
}

async fn chain(args: &UserArgs) -> anyhow::Result<EmbeddedClient> {
    EmbeddedClient::connect(&args.chain, signer(args)?).await.with_context(|| format!("connecting to {}", args.chain))
}

fn block_on<T>(f: impl std::future::Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
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
fn keep(args: &UserArgs, receipt: &WriteReceipt) -> anyhow::Result<usize> {
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

pub fn put(args: UserArgs, file: PathBuf, bucket: u32, key: Option<String>) -> anyhow::Result<ExitCode> {
    let key = match key {
        Some(k) => k,
        None => file.file_name().context("FILE has no name; pass --key")?.to_string_lossy().into_owned(),
    };
    block_on(async move {
        let client = objects(&args, bucket).await?;
        let len = std::fs::metadata(&file).with_context(|| format!("{}", file.display()))?.len();
        let bar = bytes(len, "uploading");
        let b = bar.clone();
        let receipt = client.put_file(bucket, &key, &file, move |n| b.set_position(n)).await?;
        bar.finish_and_clear();
        let durable = receipt.replicas.iter().filter(|r| r.durable).count();
        let kept = keep(&args, &receipt)?;
        println!(
            "{bucket}/{key}: {} bytes, version {}, {durable}/{} replicas durable, {kept} receipts kept",
            receipt.len,
            receipt.version,
            receipt.replicas.len()
        );
        Ok(ExitCode::SUCCESS)
    })
}

pub fn get(args: UserArgs, bucket: u32, key: String, out: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let client = objects(&args, bucket).await?;
        let n = match &out {
            Some(path) => {
                let tmp = path.with_extension("part");
                let mut file = tokio::fs::File::create(&tmp).await.with_context(|| tmp.display().to_string())?;
                let bar = bytes(0, "downloading");
                let n = client
                    .get_to(bucket, &key, &mut file, |n, total| {
                        if let Some(t) = total {
                            bar.set_length(t);
                        }
                        bar.set_position(n)
                    })
                    .await?;
                file.sync_all().await?;
                tokio::fs::rename(&tmp, path).await?;
                bar.finish_and_clear();
                n
            }
            None => client.get_to(bucket, &key, &mut tokio::io::stdout(), |_, _| {}).await?,
        };
        eprintln!("{bucket}/{key}: {n} bytes");
        Ok(ExitCode::SUCCESS)
    })
}

pub fn ls(args: UserArgs, bucket: u32, prefix: String) -> anyhow::Result<ExitCode> {
    block_on(async move {
        for o in objects(&args, bucket).await?.list(bucket, &prefix).await?.objects {
            println!("{:>12}  {}  {}", o.len, o.version, o.key);
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
