#!/usr/bin/env bash
# Builds the ink! contract to `target/contract/ddc_verifier_contract.wasm` and writes its ink!
# metadata to `target/contract/ddc_verifier_contract.json`.
#
# With a rustup wasm target and cargo-contract installed, `cargo contract build` does it all.
# Otherwise (this project's CI), Debian's Rust toolchain builds core and alloc for wasm itself:
# the packages rustc-web, cargo-web, rust-web-src, rust-web-llvm, lld-22 and binaryen.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/contract
mkdir -p "$OUT"

if command -v cargo-contract >/dev/null && rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown; then
    cargo contract build --release --manifest-path verifier-contract/Cargo.toml --output-json >/dev/null
    cp target/ink/ddc_verifier_contract.wasm target/ink/ddc_verifier_contract.json "$OUT/"
    exit 0
fi

if [ ! -x /usr/bin/wasm-opt ] || [ ! -d /usr/lib/rustlib/src/rust/library ] || ! command -v ld.lld-22 >/dev/null && [ ! -x /usr/lib/llvm-22/bin/ld.lld ]; then
    echo "build-contract: installing Debian's wasm toolchain" >&2
    SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq rustc-web cargo-web rust-web-src rust-web-llvm lld-22 binaryen >/dev/null
fi

# pallet-contracts rejects code built with linker-plugin LTO ("CodeRejected"): none here.
RUSTFLAGS="-Clink-arg=-zstack-size=65536 -Clink-arg=--import-memory -Zunstable-options -Cpanic=immediate-abort -Ctarget-cpu=mvp" \
PATH=/usr/bin:/bin RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$OUT/build" \
CARGO_PROFILE_RELEASE_OPT_LEVEL=${CONTRACT_OPT_LEVEL:-z} CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_PANIC=abort \
    cargo rustc --locked --release -p ddc-verifier-contract --lib --crate-type cdylib --no-default-features \
    --target wasm32-unknown-unknown -Zbuild-std=core,alloc

RAW="$OUT/build/wasm32-unknown-unknown/release/ddc_verifier_contract.wasm"
# Keep only what pallet-contracts calls, drop custom sections, then shrink.
wasm-opt "$RAW" --mvp-features --enable-sign-ext --strip-debug --strip-producers -o "$OUT/stripped.wasm"
python3 scripts/wasm_keep_exports.py "$OUT/stripped.wasm" "$OUT/exports.wasm" call deploy
wasm-opt "$OUT/exports.wasm" -Oz --mvp-features --enable-sign-ext -o "$OUT/ddc_verifier_contract.wasm"
rm -f "$OUT/stripped.wasm" "$OUT/exports.wasm"

#cargo run --locked --quiet -p ddc-verifier-contract --bin contract-metadata -- \
    "$OUT/ddc_verifier_contract.wasm" > "$OUT/ddc_verifier_contract.json"
echo "built $OUT/ddc_verifier_contract.wasm ($(stat -c %s "$OUT/ddc_verifier_contract.wasm") bytes) and its metadata"
