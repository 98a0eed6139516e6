"""What the speed benchmarks (speed.py, conv_speed.py, lenet_speed.py) share: the machine they say
they ran on, the thread count fixed before NumPy loads, a worker in a child process of its own, the
clocks, and the JSON of results.

Nothing here imports NumPy or torch at module level: BLAS reads its thread count from the
environment once, when it loads, so a benchmark must be able to set ``OMP/OPENBLAS/MKL_NUM_THREADS``
(:func:`thread_vars`) after importing this module and before NumPy comes in.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The environment variables every BLAS/OpenMP thread pool NumPy or torch may bring reads.
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


# --- the machine ---------------------------------------------------------------------------------
def machine() -> str:
    """The CPU's model name, its core count and the Python version."""
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def numpy_blas() -> str:
    """Which BLAS NumPy was built against, e.g. "scipy-openblas 0.3.31" (np.show_config() prints it)."""
    import numpy as np

    try:
        dep = np.__config__.CONFIG["Build Dependencies"]["blas"]
        return f"{dep['name']} {dep['version']}"
    except (AttributeError, KeyError, TypeError):   # the layout differs between NumPy versions
        return "unknown"


def machine_line(*details: str) -> str:
    """The first line a benchmark prints: the machine, NumPy and its BLAS, ``details``, and the load
    average, since others' work on a shared machine skews every timing."""
    import numpy as np

    return "; ".join([f"machine: {machine()}", f"numpy {np.__version__}", f"BLAS {numpy_blas()}", *details,
                      f"load average {os.getloadavg()[0]:.2f} (others' work on the machine skews timings)"])


def run_info(**extra) -> dict:
    """The head of a results file: machine, NumPy, BLAS and the load average at the start, then ``extra``."""
    import numpy as np

    return {"machine": machine(), "numpy": np.__version__, "blas": numpy_blas(), **extra,
            "load_average_at_start": os.getloadavg(), "results": []}


def write_results(info: dict, path: str | os.PathLike) -> None:
    """Write ``info`` (:func:`run_info`, its results filled in) as JSON to ``path``, with the load
    average at the end, and say where."""
    info["load_average_at_end"] = os.getloadavg()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(info, indent=2))
    print(f"results written to {out}")


# --- threads and child processes -----------------------------------------------------------------
def thread_vars(threads: int) -> dict[str, str]:
    """``threads`` for every BLAS/OpenMP pool; set before NumPy (or torch) is imported."""
    return {var: str(threads) for var in THREAD_VARS}


def child_env(threads: int, coretype: str = "as-is") -> dict:
    """The environment of a child: ``threads`` for every BLAS/OpenMP pool, and OpenBLAS's kernel.

    ``coretype`` is "as-is" (whatever OPENBLAS_CORETYPE the environment has), "auto" (unset, so
    OpenBLAS picks the kernels for this CPU) or a kernel name such as "Haswell" or "SkylakeX".
    Only NumPy's OpenBLAS reads it; PyTorch's CPU build brings its own BLAS.
    """
    env = {**os.environ, **thread_vars(threads)}
    if coretype == "auto":
        env.pop("OPENBLAS_CORETYPE", None)
    elif coretype != "as-is":
        env["OPENBLAS_CORETYPE"] = coretype
    return env


def run_worker(script: str, args: list[str], threads: int, coretype: str = "as-is") -> dict:
    """Run ``script`` with ``args`` in a child process of its own (:func:`child_env`), so that its
    thread count is fixed before NumPy loads and its peak memory is its own; the child prints its
    result as JSON on its last line. A failed child gives ``{"error": its last line of stderr}``."""
    proc = subprocess.run([sys.executable, script, *args], env=child_env(threads, coretype),
                          capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- data ----------------------------------------------------------------------------------------
def load_fashion(root: str | os.PathLike | None = None):
    """Fashion-MNIST as ``(X_train, y_train, X_test, y_test)``: float32 pixels in [0, 1], shape
    (n, 784), and int64 labels, found by neuronet's own lookup ($NEURONET_DATA, the cache,
    /usr/share/datasets; ``root`` first when given)."""
    from neuronet import datasets
    from neuronet.errors import DatasetNotFoundError

    try:
        (X, y), (Xt, yt) = datasets.load("fashion-mnist", data_dir=root, download=False)
    except DatasetNotFoundError as exc:
        sys.exit(f"{Path(sys.argv[0]).name}: {exc}")
    return X, y, Xt, yt


def first_batches(X, y, batches: int | None, batch: int):
    """The first ``batches`` batches of ``batch`` examples of (X, y), or all of them for None."""
    return (X, y) if batches is None else (X[:batches * batch], y[:batches * batch])


# --- clocks --------------------------------------------------------------------------------------
class EpochClock:
    """A ``fit`` callback that stamps the wall time as training starts and as each epoch ends: the
    time between stamps is everything an epoch costs, shuffling included."""

    def __init__(self):
        self.stamps: list[float] = []

    def on_train_begin(self, network, optimizer):
        self.stamps.append(time.perf_counter())

    def on_epoch_end(self, network, epoch, logs):
        self.stamps.append(time.perf_counter())

    def epoch_seconds(self, scale: float = 1.0) -> list[float]:
        """Each epoch's seconds, times ``scale`` (the full set over the part trained on)."""
        return [(b - a) * scale for a, b in zip(self.stamps, self.stamps[1:], strict=False)]


def median_ms(fn, repeats: int) -> float:
    """The median milliseconds of ``repeats`` calls of ``fn``, after one call not timed."""
    fn()   # warm-up: first-touch page faults and BLAS start-up are not the layer's cost
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1e3 * statistics.median(times)


def throughput(forward, X, batch, repeats=5) -> float:
    """Images per second of ``forward`` over X in batches of ``batch`` (best of ``repeats``)."""
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        for i in range(0, len(X), batch):
            forward(X[i:i + batch])
        best = min(best, time.perf_counter() - t)
    return len(X) / best


def torch_epochs(step, X, y, epochs: int, batch: int, seed: int) -> list[float]:
    """Seconds of each of ``epochs`` epochs of PyTorch's tight loop, ``step(xb, yb)`` a batch: each
    epoch a permuted copy of the data in neuronet's order (from ``[seed, epoch]``), then batches as
    contiguous slices, as neuronet takes them."""
    import numpy as np
    import torch

    seconds = []
    for epoch in range(epochs):
        t = time.perf_counter()
        perm = torch.from_numpy(np.random.default_rng([seed, epoch]).permutation(len(X)))
        Xp, yp = X[perm], y[perm]
        for i in range(0, len(X), batch):
            step(Xp[i:i + batch], yp[i:i + batch])
        seconds.append(time.perf_counter() - t)
    return seconds


def torch_step(model, optimizer, loss_fn):
    """``step(xb, yb)`` for :func:`torch_epochs`: one mini-batch of ``loss_fn(model(xb), yb)``."""
    def step(xb, yb):
        optimizer.zero_grad(set_to_none=True)
        loss_fn(model(xb), yb).backward()
        optimizer.step()
    return step
