"""Estimator files: an ordinary neuronet model file whose metadata also holds the estimator.

The metadata gets two keys beside anything the user adds:

    "estimator": {"class": "MLPClassifier", "params": get_params(), "seed": 0,
                  "classes": [...], "classes_dtype": "<U3"}      # a regressor: "targets_1d": true
    "history":   {"loss": [...], "accuracy": [...], ...}        # one entry per epoch

``neuronet.load`` and the command line read such a file as the network it is; :func:`load` rebuilds the
estimator and refuses, in one line, a block that does not describe the network stored beside it (so a
loaded estimator never fails, or lies, later). Nothing is pickled.
"""

from __future__ import annotations

import numbers
import re

import numpy as np

from ..checks import is_real, shown
from ..errors import ConfigError, ModelFileError, ShapeError
from ..history import History
from .labels import unique

_RESERVED = ("estimator", "history")
# The dtypes of labels that JSON lists give back exactly: bools, ints, floats, fixed-width strings.
_LABEL_DTYPE = re.compile(r"[<>|=]?(b1|[iu][1248]|f[248]|U[0-9]{1,6})")


def save(estimator, path, metadata: dict) -> None:
    """Write the fitted ``estimator``'s network to ``path`` with the estimator block and its history."""
    estimator._check_fitted("save")
    for key in _RESERVED:
        if key in metadata:
            raise ConfigError(f"metadata key {key!r} is reserved for the estimator itself")
    record = {"class": type(estimator).__name__, "params": estimator.get_params(),
              "seed": estimator._seed, **estimator._saved_fields()}
    estimator.network_.save(path, estimator=record, history=dict(estimator.history_), **metadata)


def load(cls, path):
    """The fitted ``cls`` saved in ``path`` by :func:`save`, every field of its block checked."""
    from ..modelfile import info
    from ..modelfile import load as load_network

    def fail(problem: str) -> ModelFileError:
        return ModelFileError(f"model file {path}: {problem}")

    metadata = info(path)["metadata"]
    record = metadata.get("estimator")
    if not isinstance(record, dict):
        raise fail(f"holds no estimator (it was not written by {cls.__name__}.save); "
                   f"load the network itself with neuronet.load")
    if record.get("class") != cls.__name__:
        raise fail(f"holds a {shown(record.get('class'))}, not a {cls.__name__}")
    params = _loaded_params(record.get("params"), cls._param_names(), fail)
    seed = record.get("seed")
    if type(seed) is not int or seed < 0:
        raise fail(f"estimator.seed must be a non-negative integer, got {shown(seed)}")
    history = _loaded_history(metadata.get("history"), fail)
    net = load_network(path)
    estimator = cls(**params)
    # The parameters must be valid and describe the stored network: an estimator whose
    # get_params() or partial_fit() contradicts its network is refused here, not later.
    try:
        expected = estimator._build(net.n_in, net.n_out, estimator._settings())
    except (ConfigError, ShapeError) as exc:
        raise fail(f"estimator.params: {exc}") from None
    if any(expected.get_config()[k] != net.get_config()[k] for k in ("layers", "loss", "dtype")):
        raise fail("its network is not the one estimator.params describe (hidden_layers, "
                   "activation, dropout, dtype and the output layer must match)")
    fitted = estimator._loaded_fields(record, net, fail)
    estimator._set_fitted(net, fitted, history, seed)
    return estimator


def _loaded_params(params, names: list[str], fail) -> dict:
    """The stored ``get_params()``, with keys among ``names`` (their values are checked by building
    the network they describe)."""
    if not isinstance(params, dict) or set(params) - set(names):
        raise fail(f"estimator.params must be an object with keys among {', '.join(names)}")
    if isinstance(params.get("hidden_layers"), list):   # JSON has no tuples
        params = {**params, "hidden_layers": tuple(params["hidden_layers"])}
    return params


def _loaded_history(data, fail) -> History:
    """The stored history, checked: known keys, each a list of numbers with one entry per epoch."""
    if data is None:
        return History()
    if not isinstance(data, dict):
        raise fail("history must be an object of lists")
    for key, values in data.items():
        if key not in History.KEYS:
            raise fail(f"history has an unknown key {shown(key)}; expected {', '.join(History.KEYS)}")
        if not (isinstance(values, list) and all(is_real(v) for v in values)):
            raise fail(f"history.{key} must be a list of numbers")
    if len({len(values) for values in data.values()}) > 1:
        raise fail("history lists must all have one entry per epoch")
    return History(data)


# --- the classifier's classes_ and the regressor's target shape ------------------------------------
def saved_classes(classes: np.ndarray) -> dict:
    """``classes_`` as JSON: the labels and the dtype that gives them back exactly."""
    kind = classes.dtype.kind
    if kind == "O":
        for c in classes:
            if not isinstance(c, (str, bool, numbers.Integral, float, np.floating)):
                raise ConfigError(f"classes_ holds the label {shown(c)} of type {type(c).__name__}; "
                                  f"model files keep int, float, bool and str labels")
        dtype = "object"
    elif kind in "biufU":
        dtype = classes.dtype.str
    else:
        raise ConfigError(f"classes_ has dtype {classes.dtype}; model files keep labels that are "
                          f"ints, floats, bools or str")
    return {"classes": classes.tolist(), "classes_dtype": dtype}


def loaded_classes(record: dict, n_out: int, fail) -> np.ndarray:
    """``classes_`` from the block :func:`saved_classes` wrote: one label per output, distinct and
    sorted, in a dtype that holds them exactly."""
    labels, dtype = record.get("classes"), record.get("classes_dtype")
    if not isinstance(labels, list) or len(labels) != n_out:
        raise fail(f"estimator.classes must be a list of {n_out} labels (one per output)")
    if dtype != "object" and not (isinstance(dtype, str) and _LABEL_DTYPE.fullmatch(dtype)):
        raise fail(f"estimator.classes_dtype must be a NumPy dtype of ints, floats, bools or "
                   f"str, got {shown(dtype)}")
    if not all(isinstance(c, (str, bool, int, float)) for c in labels):
        raise fail("estimator.classes must hold ints, floats, bools or strings")
    try:
        classes = np.array(labels, dtype=object if dtype == "object" else np.dtype(dtype))
    except (TypeError, ValueError, OverflowError) as exc:
        raise fail(f"estimator.classes do not fit dtype {dtype} ({exc})") from None
    if dtype == "object":   # np.array would otherwise nest a list of equal-length lists
        classes = np.empty(len(labels), dtype=object)
        classes[:] = labels
    if classes.tolist() != labels:   # cut short by the dtype: 1.5 as an int, "abc" as U1
        raise fail(f"estimator.classes do not fit dtype {dtype}")
    # predict indexes classes_ and partial_fit searches it: both need what np.unique gives.
    try:
        in_order = np.array_equal(unique(classes, "classes"), classes)
    except ShapeError:
        in_order = False
    if not in_order:
        raise fail("estimator.classes must be distinct and sorted, as fit leaves classes_")
    return classes


def loaded_targets_1d(record: dict, n_out: int, fail) -> bool:
    """The regressor's ``targets_1d``: whether predict answers (n,) rather than (n, n_targets)."""
    one_d = record.get("targets_1d")
    if not isinstance(one_d, bool) or (one_d and n_out != 1):
        raise fail("estimator.targets_1d must be true (one output) or false")
    return one_d
