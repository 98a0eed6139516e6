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

The thread count is fixed through ``OMP/OPENBLAS/MKL_NUM_THREADS`` before NumPy loads (``_common``,
shared with speed.py), and ``torch.set_num_threads`` gets the same count. PyTorch runs only if it is
importable (it is never a dependency of neuronet); its images are converted to NCHW once, outside the
timed loop.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys

import _common
from _common import ROOT

BATCH = 64
LR = 1e-3


def neuronet_net(seed: int):
    from neuronet import Conv2D, Dense, MaxPool2D, Network

    return Network([Conv2D((28, 28, 1), filters=8, kernel_size=3, padding="same", activation="relu"),
                    MaxPool2D((28, 28, 8), pool_size=2),
                    Dense(14 * 14 * 8, 10, activation="softmax")], seed=seed)


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
    ms = lambda fn: _common.median_ms(fn, repeats)  # noqa: E731
    return {
        "conv forward": ms(lambda: conv.forward(xb, training=True)),
        "conv backward (first layer)": ms(lambda: conv.backward(g1, need_input_grad=False)),
        "conv backward (with dL/dx)": ms(lambda: conv.backward(g1)),
        "maxpool forward": ms(lambda: pool.forward(a1, training=True)),
        "maxpool backward": ms(lambda: pool.backward(g2)),
        "(2nd conv 14×14×8→16 forward)": ms(lambda: conv2.forward(a2c, training=True)),
        "(2nd conv backward with dL/dx)": ms(lambda: conv2.backward(g3)),
    }


def run_neuronet(data, epochs: int, batches: int | None, repeats: int, seed: int) -> dict:
    import numpy as np

    from neuronet.optimizers import Adam

    X, y, Xt, yt = data
    net = neuronet_net(seed)
    clock = _common.EpochClock()
    Xs, ys = _common.first_batches(X, y, batches, BATCH)
    net.fit(Xs, ys, epochs=epochs, batch_size=BATCH, optimizer=Adam(lr=LR), seed=seed, callbacks=[clock])
    epoch_s = clock.epoch_seconds(scale=len(X) / len(Xs))
    accuracy = float(np.mean(net.predict(Xt) == yt))
    return {"epoch_seconds": epoch_s, "test_accuracy": accuracy,
            "layer_ms": layer_times(net, X[:BATCH], repeats)}


def run_torch(data, epochs: int, batches: int | None, threads: int, seed: int) -> dict:
    import numpy as np
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    X, y, Xt, yt = data
    Xs, ys = _common.first_batches(X, y, batches, BATCH)
    # NCHW, converted once here: the timed loop only slices.
    X4 = torch.from_numpy(np.ascontiguousarray(Xs.reshape(-1, 1, 28, 28)))
    Xt4 = torch.from_numpy(np.ascontiguousarray(Xt.reshape(-1, 1, 28, 28)))
    y_t = torch.from_numpy(ys)
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                torch.nn.Flatten(), torch.nn.Linear(14 * 14 * 8, 10))
    step = _common.torch_step(model, torch.optim.Adam(model.parameters(), lr=LR),
                              torch.nn.functional.cross_entropy)
    epoch_s = [s * len(X) / len(X4) for s in _common.torch_epochs(step, X4, y_t, epochs, BATCH, seed)]
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
    os.environ.update(_common.thread_vars(args.threads))   # before NumPy (and torch) are imported below
    sys.path.insert(0, str(ROOT))   # this checkout's neuronet, installed or not

    data = _common.load_fashion()
    print(_common.machine_line(f"threads {args.threads}"))
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
