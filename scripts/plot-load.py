#!/usr/bin/python3
"""Draws the load run's CSV (cli/tests/load_run.rs) as one PNG: throughput, latency percentiles
and the node's RSS over time. Needs matplotlib (Debian: python3-matplotlib).

    scripts/plot-load.py docs/load.csv docs/load.png
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(src, dst):
    with open(src) as f:
        rows = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]
    # The last second is partial: the clients stopped in it.
    rows = rows[:-1]
    t = [r["second"] for r in rows]
    fig, (ops, lat, rss) = plt.subplots(3, 1, figsize=(10, 9), sharex=True)
    ops.plot(t, [r["puts"] for r in rows], label="puts/s", lw=0.8)
    ops.plot(t, [r["gets"] for r in rows], label="gets/s", lw=0.8)
    errors = sum(r["errors"] for r in rows)
    ops.set_ylabel("operations / s")
    ops.set_title(f"ddc node under closed-loop load, 4 KiB objects ({int(errors)} errors)")
    ops.legend(loc="lower right")
    for key, label in [("put_p50_ms", "put p50"), ("put_p99_ms", "put p99"), ("get_p50_ms", "get p50"),
                       ("get_p99_ms", "get p99")]:
        lat.plot(t, [r[key] for r in rows], label=label, lw=0.8)
    lat.set_ylabel("latency in that second (ms)")
    lat.set_yscale("log")
    lat.legend(loc="upper right", ncol=4)
    rss.plot(t, [r["rss_mib"] for r in rows], color="black", lw=0.8)
    rss.set_ylabel("node RSS (MiB)")
    rss.set_xlabel("seconds")
    rss.set_ylim(bottom=0)
    for ax in (ops, lat, rss):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(dst, dpi=100)


if __name__ == "__main__":
    main(*sys.argv[1:3])
