//! The development accounts every local DDC chain funds at genesis: the embedded chain and the
//! DDC runtime's dev chain spec. INSECURE: anyone can derive their keys (`//Alice`, …).

/// The names of the sr25519 dev keys; each is derived from the secret URI `//Name`, capitalised
/// (`//Alice`), as every Substrate tool derives them.
pub const DEV_ACCOUNTS: [&str; 12] =
    ["alice", "bob", "charlie", "dave", "eve", "ferdie", "vera", "victor", "walter", "xena", "yuri", "zoe"];

/// What each dev account holds at genesis: a million tokens (12 decimals).
pub const DEV_ENDOWMENT: u128 = 1_000_000 * 1_000_000_000_000;

/// The secret URI of a dev key: `alice` → `//Alice`.
#[cfg(feature = "std")]
pub fn dev_uri(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => format!("//{}{}", first.to_uppercase(), chars.as_str()),
        None => String::from("//"),
    }
}
