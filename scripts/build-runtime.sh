#!/usr/bin/env bash
# Builds the DDC runtime to wasm (`target/runtime/ddc_runtime.wasm`) for a real node: chopsticks
# (scripts/substrate-chain.sh). substrate-wasm-builder's toolchain pre-check refuses Debian's
# Rust, so this is a plain cargo build of the cdylib wrapper `runtime/wasm` (its own workspace),
# with the same Debian toolchain recipe as scripts/build-contract.sh.
#
# Next to the wasm it records the SHA-256 of its inputs (`ddc_runtime.inputs`: the runtime's
# sources, the primitives it links, the wrapper's Cargo.lock and this script). Without arguments,
# a matching hash means nothing to do; `--force` rebuilds; `--check` only says whether the wasm
# is up to date. Paths are remapped, so the same inputs give the same bytes on any machine.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/runtime/ddc_runtime.wasm
STAMP=target/runtime/ddc_runtime.inputs

inputs_hash() {
    # Sorted paths, so the hash does not depend on the file system's order.
    { git ls-files -co --exclude-standard runtime/Cargo.toml runtime/src runtime/wasm/Cargo.toml \
        runtime/wasm/Cargo.lock runtime/wasm/src primitives/Cargo.toml primitives/src scripts/build-runtime.sh;
    } | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1
}

want=$(inputs_hash)
case "${1:-}" in
    --check)
        if [ -f "$OUT" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$want" ]; then echo "runtime wasm up to date"; exit 0; fi
        echo "runtime wasm is stale: run scripts/build-runtime.sh" >&2; exit 1 ;;
    --force) ;;
    "") if [ -f "$OUT" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$want" ]; then exit 0; fi ;;
    *) echo "usage: $0 [--check|--force]" >&2; exit 2 ;;
esac

bash scripts/wasm-toolchain.sh

TARGET_DIR=${DDC_RUNTIME_TARGET_DIR:-$PWD/target/runtime-wasm}
echo "build-runtime: building the DDC runtime wasm (a cold build takes a while)" >&2
# substrate_runtime selects sp-io's wasm side (host-function imports, allocator, panic handler);
# mvp keeps to the wasm features every Substrate executor accepts; host functions stay
# undefined imports (newer rustc no longer allows them by default); the path prefixes are
# remapped so that the same inputs give the same bytes on any machine.
RUSTFLAGS="--cfg substrate_runtime -Ctarget-cpu=mvp -Clink-arg=--export-table -Clink-arg=--allow-undefined \
--remap-path-prefix=$PWD=/ddc --remap-path-prefix=$HOME/.cargo=/cargo --remap-path-prefix=/usr/src=/rustsrc" \
PATH=/usr/bin:/bin RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$TARGET_DIR" \
    cargo build --locked --release --manifest-path runtime/wasm/Cargo.toml \
    --target wasm32-unknown-unknown -Zbuild-std=core,alloc,panic_abort

mkdir -p "$(dirname "$OUT")"
raw="$TARGET_DIR/wasm32-unknown-unknown/release/ddc_runtime_wasm.wasm"
wasm-opt "$raw" -Os --mvp-features -o "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "$want" > "$STAMP"
echo "built $OUT ($(stat -c %s "$OUT") bytes)"
