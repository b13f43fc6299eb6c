# Sourced by the build scripts of committed build outputs (the contracts' and the runtime's wasm):
# a cold build of either takes minutes on two cores, so the outputs are committed with the
# SHA-256 of their inputs and the toolchain that built them, and a build only happens when the
# inputs changed. The caller sets
#   PIN_NAME   what it builds, for messages
#   PIN_DIR    the committed copy's folder
#   PIN_OUT    where the build puts its outputs (under target/)
#   PIN_STAMP  the stamp's file name (NAME.inputs), in PIN_DIR and PIN_OUT; the toolchain is
#              recorded beside it in PIN_DIR as NAME.toolchain
#   PIN_FILES  an array: the output files' names
#   PIN_INPUTS an array: the input paths (files or folders, tracked or not ignored)
# then calls `pin_start "${1:-}"` before building and `pin_finish` after. Modes: none (use what
# target/ or the committed copy has for these inputs, else build and update the committed copy),
# `--force` (build), `--check` (only say whether the committed copy matches its inputs) and
# `--verify` (build from scratch into a temporary folder and compare the bytes with the
# committed copy; the caller deletes its build cache when PIN_MODE is --verify).

pin_hash() {
    # Sorted paths, so the hash does not depend on the file system's order.
    git ls-files -co --exclude-standard "${PIN_INPUTS[@]}" | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1
}

# pin_has DIR: DIR holds every output and a stamp equal to the inputs' hash.
pin_has() {
    local f
    for f in "${PIN_FILES[@]}"; do [ -f "$1/$f" ] || return 1; done
    [ "$(cat "$1/$PIN_STAMP" 2>/dev/null)" = "$PIN_WANT" ]
}

# pin_copy FROM TO: every output and the stamp, each file replaced atomically.
pin_copy() {
    local f
    mkdir -p "$2"
    for f in "${PIN_FILES[@]}"; do cp "$1/$f" "$2/$f.tmp" && mv "$2/$f.tmp" "$2/$f"; done
    echo "$PIN_WANT" > "$2/$PIN_STAMP.tmp" && mv "$2/$PIN_STAMP.tmp" "$2/$PIN_STAMP"
}

pin_toolchain() { echo "$(PATH=/usr/bin:/bin rustc -V); $(wasm-opt --version)"; }

pin_start() {
    PIN_MODE=$1
    PIN_WANT=$(pin_hash)
    case "$PIN_MODE" in
        --check)
            if pin_has "$PIN_DIR"; then echo "committed $PIN_NAME matches its inputs"; exit 0; fi
            echo "committed $PIN_NAME is stale: run $0 and commit $PIN_DIR" >&2; exit 1 ;;
        --force) ;;
        --verify)
            pin_has "$PIN_DIR" || { echo "committed $PIN_NAME is stale: nothing to verify" >&2; exit 1; }
            PIN_OUT=$(mktemp -d) ;;
        "")
            pin_has "$PIN_OUT" && exit 0
            if pin_has "$PIN_DIR"; then
                pin_copy "$PIN_DIR" "$PIN_OUT"
                echo "$0: using the committed $PIN_NAME (inputs $PIN_WANT)" >&2
                exit 0
            fi ;;
        *) echo "usage: $0 [--check|--force|--verify]" >&2; exit 2 ;;
    esac
    echo "$0: building the $PIN_NAME (a cold build takes minutes)" >&2
}

pin_finish() {
    echo "$PIN_WANT" > "$PIN_OUT/$PIN_STAMP"
    local toolchain f
    toolchain=$(pin_toolchain)
    if [ "$PIN_MODE" = --verify ]; then
        [ "$toolchain" = "$(cat "$PIN_DIR/${PIN_STAMP%.inputs}.toolchain")" ] ||
            echo "note: built with $toolchain, committed with $(cat "$PIN_DIR/${PIN_STAMP%.inputs}.toolchain")"
        for f in "${PIN_FILES[@]}"; do
            cmp -s "$PIN_OUT/$f" "$PIN_DIR/$f" || { echo "NOT reproducible: $f differs from $PIN_DIR/$f" >&2; exit 1; }
        done
        echo "reproducible: the rebuilt $PIN_NAME equals $PIN_DIR"
        rm -rf "$PIN_OUT"
        exit 0
    fi
    pin_copy "$PIN_OUT" "$PIN_DIR"
    echo "$toolchain" > "$PIN_DIR/${PIN_STAMP%.inputs}.toolchain"
    echo "$0: updated the committed $PIN_NAME in $PIN_DIR: commit it" >&2
}
