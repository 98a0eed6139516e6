"""Classification metrics as plain NumPy functions."""

from __future__ import annotations

import numpy as np

from . import checks
from .errors import ShapeError


def _labels(y, name: str) -> np.ndarray:
    y = checks.numeric_array(y, name)
    if y.ndim == 2 and y.shape[1] > 1:       # one-hot rows or probabilities
        y = y.argmax(axis=1)
    y = y.reshape(-1)
    # Whole numbers that an int64 holds exactly: NaN, infinity or 1e300 would cast to garbage.
    if y.dtype.kind not in "biuf" or (y.dtype.kind == "f" and not (
            np.all(np.abs(y) <= 2.0**53) and np.all(y == np.round(y)))):
        raise ShapeError(f"{name} must hold whole-number class labels")
    y = y.astype(np.int64)
    if y.size and y.min() < 0:
        raise ShapeError(f"{name} has a negative label ({y.min()})")
    return y


def confusion_matrix(y_true, y_pred, n_classes: int | None = None) -> np.ndarray:
    """Counts of (true class, predicted class) pairs: an (n_classes, n_classes) int64 array.

    ``cm[i, j]`` is how many examples of class i were predicted as class j, so the diagonal holds the
    correct answers and each row sums to the number of examples of that class. One-hot or probability
    rows are turned into labels by argmax.

    >>> confusion_matrix([0, 1, 1, 2], [0, 2, 1, 2]).tolist()
    [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    """
    t, p = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if t.shape != p.shape:
        raise ShapeError(f"y_true has {t.size} labels but y_pred has {p.size}")
    seen = int(max(t.max(initial=-1), p.max(initial=-1))) + 1
    n_classes = seen if n_classes is None else checks.positive_int(n_classes, "n_classes")
    checks.allocatable((n_classes, n_classes), "the confusion matrix")
    if seen > n_classes:
        raise ShapeError(f"labels go up to {seen - 1}, more than n_classes={n_classes} allows")
    # Each pair (i, j) becomes the single index i*k + j; one bincount then counts every cell at once.
    return np.bincount(t * n_classes + p, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def accuracy(y_true, y_pred) -> float:
    """The fraction of labels predicted correctly."""
    t, p = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if t.shape != p.shape:
        raise ShapeError(f"y_true has {t.size} labels but y_pred has {p.size}")
    return float(np.mean(t == p)) if t.size else float("nan")
