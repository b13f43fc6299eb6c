#!/usr/bin/env bash
# Builds the two ink! contracts, `ddc_verifier_contract` (the core, and its `ddc-pos` build for
# the DDC runtime) and `ddc_groth16_verifier` (the pairing check it calls), to
# `target/contract/*.wasm` with their ink! metadata `*.json`. Debian's Rust toolchain builds core
# and alloc for wasm itself: the packages rustc-web, cargo-web, rust-web-src, rust-web-llvm,
# lld-22 and binaryen (scripts/wasm-toolchain.sh).
#
# The outputs are committed (`verifier-contract/wasm/`) with the SHA-256 of their inputs
# (`contracts.inputs`: the contracts' and primitives' sources, the workspace's Cargo.toml and
# Cargo.lock, these scripts) and the toolchain that built them (`contracts.toolchain`), because a
# cold build takes minutes: see scripts/pinned.sh for the modes (none, `--force`, `--check`,
# `--verify`). Paths are remapped, so the same inputs and toolchain give the same bytes anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pinned.sh
PIN_NAME="contracts' wasm"
PIN_DIR=verifier-contract/wasm
PIN_OUT=target/contract
PIN_STAMP=contracts.inputs
PIN_FILES=()
for name in ddc_groth16_verifier ddc_verifier_contract ddc_verifier_contract_ddc_pos; do
    PIN_FILES+=("$name.wasm" "$name.json")
done
PIN_INPUTS=(Cargo.toml Cargo.lock verifier-contract/Cargo.toml verifier-contract/src verifier-contract/groth16/Cargo.toml
    verifier-contract/groth16/src primitives/Cargo.toml primitives/src scripts/build-contract.sh scripts/pinned.sh
    scripts/wasm_keep_exports.py)
BUILD_DIR=$PWD/target/contract-build
pin_start "${1:-}"
if [ "$PIN_MODE" = --verify ]; then rm -rf "$BUILD_DIR"; fi
bash scripts/wasm-toolchain.sh
mkdir -p "$PIN_OUT"

# pallet-contracts rejects code built with linker-plugin LTO ("CodeRejected"): none here.
# build PACKAGE LIB [FEATURE NAME]: LIB's wasm and metadata, with FEATURE on, as $PIN_OUT/NAME.
build() {
    local package=$1 lib=$2 feature=${3:-} name=${4:-$2}
    local features=()
    [ -n "$feature" ] && features=(--features "$feature")
    RUSTFLAGS="-Clink-arg=-zstack-size=65536 -Clink-arg=--import-memory -Zunstable-options -Cpanic=immediate-abort \
-Ctarget-cpu=mvp --remap-path-prefix=$PWD=/ddc --remap-path-prefix=$HOME/.cargo=/cargo --remap-path-prefix=/usr/src=/rustsrc" \
    PATH=/usr/bin:/bin RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$BUILD_DIR" \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=z CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
    CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_PANIC=abort \
        cargo rustc --locked --quiet --release -p "$package" --lib --crate-type cdylib --no-default-features \
        --target wasm32-unknown-unknown -Zbuild-std=core,alloc "${features[@]}"

    local raw="$BUILD_DIR/wasm32-unknown-unknown/release/$lib.wasm"
    # Keep only what pallet-contracts calls, drop custom sections, then shrink. pallet-contracts
    # gives every call a fresh, zeroed memory, so the all-zero data segments (ink!'s 16 KiB
    # static buffer among them) need not be shipped: --zero-filled-memory drops them.
    python3 scripts/wasm_keep_exports.py "$raw" "$PIN_OUT/$name.exports.wasm" call deploy
    wasm-opt "$PIN_OUT/$name.exports.wasm" -Oz --zero-filled-memory --mvp-features --enable-sign-ext -o "$PIN_OUT/$name.wasm"
    rm -f "$PIN_OUT/$name.exports.wasm"

    cargo run --locked --quiet -p "$package" "${features[@]}" --bin "$package-metadata" -- "$PIN_OUT/$name.wasm" > "$PIN_OUT/$name.json"
    echo "built $PIN_OUT/$name.wasm ($(stat -c %s "$PIN_OUT/$name.wasm") bytes) and $PIN_OUT/$name.json"
}

build ddc-groth16-verifier ddc_groth16_verifier
build ddc-verifier-contract ddc_verifier_contract
# For the DDC runtime: proofs checked by its ddc-pos chain extension. A separate build, because
# pallet-contracts rejects code that imports seal_call_chain_extension on a chain without one.
build ddc-verifier-contract ddc_verifier_contract ddc-pos ddc_verifier_contract_ddc_pos
pin_finish
