#!/usr/bin/env bash
# Builds the two ink! contracts, `ddc_verifier_contract` (the core) and `ddc_groth16_verifier`
# (the pairing check it calls), to `target/contract/*.wasm` with their ink! metadata `*.json`.
#
# With a rustup wasm target and cargo-contract installed, `cargo contract build` does it all.
# Otherwise (this project's CI), Debian's Rust toolchain builds core and alloc for wasm itself:
# the packages rustc-web, cargo-web, rust-web-src, rust-web-llvm, lld-22 and binaryen.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/contract
mkdir -p "$OUT"

if command -v cargo-contract >/dev/null && rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown; then
    for manifest in verifier-contract/groth16/Cargo.toml verifier-contract/Cargo.toml; do
        cargo contract build --release --manifest-path "$manifest" --output-json >/dev/null
    done
    cp target/ink/*/*.wasm target/ink/*/*.json "$OUT/"
    cargo contract build --release --manifest-path verifier-contract/Cargo.toml --features ddc-pos --output-json >/dev/null
    cp target/ink/ddc_verifier_contract/ddc_verifier_contract.wasm "$OUT/ddc_verifier_contract_ddc_pos.wasm"
    cp target/ink/ddc_verifier_contract/ddc_verifier_contract.json "$OUT/ddc_verifier_contract_ddc_pos.json"
    exit 0
fi

bash scripts/wasm-toolchain.sh

# pallet-contracts rejects code built with linker-plugin LTO ("CodeRejected"): none here.
# build PACKAGE LIB [FEATURE NAME]: LIB's wasm and metadata, with FEATURE on as target/contract/NAME.
build() {
    local package=$1 lib=$2 feature=${3:-} name=${4:-$2}
    local features=()
    [ -n "$feature" ] && features=(--features "$feature")
    RUSTFLAGS="-Clink-arg=-zstack-size=65536 -Clink-arg=--import-memory -Zunstable-options -Cpanic=immediate-abort -Ctarget-cpu=mvp" \
    PATH=/usr/bin:/bin RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$OUT/build" \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=z CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
    CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_PANIC=abort \
        cargo rustc --locked --quiet --release -p "$package" --lib --crate-type cdylib --no-default-features \
        --target wasm32-unknown-unknown -Zbuild-std=core,alloc "${features[@]}"

    local raw="$OUT/build/wasm32-unknown-unknown/release/$lib.wasm"
    # Keep only what pallet-contracts calls, drop custom sections, then shrink. pallet-contracts
    # gives every call a fresh, zeroed memory, so the all-zero data segments (ink!'s 16 KiB
    # static buffer among them) need not be shipped: --zero-filled-memory drops them.
    python3 scripts/wasm_keep_exports.py "$raw" "$OUT/$name.exports.wasm" call deploy
    wasm-opt "$OUT/$name.exports.wasm" -Oz --zero-filled-memory --mvp-features --enable-sign-ext -o "$OUT/$name.wasm"
    rm -f "$OUT/$name.exports.wasm"

    cargo run --locked --quiet -p "$package" "${features[@]}" --bin "$package-metadata" -- "$OUT/$name.wasm" > "$OUT/$name.json"
    echo "built $OUT/$name.wasm ($(stat -c %s "$OUT/$name.wasm") bytes) and $OUT/$name.json"
}

build ddc-groth16-verifier ddc_groth16_verifier
build ddc-verifier-contract ddc_verifier_contract
# For the DDC runtime: proofs checked by its ddc-pos chain extension. A separate build, because
# pallet-contracts rejects code that imports seal_call_chain_extension on a chain without one.
build ddc-verifier-contract ddc_verifier_contract ddc-pos ddc_verifier_contract_ddc_pos
