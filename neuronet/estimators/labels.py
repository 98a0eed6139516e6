"""Class labels of any kind, and the class indices the network trains on.

A classifier takes labels that :func:`numpy.unique` can sort (ints, strings, bools, whole-number
floats). ``classes_`` is their sorted set, and the network's output ``k`` stands for ``classes_[k]``:

    >>> classes, index = unique(np.array(["dog", "cat", "dog"]), "y", inverse=True)
    >>> classes.tolist(), index.tolist()
    (['cat', 'dog'], [1, 0, 1])
    >>> encode(np.array(["dog", "dog"]), classes).tolist()
    [1, 1]
"""

from __future__ import annotations

import warnings

import numpy as np

from ..checks import shown
from ..errors import DataConversionWarning, ShapeError


def class_labels(y: np.ndarray, name: str = "y") -> np.ndarray:
    """``y`` as a 1-D array of class labels, or a ShapeError saying why it is not one.

    A column ``(n, 1)`` is flattened with a DataConversionWarning, as scikit-learn does.
    """
    if y.ndim == 2 and y.shape[1] == 1:
        warnings.warn(f"A column-vector y was passed when a 1d array was expected: {name} of shape "
                      f"{y.shape} was flattened to ({len(y)},)", DataConversionWarning, stacklevel=4)
        y = y.reshape(-1)
    if y.ndim != 1:
        raise ShapeError(f"{name} must be 1-D class labels of shape (n_samples,), got shape {y.shape}"
                         f" (several labels per example are not supported)")
    if y.dtype.kind == "f":
        if not np.isfinite(y).all():
            raise ShapeError(f"{name} contains NaN or infinity")
        fractional = y != np.round(y)
        if fractional.any():
            raise ShapeError(f"Unknown label type: {name} holds continuous values such as "
                             f"{shown(y[fractional][0])}; a classifier needs class labels "
                             f"(MLPRegressor predicts continuous targets)")
    elif y.dtype.kind not in "biuUSO":
        raise ShapeError(f"Unknown label type: {name} has dtype {y.dtype}")
    return y


def unique(y: np.ndarray, name: str, inverse: bool = False):
    """``np.unique(y)`` (and the index of each label in it, with ``inverse``), or a ShapeError for
    labels that cannot be sorted."""
    try:
        return np.unique(y, return_inverse=inverse)
    except TypeError:   # an object array mixing strings and numbers cannot be sorted
        raise ShapeError(f"Unknown label type: {name} mixes labels of different types "
                         f"(e.g. strings and numbers)") from None


def encode(y: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """The index in ``classes`` (sorted, distinct) of each label of ``y``, shape (n,) int64; a
    ShapeError names the first label that is not a class."""
    index = np.searchsorted(classes, y)
    index[index == len(classes)] = 0   # past the end: not a class, and classes[index] must not fail
    unknown = classes[index] != y
    if unknown.any():
        raise ShapeError(f"y holds the label {shown(y[unknown][0])}, which is not one of the "
                         f"classes {classes.tolist()}")
    return index.astype(np.int64)
