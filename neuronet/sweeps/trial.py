"""One trial of a sweep, as a worker runs it: the dataset from the worker's cache, the network and
optimiser built from the trial's settings, one ordinary ``fit``, and a record of how it went.

The steps are those of ``neuronet train`` with the same options (the same data, split, seeds and
library calls), so a trial ends bit for bit where training it alone would.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError, NeuronetError


@dataclass
class Data:
    """A dataset as trials use it: flat inputs, labels, and what a saved model records of it."""

    x_train: np.ndarray   # (n, n_in) float32
    y_train: np.ndarray   # (n,) int64
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: list | None
    preprocessing: dict

    @property
    def image_shape(self):
        return self.preprocessing.get("image_shape")


# One copy of each dataset per worker process, kept between the trials it runs: a trial ships only
# its settings, never the arrays.
_CACHE: dict[tuple[str, str | None], Data] = {}


def load(name: str, data_dir=None) -> tuple[Data, float]:
    """(the dataset, seconds spent loading it here: 0.0 when it was already in this process)."""
    key = (name, None if data_dir is None else str(data_dir))
    if key in _CACHE:
        return _CACHE[key], 0.0
    from .. import datasets

    start = time.perf_counter()
    meta = datasets.info(name)
    (x_train, y_train), (x_test, y_test) = datasets.load(name, data_dir=data_dir, progress=False)
    prep = {"dataset": meta.name}
    if len(meta.shape) == 2:   # pictures: what `neuronet predict` needs to frame a photo
        prep["image_shape"] = list(meta.shape)
        prep["framing"] = "fill" if meta.name == "fashion-mnist" else "digit"
    data = Data(x_train.reshape(len(x_train), -1), y_train, x_test.reshape(len(x_test), -1), y_test,
                list(meta.class_names) if meta.class_names else None, prep)
    _CACHE[key] = data
    return data, time.perf_counter() - start


def build(settings: dict, data: Data):
    """(network, optimizer) for a trial, with the library calls ``neuronet train`` makes."""
    from .. import optimizers, schedules
    from ..network import cnn, mlp

    s = settings
    n_in = data.x_train.shape[1]
    n_classes = int(max(data.y_train.max(), data.y_test.max())) + 1
    if s["conv"]:
        if not data.image_shape:
            raise ConfigError(f"conv={s['conv']} needs image data, and {data.preprocessing['dataset']} "
                              f"has no image shape")
        h, w = data.image_shape
        net = cnn((h, w, n_in // (h * w)), s["conv"], [*s["layers"], n_classes], activation=s["activation"],
                  dropout=s["dropout"], seed=s["seed"])
    else:
        net = mlp([n_in, *s["layers"], n_classes], activation=s["activation"], dropout=s["dropout"],
                  seed=s["seed"])
    net.class_names, net.preprocessing = data.class_names, dict(data.preprocessing)
    lr, epochs = s["lr"], s["epochs"]
    rate = {"constant": lambda: lr,
            "step": lambda: schedules.StepDecay(lr, step_size=max(1, epochs // 3), gamma=0.1),
            "exponential": lambda: schedules.ExponentialDecay(lr, gamma=0.9),
            "cosine": lambda: schedules.CosineDecay(lr, epochs=epochs)}[s["schedule"]]()
    kwargs = {"lr": rate}
    if s["weight_decay"] is not None:
        kwargs["weight_decay"] = s["weight_decay"]
    if s["optimizer"] == "sgd":
        kwargs["momentum"] = s["momentum"]
    elif s["momentum"]:
        raise ConfigError(f"momentum={s['momentum']:g} applies to optimizer sgd only, not {s['optimizer']}")
    return net, optimizers.get(s["optimizer"], **kwargs)


def train(settings: dict, data: Data):
    """(network, history): the trial's training run, on the trial's own validation split."""
    from .. import datasets

    (x, y), validation = datasets.train_val_split(data.x_train, data.y_train,
                                                  val_fraction=settings["val_split"], seed=settings["seed"])
    net, optimizer = build(settings, data)
    # catch_interrupt=False: a worker runs trials in threads, where Ctrl-C is not theirs to catch.
    # Overflow on the way to a divergence is not worth a warning per worker: the DivergenceError says it.
    with np.errstate(over="ignore", invalid="ignore"):
        history = net.fit(x, y, epochs=settings["epochs"], batch_size=settings["batch_size"],
                          optimizer=optimizer, validation_data=validation, seed=settings["seed"],
                          catch_interrupt=False)
    return net, history


def worker_name() -> str:
    """The Dask worker running this (its address), or ``local:<pid>`` outside a cluster."""
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return f"local:{os.getpid()}"


def _blas_threads(n: int | None):
    """At most ``n`` BLAS threads for the trial (threadpoolctl, where installed); None: as they are."""
    if n is None:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:   # the workers' OMP/OPENBLAS_NUM_THREADS then decide
        return contextlib.nullcontext()
    return threadpool_limits(limits=n)


def run_trial(index: int, settings: dict, dataset: str, data_dir=None, blas_threads: int | None = 1) -> dict:
    """Train one trial and return its record (plain data, and the weights of the trained network).

    A trial that fails in a way its settings caused (a :class:`~neuronet.errors.DivergenceError`, a
    setting the library refuses, a network too big for memory) comes back with ``status="failed"``
    and the reason, instead of stopping the sweep.
    """
    record = {"trial": index, "settings": settings, "status": "ok", "reason": "", "worker": worker_name()}
    start = time.perf_counter()
    try:
        data, record["data_seconds"] = load(dataset, data_dir)
        with _blas_threads(blas_threads):
            start = time.perf_counter()
            net, history = train(settings, data)
            test_loss, test_accuracy = net.evaluate(data.x_test, data.y_test)
    except (NeuronetError, MemoryError) as exc:
        record.update(status="failed", reason=f"{type(exc).__name__}: {exc}",
                      seconds=time.perf_counter() - start)
        return record
    record["seconds"] = time.perf_counter() - start
    record.update(summarize(history), test_loss=test_loss, test_accuracy=test_accuracy,
                  history={k: list(v) for k, v in history.items()},
                  config=net.get_config(), weights=net.get_weights())
    return record


def summarize(history) -> dict:
    """Final and best validation scores of a run, and the epoch of the best validation loss."""
    val_loss, val_acc = history["val_loss"], history["val_accuracy"]
    best = int(np.nanargmin(val_loss)) if not np.all(np.isnan(val_loss)) else -1
    return {"epochs_run": len(history["loss"]), "final_loss": history["loss"][-1],
            "final_val_loss": val_loss[-1], "final_val_accuracy": val_acc[-1],
            "best_val_loss": float(np.nanmin(val_loss)), "best_val_accuracy": float(np.nanmax(val_acc)),
            "best_epoch": best + 1}
