"""The lab's playground: train a small network on a generated 2-D set, a few epochs at a time.

A :class:`Session` holds one network, its optimiser (whose state carries from one step to the
next) and its data. Each :meth:`Session.step` trains a few more epochs with the ordinary
:meth:`~neuronet.network.Network.fit` and reports the loss, the accuracy and the network's answer
on a grid over the plane, which the page paints as decision regions.

Settings come from a web page, so :func:`parse_settings` checks every one and bounds every size
(layers, units, points, grid) so that no request can ask for more memory or time than a small
lab needs; a bad value is a :class:`~neuronet.errors.ConfigError` naming the field.

>>> session = Session(parse_settings({"dataset": "xor", "hidden": [8]}))
>>> first = session.step(10)["loss"]
>>> session.step(40)["loss"] < first
True
"""

from __future__ import annotations

import math
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from .. import checks
from ..callbacks import Callback
from ..datasets.synthetic import GENERATORS
from ..errors import ConfigError, DivergenceError
from ..network import Network, mlp
from .checks import finite, json_object, shown, whole

DATASETS = ("xor", "circles", "moons", "spiral", "blobs")
ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu", "elu", "gelu", "silu", "softplus", "identity")
OPTIMIZERS = ("sgd", "rmsprop", "adam", "adamw")
#: Upper bounds on what a request may ask for (and the page offers).
#: ``batches`` bounds one step's work (epochs x mini-batches per epoch), so that it takes seconds at most.
LIMITS = {"layers": 4, "units": 64, "points": 2000, "grid": 100, "epochs": 100, "batch_size": 1000,
          "batches": 20000, "sessions": 16}


@dataclass(frozen=True)
class Settings:
    """One playground run: data, network and training settings, all checked."""

    dataset: str = "spiral"
    noise: float = 0.1
    n_samples: int = 400
    hidden: tuple[int, ...] = (16, 16)
    activation: str = "tanh"
    optimizer: str = "adam"
    lr: float = 0.01
    batch_size: int = 16
    grid: int = 50
    seed: int = 0


def _field(body: dict, name: str, kind: type, ok, expected: str):
    """``body[name]`` (or the default) as ``kind`` when ``ok`` accepts it, else a ConfigError."""
    default = getattr(Settings, name)
    value = body.get(name, default)
    # JSON has no separate int type; bools are ints in Python, but never what a user meant.
    if not (checks.is_real(value) if kind is float else checks.is_integer(value)):
        raise ConfigError(f"{name} must be {expected}, got {shown(value)}")
    try:
        converted = kind(value)
    except OverflowError:   # an integer of hundreds of digits has no float
        raise ConfigError(f"{name} must be {expected}, got {shown(value)}") from None
    if not ok(converted):
        raise ConfigError(f"{name} must be {expected}, got {shown(value)}")
    return converted


def _choice(body: dict, name: str, choices: tuple[str, ...]) -> str:
    value = body.get(name, getattr(Settings, name))
    if not isinstance(value, str) or value.lower() not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}; got {shown(value)}")
    return value.lower()


def parse_settings(body) -> Settings:
    """Check the JSON object a page sent and return :class:`Settings`; missing fields take defaults."""
    json_object(body, Settings.__dataclass_fields__, "setting")
    hidden = body.get("hidden", list(Settings.hidden))
    if (not isinstance(hidden, list) or len(hidden) > LIMITS["layers"]
            or not all(isinstance(h, int) and not isinstance(h, bool) and 1 <= h <= LIMITS["units"]
                       for h in hidden)):
        raise ConfigError(f"hidden must be a list of at most {LIMITS['layers']} layer sizes, each "
                          f"1 to {LIMITS['units']}; got {shown(hidden)}")
    return Settings(
        dataset=_choice(body, "dataset", DATASETS),
        noise=_field(body, "noise", float, lambda v: 0 <= v <= 1, "a number from 0 to 1"),
        n_samples=_field(body, "n_samples", int, lambda v: 20 <= v <= LIMITS["points"],
                         f"a whole number from 20 to {LIMITS['points']}"),
        hidden=tuple(hidden),
        activation=_choice(body, "activation", ACTIVATIONS),
        optimizer=_choice(body, "optimizer", OPTIMIZERS),
        lr=_field(body, "lr", float, lambda v: 0 < v <= 10, "a number in (0, 10]"),
        batch_size=_field(body, "batch_size", int, lambda v: 1 <= v <= LIMITS["batch_size"],
                          f"a whole number from 1 to {LIMITS['batch_size']}"),
        grid=_field(body, "grid", int, lambda v: 2 <= v <= LIMITS["grid"],
                    f"a whole number from 2 to {LIMITS['grid']}"),
        seed=_field(body, "seed", int, lambda v: 0 <= v < 2**32, "a whole number from 0 to 2**32 - 1"),
    )


def parse_epochs(body) -> int:
    """The ``epochs`` of a step request (default 5), 1 to ``LIMITS["epochs"]``."""
    return whole(json_object(body).get("epochs", 5), "epochs", 1, LIMITS["epochs"])


def make_data(settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """The generated points (n, 2) float32 and labels (n,) of ``settings``."""
    make, takes_classes = GENERATORS[settings.dataset]
    # blobs' noise is a cluster's standard deviation around centres 10 apart, the others' is small
    # against a unit-sized shape; one 0..1 slider serves both.
    noise = settings.noise * (5.0 if settings.dataset == "blobs" else 1.0)
    return make(settings.n_samples, noise=noise, seed=settings.seed)


def bounds(x: np.ndarray, margin: float = 0.1) -> tuple[float, float, float, float]:
    """(x_min, x_max, y_min, y_max) around the points with a margin, the square the page shows."""
    lo, hi = x.min(axis=0), x.max(axis=0)
    pad = (hi - lo) * margin + 1e-6
    return float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1])


def grid_points(box: tuple[float, float, float, float], size: int) -> np.ndarray:
    """The centres of a size x size grid of cells over ``box``, (size², 2), in picture order.

    Row 0 is the top (largest y) and each row runs left to right, so the page can paint the
    answers straight into an image without flipping.
    """
    x0, x1, y0, y1 = box
    steps = (np.arange(size) + 0.5) / size
    gx = x0 + (x1 - x0) * steps
    gy = y1 - (y1 - y0) * steps
    xx, yy = np.meshgrid(gx, gy)
    return np.column_stack([xx.ravel(), yy.ravel()])


class Session:
    """One training run in memory: network, optimiser, data and the answers so far.

    Not thread-safe by itself; :class:`Sessions` hands each one out with its own lock.
    """

    def __init__(self, settings: Settings):
        from ..optimizers import get

        self.settings = settings
        self.x, self.y = make_data(settings)
        self.n_classes = int(self.y.max()) + 1
        self.net: Network = mlp([2, *settings.hidden, self.n_classes], activation=settings.activation,
                                seed=settings.seed)
        self.optimizer = get(settings.optimizer, lr=settings.lr)
        self.box = bounds(self.x)
        self.grid = grid_points(self.box, settings.grid).astype(self.net.dtype)
        self.epoch = 0
        self.lock = threading.Lock()

    def points(self) -> dict:
        """The data, sent once when the session starts: points, labels, bounds, class count."""
        return {"x": np.round(self.x.astype(np.float64), 4).tolist(), "y": self.y.tolist(),
                "bounds": list(self.box), "n_classes": self.n_classes, "grid": self.settings.grid}

    def state(self, losses: list[float | None] = ()) -> dict:
        """Where training stands: epoch, loss and accuracy on all points now, the per-epoch
        training ``losses`` of the last step, and the predicted class and its probability in every
        grid cell (flat lists in picture order; see :func:`grid_points`)."""
        loss, accuracy = self.net.evaluate(self.x, self.y)
        probs = self.net.predict_proba(self.grid)                    # (grid², n_classes)
        return {"epoch": self.epoch, "loss": finite(loss), "accuracy": float(accuracy),
                "losses": list(losses),
                "classes": probs.argmax(axis=1).tolist(),
                "confidence": [finite(c) for c in np.round(probs.max(axis=1).astype(np.float64), 3)]}

    def step(self, epochs: int) -> dict:
        """Train ``epochs`` more epochs and return :meth:`state` with the training loss of each.

        A diverging run raises :class:`~neuronet.errors.DivergenceError` saying at which epoch of
        the session; the network keeps its weights from the start of that epoch (as ``fit`` does).
        A step of more than ``LIMITS["batches"]`` mini-batches is refused before any training.
        """
        batches = epochs * math.ceil(len(self.x) / self.settings.batch_size)
        if batches > LIMITS["batches"]:
            raise ConfigError(f"{epochs} epochs of {len(self.x)} points in batches of "
                              f"{self.settings.batch_size} are {batches} steps; at most "
                              f"{LIMITS['batches']} at a time: fewer epochs per update or larger batches")
        finished = _Finished()
        # A new shuffling seed each step, or every step would repeat the first step's batch orders.
        # Overflow on the way to a divergence is reported as a DivergenceError, not as warnings.
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                history = self.net.fit(self.x, self.y, epochs=epochs, batch_size=self.settings.batch_size,
                                       optimizer=self.optimizer, seed=self.settings.seed + self.epoch,
                                       catch_interrupt=False, callbacks=[finished])
        except DivergenceError:
            # fit's own message counts epochs from the start of this step and suggests gradient
            # clipping, which the page does not offer: say it in the session's terms instead.
            self.epoch += finished.epochs
            raise DivergenceError(
                f"training diverged in epoch {self.epoch + 1} (the loss or a weight stopped being "
                f"finite) and stays at epoch {self.epoch}: lower the learning rate (now "
                f"{self.optimizer.lr:g}) and press Reset") from None
        self.epoch += epochs
        losses = [finite(v) for v in history["loss"]]
        return self.state(losses)


class _Finished(Callback):
    """Counts the epochs a ``fit`` call completed (all of them, unless it diverges part way)."""

    def __init__(self):
        self.epochs = 0

    def on_epoch_end(self, network, epoch: int, logs: dict) -> None:
        self.epochs += 1


class Sessions:
    """The live sessions by id, at most ``LIMITS["sessions"]``: the oldest unused one goes first."""

    def __init__(self, limit: int = LIMITS["sessions"]):
        self._items: OrderedDict[str, Session] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def new(self, settings: Settings) -> tuple[str, Session]:
        session = Session(settings)   # built outside the lock: it draws data and weights
        key = uuid.uuid4().hex
        with self._lock:
            self._items[key] = session
            while len(self._items) > self._limit:
                self._items.popitem(last=False)
        return key, session

    def get(self, key: str) -> Session:
        with self._lock:
            if key not in self._items:
                raise ConfigError(f"no playground session {shown(key)} (it may have expired); press Reset")
            self._items.move_to_end(key)
            return self._items[key]

    def __len__(self) -> int:
        return len(self._items)
