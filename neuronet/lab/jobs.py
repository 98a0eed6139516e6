"""The digit tab's training: a small network trained, in the background, on a picture set this
machine has, while the page watches its curves and its first layer's weights form.

A :class:`Job` is one ordinary :meth:`~neuronet.network.Network.fit` in a thread of its own. What the
page sees comes from a callback, :class:`_Watch`: after every epoch it keeps the epoch's logs (the
loss and accuracy on the training examples, and on held-out test examples), a few times an epoch a
copy of the first Dense layer's weights (one picture per unit: what each unit looks for), and it
stops the run, by returning True from ``on_epoch_end`` as any callback may, when the page asks or
the job's time is up. There is no second training loop.

Every size a request can choose is bounded (``LIMITS``: jobs running at once, epochs, layers, units,
examples, mini-batches, seconds), so one job costs at most a few minutes of a core and a few hundred
megabytes (a picture set is loaded once and shared by the jobs that use it).

>>> jobs = Jobs()                                                          # doctest: +SKIP
>>> job = jobs.start(parse_job({"dataset": "digits", "epochs": 3}))        # doctest: +SKIP
>>> job.thread.join(); job.report()["status"]                              # doctest: +SKIP
'done'
"""

from __future__ import annotations

import logging
import math
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..callbacks import Callback
from ..errors import ConfigError, NeuronetError
from ..layers import Dense
from ..network import Network, mlp
from .checks import choice, finite, json_object, real, rounded, shown, whole

ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu", "elu", "gelu", "silu", "softplus")
OPTIMIZERS = ("sgd", "rmsprop", "adam", "adamw")
#: ``running``: jobs training at once (the machine's cores are shared with the page's requests);
#: ``kept``: jobs remembered (finished ones go first); ``batches``: epochs x mini-batches of one job;
#: ``seconds``: a job's wall time before it stops itself; ``shown_units``: weight pictures sent.
LIMITS = {"running": 2, "kept": 8, "epochs": 50, "layers": 2, "units": 128, "examples": 20000,
          "test_examples": 2000, "batch_size": 1000, "batches": 100_000, "seconds": 300,
          "shown_units": 32}


def available() -> list[dict]:
    """The picture sets this machine has, as :func:`neuronet.datasets.available` finds them (the
    8x8 digits with scikit-learn, MNIST, Fashion-MNIST, KMNIST where their files are): name, side,
    training examples, classes and where they were found."""
    from .. import datasets

    found = []
    for status in datasets.available():
        spec = datasets.info(status.name)
        if status.found and spec.kind != "synthetic" and len(spec.shape) == 2:
            found.append({"name": spec.name, "side": spec.shape[0], "n_train": spec.n_train,
                          "classes": list(spec.class_names), "origin": status.origin})
    return found


@dataclass(frozen=True)
class JobSettings:
    """One training job: the set, the network (hidden sizes, activation) and how it is trained."""

    dataset: str = "digits"
    hidden: tuple[int, ...] = (32,)
    activation: str = "relu"
    optimizer: str = "adam"
    lr: float = 0.003
    epochs: int = 10
    batch_size: int = 32
    examples: int = 5000
    seed: int = 0


def parse_job(body, sets: list[dict] | None = None) -> JobSettings:
    """Check a page's request for a job against ``LIMITS`` and the sets the machine has
    (:func:`available`, looked up when not given); missing fields take the defaults."""
    body = json_object(body, JobSettings.__dataclass_fields__, "setting")
    sets = available() if sets is None else sets
    get = lambda name: body.get(name, getattr(JobSettings, name))  # noqa: E731
    names = [s["name"] for s in sets]
    if not names:
        raise ConfigError("this machine has no picture set to train on: install scikit-learn for the 8x8 "
                          "digits, or put MNIST or Fashion-MNIST where neuronet looks (NEURONET_DATA)")
    dataset = choice(get("dataset"), "dataset", names, any_case=True)
    hidden = get("hidden")
    if (not isinstance(hidden, (list, tuple)) or len(hidden) > LIMITS["layers"]
            or not all(isinstance(h, int) and not isinstance(h, bool) and 1 <= h <= LIMITS["units"]
                       for h in hidden)):
        raise ConfigError(f"hidden must be a list of at most {LIMITS['layers']} layer sizes, each 1 to "
                          f"{LIMITS['units']}; got {shown(hidden)}")
    n_train = next(s["n_train"] for s in sets if s["name"] == dataset)
    settings = JobSettings(
        dataset=dataset, hidden=tuple(hidden),
        activation=choice(get("activation"), "activation", ACTIVATIONS, any_case=True),
        optimizer=choice(get("optimizer"), "optimizer", OPTIMIZERS, any_case=True),
        lr=real(get("lr"), "lr", 0, 10, low_open=True),
        epochs=whole(get("epochs"), "epochs", 1, LIMITS["epochs"]),
        batch_size=whole(get("batch_size"), "batch_size", 1, LIMITS["batch_size"]),
        # Missing: the default, or every example of a smaller set (the 8x8 digits have 1437).
        examples=whole(body.get("examples", min(JobSettings.examples, n_train)), "examples", 100,
                       min(LIMITS["examples"], n_train)),
        seed=whole(get("seed"), "seed", 0, 2**32 - 1))
    batches = settings.epochs * math.ceil(settings.examples / settings.batch_size)
    if batches > LIMITS["batches"]:
        raise ConfigError(f"{settings.epochs} epochs of {settings.examples} examples in batches of "
                          f"{settings.batch_size} are {batches} steps; at most {LIMITS['batches']}: fewer "
                          f"epochs or examples, or larger batches")
    return settings


class DataCache:
    """Each picture set loaded once, ``((x, y), (x_test, y_test), class names, preprocessing)``; the
    two used last are kept (Fashion-MNIST is 220 MB as float32)."""

    def __init__(self, keep: int = 2):
        self._items: OrderedDict[str, tuple] = OrderedDict()
        self._keep = keep
        self._lock = threading.Lock()

    def get(self, name: str) -> tuple:
        from .. import datasets
        from ..imaging import dataset_framing

        with self._lock:   # one load at a time: two jobs asking for one set load it once
            if name not in self._items:
                train, test = datasets.load(name, download=False, progress=False)
                spec = datasets.info(name)
                preprocessing = {"dataset": spec.name, "image_shape": list(spec.shape),
                                 "framing": dataset_framing(spec.name)}
                self._items[name] = (train, test, list(spec.class_names), preprocessing)
                while len(self._items) > self._keep:
                    self._items.popitem(last=False)
            self._items.move_to_end(name)
            return self._items[name]


class Job:
    """One training run in a background thread; :meth:`report` says where it stands."""

    def __init__(self, key: str, settings: JobSettings, cache: DataCache):
        self.key, self.settings, self._cache = key, settings, cache
        self.status, self.error, self.reason = "loading", None, None
        self.net: Network | None = None
        self.side = 0
        self.history: dict[str, list] = {k: [] for k in ("loss", "accuracy", "val_loss", "val_accuracy")}
        self.progress = (0, 0, 0)          # (epoch, batches done in it, batches in an epoch)
        self.first_weights = None          # a copy of the first Dense layer's W (n_in, n_units)
        self.started = time.monotonic()
        self.finished: float | None = None
        self.stop_requested = threading.Event()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name=f"neuronet-lab-job-{key[:8]}", daemon=True)

    def _run(self) -> None:
        try:
            self._train()
        except NeuronetError as exc:   # e.g. divergence: said in one line on the page
            with self.lock:
                self.status, self.error = "failed", str(exc).splitlines()[0]
        except Exception as exc:   # noqa: BLE001 - a thread has no one else to tell
            logging.getLogger(__name__).exception("a training job of the lab failed")
            with self.lock:
                self.status, self.error = "failed", f"internal error ({type(exc).__name__})"
        finally:
            with self.lock:
                self.finished = time.monotonic()

    def _train(self) -> None:
        s = self.settings
        (x, y), (x_test, y_test), names, preprocessing = self._cache.get(s.dataset)
        rows = np.sort(np.random.default_rng(s.seed).choice(len(x), size=s.examples, replace=False))
        x, y = x[rows], y[rows]                                           # (examples, side²)
        x_test, y_test = x_test[:LIMITS["test_examples"]], y_test[:LIMITS["test_examples"]]
        net = mlp([x.shape[1], *s.hidden, len(names)], activation=s.activation, seed=s.seed)
        net.class_names, net.preprocessing = names, dict(preprocessing)
        with self.lock:
            self.net, self.side, self.status = net, int(preprocessing["image_shape"][0]), "running"
            self.first_weights = net.layers[0].W.copy()
        with np.errstate(over="ignore", invalid="ignore"):   # a divergence is one DivergenceError
            net.fit(x, y, epochs=s.epochs, batch_size=s.batch_size, optimizer=self._optimizer(),
                    seed=s.seed, validation_data=(x_test, y_test), catch_interrupt=False,
                    callbacks=[_Watch(self)])
        with self.lock:
            self.status = "stopped" if self.reason else "done"

    def _optimizer(self):
        from ..optimizers import get

        return get(self.settings.optimizer, lr=self.settings.lr)

    def stop(self) -> None:
        """Ask the run to stop after the epoch it is in (the network keeps what it learnt)."""
        self.stop_requested.set()

    @property
    def running(self) -> bool:
        return self.status in ("loading", "running")

    def report(self) -> dict:
        """What the page shows: status (loading, running, done, stopped, failed) and why, progress,
        the per-epoch history, and the first layer's weights as pictures: ``weights.values`` holds
        one flat side x side list per unit (the first ``LIMITS["shown_units"]``), scaled by ``scale``,
        their largest |w|."""
        with self.lock:
            epoch, batch, batches = self.progress
            report = {"id": self.key, "status": self.status, "reason": self.reason, "error": self.error,
                      "dataset": self.settings.dataset, "epochs": self.settings.epochs, "epoch": epoch,
                      "batch": batch, "batches": batches,
                      "seconds": round((self.finished or time.monotonic()) - self.started, 1),
                      "history": {k: [finite(v) for v in values] for k, values in self.history.items()},
                      "summary": self.net.summary() if self.net is not None else None}
            weights = self.first_weights
        if weights is not None:
            shown_ = weights[:, :LIMITS["shown_units"]].T                # (units shown, side²)
            report["weights"] = {"side": self.side, "units": int(weights.shape[1]),
                                 "scale": finite(np.abs(shown_).max()), "values": rounded(shown_, 3)}
        return report

    def model_bytes(self) -> bytes:
        """The trained network as a neuronet model file (what ``neuronet.load`` reads)."""
        net = self.trained()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "digits.npz"
            net.save(path, lab_job=dict(self.settings.__dict__, hidden=list(self.settings.hidden)),
                     epochs=len(self.history["loss"]))
            return path.read_bytes()

    def trained(self) -> Network:
        """The network, once training has ended with at least one epoch done, else a ConfigError."""
        with self.lock:
            if self.running:
                raise ConfigError("this job is still training: press Stop, or wait for it to finish")
            if self.net is None or not self.history["loss"]:
                raise ConfigError(f"this job has no trained network ({self.error or 'no epoch finished'})")
            return self.net


class _Watch(Callback):
    """What a job shows while ``fit`` runs, and when it stops: the run's own callback hooks."""

    def __init__(self, job: Job):
        self.job = job

    def on_batch_end(self, network, epoch, batch, n_batches, loss):
        job = self.job
        every = max(1, n_batches // 4)   # the weights a few times an epoch: they move visibly
        with job.lock:
            job.progress = (epoch, batch + 1, n_batches)
            if (batch + 1) % every == 0:
                job.first_weights = _first_dense(network).W.copy()

    def on_epoch_end(self, network, epoch, logs):
        job = self.job
        with job.lock:
            for key, values in job.history.items():
                values.append(logs.get(key, float("nan")))
            job.first_weights = _first_dense(network).W.copy()
            if job.stop_requested.is_set():
                job.reason = "stopped from the page"
            elif time.monotonic() - job.started > LIMITS["seconds"]:
                job.reason = f"the time limit ({LIMITS['seconds']} s) was reached"
            return job.reason is not None


def _first_dense(net: Network) -> Dense:
    return next(layer for layer in net.layers if isinstance(layer, Dense))


class Jobs:
    """The jobs by id: at most ``LIMITS["running"]`` training at once, ``LIMITS["kept"]`` remembered."""

    def __init__(self):
        self._items: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self.cache = DataCache()

    def start(self, settings: JobSettings) -> Job:
        with self._lock:
            running = sum(job.running for job in self._items.values())
            if running >= LIMITS["running"]:
                raise ConfigError(f"{running} trainings are running already, the most at once; stop one "
                                  f"or wait for it to finish")
            job = Job(uuid.uuid4().hex, settings, self.cache)
            self._items[job.key] = job
            finished = [key for key, j in self._items.items() if not j.running]
            while len(self._items) > LIMITS["kept"] and finished:
                del self._items[finished.pop(0)]
        job.thread.start()
        return job

    def get(self, key: str) -> Job:
        with self._lock:
            if not isinstance(key, str) or key not in self._items:
                raise ConfigError(f"no training job {shown(key)} (the lab keeps the last {LIMITS['kept']})")
            return self._items[key]

    def __len__(self) -> int:
        return len(self._items)
