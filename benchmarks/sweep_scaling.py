"""How a sweep scales: the same eight trials on the 8x8 digits, first one after another in this
process (one BLAS thread), then as a sweep on a local Dask cluster of two single-threaded workers.

    python benchmarks/sweep_scaling.py              # 8 trials of 256x256, 300 epochs (about 5 s each)
    python benchmarks/sweep_scaling.py --epochs 60 --workers 2

Prints both wall times, their ratio (with and without starting the cluster), and the overhead per
trial: the sweep's worker-seconds (workers x wall time) that were not spent training, which is
scheduling, shipping records back, loading the dataset once per worker and starting the cluster.
With two workers on two otherwise idle cores the ratio should be near 0.5; other load on the
machine shows up in it, so say how busy the machine was when quoting it.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import neuronet as nn
from neuronet.sweeps import expand, runner, trial


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # About 5 s a trial here: the fixed costs of a sweep (the cluster's start, one dataset load per
    # worker, scheduling: ~0.4 s a trial) then weigh little next to training. With 150 epochs (2.5 s a
    # trial) the ratio measured 0.61-0.64, with 300 epochs 0.59-0.60 (2026-12-01, quiet machine).
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--layers", default="256x256")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    layers = [int(n) for n in args.layers.split("x")]
    grid = {"lr": [1e-3, 3e-3], "seed": [0, 1, 2, 3]}
    fixed = {"layers": layers, "epochs": args.epochs}
    trials = expand(grid, settings=fixed)
    print(f"{len(trials)} trials on digits: {args.layers} hidden, {args.epochs} epochs of batch 32; "
          f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")

    start = time.perf_counter()
    _, load_seconds = trial.load("digits")
    alone = [trial.run_trial(i, t, "digits", blas_threads=1) for i, t in enumerate(trials)]
    sequential = time.perf_counter() - start
    train_seconds = sum(r["seconds"] for r in alone)
    print(f"one after another, one process: {sequential:6.2f} s  "
          f"({train_seconds / len(trials):.2f} s training per trial, {load_seconds:.2f} s loading once)")

    start = time.perf_counter()
    with runner.connect(workers=args.workers) as client, tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        result = nn.sweep("digits", grid, settings=fixed, client=client, output_dir=out,
                          progress=False, plot=False)
        swept = time.perf_counter()
    total, running, startup = swept - start, swept - started, started - start
    busy = sum(r["seconds"] for r in result.records)
    loads = sum(r["data_seconds"] for r in result.records)
    workers = len({r["worker"] for r in result.records})
    print(f"sweep, {args.workers} workers ({workers} ran trials): {total:6.2f} s  "
          f"(cluster start {startup:.2f} s, trials {running:.2f} s)")
    print(f"ratio sweep / one after another: {total / sequential:.2f} "
          f"(without the cluster start: {running / sequential:.2f}); target <= 0.6")
    overhead = (args.workers * total - busy) / len(trials)
    print(f"overhead per trial: {overhead:.2f} s of worker time not spent training "
          f"(of which dataset loading {loads / len(trials):.2f} s, cluster start "
          f"{args.workers * startup / len(trials):.2f} s)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
