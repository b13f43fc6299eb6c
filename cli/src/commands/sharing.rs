//! `ddc share`, `ddc unshare` and `ddc whoami`: encrypted objects shared with other accounts
//! through key grants, and readers and encryption keys published in the bucket's params.

use super::objects::{block_on, bucket_keys, chain, keep, resolve, secure, signer, UserArgs};
use anyhow::{bail, Context};
use ddc_chain::keys::dev_account;
use ddc_chain::substrate::address::to_ss58;
use ddc_chain::substrate::parse_account;
use ddc_chain::{AccountId, Ddc};
use ddc_prover::client::wrap::EncryptionKey;
use ddc_prover::view::{account_hex, BucketParams};
use std::process::ExitCode;

/// An account as users write it: SS58, `0x` hex, or `//Name` (a development account).
fn account_arg(text: &str) -> anyhow::Result<AccountId> {
    match text.strip_prefix("//") {
        Some(name) => Ok(dev_account(&name.to_lowercase())?),
        None => Ok(parse_account(text)?),
    }
}

fn key_arg(text: &str) -> anyhow::Result<[u8; 32]> {
    hex::decode(text.trim_start_matches("0x"))
        .ok()
        .and_then(|b| b.try_into().ok())
        .with_context(|| format!("--to-key {text:?}: an encryption key is 64 hex digits (ddc whoami prints it)"))
}

/// Writes `params` to the chain when they changed.
async fn publish(args: &UserArgs, bucket: u32, before: &BucketParams, after: BucketParams) -> anyhow::Result<()> {
    if *before != after {
        let json = serde_json::to_string(&after)?;
        chain(args).await?.act::<_, ()>(0, "bucket_change_params", (bucket, json)).await?;
    }
    Ok(())
}

pub fn share(args: UserArgs, bucket: u32, key: String, to: String, to_key: Option<String>) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let client = secure(&args, bucket).await?;
        let me = signer(&args)?.account();
        let keys = bucket_keys(&args, bucket).await?;
        if keys.owner != me {
            bail!("only bucket {bucket}'s owner publishes its readers and keys; ask them to share");
        }
        let recipient = account_arg(&to)?;
        let recipient_key = match (&to_key, keys.params.encryption_key(&recipient)) {
            (Some(k), _) => key_arg(k)?,
            (None, Some(k)) => k,
            (None, None) => bail!(
                "{to} has no encryption key in bucket {bucket}'s params: ask them for the one `ddc whoami` prints and pass --to-key"
            ),
        };
        // Publish the reader, its key and ours (readers trust wraps only from published keys).
        let mut params = keys.params.clone();
        if !params.is_reader(&recipient) {
            params.readers.push(account_hex(&recipient));
        }
        params.encryption_keys.insert(account_hex(&recipient), hex::encode(recipient_key));
        params.encryption_keys.insert(account_hex(&me), hex::encode(client.public_key()));
        publish(&args, bucket, &keys.params, params).await?;
        let stored = resolve(&client, bucket, &key).await?;
        let receipt = client.share(bucket, &stored, &recipient, &recipient_key, Some(&keys)).await?;
        keep(&args, &receipt)?;
        println!("{bucket}/{key}: shared with {to}; they read it with `ddc get {bucket} {stored}`");
        Ok(ExitCode::SUCCESS)
    })
}

pub fn unshare(args: UserArgs, bucket: u32, key: String, from: String, revoke_read: bool) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let client = secure(&args, bucket).await?;
        let account = account_arg(&from)?;
        let stored = resolve(&client, bucket, &key).await?;
        let receipt = client.unshare(bucket, &stored, &account).await?;
        keep(&args, &receipt)?;
        if revoke_read {
            let keys = bucket_keys(&args, bucket).await?;
            let mut params = keys.params.clone();
            params.readers.retain(|r| ddc_chain::rpc::account_from_hex(r).as_ref() != Ok(&account));
            publish(&args, bucket, &keys.params, params).await?;
        }
        println!(
            "{bucket}/{key}: no longer shared with {from}; later writes are not readable by it{}",
            if revoke_read { ", and it may no longer read the bucket" } else { "" }
        );
        Ok(ExitCode::SUCCESS)
    })
}

pub fn whoami(args: UserArgs) -> anyhow::Result<ExitCode> {
    let signer = signer(&args)?;
    let account = signer.account();
    println!("account         {}", to_ss58(&account));
    println!("account (hex)   0x{}", account_hex(&account));
    println!("encryption key  {}", hex::encode(EncryptionKey::from_signer(&signer).public()));
    Ok(ExitCode::SUCCESS)
}
