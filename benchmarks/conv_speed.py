"""Speed of neuronet's image layers: a small conv net on Fashion-MNIST, against PyTorch (CPU).

    python benchmarks/conv_speed.py                    # 1 epoch at 1 thread, then PyTorch
    python benchmarks/conv_speed.py --epochs 2 --threads 2
    python benchmarks/conv_speed.py --batches 200      # a quick run: 200 batches per epoch
    python benchmarks/conv_speed.py --no-torch --repeats 51

The network (the same in both frameworks):

    Conv2D((28, 28, 1), 8 filters 3×3, padding "same", ReLU) → MaxPool2D(2) → Dense(14·14·8, 10, softmax)

trained with Adam(1e-3), cross-entropy, batch 64.

Reported:

* seconds per epoch (each epoch timed in full, shuffling included; with ``--batches N`` each epoch is
  only the first N batches of the shuffled data, and the figure is scaled up to the full 60,000);
* milliseconds per 64-image batch for each layer's forward (``training=True``) and backward, timed by
  calling the layers directly on one batch: the median of ``--repeats`` calls. Conv2D's backward is
  shown twice: as the first layer (no dL/dx, which is how this network runs it) and with dL/dx (the
  col2im half, which a second convolution would need); the last two rows time such a second
  convolution (14×14×8 → 16 filters), which is not part of the network but shows the costs that a
  one-channel first layer hides;
* test accuracy after the last epoch.

The thread count is fixed through ``OMP/OPENBLAS/MKL_NUM_THREADS`` before NumPy loads, as in
speed.py, and ``torch.set_num_threads`` gets the same count. PyTorch runs only if it is importable
(it is never a dependency of neuronet); its images are converted to NCHW once, outside the timed loop.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BATCH = 64
LR = 1e-3


def neuronet_net(seed: int):
    from neuronet import Conv2D, Dense, MaxPool2D, Network

    return Network([Conv2D((28, 28, 1), filters=8, kernel_size=3, padding="same", activation="relu"),
                    MaxPool2D((28, 28, 8), pool_size=2),
                    Dense(14 * 14 * 8, 10, activation="softmax")], seed=seed)


def _median_ms(fn, repeats: int) -> float:
    fn()   # warm-up: first-touch page faults and BLAS start-up are not the layer's cost
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1e3 * statistics.median(times)


def layer_times(net, xb, repeats: int) -> dict[str, float]:
    """Median ms of each layer's forward and backward on one batch ``xb`` (batch, 784)."""
    import numpy as np

    conv, pool, dense = net.layers
    a1 = conv.forward(xb, training=True)
    a2 = pool.forward(a1, training=True)
    dense.forward(a2, training=True)
    rng = np.random.default_rng(0)
    g2 = rng.standard_normal(a2.shape).astype(a2.dtype)     # stands in for dL/d(pool output)
    g1 = rng.standard_normal(a1.shape).astype(a1.dtype)     # ... and for dL/d(conv output)
    # Not in this network: a second convolution, 14×14×8 → 16 filters, whose input has channels and
    # whose backward must give dL/dx (the first layer, with one channel, shows neither cost).
    from neuronet import Conv2D

    conv2 = Conv2D((14, 14, 8), filters=16, kernel_size=3, padding="same", activation="relu", seed=0)
    a2c = np.ascontiguousarray(a2)
    g3 = rng.standard_normal(conv2.forward(a2c, training=True).shape).astype(a2.dtype)
    return {
        "conv forward": _median_ms(lambda: conv.forward(xb, training=True), repeats),
        "conv backward (first layer)": _median_ms(lambda: conv.backward(g1, need_input_grad=False), repeats),
        "conv backward (with dL/dx)": _median_ms(lambda: conv.backward(g1), repeats),
        "maxpool forward": _median_ms(lambda: pool.forward(a1, training=True), repeats),
        "maxpool backward": _median_ms(lambda: pool.backward(g2), repeats),
        "(2nd conv 14×14×8→16 forward)": _median_ms(lambda: conv2.forward(a2c, training=True), repeats),
        "(2nd conv backward with dL/dx)": _median_ms(lambda: conv2.backward(g3), repeats),
    }


def _subset(X, y, batches: int | None):
    return (X, y) if batches is None else (X[:batches * BATCH], y[:batches * BATCH])


def run_neuronet(data, epochs: int, batches: int | None, repeats: int, seed: int) -> dict:
    import numpy as np

    from neuronet.optimizers import Adam

    X, y, Xt, yt = data
    net = neuronet_net(seed)
    stamps: list[float] = []

    class Clock:   # wall time between epoch ends: everything an epoch costs, shuffle included
        def on_train_begin(self, network, optimizer):
            stamps.append(time.perf_counter())

        def on_epoch_end(self, network, epoch, logs):
            stamps.append(time.perf_counter())

    Xs, ys = _subset(X, y, batches)
    net.fit(Xs, ys, epochs=epochs, batch_size=BATCH, optimizer=Adam(lr=LR), seed=seed, callbacks=[Clock()])
    scale = len(X) / len(Xs)
    epoch_s = [(b - a) * scale for a, b in zip(stamps, stamps[1:], strict=False)]
    accuracy = float(np.mean(net.predict(Xt) == yt))
    return {"epoch_seconds": epoch_s, "test_accuracy": accuracy,
            "layer_ms": layer_times(net, X[:BATCH], repeats)}


def run_torch(data, epochs: int, batches: int | None, threads: int, seed: int) -> dict:
    import numpy as np
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    X, y, Xt, yt = data
    Xs, ys = _subset(X, y, batches)
    # NCHW, converted once here: the timed loop only slices.
    X4 = torch.from_numpy(np.ascontiguousarray(Xs.reshape(-1, 1, 28, 28)))
    Xt4 = torch.from_numpy(np.ascontiguousarray(Xt.reshape(-1, 1, 28, 28)))
    y_t = torch.from_numpy(ys)
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                torch.nn.Flatten(), torch.nn.Linear(14 * 14 * 8, 10))
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    n = len(X4)
    epoch_s = []
    for epoch in range(epochs):
        t = time.perf_counter()
        perm = torch.from_numpy(np.random.default_rng([seed, epoch]).permutation(n))
        Xp, yp = X4[perm], y_t[perm]
        for i in range(0, n, BATCH):
            opt.zero_grad(set_to_none=True)
            loss = torch.nn.functional.cross_entropy(model(Xp[i:i + BATCH]), yp[i:i + BATCH])
            loss.backward()
            opt.step()
        epoch_s.append((time.perf_counter() - t) * len(X) / n)
    with torch.inference_mode():
        accuracy = float((model(Xt4).argmax(1).numpy() == yt).mean())
    return {"epoch_seconds": epoch_s, "test_accuracy": accuracy}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batches", type=int, default=None,
                   help="train only this many batches per epoch (s/epoch is scaled to the full set)")
    p.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads for both frameworks")
    p.add_argument("--repeats", type=int, default=31, help="calls per layer timing (the median is shown)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-torch", action="store_true", help="skip the PyTorch comparison")
    args = p.parse_args(argv)
    if args.batches is not None and args.batches < 1:
        p.error("--batches must be at least 1")
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)   # before NumPy (and torch) are imported below

    sys.path.insert(0, str(ROOT))   # this checkout's neuronet, installed or not
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from speed import load_fashion, machine

    data = load_fashion()
    print(f"machine: {machine()}; threads {args.threads}; load average {os.getloadavg()[0]:.2f} "
          f"(others' work on the machine skews timings)")
    steps = math.ceil(len(data[0]) / BATCH) if args.batches is None else args.batches
    print(f"network: Conv2D 8×3×3 same + ReLU → MaxPool2D 2 → Dense 1568→10 softmax; batch {BATCH}, "
          f"Adam({LR}); {args.epochs} epoch(s) of {steps} batches")

    r = run_neuronet(data, args.epochs, args.batches, args.repeats, args.seed)
    print(f"\nneuronet  s/epoch {statistics.median(r['epoch_seconds']):7.2f}   "
          f"test accuracy {r['test_accuracy']:.4f}")
    print(f"  per-layer ms per batch of {BATCH} (median of {args.repeats}):")
    for name, ms in r["layer_ms"].items():
        print(f"    {name:<30}{ms:8.3f}")

    if not args.no_torch:
        try:
            import torch  # noqa: F401
        except ImportError:
            print("\nPyTorch is not installed: no comparison (pip install torch)")
            return 0
        t = run_torch(data, args.epochs, args.batches, args.threads, args.seed)
        ratio = statistics.median(r["epoch_seconds"]) / statistics.median(t["epoch_seconds"])
        print(f"\nPyTorch   s/epoch {statistics.median(t['epoch_seconds']):7.2f}   "
              f"test accuracy {t['test_accuracy']:.4f}   (neuronet / PyTorch = {ratio:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
