"""Side-by-side speed benchmark: neuronet against PyTorch (CPU) on Fashion-MNIST.

    python benchmarks/speed.py                      # both configurations, at 1 and at 2 threads
    python benchmarks/speed.py --threads 2          # one thread count only
    python benchmarks/speed.py --configs adam --epochs 3 --json out.json

Each (framework, configuration, thread count) runs in its own child process, so that

* the thread count can be fixed through ``OMP/OPENBLAS/MKL_NUM_THREADS`` *before* NumPy or torch
  is imported (BLAS reads them once, at load time), and both frameworks get the same count;
* the peak resident memory (``ru_maxrss``) of one framework is not polluted by the other.

Configurations (the two targets of the speed issue):

* ``adam``:    784-128-10, ReLU, softmax + cross-entropy, Adam(1e-3), batch 128
* ``classic``: 784-30-10, sigmoid, quadratic cost, SGD(3.0), batch 10 (Nielsen's setting)

Reported per row: seconds per epoch (median over the epochs, each timed in full: shuffling
included), neuronet / PyTorch ratio, test accuracy after the last epoch, peak RSS of the child,
and inference throughput (forward passes over the test set in batches of 1,000, best of several).

The roofline line divides the matrix-multiply FLOPs of one epoch by the float32 GEMM rate NumPy
reaches here on the same shapes (best of several repetitions): no implementation that does those
multiplications through this BLAS can be faster than that time.

PyTorch is needed only here (``make bench`` installs it); it is never a dependency of neuronet.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time

import _common
from _common import ROOT

CONFIGS = {
    "adam": {"sizes": [784, 128, 10], "activation": "relu", "loss": "cross_entropy",
             "optimizer": "adam", "lr": 1e-3, "batch_size": 128, "epochs": 5},
    "classic": {"sizes": [784, 30, 10], "activation": "sigmoid", "loss": "quadratic",
                "optimizer": "sgd", "lr": 3.0, "batch_size": 10, "epochs": 3},
}
INFER_BATCH = 1000


def _peak_rss_mb() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the two workers (each runs in its own process) ----------------------------------------------
def work_neuronet(cfg: dict, epochs: int, seed: int) -> dict:
    import numpy as np

    from neuronet.network import mlp
    from neuronet.optimizers import get as get_optimizer

    X, y, Xt, yt = _common.load_fashion()
    out_act = "softmax" if cfg["loss"] == "cross_entropy" else "sigmoid"
    net = mlp(cfg["sizes"], activation=cfg["activation"], output_activation=out_act,
              loss=cfg["loss"], seed=seed)
    opt = get_optimizer(cfg["optimizer"], lr=cfg["lr"])
    clock = _common.EpochClock()
    net.fit(X, y, epochs=epochs, batch_size=cfg["batch_size"], optimizer=opt, seed=seed, callbacks=[clock])
    epoch_s = clock.epoch_seconds()
    accuracy = float(np.mean(net.predict(Xt) == yt))
    images_per_s = _common.throughput(lambda xb: net.predict_proba(xb, batch_size=INFER_BATCH), Xt,
                                      INFER_BATCH)
    return {"epoch_seconds": epoch_s, "test_accuracy": accuracy, "images_per_s": images_per_s,
            "peak_rss_mb": _peak_rss_mb()}


def work_torch(cfg: dict, epochs: int, seed: int, threads: int, loop: str = "tight") -> dict:
    """PyTorch on the same network, data and initial weights.

    ``loop="tight"`` is the fastest loop we know how to write: a once-per-epoch permuted copy, batches
    as slices. ``loop="dataloader"`` is the loop most PyTorch code uses: ``TensorDataset`` +
    ``DataLoader(shuffle=True)``, which gathers every batch example by example.
    """
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    X, y, Xt, yt = _common.load_fashion()
    X, y, Xt = torch.from_numpy(X), torch.from_numpy(y), torch.from_numpy(Xt)
    sizes = cfg["sizes"]
    act = torch.nn.ReLU if cfg["activation"] == "relu" else torch.nn.Sigmoid
    mods = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        mods.append(torch.nn.Linear(a, b))
        if i < len(sizes) - 2:
            mods.append(act())
        elif cfg["loss"] != "cross_entropy":
            mods.append(torch.nn.Sigmoid())   # cross_entropy takes the logits (softmax fused in)
    model = torch.nn.Sequential(*mods)
    # Same starting weights as neuronet's network with this seed, and (below) the same shuffling
    # order, so both runs follow the same trajectory up to float rounding: equal accuracy is a
    # check, not luck.
    from neuronet.network import mlp

    twin = mlp(sizes, activation=cfg["activation"], loss=cfg["loss"],
               output_activation="softmax" if cfg["loss"] == "cross_entropy" else "sigmoid", seed=seed)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    with torch.no_grad():
        for lin, layer in zip(linears, twin.layers, strict=True):
            lin.weight.copy_(torch.from_numpy(layer.W.T.copy()))
            lin.bias.copy_(torch.from_numpy(layer.b))
    if cfg["optimizer"] == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    else:
        opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"])
    eye = torch.eye(sizes[-1])
    bs = cfg["batch_size"]

    def loss_fn(out, target):
        if cfg["loss"] == "cross_entropy":
            return torch.nn.functional.cross_entropy(out, target)
        # Nielsen's quadratic cost 1/(2n) Σ ‖y − a‖², the same function neuronet's "quadratic" is.
        return 0.5 * ((out - eye[target]) ** 2).sum() / out.shape[0]

    step = _common.torch_step(model, opt, loss_fn)
    if loop == "dataloader":
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, y), batch_size=bs,
                                             shuffle=True, generator=torch.Generator().manual_seed(seed))
        epoch_s = []
        for _ in range(epochs):
            t = time.perf_counter()
            for xb, yb in loader:
                step(xb, yb)
            epoch_s.append(time.perf_counter() - t)
    else:
        epoch_s = _common.torch_epochs(step, X, y, epochs, bs, seed)
    with torch.inference_mode():
        accuracy = float((model(Xt).argmax(1).numpy() == yt).mean())
        final = torch.nn.Softmax(dim=1) if cfg["loss"] == "cross_entropy" else torch.nn.Identity()
        images_per_s = _common.throughput(lambda xb: final(model(xb)), Xt, INFER_BATCH)
    return {"epoch_seconds": epoch_s, "test_accuracy": accuracy, "images_per_s": images_per_s,
            "peak_rss_mb": _peak_rss_mb()}


# --- roofline ------------------------------------------------------------------------------------
def epoch_gemms(sizes: list[int], n: int, batch: int) -> list[tuple[int, int, int, int]]:
    """The matrix products of one training epoch as (count, m, k, n) for an (m×k)@(k×n) product.

    Per Dense layer of a full batch: forward x W (batch×n_in @ n_in×n_out), the weight gradient
    xᵀ dz (n_in×batch @ batch×n_out) and, except for the first layer, dz Wᵀ (batch×n_out @ n_out×n_in).
    """
    full, rest = divmod(n, batch)
    gemms = []
    for count, b in ((full, batch), (1 if rest else 0, rest)):
        if not count:
            continue
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
            gemms.append((count, b, fan_in, fan_out))
            gemms.append((count, fan_in, b, fan_out))
            if i > 0:
                gemms.append((count, b, fan_out, fan_in))
    return gemms


def gemm_rate(m: int, k: int, n: int, repeats: int = 7, min_seconds: float = 0.05) -> float:
    """Best float32 FLOP/s of NumPy's (m×k)@(k×n) into a preallocated output."""
    import numpy as np

    rng = np.random.default_rng(0)
    a = rng.random((m, k), dtype=np.float32)
    b = rng.random((k, n), dtype=np.float32)
    out = np.empty((m, n), dtype=np.float32)
    reps = max(1, int(min_seconds / max(1e-7, _time_once(a, b, out))))
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(reps):
            np.matmul(a, b, out=out)
        best = min(best, (time.perf_counter() - t) / reps)
    return 2.0 * m * k * n / best


def _time_once(a, b, out) -> float:
    import numpy as np

    np.matmul(a, b, out=out)
    t = time.perf_counter()
    np.matmul(a, b, out=out)
    return time.perf_counter() - t


def roofline(cfg: dict, n: int) -> dict:
    """GEMM FLOPs of one epoch and the time they need at NumPy's measured rate for each shape."""
    gemms = epoch_gemms(cfg["sizes"], n, cfg["batch_size"])
    flops = seconds = 0.0
    rates = {}
    for count, m, k, nn in gemms:
        key = f"({m}x{k})@({k}x{nn})"
        if key not in rates:
            rates[key] = gemm_rate(m, k, nn)
        f = 2.0 * m * k * nn * count
        flops += f
        seconds += f / rates[key]
    return {"gflop": flops / 1e9, "seconds": seconds,
            "gflops_by_shape": {k: v / 1e9 for k, v in rates.items()}}


# --- driver --------------------------------------------------------------------------------------
def _blas_kernel() -> str:
    """The kernel family NumPy's BLAS runs with in this process (threadpoolctl reports it)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return os.environ.get("OPENBLAS_CORETYPE", "unknown")
    import numpy  # noqa: F401  (loads the BLAS, so that threadpoolctl can see it)

    kernels = {i.get("architecture") for i in threadpool_info() if i.get("internal_api") == "openblas"}
    return ",".join(sorted(k for k in kernels if k)) or "unknown"


def _child(framework: str, config: str, threads: int, epochs: int, seed: int, coretype: str) -> dict:
    args = ["--worker", framework, "--configs", config, "--threads", str(threads), "--epochs", str(epochs),
            "--seed", str(seed)]
    return _common.run_worker(__file__, args, threads, coretype)


def _roofline_child(config: str, threads: int, coretype: str) -> dict:
    args = ["--worker", "roofline", "--configs", config, "--threads", str(threads)]
    result = _common.run_worker(__file__, args, threads, coretype)
    if "error" in result:   # without the roofline there is no row to print: stop, saying why
        sys.exit(f"speed.py: the roofline child failed: {result['error']}")
    return result


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--configs", default="adam,classic", help="comma-separated: adam, classic")
    p.add_argument("--threads", default="1,2",
                   help="BLAS/OpenMP threads, comma-separated to compare (e.g. 1,2)")
    p.add_argument("--epochs", type=int, default=None, help="epochs per run (default: 5 adam, 3 classic)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--frameworks", default="neuronet,torch,torch-dataloader",
                   help="neuronet, torch (tight loop), torch-dataloader (the usual DataLoader loop)")
    p.add_argument("--json", default="bench-results/speed.json", help="where to write the results")
    p.add_argument("--openblas-coretype", default="as-is", metavar="KERNEL",
                   help="NumPy's OpenBLAS kernels in the children: as-is (the environment's "
                        "OPENBLAS_CORETYPE, default), auto (unset: OpenBLAS picks for this CPU) or a "
                        "name such as Haswell or SkylakeX")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    for c in configs:
        if c not in CONFIGS:
            p.error(f"unknown config {c!r}; choose from {', '.join(CONFIGS)}")
    thread_counts = [int(t) for t in args.threads.split(",")]

    if args.worker:   # inside a child: one framework, one config, threads already set in the env
        sys.path.insert(0, str(ROOT))   # this checkout's neuronet, installed or not
        cfg = CONFIGS[configs[0]]
        epochs = args.epochs or cfg["epochs"]
        if args.worker == "neuronet":
            result = work_neuronet(cfg, epochs, args.seed)
        elif args.worker == "torch":
            result = work_torch(cfg, epochs, args.seed, thread_counts[0])
        elif args.worker == "torch-dataloader":
            result = work_torch(cfg, epochs, args.seed, thread_counts[0], loop="dataloader")
        else:
            result = roofline(cfg, 60000)
        result["blas_kernel"] = _blas_kernel()
        print(json.dumps(result))
        return 0

    frameworks = [f.strip() for f in args.frameworks.split(",")]
    info = _common.run_info(openblas_coretype={"option": args.openblas_coretype,
                                       "environment": os.environ.get("OPENBLAS_CORETYPE")})
    print(_common.machine_line())
    print(f"OpenBLAS kernels: --openblas-coretype {args.openblas_coretype} (environment: "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}); "
          f"each child reports what it ran")
    widths = (8, 4, 16, 8, 6, 12, 12, 12)

    def row(*cells):   # printed as soon as known: a full run takes minutes
        print("  ".join(v.ljust(w) if c < 3 else v.rjust(w) for c, (v, w) in enumerate(zip(cells, widths,
                                                                                            strict=True))),
              flush=True)

    row("config", "thr", "framework", "s/epoch", "ratio", "test acc", "peak RSS MB", "infer img/s")
    print("-" * (sum(widths) + 2 * (len(widths) - 1)))
    for config in configs:
        cfg = CONFIGS[config]
        epochs = args.epochs or cfg["epochs"]
        for threads in thread_counts:
            entry = {"config": config, "threads": threads, "epochs": epochs, "settings": cfg}
            for fw in frameworks:
                r = _child(fw, config, threads, epochs, args.seed, args.openblas_coretype)
                if "epoch_seconds" in r:
                    r["median_epoch_s"] = statistics.median(r["epoch_seconds"])
                entry[fw] = r
            entry["roofline"] = _roofline_child(config, threads, args.openblas_coretype)
            nr = entry.get("neuronet", {})
            for fw in frameworks:
                if fw.startswith("torch") and "median_epoch_s" in nr and "median_epoch_s" in entry[fw]:
                    entry[f"ratio_neuronet_over_{fw}"] = nr["median_epoch_s"] / entry[fw]["median_epoch_s"]
            if "median_epoch_s" in nr:
                entry["ratio_neuronet_over_roofline"] = nr["median_epoch_s"] / entry["roofline"]["seconds"]
            info["results"].append(entry)
            for fw in frameworks:
                r = entry[fw]
                if "error" in r:
                    row(config, str(threads), fw, "error", "", "", "", "")
                    print("   ", r["error"])
                    continue
                ratio = entry.get(f"ratio_neuronet_over_{fw}")
                row(config, str(threads), fw, f"{r['median_epoch_s']:.3f}",
                    f"{ratio:.2f}" if ratio else "", f"{r['test_accuracy']:.4f}",
                    f"{r['peak_rss_mb']:.0f}", f"{r['images_per_s']:,.0f}")
            rl = entry["roofline"]
            rl_ratio = entry.get("ratio_neuronet_over_roofline")
            row(config, str(threads), "roofline", f"{rl['seconds']:.3f}",
                f"{rl_ratio:.2f}" if rl_ratio else "", f"{rl['gflop']:.1f} GFLOP", "", "")
            rate = max(rl["gflops_by_shape"].values())
            print(f"    NumPy GEMM: OpenBLAS {rl.get('blas_kernel', '?')} kernels, up to {rate:.0f} GFLOP/s "
                  f"on these shapes; neuronet ran with {nr.get('blas_kernel', '?')}")
    print("ratio: neuronet's s/epoch divided by that row's s/epoch (PyTorch's, or the roofline time)")
    _common.write_results(info, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
