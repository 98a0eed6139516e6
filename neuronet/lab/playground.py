"""The lab's playground: train a small network on points in the plane, a few epochs at a time, and
show everything it computes.

The settings a page sends (:class:`Settings`, checked by :func:`parse_settings`) become a
:class:`neuronet.recipe.Recipe`: which points (a generated set, a regression set or an uploaded CSV),
which input features, which network, how it is trained. A :class:`Session` holds the recipe's
network, optimiser and :class:`~neuronet.history.TrainState`; each :meth:`Session.step` continues the
one run with the ordinary :meth:`~neuronet.network.Network.fit` (``resume=(optimizer, state)``), so
that steps of any size add up to the very run one ``fit`` of all their epochs makes, and the
downloaded script (:meth:`Recipe.script`) ends where the page did.

Each answer holds what the page draws: the losses and accuracies on the training and the test
points, the network's answer on a grid over the plane (a class and its probability, or a number),
every unit's output on a coarser grid (one small heatmap per input feature, hidden unit and output)
and every Dense layer's weights and biases.

Settings come from a web page, so every one is checked and every size bounded (``LIMITS``: layers,
units, points, grid, epochs per step and per session), so that no request can ask for more memory or
time than a small lab needs; a bad value is a :class:`~neuronet.errors.ConfigError` naming the field.

>>> session = Session(parse_settings({"dataset": "xor", "hidden": [8]}))
>>> first = session.step(10)["loss"]
>>> session.step(40)["loss"] < first
True
"""

from __future__ import annotations

import dataclasses
import math
import tempfile
import threading
import uuid
from collections import OrderedDict
from pathlib import Path

import numpy as np

from .. import checks
from ..datasets.synthetic import GENERATORS
from ..errors import ConfigError, DivergenceError
from ..features import FEATURES
from ..history import TrainState
from ..layers import Dense
from ..network import Network
from ..recipe import CSV, REGRESSION, Recipe
from .checks import choice, finite, json_object, rounded, shown, whole
from .uploads import Upload

#: The generated sets of classes, of numbers to predict, and the word for an uploaded CSV.
DATASETS = ("xor", "circles", "moons", "spiral", "blobs")
REGRESSION_SETS = REGRESSION
ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu", "elu", "gelu", "silu", "softplus", "identity")
OPTIMIZERS = ("sgd", "rmsprop", "adam", "adamw")
#: Upper bounds on what a request may ask for (and the page offers).
#: ``batches`` bounds one step's work (epochs x mini-batches per epoch), so that it takes seconds at
#: most; ``session_epochs`` a session's whole run (its history is sent and kept); ``unit_grid`` is the
#: side of every unit's small heatmap.
LIMITS = {"layers": 4, "units": 64, "points": 2000, "grid": 100, "epochs": 100, "batch_size": 1000,
          "batches": 20000, "sessions": 16, "classes": 8, "session_epochs": 100_000, "unit_grid": 16}


#: What the page's settings mean that a Recipe's do not: ``noise`` is the 0..1 slider (for blobs, a
#: fifth of the clusters' standard deviation); ``n_classes`` is always the slider's number (3, as the
#: spiral set has), counted only by circles, spiral and blobs (xor and moons have two, the regression
#: sets none, a CSV its own). Every other setting is the Recipe's, default and all.
_PAGE_DEFAULTS = {"n_classes": 3}
#: The page's own: the side of the answer's grid, and the key of an uploaded CSV (with
#: ``dataset="csv"``), which stands in for the Recipe's path to one.
_LAB_FIELDS = [("grid", int, 50), ("upload", str, "")]
_RECIPE_FIELDS = [f for f in dataclasses.fields(Recipe) if f.name != "csv"]


def _recipe(self, csv_name: str | None = None) -> Recipe:
    """The :class:`~neuronet.recipe.Recipe` of these settings; ``csv_name`` names the uploaded file."""
    takes_classes = self.dataset in GENERATORS and GENERATORS[self.dataset][1]
    scale = 5.0 if self.dataset == "blobs" else 1.0   # blobs' noise is a cluster's spread, 10 apart
    shared = {f.name: getattr(self, f.name) for f in _RECIPE_FIELDS}
    return Recipe(**{**shared, "noise": self.noise * scale,
                     "n_classes": self.n_classes if takes_classes else None,
                     "csv": csv_name if self.dataset == CSV else None})


# The fields are made from Recipe's so that each default is written once, in neuronet.recipe.
Settings = dataclasses.make_dataclass(
    "Settings",
    [(f.name, f.type, dataclasses.field(default=_PAGE_DEFAULTS.get(f.name, f.default)))
     for f in _RECIPE_FIELDS] + _LAB_FIELDS,
    frozen=True,
    namespace={"recipe": _recipe, "__module__": __name__, "__doc__": """One playground run as the page
    says it: a :class:`~neuronet.recipe.Recipe`'s settings and defaults (but for ``_PAGE_DEFAULTS``),
    then ``grid`` and ``upload`` (``_LAB_FIELDS``), all checked by :func:`parse_settings`.

    >>> Settings().lr == Recipe().lr
    True
    >>> Settings(dataset="blobs", noise=0.2).recipe().noise   # the slider's 0.2 of blobs' scale, 5
    1.0
    """})


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
    return choice(body.get(name, getattr(Settings, name)), name, choices, any_case=True)


def _hidden(body: dict) -> tuple[int, ...]:
    hidden = body.get("hidden", list(Settings.hidden))
    if (not isinstance(hidden, list) or len(hidden) > LIMITS["layers"]
            or not all(isinstance(h, int) and not isinstance(h, bool) and 1 <= h <= LIMITS["units"]
                       for h in hidden)):
        raise ConfigError(f"hidden must be a list of at most {LIMITS['layers']} layer sizes, each "
                          f"1 to {LIMITS['units']}; got {shown(hidden)}")
    return tuple(hidden)


def _features(body: dict) -> tuple[str, ...]:
    """The features asked for, in the order of :data:`~neuronet.features.FEATURES` (so that one
    choice has one spelling, in a link too)."""
    features = body.get("features", list(Settings.features))
    if (not isinstance(features, list) or not features
            or not all(isinstance(f, str) and f in FEATURES for f in features)
            or len(set(features)) != len(features)):
        raise ConfigError(f"features must be a list of distinct names from {', '.join(FEATURES)} (at "
                          f"least one); got {shown(features)}")
    return tuple(f for f in FEATURES if f in features)


def _upload(body: dict, dataset: str) -> str:
    key = body.get("upload", "")
    if not isinstance(key, str) or len(key) > 64 or not key.isalnum() and key:
        raise ConfigError(f"upload must be the key of an uploaded CSV, got {shown(key)}")
    if (dataset == CSV) != bool(key):
        raise ConfigError('give upload (the key an upload answered) exactly when dataset is "csv"')
    return key


def parse_settings(body) -> Settings:
    """Check the JSON object a page sent and return :class:`Settings`; missing fields take defaults."""
    json_object(body, Settings.__dataclass_fields__, "setting")
    dataset = _choice(body, "dataset", (*DATASETS, *REGRESSION_SETS, CSV))
    number = lambda name, low, high, what: _field(  # noqa: E731
        body, name, float, lambda v: low <= v <= high, f"a number from {low:g} to {high:g}{what}")
    whole_ = lambda name, low, high: _field(  # noqa: E731
        body, name, int, lambda v: low <= v <= high, f"a whole number from {low} to {high}")
    return Settings(
        dataset=dataset, noise=number("noise", 0, 1, ""),
        n_samples=whole_("n_samples", 20, LIMITS["points"]),
        n_classes=whole_("n_classes", 2, LIMITS["classes"]),
        test_fraction=number("test_fraction", 0, 0.9, " (the share of points held out)"),
        features=_features(body), hidden=_hidden(body),
        activation=_choice(body, "activation", ACTIVATIONS),
        dropout=number("dropout", 0, 0.9, ""),
        optimizer=_choice(body, "optimizer", OPTIMIZERS),
        lr=_field(body, "lr", float, lambda v: 0 < v <= 10, "a number in (0, 10]"),
        l2=number("l2", 0, 1, " (weight decay)"),
        batch_size=whole_("batch_size", 1, LIMITS["batch_size"]),
        grid=whole_("grid", 2, LIMITS["grid"]),
        seed=_field(body, "seed", int, lambda v: 0 <= v < 2**32, "a whole number from 0 to 2**32 - 1"),
        upload=_upload(body, dataset),
    )


def parse_epochs(body) -> int:
    """The ``epochs`` of a step request (default 5), 1 to ``LIMITS["epochs"]``."""
    return whole(json_object(body).get("epochs", 5), "epochs", 1, LIMITS["epochs"])


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
    """One training run in memory: recipe, network, optimiser, training state and data.

    Not thread-safe by itself; :class:`Sessions` hands each one out with its own lock.
    """

    def __init__(self, settings: Settings, upload: Upload | None = None):
        if (settings.dataset == CSV) != (upload is not None):
            raise ConfigError('an uploaded CSV goes with dataset "csv", and only with it')
        self.settings = settings
        self.recipe = settings.recipe(upload.name if upload is not None else None)
        x, y = (upload.x, upload.y) if upload is not None else self.recipe.points()
        self.n_outputs = self.recipe.n_outputs(y)
        self.class_names = (list(upload.class_names) if upload is not None
                            else None if self.recipe.regression else [str(k) for k in range(self.n_outputs)])
        self.all_x, self.all_y = x, y
        (self.x, self.y), (self.x_test, self.y_test) = self.recipe.split(x, y)
        self.net: Network = self.recipe.network(self.n_outputs)
        self.net.class_names = self.class_names
        self.net.preprocessing = {"dataset": self.recipe.dataset,
                                  **({"source": upload.name} if upload is not None else {})}
        self.optimizer = self.recipe.make_optimizer()
        self.run = TrainState()
        self.box = bounds(x)
        self.grid = grid_points(self.box, settings.grid).astype(self.net.dtype)
        self.unit_grid = grid_points(self.box, LIMITS["unit_grid"]).astype(self.net.dtype)
        self.lock = threading.Lock()

    @property
    def epoch(self) -> int:
        """Epochs trained so far."""
        return self.run.epoch

    @property
    def n_classes(self) -> int:
        """Classes of the points (0 for a number to predict)."""
        return 0 if self.recipe.regression else self.n_outputs

    @property
    def has_test(self) -> bool:
        return len(self.x_test) > 0

    def points(self) -> dict:
        """The data and the network's shape, sent once when the session starts: points, labels (or
        targets), which are test points, bounds, classes, grid sides and the columns of units."""
        test = self.recipe.test_rows(self.all_y)
        y = (np.round(self.all_y.astype(np.float64), 4).tolist() if self.recipe.regression
             else self.all_y.tolist())
        return {"x": np.round(self.all_x.astype(np.float64), 4).tolist(), "y": y, "test": test.tolist(),
                "bounds": list(self.box), "n_classes": self.n_classes,
                "class_names": self.class_names, "regression": self.recipe.regression,
                "grid": self.settings.grid, "unit_grid": LIMITS["unit_grid"], "columns": self.columns()}

    def columns(self) -> list[dict]:
        """The network drawn as columns of units: the input features, then each Dense layer
        (``layer`` is its index in ``net.layers``, ``activation`` its name)."""
        first = self.net.layers[0]
        columns = [{"kind": "features", "units": len(first.features), "labels": first.labels,
                    "names": list(first.features)}]
        dense = [(i, layer) for i, layer in enumerate(self.net.layers) if isinstance(layer, Dense)]
        for k, (i, layer) in enumerate(dense):
            kind = "output" if k == len(dense) - 1 else "hidden"
            columns.append({"kind": kind, "units": layer.n_out, "layer": i,
                            "activation": layer.activation.name})
        return columns

    def state(self, since: int | None = None) -> dict:
        """Where training stands: epoch, loss and accuracy on the training points and on the test
        points (null without a test set, accuracy null for regression), the per-epoch training and
        test losses of the epochs from ``since`` (none by default), the answers on the grid
        (:meth:`answers`), every unit's heatmap (:meth:`unit_maps`) and every Dense layer's weights."""
        loss, accuracy = self.net.evaluate(self.x, self.y)
        test_loss, test_accuracy = (self.net.evaluate(self.x_test, self.y_test) if self.has_test
                                    else (None, None))
        history = self.run.history
        new = slice(self.epoch if since is None else since, None)
        return {"epoch": self.epoch, "loss": finite(loss), "accuracy": _accuracy(accuracy),
                "test_loss": None if test_loss is None else finite(test_loss),
                "test_accuracy": None if test_accuracy is None else _accuracy(test_accuracy),
                "losses": [finite(v) for v in history["loss"][new]],
                "test_losses": [finite(v) for v in history["val_loss"][new]] if self.has_test else [],
                **self.answers(), "units": self.unit_maps(), "weights": self.weights()}

    def answers(self) -> dict:
        """The network's answer in every grid cell, flat lists in picture order (see
        :func:`grid_points`): ``classes`` and ``confidence`` (the predicted class and its
        probability), or for regression ``values``."""
        if self.recipe.regression:
            return {"values": rounded(self.net.predict_proba(self.grid)[:, 0], 3)}
        probs = self.net.predict_proba(self.grid)                    # (grid², n_classes)
        return {"classes": probs.argmax(axis=1).tolist(),
                "confidence": [finite(c) for c in np.round(probs.max(axis=1).astype(np.float64), 3)]}

    def unit_maps(self) -> list[list[list]]:
        """One heatmap per unit of each column (:meth:`columns`): ``[column][unit]``, a flat list of
        ``unit_grid²`` outputs over the plane in picture order (the features as computed, then each
        Dense layer's activations; an output's probability, or its number)."""
        outputs = self.net.layer_outputs(self.unit_grid)             # per layer (unit_grid², width)
        shown_ = [outputs[0]] + [outputs[c["layer"]] for c in self.columns()[1:]]
        if not self.recipe.regression:
            shown_[-1] = self.net.probabilities_of(shown_[-1])
        return [rounded(a.T, 3) for a in shown_]                     # each (units, unit_grid²)

    def weights(self) -> list[dict]:
        """Each Dense layer's ``W`` (n_in, n_out) and ``b`` (n_out,), in the order of the columns."""
        return [{"W": rounded(layer.W, 4), "b": rounded(layer.b, 4)}
                for layer in self.net.layers if isinstance(layer, Dense)]

    def step(self, epochs: int) -> dict:
        """Train ``epochs`` more epochs and return :meth:`state` with the losses of each.

        One ``fit`` continues the session's run (``resume``), so every epoch is shuffled and its
        dropout drawn from (seed, epoch) as a single ``fit`` of all the epochs would. A diverging run
        raises :class:`~neuronet.errors.DivergenceError` saying at which epoch of the session; the
        network keeps its weights from the start of that epoch (as ``fit`` does). A step of more than
        ``LIMITS["batches"]`` mini-batches, or past ``LIMITS["session_epochs"]``, is refused before any
        training.
        """
        self._check_size(epochs)
        start = self.epoch
        test = {"validation_data": (self.x_test, self.y_test)} if self.has_test else {}
        # Overflow on the way to a divergence is reported as a DivergenceError, not as warnings.
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                self.net.fit(self.x, self.y, epochs=start + epochs, batch_size=self.settings.batch_size,
                             resume=(self.optimizer, self.run), seed=self.recipe.seed,
                             catch_interrupt=False, **test)
        except DivergenceError:
            # fit's message suggests gradient clipping, which the page does not offer: say it in the
            # session's terms instead. The epoch that diverged starts again from its first batch.
            self.run.restart_epoch()
            raise DivergenceError(
                f"training diverged in epoch {self.epoch + 1} (the loss or a weight stopped being "
                f"finite) and stays at epoch {self.epoch}: lower the learning rate (now "
                f"{self.optimizer.lr:g}) and press Reset") from None
        return self.state(since=start)

    def _check_size(self, epochs: int) -> None:
        batches = epochs * math.ceil(len(self.x) / self.settings.batch_size)
        if batches > LIMITS["batches"]:
            raise ConfigError(f"{epochs} epochs of {len(self.x)} points in batches of "
                              f"{self.settings.batch_size} are {batches} steps; at most "
                              f"{LIMITS['batches']} at a time: fewer epochs per update or larger batches")
        if self.epoch + epochs > LIMITS["session_epochs"]:
            raise ConfigError(f"this session has trained {self.epoch} epochs; {LIMITS['session_epochs']} "
                              f"is the most one may: press Reset")

    # --- downloads ------------------------------------------------------------------------------
    def model_bytes(self) -> bytes:
        """The network as a neuronet model file (:func:`neuronet.modelfile.save`; ``neuronet.load``
        reads it), with the settings and the epochs trained in its metadata."""
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "playground.npz"
            self.net.save(path, playground=_jsonable(self.settings), epochs=self.epoch)
            return path.read_bytes()

    def script(self) -> str:
        """The Python script that makes this run again with neuronet (:meth:`Recipe.script`)."""
        return self.recipe.script(self.epoch, n_outputs=self.n_outputs)


def _accuracy(value: float) -> float | None:
    """An accuracy for JSON: None where there are no classes (NaN from ``evaluate``)."""
    return None if math.isnan(value) else float(value)


def _jsonable(settings: Settings) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(settings).items()}


class Sessions:
    """The live sessions by id, at most ``LIMITS["sessions"]``: the oldest unused one goes first."""

    def __init__(self, limit: int = LIMITS["sessions"]):
        self._items: OrderedDict[str, Session] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def new(self, settings: Settings, upload: Upload | None = None) -> tuple[str, Session]:
        session = Session(settings, upload)   # built outside the lock: it draws data and weights
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
