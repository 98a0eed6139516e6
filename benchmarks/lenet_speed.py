"""Side-by-side speed of a LeNet-style image network: neuronet against PyTorch (CPU) on Fashion-MNIST.

    python benchmarks/lenet_speed.py                        # 1 epoch, at 1 and at 2 threads, both frameworks
    python benchmarks/lenet_speed.py --batches 100          # a quick run: 100 batches an epoch, scaled to 60k
    python benchmarks/lenet_speed.py --threads 1 --rounds 3 --epochs 2 --json out.json

The network (issue 15's, the same in both frameworks, from the same initial weights):

    28×28×1 → Conv2D 32 filters 3×3 "valid", ReLU → MaxPool2D 2 → Conv2D 64 3×3 "valid", ReLU
            → MaxPool2D 2 → Dense 1600→128 ReLU → Dense 128→10 (logits, softmax cross-entropy)

trained with Adam(1e-3), batch 128.

Each (framework, thread count) runs in its own child process, as in speed.py (``_common``), so that the thread
count is fixed through ``OMP/OPENBLAS/MKL_NUM_THREADS`` before NumPy or torch loads (and
``torch.set_num_threads`` gets the same count), and so that one framework's memory does not count
against the other's. ``--rounds R`` runs every child R times, the frameworks alternating which goes
first, and reports medians: on a shared machine single timings drift.

Reported per child:

* seconds per epoch: the median of the epochs run, each timed in full (shuffling included). With
  ``--batches N`` an epoch is the first N batches of the data, shuffled, scaled up to 60,000 images;
* the roofline: the epoch's matrix-multiply FLOPs (forward, dL/dW and dL/dx of every Conv2D and Dense,
  the first layer without dL/dx; counted from the layers' shapes by :func:`epoch_flops`) divided by
  the float32 GEMM rate NumPy reaches in that same process (the median of square 1024² and 2048²
  products, measured before and after training; the faster is used, so the roofline is the harder
  one). "× roofline" is neuronet's epoch over that time;
* each layer's forward (training) and backward time for one batch of 128, the median of ``--repeats``
  calls, in both frameworks (PyTorch's layer is the same group of modules: Conv2d + ReLU, ...);
* peak resident memory while training: the child's ``VmHWM`` from /proc/self/status, read right after
  training (``ru_maxrss`` would count the parent's). The data alone is ~220 MB of it;
* inference images/s, forward passes over the 10,000 test images in batches of 1,000 (best of 5,
  ``--infer-repeats``;
  PyTorch under ``eval()`` and ``no_grad``), and test accuracy after the last epoch.

PyTorch is needed only here; it is never a dependency of neuronet.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import _common
from _common import ROOT

BATCH = 128
LR = 1e-3
INFER_BATCH = 1000
N_TRAIN = 60000
NETWORK = ("28×28×1 → Conv2D 32 3×3 valid ReLU → MaxPool2D 2 → Conv2D 64 3×3 valid ReLU → MaxPool2D 2 "
           "→ Dense 1600→128 ReLU → Dense 128→10 logits")
LAYER_NAMES = ["conv1 32×3×3", "pool1", "conv2 64×3×3", "pool2", "dense 1600→128", "dense 128→10"]


# --- the network, in both frameworks -------------------------------------------------------------
def neuronet_net(seed: int, dtype="float32"):
    from neuronet import Conv2D, Dense, MaxPool2D, Network

    return Network([Conv2D((28, 28, 1), filters=32, kernel_size=3, activation="relu"),     # 26×26×32
                    MaxPool2D((26, 26, 32), pool_size=2),                                  # 13×13×32
                    Conv2D((13, 13, 32), filters=64, kernel_size=3, activation="relu"),    # 11×11×64
                    MaxPool2D((11, 11, 64), pool_size=2),                                  # 5×5×64
                    Dense(5 * 5 * 64, 128, activation="relu"),
                    Dense(128, 10)], loss="cross_entropy", seed=seed, dtype=dtype)


def torch_net(seed: int):
    """The same network in PyTorch (NCHW), with neuronet's initial weights for this seed."""
    import torch
    from torch import nn

    from neuronet import torch_weights

    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10))
    # state_dict permutes the first Dense's rows from channels-last to PyTorch's (C, H, W) flattening.
    weights = torch_weights.state_dict(neuronet_net(seed))
    model.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()}, strict=True)
    return model


# The PyTorch modules that do what each neuronet layer does (its activation included).
TORCH_GROUPS = [(0, 2), (2, 3), (3, 5), (5, 6), (6, 9), (9, 10)]


# --- arithmetic ----------------------------------------------------------------------------------
def epoch_flops(net, n: int = N_TRAIN) -> dict[str, dict[str, float]]:
    """Matrix-multiply FLOPs of one training epoch of ``n`` images, per weighted layer:
    ``{"0 Conv2D": {"forward": f, "weight_grad": f, "input_grad": f}, ...}``.

    Per image, a Conv2D is an (H'·W' × kh·kw·C) @ (kh·kw·C × F) product forward, as many FLOPs for
    dL/dW and again for dL/dx; a Dense is (1 × n_in) @ (n_in × n_out), likewise. The first weighted
    layer reads the data and gives no dL/dx. A multiply-add is 2 FLOPs.
    """
    from neuronet import Conv2D, Dense

    flops, first = {}, True
    for i, layer in enumerate(net.layers):
        if isinstance(layer, Conv2D):
            kh, kw = layer.kernel_size
            m = layer.output_shape[0] * layer.output_shape[1]               # output pixels
            k, f = kh * kw * layer.input_shape[2], layer.filters
        elif isinstance(layer, Dense):
            m, k, f = 1, layer.n_in, layer.n_out
        else:
            continue
        product = 2.0 * n * m * k * f
        flops[f"{i} {type(layer).__name__}"] = {"forward": product, "weight_grad": product,
                                                "input_grad": 0.0 if first else product}
        first = False
    return flops


def gemm_rate(sizes=(1024, 2048), repeats: int = 7) -> dict[str, float]:
    """float32 GFLOP/s of NumPy's square (n×n)@(n×n) products into a preallocated output: the median
    of ``repeats`` timings for each size."""
    import numpy as np

    rng = np.random.default_rng(0)
    rates = {}
    for n in sizes:
        a, b = rng.random((n, n), dtype=np.float32), rng.random((n, n), dtype=np.float32)
        out = np.empty((n, n), dtype=np.float32)
        np.matmul(a, b, out=out)                                   # warm-up
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            np.matmul(a, b, out=out)
            times.append(time.perf_counter() - t)
        rates[str(n)] = 2.0 * n ** 3 / statistics.median(times) / 1e9
    return rates


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024                     # kB
    return float("nan")


# --- the workers (each in its own process) -------------------------------------------------------
def layer_times_neuronet(net, xb, repeats: int) -> dict[str, dict[str, float]]:
    """Median ms of each layer's forward (training) and backward on one batch ``xb``; dL/d(output) is
    random noise of the right shape, and the first layer skips dL/dx as in training."""
    import numpy as np

    rng = np.random.default_rng(0)
    times, x = {}, xb
    for i, (name, layer) in enumerate(zip(LAYER_NAMES, net.layers, strict=True)):
        out = layer.forward(x, training=True)
        g = rng.standard_normal(out.shape).astype(out.dtype)
        forward = lambda layer=layer, x=x: layer.forward(x, training=True)                    # noqa: E731
        backward = lambda layer=layer, g=g, i=i: layer.backward(g, need_input_grad=i > 0)    # noqa: E731
        times[name] = {"forward": _common.median_ms(forward, repeats)}
        forward()                                                  # backward's caches for x
        times[name]["backward"] = _common.median_ms(backward, repeats)
        x = out.copy()                                             # the next layer's input, kept apart
    return times


def work_neuronet(epochs: int, batches: int | None, repeats: int, seed: int, infer_repeats: int = 5) -> dict:
    import numpy as np

    from neuronet.optimizers import Adam

    X, y, Xt, yt = _common.load_fashion()
    rss_data = peak_rss_mb()
    rates = [gemm_rate()]
    net = neuronet_net(seed)
    clock = _common.EpochClock()
    Xs, ys = _common.first_batches(X, y, batches, BATCH)
    net.fit(Xs, ys, epochs=epochs, batch_size=BATCH, optimizer=Adam(lr=LR), seed=seed, callbacks=[clock])
    rss_training = peak_rss_mb()
    epoch_s = clock.epoch_seconds(scale=len(X) / len(Xs))
    accuracy = float(np.mean(net.predict(Xt) == yt))
    images_per_s = _common.throughput(lambda xb: net.predict_proba(xb, batch_size=INFER_BATCH), Xt,
                                      INFER_BATCH, infer_repeats)
    layer_ms = layer_times_neuronet(net, X[:BATCH], repeats)
    rates.append(gemm_rate())
    rate = max(max(r.values()) for r in rates)
    flops = epoch_flops(net)
    total = sum(sum(f.values()) for f in flops.values())
    return {"epoch_seconds": epoch_s, "median_epoch_s": statistics.median(epoch_s),
            "test_accuracy": accuracy, "images_per_s": images_per_s,
            "peak_rss_mb": rss_training, "rss_after_loading_data_mb": rss_data, "layer_ms": layer_ms,
            "gemm_gflops": rates, "roofline": {"tflop": total / 1e12, "gflops": rate,
                                               "seconds": total / (rate * 1e9), "flops_by_layer": flops}}


def layer_times_torch(model, xb, repeats: int) -> dict[str, dict[str, float]]:
    """As :func:`layer_times_neuronet`, for the PyTorch modules that make up each layer: backward is
    ``autograd.grad`` of the group's output into its parameters (and its input, but for the first)."""
    import torch

    times, x = {}, xb
    for i, (name, (lo, hi)) in enumerate(zip(LAYER_NAMES, TORCH_GROUPS, strict=True)):
        group = model[lo:hi]
        inp = x.detach().requires_grad_(i > 0)
        out = group(inp)
        g = torch.randn_like(out)
        wrt = [*group.parameters(), *([inp] if i > 0 else [])]
        times[name] = {"forward": _common.median_ms(lambda group=group, inp=inp: group(inp), repeats)}
        if wrt:
            times[name]["backward"] = _common.median_ms(
                lambda out=out, wrt=wrt, g=g: torch.autograd.grad(out, wrt, g, retain_graph=True), repeats)
        x = out.detach()
    return times


def work_torch(epochs: int, batches: int | None, repeats: int, seed: int, threads: int,
               infer_repeats: int = 5) -> dict:
    import numpy as np
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    X, y, Xt, yt = _common.load_fashion()
    Xs, ys = _common.first_batches(X, y, batches, BATCH)
    # NCHW, converted once here: the timed loop only slices.
    X4 = torch.from_numpy(np.ascontiguousarray(Xs.reshape(-1, 1, 28, 28)))
    Xt4 = torch.from_numpy(np.ascontiguousarray(Xt.reshape(-1, 1, 28, 28)))
    y_t = torch.from_numpy(ys)
    model = torch_net(seed)
    step = _common.torch_step(model, torch.optim.Adam(model.parameters(), lr=LR),
                              torch.nn.functional.cross_entropy)
    epoch_s = [s * len(X) / len(X4) for s in _common.torch_epochs(step, X4, y_t, epochs, BATCH, seed)]
    rss_training = peak_rss_mb()
    model.eval()
    with torch.no_grad():
        accuracy = float((model(Xt4).argmax(1).numpy() == yt).mean())
        images_per_s = _common.throughput(lambda xb: torch.softmax(model(xb), dim=1), Xt4, INFER_BATCH,
                                   infer_repeats)
    model.train()
    layer_ms = layer_times_torch(model, X4[:BATCH], repeats)
    return {"epoch_seconds": epoch_s, "median_epoch_s": statistics.median(epoch_s),
            "test_accuracy": accuracy, "images_per_s": images_per_s, "peak_rss_mb": rss_training,
            "layer_ms": layer_ms, "torch": torch.__version__}


# --- driver --------------------------------------------------------------------------------------
def _child(framework: str, threads: int, args) -> dict:
    cmd = ["--worker", framework, "--threads", str(threads), "--epochs", str(args.epochs), "--repeats",
           str(args.repeats), "--infer-repeats", str(args.infer_repeats), "--seed", str(args.seed)]
    if args.batches is not None:
        cmd += ["--batches", str(args.batches)]
    return _common.run_worker(__file__, cmd, threads)


def _median_of(runs: list[dict], key: str) -> float | None:
    values = [r[key] for r in runs if key in r]
    return statistics.median(values) if values else None


def _summary(runs: list[dict]) -> dict:
    """Medians over the rounds of one (framework, threads)."""
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return {"error": runs[0]["error"]}
    out = {key: _median_of(ok, key) for key in ("median_epoch_s", "test_accuracy", "images_per_s",
                                                "peak_rss_mb")}
    out["layer_ms"] = {name: {part: statistics.median(r["layer_ms"][name][part] for r in ok)
                              for part in ok[0]["layer_ms"][name]} for name in ok[0]["layer_ms"]}
    if "roofline" in ok[0]:
        out["roofline_s"] = statistics.median(r["roofline"]["seconds"] for r in ok)
        out["roofline_tflop"] = ok[0]["roofline"]["tflop"]
        out["gemm_gflops"] = statistics.median(r["roofline"]["gflops"] for r in ok)
    return out


def _print_threads(threads: int, entry: dict) -> None:
    nr, tr = entry.get("neuronet", {}), entry.get("torch", {})
    print(f"\n{threads} thread(s), medians of {entry['rounds']} round(s):")
    print(f"  {'framework':<10}{'s/epoch':>9}{'ratio':>8}{'× roofline':>12}{'test acc':>10}"
          f"{'peak RSS MB':>13}{'infer img/s':>13}")
    for name, r in (("neuronet", nr), ("PyTorch", tr)):
        if not r:
            continue
        if "error" in r:
            print(f"  {name:<10} error: {r['error']}")
            continue
        ratio = entry.get("ratio_neuronet_over_torch") if name == "neuronet" else None
        roof = entry.get("ratio_neuronet_over_roofline") if name == "neuronet" else None
        print(f"  {name:<10}{r['median_epoch_s']:9.2f}{(f'{ratio:.2f}' if ratio else ''):>8}"
              f"{(f'{roof:.2f}' if roof else ''):>12}{r['test_accuracy']:10.4f}{r['peak_rss_mb']:13.0f}"
              f"{r['images_per_s']:13,.0f}")
    if "roofline_s" in nr:
        print(f"  roofline: {nr['roofline_tflop']:.3f} TFLOP an epoch at {nr['gemm_gflops']:.0f} GFLOP/s "
              f"(NumPy float32, square GEMM) = {nr['roofline_s']:.2f} s")
    print(f"  per batch of {BATCH}, ms (median of the calls):   neuronet fwd / bwd     PyTorch fwd / bwd")
    for name in LAYER_NAMES:
        n = nr.get("layer_ms", {}).get(name, {})
        t = tr.get("layer_ms", {}).get(name, {})
        cell = lambda d: f"{d.get('forward', float('nan')):7.2f} / {d.get('backward', float('nan')):6.2f}"  # noqa: E731
        print(f"    {name:<18}{cell(n):>30}{cell(t) if t else '':>22}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batches", type=int, default=None,
                   help="train only this many batches per epoch (s/epoch is scaled to the full set)")
    p.add_argument("--threads", default="1,2", help="BLAS/OpenMP threads, comma-separated (e.g. 1,2)")
    p.add_argument("--rounds", type=int, default=1, help="children per (framework, threads), alternated")
    p.add_argument("--repeats", type=int, default=21, help="calls per layer timing (the median is shown)")
    p.add_argument("--infer-repeats", type=int, default=5,
                   help="passes over the test set for inference images/s (the best is shown)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-torch", action="store_true", help="skip the PyTorch comparison")
    p.add_argument("--json", default="bench-results/lenet_speed.json", help="where to write the results")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.batches is not None and args.batches < 1:
        p.error("--batches must be at least 1")
    if min(args.epochs, args.rounds, args.repeats, args.infer_repeats) < 1:
        p.error("--epochs, --rounds, --repeats and --infer-repeats must be at least 1")
    thread_counts = [int(t) for t in args.threads.split(",")]
    sys.path.insert(0, str(ROOT))   # this checkout's neuronet, installed or not

    if args.worker:   # inside a child: the thread count is already in the environment
        if args.worker == "neuronet":
            result = work_neuronet(args.epochs, args.batches, args.repeats, args.seed, args.infer_repeats)
        else:
            result = work_torch(args.epochs, args.batches, args.repeats, args.seed, thread_counts[0],
                                args.infer_repeats)
        print(json.dumps(result))
        return 0

    frameworks = ["neuronet"]
    if not args.no_torch:
        try:
            import torch  # noqa: F401
            frameworks.append("torch")
        except ImportError:
            print("PyTorch is not installed: neuronet only (pip install torch)")
    info = _common.run_info(network=NETWORK, batch_size=BATCH, lr=LR, epochs=args.epochs,
                            batches=args.batches, openblas_coretype=os.environ.get("OPENBLAS_CORETYPE"))
    steps = -(-N_TRAIN // BATCH) if args.batches is None else args.batches
    print(_common.machine_line(f"OPENBLAS_CORETYPE={info['openblas_coretype'] or '(unset)'}"))
    print(f"network: {NETWORK}; batch {BATCH}, Adam({LR}); {args.epochs} epoch(s) of {steps} batches")
    for threads in thread_counts:
        runs: dict[str, list[dict]] = {fw: [] for fw in frameworks}
        for r in range(args.rounds):
            for fw in (frameworks if r % 2 == 0 else frameworks[::-1]):   # alternate who goes first
                runs[fw].append(_child(fw, threads, args))
        entry = {"threads": threads, "rounds": args.rounds, "runs": runs,
                 **{fw: _summary(rs) for fw, rs in runs.items()}}
        nr, tr = entry["neuronet"], entry.get("torch", {})
        if "median_epoch_s" in nr and "median_epoch_s" in tr:
            entry["ratio_neuronet_over_torch"] = nr["median_epoch_s"] / tr["median_epoch_s"]
            entry["inference_neuronet_over_torch"] = nr["images_per_s"] / tr["images_per_s"]
        if "roofline_s" in nr:
            entry["ratio_neuronet_over_roofline"] = nr["median_epoch_s"] / nr["roofline_s"]
        info["results"].append(entry)
        _print_threads(threads, entry)
    print("\nratio: neuronet's s/epoch over PyTorch's; × roofline: neuronet's s/epoch over the roofline time")
    _common.write_results(info, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
