#!/usr/bin/env python3
"""Rewrites a wasm module keeping only the named exports and no custom sections.

pallet-contracts wants exactly `call` and `deploy`; rustc also exports linker globals
(`__heap_base`, `__data_end`). Usage: wasm_keep_exports.py IN OUT NAME...
"""
import sys


def leb(data, i):
    result = shift = 0
    while True:
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return result, i


def enc(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def main(src, dst, keep):
    data = open(src, "rb").read()
    if data[:4] != b"\0asm":
        sys.exit(f"{src}: not a wasm module")
    out, i, kept = bytearray(data[:8]), 8, set()
    while i < len(data):
        sid = data[i]
        size, j = leb(data, i + 1)
        body, i = data[j : j + size], j + size
        if sid == 0:  # custom section: names, producers, target features
            continue
        if sid == 7:  # exports
            count, k = leb(body, 0)
            entries = []
            for _ in range(count):
                start = k
                n, k = leb(body, k)
                name = body[k : k + n].decode()
                k += n + 1  # name, kind
                _, k = leb(body, k)  # index
                if name in keep:
                    entries.append(body[start:k])
                    kept.add(name)
            body = enc(len(entries)) + b"".join(entries)
        out += bytes([sid]) + enc(len(body)) + body
    missing = set(keep) - kept
    if missing:
        sys.exit(f"{src}: no export named {', '.join(sorted(missing))}")
    open(dst, "wb").write(out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
