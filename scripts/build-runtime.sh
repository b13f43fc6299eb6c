#!/usr/bin/env bash
# Builds the DDC runtime to wasm (`target/runtime/ddc_runtime.wasm`) for a real node: chopsticks
# (scripts/substrate-chain.sh). substrate-wasm-builder's toolchain pre-check refuses Debian's
# Rust, so this is a plain cargo build of the cdylib wrapper `runtime/wasm` (its own workspace),
# with the same Debian toolchain recipe as scripts/build-contract.sh.
#
# The built wasm is committed (`runtime/wasm/ddc_runtime.wasm`) with the SHA-256 of its inputs
# (`ddc_runtime.inputs`: the runtime's sources, the primitives it links, the wrapper's Cargo.lock
# and this script) and the toolchain that built it (`ddc_runtime.toolchain`), because a cold
# build takes 15-20 minutes on two cores. Without arguments: nothing to do if target/ holds the
# wasm of these inputs; else the committed wasm is used if its inputs hash matches; else it is
# rebuilt, and the committed copy updated (commit it). `--force` rebuilds; `--check` says whether
# the committed wasm matches the inputs; `--verify` rebuilds from scratch (the build cache is
# deleted first) and compares the bytes with the committed ones. Paths are remapped, so the same
# inputs and toolchain give the same bytes on any machine.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/runtime/ddc_runtime.wasm
STAMP=target/runtime/ddc_runtime.inputs
COMMITTED=runtime/wasm/ddc_runtime.wasm
COMMITTED_STAMP=runtime/wasm/ddc_runtime.inputs
COMMITTED_TOOLCHAIN=runtime/wasm/ddc_runtime.toolchain

inputs_hash() {
    # Sorted paths, so the hash does not depend on the file system's order.
    { git ls-files -co --exclude-standard runtime/Cargo.toml runtime/src runtime/wasm/Cargo.toml \
        runtime/wasm/Cargo.lock runtime/wasm/src primitives/Cargo.toml primitives/src scripts/build-runtime.sh;
    } | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1
}

want=$(inputs_hash)
committed_matches() { [ -f "$COMMITTED" ] && [ "$(cat "$COMMITTED_STAMP" 2>/dev/null)" = "$want" ]; }
TARGET_DIR=${DDC_RUNTIME_TARGET_DIR:-$PWD/target/runtime-wasm}
case "${1:-}" in
    --check)
        if committed_matches; then echo "committed runtime wasm matches its inputs"; exit 0; fi
        echo "committed runtime wasm is stale: run scripts/build-runtime.sh and commit $COMMITTED*" >&2; exit 1 ;;
    --force) ;;
    --verify)
        committed_matches || { echo "committed runtime wasm is stale: nothing to verify" >&2; exit 1; }
        # From scratch: the cache goes (its path is the usual one, so nothing else differs).
        rm -rf "$TARGET_DIR"
        VERIFY_DIR=$(mktemp -d)
        OUT=$VERIFY_DIR/ddc_runtime.wasm
        STAMP=$VERIFY_DIR/ddc_runtime.inputs ;;
    "")
        if [ -f "$OUT" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$want" ]; then exit 0; fi
        if committed_matches; then
            mkdir -p "$(dirname "$OUT")"
            cp "$COMMITTED" "$OUT.tmp" && mv "$OUT.tmp" "$OUT"
            echo "$want" > "$STAMP"
            echo "build-runtime: using the committed runtime wasm (inputs $want)" >&2
            exit 0
        fi ;;
    *) echo "usage: $0 [--check|--force|--verify]" >&2; exit 2 ;;
esac

bash scripts/wasm-toolchain.sh
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
toolchain="$(PATH=/usr/bin:/bin rustc -V); $(wasm-opt --version)"
if [ "${1:-}" = --verify ]; then
    [ "$toolchain" = "$(cat "$COMMITTED_TOOLCHAIN")" ] || echo "note: built with $toolchain, committed with $(cat "$COMMITTED_TOOLCHAIN")"
    if cmp -s "$OUT" "$COMMITTED"; then echo "reproducible: the rebuilt wasm equals $COMMITTED"; rm -rf "$VERIFY_DIR"; exit 0; fi
    echo "NOT reproducible: $OUT differs from $COMMITTED" >&2; exit 1
fi
cp "$OUT" "$COMMITTED.tmp" && mv "$COMMITTED.tmp" "$COMMITTED"
echo "$want" > "$COMMITTED_STAMP"
echo "$toolchain" > "$COMMITTED_TOOLCHAIN"
echo "build-runtime: updated $COMMITTED: commit it with ${COMMITTED_STAMP##*/} and ${COMMITTED_TOOLCHAIN##*/}" >&2
