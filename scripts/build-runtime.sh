#!/usr/bin/env bash
# Builds the DDC runtime to wasm (`target/runtime/ddc_runtime.wasm`) for a real node: chopsticks
# (scripts/substrate-chain.sh). substrate-wasm-builder's toolchain pre-check refuses Debian's
# Rust, so this is a plain cargo build of the cdylib wrapper `runtime/wasm` (its own workspace),
# with the same Debian toolchain recipe as scripts/build-contract.sh.
#
# The built wasm is committed (`runtime/wasm/ddc_runtime.wasm`) with the SHA-256 of its inputs
# (`ddc_runtime.inputs`: the runtime's sources, the primitives it links, the wrapper's Cargo.lock
# and these scripts) and the toolchain that built it (`ddc_runtime.toolchain`), because a cold
# build takes 9 minutes on two cores: see scripts/pinned.sh for the modes (none, `--force`,
# `--check`, `--verify`). Paths are remapped, so the same inputs and toolchain give the same
# bytes on any machine.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pinned.sh
PIN_NAME="runtime wasm"
PIN_DIR=runtime/wasm
PIN_OUT=target/runtime
PIN_STAMP=ddc_runtime.inputs
PIN_FILES=(ddc_runtime.wasm)
PIN_INPUTS=(runtime/Cargo.toml runtime/src runtime/wasm/Cargo.toml runtime/wasm/Cargo.lock runtime/wasm/src
    primitives/Cargo.toml primitives/src scripts/build-runtime.sh scripts/pinned.sh)
TARGET_DIR=${DDC_RUNTIME_TARGET_DIR:-$PWD/target/runtime-wasm}
pin_start "${1:-}"
# From scratch: the cache goes (its path is the usual one, so nothing else differs).
if [ "$PIN_MODE" = --verify ]; then rm -rf "$TARGET_DIR"; fi

bash scripts/wasm-toolchain.sh
# substrate_runtime selects sp-io's wasm side (host-function imports, allocator, panic handler);
# mvp keeps to the wasm features every Substrate executor accepts; host functions stay
# undefined imports (newer rustc no longer allows them by default); the path prefixes are
# remapped so that the same inputs give the same bytes on any machine.
RUSTFLAGS="--cfg substrate_runtime -Ctarget-cpu=mvp -Clink-arg=--export-table -Clink-arg=--allow-undefined \
--remap-path-prefix=$PWD=/ddc --remap-path-prefix=$HOME/.cargo=/cargo --remap-path-prefix=/usr/src=/rustsrc" \
PATH=/usr/bin:/bin RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$TARGET_DIR" \
    cargo build --locked --release --manifest-path runtime/wasm/Cargo.toml \
    --target wasm32-unknown-unknown -Zbuild-std=core,alloc,panic_abort

mkdir -p "$PIN_OUT"
raw="$TARGET_DIR/wasm32-unknown-unknown/release/ddc_runtime_wasm.wasm"
wasm-opt "$raw" -Os --mvp-features -o "$PIN_OUT/ddc_runtime.wasm"
echo "built $PIN_OUT/ddc_runtime.wasm ($(stat -c %s "$PIN_OUT/ddc_runtime.wasm") bytes)"
pin_finish
