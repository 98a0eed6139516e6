"""Where an epoch's time goes: neuronet's training loop under cProfile, in milliseconds per epoch.

    python benchmarks/profile_epoch.py                 # the "adam" configuration of speed.py
    python benchmarks/profile_epoch.py --config classic --epochs 2
    python benchmarks/profile_epoch.py --config lenet --epochs 1 --batches 100    # lenet_speed.py's network

The first epoch runs outside the profile (it pays for first-touch page faults of the shuffled
copy), the next ``--epochs`` under it. Time spent inside a NumPy call made with an operator (the
``@`` of a matrix product, ``+=``) is counted in the Python function that wrote it, so the line for
``Dense.forward`` is mostly its GEMM and the one for ``Adam._update`` is its elementwise passes.
Threads are fixed as in speed.py (``--threads``, default 1) before NumPy loads. ``--batches N``
profiles only the first N batches of each epoch (the LeNet-style network needs ~25 s an epoch).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", default="adam", choices=["adam", "classic", "lenet"])
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--top", type=int, default=12, help="how many functions to list")
    p.add_argument("--batches", type=int, default=None, help="only this many batches per epoch")
    args = p.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from _common import load_fashion, thread_vars

    os.environ.update(thread_vars(args.threads))   # before NumPy is imported below
    from speed import CONFIGS

    from neuronet.network import mlp
    from neuronet.optimizers import get as get_optimizer

    X, y, _, _ = load_fashion()
    if args.config == "lenet":
        import lenet_speed

        cfg = {"sizes": "LeNet-style 32c3-p2-64c3-p2-128-10", "batch_size": lenet_speed.BATCH}
        net, opt = lenet_speed.neuronet_net(0), get_optimizer("adam", lr=lenet_speed.LR)
    else:
        cfg = CONFIGS[args.config]
        net = mlp(cfg["sizes"], activation=cfg["activation"], loss=cfg["loss"],
                  output_activation="softmax" if cfg["loss"] == "cross_entropy" else "sigmoid", seed=0)
        opt = get_optimizer(cfg["optimizer"], lr=cfg["lr"])
    if args.batches is not None:
        X, y = X[:args.batches * cfg["batch_size"]], y[:args.batches * cfg["batch_size"]]
    profile = cProfile.Profile()

    usage = {}

    class StartAfterFirstEpoch:
        def on_epoch_end(self, network, epoch, logs):
            if epoch == 0:
                usage["start"] = resource.getrusage(resource.RUSAGE_SELF)
                profile.enable()

    net.fit(X, y, epochs=1 + args.epochs, batch_size=cfg["batch_size"], optimizer=opt, seed=0,
            callbacks=[StartAfterFirstEpoch()])
    profile.disable()
    end, start = resource.getrusage(resource.RUSAGE_SELF), usage["start"]

    stats = pstats.Stats(profile).stats   # {(file, line, name): (calls, _, tottime, cumtime, _)}
    rows = sorted(((tt, calls, _label(key)) for key, (calls, _, tt, _, _) in stats.items()), reverse=True)
    total = sum(tt for tt, _, _ in rows)
    print(f"{args.config}: {cfg['sizes']}, batch {cfg['batch_size']}, {args.threads} thread(s); "
          f"{total / args.epochs * 1000:.0f} ms per epoch under the profiler")
    print(f"{'ms/epoch':>9} {'share':>6} {'calls/epoch':>12}  function")
    for tt, calls, label in rows[:args.top]:
        print(f"{tt / args.epochs * 1000:9.1f} {tt / total:6.1%} {calls // args.epochs:12,}  {label}")
    # Time the kernel spends for the process is in no function's line: page faults of fresh arrays were
    # a fifth of a LeNet step before training kept freed memory (neuronet.memory).
    print(f"per epoch: {(end.ru_utime - start.ru_utime) / args.epochs * 1000:.0f} ms user, "
          f"{(end.ru_stime - start.ru_stime) / args.epochs * 1000:.0f} ms system time, "
          f"{(end.ru_minflt - start.ru_minflt) // args.epochs:,} page faults")
    return 0


def _label(key) -> str:
    file, line, name = key
    if file == "~":
        return name                                   # a built-in: {method 'take' of ...}
    path = Path(file)
    try:
        path = path.relative_to(ROOT)
    except ValueError:
        path = Path(path.name)
    return f"{name}  ({path}:{line})"


if __name__ == "__main__":
    sys.exit(main())
