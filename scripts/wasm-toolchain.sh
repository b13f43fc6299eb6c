#!/usr/bin/env bash
# Installs Debian's Rust toolchain for wasm when missing: rustc-web and cargo-web build core and
# alloc for wasm32 from rust-web-src, with rust-web-llvm, lld-22 and binaryen's wasm-opt. Used by
# scripts/build-contract.sh and scripts/build-runtime.sh.
set -euo pipefail
PACKAGES="rustc-web cargo-web rust-web-src rust-web-llvm lld-22 binaryen"
if ! dpkg -s $PACKAGES >/dev/null 2>&1; then
    echo "installing Debian's wasm toolchain ($PACKAGES)" >&2
    SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $PACKAGES >/dev/null
fi
