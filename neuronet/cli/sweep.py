"""`neuronet sweep`: a grid or random search over training settings on a Dask cluster (a local one by
default, or ``--scheduler tcp://HOST:PORT``), a thin layer over :func:`neuronet.sweeps.sweep`."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from ..errors import ConfigError
from . import args as types
from .args import EXIT_INTERRUPTED

HELP = "train one network per setting of a grid or random search, on Dask"


def add_arguments(s) -> None:
    s.add_argument("--dataset", default="digits",
                   help="a named dataset: digits (default), mnist, fashion-mnist, kmnist, moons, ...")
    s.add_argument("--data-dir", help="the dataset's folder as the workers see it")
    s.add_argument("--grid", action="append", default=[], metavar="KEY=V1,V2,...",
                   help="values to try for a setting, e.g. lr=1e-3,3e-3 or layers=128,256x128 (repeat "
                        "for more settings; every combination is a trial). Settings: layers, conv, "
                        "activation, optimizer, lr, momentum, weight_decay, schedule, batch_size, "
                        "dropout, epochs, seed, val_split")
    s.add_argument("--random", action="append", default=[], metavar="KEY=[log:]LOW:HIGH",
                   help="a setting drawn at random for each trial, e.g. lr=log:1e-4:1e-2 or "
                        "dropout=0:0.5 (needs --trials)")
    s.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="a setting fixed for every trial, e.g. epochs=20")
    s.add_argument("--trials", type=types.positive_int,
                   help="run this many trials, picked at random from the grid (default: all of it)")
    s.add_argument("--search-seed", type=types.seed, default=0,
                   help="seed of which trials are picked and drawn (default 0)")
    s.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="run on the Dask cluster of this scheduler (default: a local cluster)")
    s.add_argument("--workers", type=types.positive_int,
                   help="workers of the local cluster (default: one per core)")
    s.add_argument("--output-dir", "-o", help="where the results go (default sweeps/<dataset>)")
    s.add_argument("--resume", action="store_true",
                   help="skip the trials already in the output directory's results")
    s.add_argument("--no-progress", action="store_true", help="no progress bar")
    s.add_argument("--no-plot", action="store_true", help="no results.png")


def _pairs(items: list[str], option: str) -> list[tuple[str, str]]:
    out = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{option} {item}: expected KEY=VALUE, e.g. {option} lr=1e-3")
        out.append((key.strip().replace("-", "_"), value))
    return out


def space(args) -> tuple[dict, dict, dict]:
    """(grid, random, settings) from the options, over `neuronet train`'s defaults for the dataset."""
    from ..sweeps import space as sp
    from .train import DEFAULTS

    base = dict(DEFAULTS.get(args.dataset, {}))
    if "layers" in base:
        base["layers"] = types.layer_sizes(base["layers"])
    for key, text in _pairs(args.set, "--set"):
        base[key] = sp.parse_value(key, text)
    grid = {}
    for key, text in _pairs(args.grid, "--grid"):
        if key in grid:
            raise ConfigError(f"--grid {key} given twice; list all its values in one: {key}=V1,V2")
        grid[key] = [sp.parse_value(key, part) for part in text.split(",")]
    random = {key: sp.parse_range(key, text) for key, text in _pairs(args.random, "--random")}
    return grid, random, base


def run(args) -> int:
    from .. import sweeps

    grid, random, settings = space(args)
    output = Path(args.output_dir) if args.output_dir else Path("sweeps") / args.dataset
    try:
        result = sweeps.sweep(args.dataset, grid, random, trials=args.trials, settings=settings,
                              search_seed=args.search_seed, output_dir=output, resume=args.resume,
                              scheduler=args.scheduler, workers=args.workers, data_dir=args.data_dir,
                              progress=not args.no_progress, plot=not args.no_plot, file=sys.stderr)
    except sweeps.SweepInterrupted as exc:
        print(f"neuronet: {exc}", file=sys.stderr)
        argv = [a for a in sys.argv[1:] if a != "--resume"] if sys.argv[1:2] == ["sweep"] else ["sweep"]
        print(f"resume with: {shlex.join(['neuronet', *argv, '--resume'])}", file=sys.stderr)
        return EXIT_INTERRUPTED
    if result.skipped:
        print(f"{result.skipped} trials already done in {output}, {result.ran} run now", file=sys.stderr)
    print(result.table())
    best = result.best
    print(f"results: {output / 'results.csv'} and {output / 'results.json'}")
    if best is not None:
        print(f"best: trial {best['trial']} (validation accuracy {best['best_val_accuracy']:.4f}, "
              f"test accuracy {best['test_accuracy']:.4f}), saved to {result.model}")
    if result.figure is not None:
        print(f"figure: {result.figure}")
    return 0
