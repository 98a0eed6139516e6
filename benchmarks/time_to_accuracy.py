"""Time to accuracy: wall-clock seconds for neuronet and PyTorch (CPU) to reach 90 % and 92 % test
accuracy on Fashion-MNIST with the same recipe, the median over seeds.

    python benchmarks/time_to_accuracy.py                        # 3 seeds, 1 thread, both frameworks
    python benchmarks/time_to_accuracy.py --seeds 0 --epochs 2 --batches 50     # a quick try
    python benchmarks/time_to_accuracy.py --json results.json
    python benchmarks/time_to_accuracy.py --same-init            # neuronet from PyTorch's initial weights

The recipe, the same in both frameworks:

    28×28×1 → [Conv2D 3×3 'same' → BatchNorm → ReLU → MaxPool2D 2] × (32, then 64 filters)
            → Dense 256 ReLU → Dropout 0.4 → Dense 10 (logits, softmax cross-entropy)

Adam (lr 1e-3, β 0.9/0.999), batch 128, the learning rate following a cosine over ``--epochs`` epochs
(per epoch, as ``neuronet train --schedule cosine`` and PyTorch's ``CosineAnnealingLR`` stepped once
an epoch), trained on all 60,000 training images, no augmentation. This is
``neuronet train --dataset fashion-mnist --conv 32,64 --layers 256 --batch-norm --dropout 0.4
--schedule cosine --epochs E --val-split 0``.

The clock: training time only, shuffling and batching included, summed over epochs; the test
accuracy is measured after every epoch with the clock stopped (both frameworks in inference mode:
BatchNorm's running statistics, no dropout). "Time to 90 %" is the clock at the end of the first
epoch whose test accuracy is at least 0.90; a run that never gets there within ``--epochs`` says so
(and then the median over seeds says so too, rather than inventing a number).

Each (framework, seed) runs in a fresh process with the BLAS thread count fixed before NumPy or
PyTorch load (``OMP/OPENBLAS/MKL_NUM_THREADS``, and ``torch.set_num_threads``); the frameworks
alternate seed by seed, so that a busy spell of the machine falls on both. PyTorch is only
imported when it is installed (it is a benchmark tool, never a dependency of neuronet).

By default each framework starts from its own initial weights (neuronet's Glorot/He by activation and
zero biases, PyTorch's uniform ±1/√fan_in). ``--same-init`` starts neuronet from exactly the weights
the PyTorch run of that seed starts from (made with the same ``torch.manual_seed``, carried over with
``neuronet.import_weights``), so that what is left to differ is the frameworks, not the recipe.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGETS = (0.90, 0.92)


def load_data():
    """Fashion-MNIST as float32 (n, 784) in [0, 1] with integer labels, through neuronet's loader."""
    import neuronet as nn

    (x, y), (x_test, y_test) = nn.datasets.load("fashion-mnist")
    return x, y, x_test, y_test


def torch_model(seed: int):
    """The recipe as a PyTorch nn.Sequential, its initial weights drawn from ``seed``."""
    import torch
    from torch import nn as tnn

    torch.manual_seed(seed)

    def block(c_in, c_out):
        return [tnn.Conv2d(c_in, c_out, 3, padding=1), tnn.BatchNorm2d(c_out), tnn.ReLU(), tnn.MaxPool2d(2)]

    return tnn.Sequential(*block(1, 32), *block(32, 64), tnn.Flatten(), tnn.Linear(7 * 7 * 64, 256),
                          tnn.ReLU(), tnn.Dropout(0.4), tnn.Linear(256, 10))


def torch_initial_weights(net, seed: int) -> None:
    """Give ``net`` (neuronet's recipe) the initial weights of :func:`torch_model` for ``seed``: its
    state dict written to a safetensors file and read back by ``neuronet.import_weights``."""
    import tempfile

    import safetensors.torch

    import neuronet as nn

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "initial.safetensors"
        safetensors.torch.save_file(torch_model(seed).state_dict(), str(path))
        nn.import_weights(net, path)


def run_neuronet(seed: int, epochs: int, batches: int | None, same_init: bool = False) -> dict:
    """Train the recipe with neuronet; test accuracy after each epoch, the clock stopped meanwhile."""
    import numpy as np

    import neuronet as nn
    from neuronet.callbacks import Callback
    from neuronet.optimizers import Adam
    from neuronet.schedules import CosineDecay

    x, y, x_test, y_test = load_data()
    if batches:
        x, y = x[:batches * 128], y[:batches * 128]
    net = nn.cnn((28, 28, 1), [32, 64], [256, 10], activation="relu", output_activation="identity",
                 batch_norm=True, dropout=0.4, seed=seed)
    if same_init:
        torch_initial_weights(net, seed)

    class Clock(Callback):
        """Adds up training time, leaving out the test evaluation after each epoch."""

        def __init__(self):
            self.train_s, self.curve, self.start = 0.0, [], None

        def on_train_begin(self, network, optimizer):
            self.start = time.perf_counter()

        def on_epoch_end(self, network, epoch, logs):
            self.train_s += time.perf_counter() - self.start
            accuracy = float(np.mean(network.predict(x_test) == y_test))
            self.curve.append((epoch + 1, self.train_s, accuracy))
            self.start = time.perf_counter()
            return None

    clock = Clock()
    net.fit(x, y, epochs=epochs, batch_size=128, optimizer=Adam(lr=CosineDecay(1e-3, epochs)), seed=seed,
            callbacks=[clock], catch_interrupt=False)
    return {"curve": clock.curve}


def run_torch(seed: int, epochs: int, batches: int | None) -> dict:
    """The same recipe in PyTorch: same data, same layers, same optimiser and schedule."""
    import numpy as np
    import torch
    from torch import nn as tnn

    x, y, x_test, y_test = load_data()
    if batches:
        x, y = x[:batches * 128], y[:batches * 128]
    # NCHW once, outside the clock (neuronet's channels-last arrays need no such step).
    images = torch.from_numpy(x.reshape(-1, 1, 28, 28).copy())
    labels = torch.from_numpy(y.astype(np.int64))
    test_images = torch.from_numpy(x_test.reshape(-1, 1, 28, 28).copy())

    model = torch_model(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    loss_fn = tnn.CrossEntropyLoss()
    rng = np.random.default_rng(seed)
    train_s, curve = 0.0, []
    for epoch in range(epochs):
        start = time.perf_counter()
        model.train()
        order = torch.from_numpy(rng.permutation(len(images)))
        for i in range(0, len(images), 128):
            idx = order[i:i + 128]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(images[idx]), labels[idx])
            loss.backward()
            optimizer.step()
        schedule.step()
        train_s += time.perf_counter() - start
        model.eval()
        with torch.no_grad():
            predicted = torch.cat([model(test_images[i:i + 1000]).argmax(1)
                                   for i in range(0, len(test_images), 1000)])
        curve.append((epoch + 1, train_s, float(np.mean(predicted.numpy() == y_test))))
    return {"curve": curve}


def reached(curve, target: float):
    """(epoch, seconds) of the first epoch at or above ``target``, or None."""
    return next(((e, s) for e, s, acc in curve if acc >= target), None)


def child(args) -> None:
    """One (framework, seed) run in this process; prints its result as one JSON line."""
    if args.framework == "torch":
        import torch

        torch.set_num_threads(args.threads)
        result = run_torch(args.seed, args.epochs, args.batches)
    else:
        result = run_neuronet(args.seed, args.epochs, args.batches, args.same_init)
    print(json.dumps(result))


def spawn(framework: str, seed: int, args) -> dict:
    env = {**os.environ, **{v: str(args.threads) for v in
                            ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}}
    cmd = [sys.executable, __file__, "--child", framework, "--seed", str(seed), "--epochs", str(args.epochs),
           "--threads", str(args.threads)] + (["--batches", str(args.batches)] if args.batches else []) \
        + (["--same-init"] if args.same_init else [])
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{framework} seed {seed} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def median_or_none(values):
    """The median of the values if every run has one; None if any run missed the target."""
    return None if any(v is None for v in values) else statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=10, help="epochs per run (the cosine's length)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batches", type=int, default=None, help="train on only this many batches (a try)")
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--only", choices=["neuronet", "torch"], default=None, help="run one framework")
    parser.add_argument("--same-init", action="store_true",
                        help="neuronet starts from the PyTorch run's initial weights (torch, safetensors)")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--child", choices=["neuronet", "torch"], help=argparse.SUPPRESS, dest="framework")
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.framework:
        return child(args)
    if args.same_init:
        try:
            import safetensors.torch  # noqa: F401  (both needed to carry PyTorch's weights over)
            import torch  # noqa: F401
        except ImportError as missing:
            raise SystemExit(f"--same-init needs PyTorch and safetensors: {missing} "
                             f"(pip install torch safetensors)") from None
    frameworks = [] if args.only == "torch" else ["neuronet"]
    if not args.no_torch and args.only != "neuronet":
        try:
            import torch  # noqa: F401
            frameworks.append("torch")
        except ImportError:
            print("PyTorch is not installed: neuronet only (pip install torch to compare)")
    runs = {f: {} for f in frameworks}
    for seed in args.seeds:
        for framework in frameworks:
            result = spawn(framework, seed, args)
            runs[framework][seed] = result["curve"]
            hits = {t: reached(result["curve"], t) for t in TARGETS}
            marks = ", ".join(f"{t:.0%}: " + (f"epoch {r[0]}, {r[1]:.0f} s" if r else "not reached")
                              for t, r in hits.items())
            best = max(acc for _, _, acc in result["curve"])
            print(f"{framework:8s} seed {seed}: {marks}; best test accuracy {best:.4f}, "
                  f"{result['curve'][-1][1] / len(result['curve']):.1f} s/epoch", flush=True)
    summary = {}
    print(f"\nmedian over seeds {args.seeds}, {args.threads} thread(s), seconds of training:")
    for framework in frameworks:
        row = {}
        for t in TARGETS:
            hits = [reached(curve, t) for curve in runs[framework].values()]
            row[f"{t:.2f}"] = median_or_none([r and r[1] for r in hits])
        summary[framework] = row
        shown = "  ".join(f"{k}: " + ("not reached" if v is None else f"{v:.0f} s") for k, v in row.items())
        print(f"  {framework:8s} {shown}")
    if args.json:
        args.json.write_text(json.dumps({"seeds": args.seeds, "epochs": args.epochs, "threads": args.threads,
                                         "same_init": args.same_init, "runs": runs, "median": summary},
                                        indent=1))


if __name__ == "__main__":
    main()
