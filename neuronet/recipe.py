"""A recipe: the few settings that make one small training run on points in the plane, as neuronet
objects (data, network, optimiser) or as the Python script that makes the same run with neuronet.

The lab's playground trains a :class:`Recipe`, and its "download code" is :meth:`Recipe.script`:
text written from the settings (never evaluated here), which rebuilds the data, the network and the
optimiser and trains them with one ``fit``. Every random draw in a run comes from the seed (the data,
the split, the first weights, each epoch's order and dropout masks), so the script ends bit for bit
where the playground stood after the same number of epochs, however many steps it took to get there.

>>> recipe = Recipe(dataset="xor", hidden=(4,), features=("x", "y", "xy"))
>>> (x, y), (x_test, y_test) = recipe.data()
>>> net = recipe.network(recipe.n_outputs(y))
>>> history = net.fit(x, y, epochs=5, optimizer=recipe.make_optimizer(), seed=recipe.seed)
>>> print(recipe.script(epochs=5).splitlines()[0])
\"\"\"Rebuild and retrain a network of neuronet's playground: 5 epochs on xor.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from . import activations, checks, optimizers
from .datasets.split import train_val_split
from .datasets.synthetic import GENERATORS, REGRESSION_GENERATORS
from .errors import ConfigError
from .features import check_names
from .network import Network, mlp

#: The generated sets whose points have classes, those that have a number to predict, and the word
#: for points read from a CSV file (:func:`neuronet.datasets.load_csv`).
CLASSIFICATION = tuple(GENERATORS)
REGRESSION = tuple(REGRESSION_GENERATORS)
CSV = "csv"


@dataclass(frozen=True)
class Recipe:
    """One run on points in the plane, every setting checked when the recipe is made.

    dataset : a generated set (:data:`CLASSIFICATION`, :data:`REGRESSION`) or ``"csv"``, the points
        of the CSV file ``csv`` (two coordinates and a label per row).
    n_samples, noise : how many points the generator draws, and its noise (its own scale).
    n_classes : classes of circles, spiral or blobs (None: the generator's default); xor and moons
        have two, regression sets none.
    test_fraction : the share of the points held out as a test set (stratified for classes, from the
        seed); 0 for none.
    features : the inputs the first layer computes from each point (:data:`neuronet.features.FEATURES`).
    hidden, activation, dropout : the hidden layer sizes (none: a linear model), their activation and
        the dropout rate after each of them.
    optimizer, lr, l2 : the optimiser's name, learning rate and weight decay λ (L2: λw added to each
        weight's gradient; AdamW applies it decoupled, as its paper does).
    batch_size, seed : the mini-batch size, and the one seed every random draw comes from.
    """

    dataset: str = "spiral"
    n_samples: int = 400
    noise: float = 0.1
    n_classes: int | None = None
    test_fraction: float = 0.2
    features: tuple[str, ...] = ("x", "y")
    hidden: tuple[int, ...] = (16, 16)
    activation: str = "tanh"
    dropout: float = 0.0
    optimizer: str = "adam"
    lr: float = 0.01
    l2: float = 0.0
    batch_size: int = 16
    seed: int = 0
    csv: str | None = None

    def __post_init__(self) -> None:
        # The door: each setting checked once and stored in its plain Python type.
        fixed = object.__setattr__
        fixed(self, "dataset", checks.one_of(self.dataset, "dataset", (*CLASSIFICATION, *REGRESSION, CSV)))
        fixed(self, "n_samples", checks.integer(self.n_samples, "n_samples", low=2))
        fixed(self, "noise", checks.non_negative(self.noise, "noise"))
        fixed(self, "n_classes", self._classes(self.n_classes))
        fixed(self, "test_fraction", checks.number(self.test_fraction, "test_fraction", 0, 1, high_open=True))
        fixed(self, "features", tuple(check_names(self.features)))
        fixed(self, "hidden", tuple(checks.sizes(self.hidden, "hidden")))
        fixed(self, "activation", activations.ACTIVATIONS.canonical(self.activation))
        fixed(self, "dropout", checks.rate(self.dropout, "dropout"))
        fixed(self, "optimizer", optimizers.OPTIMIZERS.canonical(self.optimizer))
        fixed(self, "lr", checks.positive(self.lr, "lr"))
        fixed(self, "l2", checks.non_negative(self.l2, "l2"))
        fixed(self, "batch_size", checks.positive_int(self.batch_size, "batch_size"))
        fixed(self, "seed", checks.non_negative_int(self.seed, "seed"))
        if (self.dataset == CSV) != (self.csv is not None):
            raise ConfigError('give csv (the path of a CSV file of points) exactly when dataset is "csv"')
        if self.csv is not None:
            fixed(self, "csv", checks.path(self.csv, "csv"))

    def _classes(self, n_classes) -> int | None:
        if n_classes is None:
            return None
        takes = self.dataset in GENERATORS and GENERATORS[self.dataset][1]
        if not takes:
            raise ConfigError(f"n_classes is for circles, spiral and blobs; {self.dataset} has "
                              f"{'no classes' if self.dataset in REGRESSION else 'its own'}: leave it None")
        return checks.integer(n_classes, "n_classes", low=2)

    @property
    def regression(self) -> bool:
        """Whether the points have a number to predict (plane, bumps) rather than a class."""
        return self.dataset in REGRESSION

    def replace(self, **changes) -> Recipe:
        """A copy with ``changes``, checked as a new recipe is."""
        return dataclasses.replace(self, **changes)

    # --- the run as objects ---------------------------------------------------------------------
    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """All the points (n, 2) float32 and their labels (n,) int64, or targets (n,) float32."""
        if self.dataset == CSV:
            from .datasets.user import load_csv

            return plane_points(load_csv(self.csv), self.csv)[:2]
        if self.regression:
            return REGRESSION_GENERATORS[self.dataset](self.n_samples, noise=self.noise, seed=self.seed)
        make, takes_classes = GENERATORS[self.dataset]
        classes = {"n_classes": self.n_classes} if self.n_classes is not None else {}
        return make(self.n_samples, noise=self.noise, seed=self.seed, **classes)

    def split(self, x: np.ndarray, y: np.ndarray) -> tuple[tuple, tuple]:
        """``(x_train, y_train), (x_test, y_test)``: the test set is ``test_fraction`` of the points,
        drawn from the seed (each class keeping its share); empty (0 rows) when it is 0."""
        if self.test_fraction == 0:
            return (x, y), (x[:0], y[:0])
        return train_val_split(x, y, val_fraction=self.test_fraction, seed=self.seed,
                               stratify=not self.regression)

    def test_rows(self, y: np.ndarray) -> np.ndarray:
        """Which of the points :meth:`split` holds out for testing, a mask (n,) of bools: the split
        of the points' indices, since where a split falls depends only on the labels and the seed."""
        rows = np.arange(len(y))
        if self.test_fraction == 0:
            return np.zeros(len(y), dtype=bool)
        mask = np.zeros(len(y), dtype=bool)
        mask[self.split(rows, y)[1][0]] = True
        return mask

    def data(self) -> tuple[tuple, tuple]:
        """:meth:`points`, :meth:`split`."""
        return self.split(*self.points())

    def n_outputs(self, y: np.ndarray) -> int:
        """The output units for labels or targets ``y``: one per class (softmax), or one number."""
        return 1 if self.regression else int(np.max(y)) + 1

    def network(self, n_outputs: int) -> Network:
        """The network: :class:`~neuronet.features.PlaneFeatures`, the hidden layers (with dropout),
        then softmax outputs under cross-entropy, or one linear output under squared error."""
        n_outputs = checks.integer(n_outputs, "n_outputs", low=1)
        output = {"output_activation": "identity", "loss": "mse"} if self.regression else {}
        return mlp([2, *self.hidden, n_outputs], activation=self.activation, dropout=self.dropout,
                   features=list(self.features), seed=self.seed, **output)

    def make_optimizer(self) -> optimizers.Optimizer:
        """A fresh optimiser of the recipe's kind, learning rate and weight decay."""
        return optimizers.get(self.optimizer, lr=self.lr, weight_decay=self.l2)

    # --- the run as a script --------------------------------------------------------------------
    def script(self, epochs: int, n_outputs: int | None = None, model_file: str = "playground.npz") -> str:
        """A Python script that makes this run with neuronet: the same data, network and optimiser,
        ``epochs`` epochs of ``fit``, then the losses (and accuracies) on both sets, and the model saved
        to ``model_file``. ``n_outputs`` is needed for a CSV's points (the classes in the file)."""
        epochs = checks.non_negative_int(epochs, "epochs")
        if n_outputs is None:
            if self.dataset == CSV:
                raise ConfigError("script: give n_outputs (the number of classes in the CSV file)")
            n_outputs = self.n_outputs(self.points()[1])
        return _script(self, epochs, checks.integer(n_outputs, "n_outputs", low=1),
                       checks.path(model_file, "model_file"))


def plane_points(data, source: str = "CSV") -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """``(points (n, 2), labels (n,), class names)`` of a :class:`~neuronet.datasets.LabeledData`
    (from ``load_csv`` or ``read_csv``), or a ConfigError if it is not points in the plane with at
    least two classes: what ``Recipe(dataset="csv")`` trains on."""
    x, y, names = data
    if x.shape[1] != 2:
        raise ConfigError(f"{source}: points in the plane need 2 coordinate columns and a label, "
                          f"found {x.shape[1]} feature columns")
    if len(names) < 2:
        raise ConfigError(f"{source}: every point has the label {names[0]!r}; a classifier needs 2 classes")
    return x, y, names


# --- writing the script -----------------------------------------------------------------------------
# Every value goes in as a Python literal (_literal), names and paths included, so that whatever a
# path holds it stays one string in the script; nothing from the settings is ever code.
def _script(recipe: Recipe, epochs: int, n_outputs: int, model_file: str) -> str:
    """The text of :meth:`Recipe.script`, part by part."""
    what = "the points of a CSV file" if recipe.dataset == CSV else f"the {recipe.dataset} set"
    lines = [f'"""Rebuild and retrain a network of neuronet\'s playground: {epochs} epochs on {what}.',
             "",
             "Written by neuronet from the run's settings. The seed makes every random draw (data, split,",
             "first weights, batch order, dropout), so this ends where the playground did after as many",
             'epochs."""',
             "import neuronet as nn",
             "from neuronet import datasets",
             "",
             *_data_lines(recipe),
             "",
             *_model_lines(recipe, n_outputs),
             "",
             *_fit_lines(recipe, epochs),
             "",
             *_report_lines(recipe, epochs, model_file)]
    return "\n".join(lines) + "\n"


def _literal(value) -> str:
    """``value`` (a number, string, bool, None, or a list of them) as Python source; strings in
    double quotes, as the house writes them."""
    if isinstance(value, str):
        text = repr(value)
        if text.startswith("'") and '"' not in value:
            text = '"' + text[1:-1].replace("\\'", "'") + '"'
        return text
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(_literal, value)) + "]"
    return repr(value)


def _call(function: str, *args: str, indent: int = 0, **kwargs) -> str:
    """``function(arg, ..., key=value, ...)``, each value a literal; wrapped onto lines aligned under
    the first argument when it would run past 100 characters (``indent``: what precedes it)."""
    parts = [*args, *(f"{k}={_literal(v)}" for k, v in kwargs.items())]
    one_line = f"{function}({', '.join(parts)})"
    if indent + len(one_line) <= 100:
        return one_line
    lines, line = [], f"{function}("
    pad = " " * (indent + len(function) + 1)
    for part in parts:
        if len(line) > len(function) + 1 and indent + len(line) + len(part) + 2 > 100:
            lines.append(line.rstrip())
            line = pad
        line += part + ", "
    lines.append(line[:-2] + ")")
    return "\n".join(lines)


def _data_lines(recipe: Recipe) -> list[str]:
    if recipe.dataset == CSV:
        load = [f"x, y, class_names = {_call('datasets.load_csv', _literal(recipe.csv))}"
                "   # points (n, 2), labels (n,)"]
    else:
        generator = (REGRESSION_GENERATORS[recipe.dataset] if recipe.regression
                     else GENERATORS[recipe.dataset][0]).__name__
        classes = {"n_classes": recipe.n_classes} if recipe.n_classes is not None else {}
        make = _call(f"datasets.synthetic.{generator}", str(recipe.n_samples), noise=recipe.noise,
                     seed=recipe.seed, indent=7, **classes)
        load = [f"x, y = {make}   # points (n, 2), {'targets' if recipe.regression else 'labels'} (n,)"]
    if recipe.test_fraction == 0:
        return [*load, "x_train, y_train = x, y   # no test set"]
    target = "(x_train, y_train), (x_test, y_test) = "
    split = _call("datasets.train_val_split", "x", "y", val_fraction=recipe.test_fraction, seed=recipe.seed,
                  stratify=not recipe.regression, indent=len(target))
    return [*load, target + split]


def _model_lines(recipe: Recipe, n_outputs: int) -> list[str]:
    output = {"output_activation": "identity", "loss": "mse"} if recipe.regression else {}
    network = _call("nn.mlp", _literal([2, *recipe.hidden, n_outputs]), activation=recipe.activation,
                    dropout=recipe.dropout, features=list(recipe.features), seed=recipe.seed, indent=6,
                    **output)
    # The optimiser's own class where neuronet exports it (nn.Adam), else by name from the registry.
    name = type(recipe.make_optimizer()).__name__
    rates = {"lr": recipe.lr, "weight_decay": recipe.l2}
    optimizer = (_call(f"nn.{name}", **rates) if name in _exported()
                 else _call("nn.optimizers.get", _literal(recipe.optimizer), **rates))
    return [f"net = {network}", f"optimizer = {optimizer}"]


def _exported() -> set[str]:
    import neuronet

    return set(neuronet.__all__)


def _fit_lines(recipe: Recipe, epochs: int) -> list[str]:
    test = {"validation_data": "(x_test, y_test)"} if recipe.test_fraction else {}
    args = [f"{k}={v}" for k, v in {"epochs": epochs, "batch_size": recipe.batch_size,
                                     "optimizer": "optimizer", "seed": recipe.seed, **test}.items()]
    return [f"history = {_call('net.fit', 'x_train', 'y_train', *args, indent=10)}"]


def _report_lines(recipe: Recipe, epochs: int, model_file: str) -> list[str]:
    parts = [("training", "x_train, y_train")]
    if recipe.test_fraction:
        parts.append(("test", "x_test, y_test"))
    lines = []
    for name, arrays in parts:
        accuracy = "_" if recipe.regression else f"{name}_accuracy"   # no accuracy without classes
        lines.append(f"{name}_loss, {accuracy} = net.evaluate({arrays})")
        accuracy = "" if recipe.regression else f", accuracy {{{name}_accuracy:.4f}}"
        lines.append(f'print(f"{name}: loss {{{name}_loss:.6f}}{accuracy} after {epochs} epochs")')
    saved = _literal(model_file)
    return [*lines, f"net.save({saved})   # nn.load({saved}) takes raw (x, y) points"]
