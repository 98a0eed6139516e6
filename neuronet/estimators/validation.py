"""The estimators' door: what scikit-learn's conventions ask of ``X``, ``y`` and ``sample_weight``.

General checks come from :mod:`neuronet.checks`; what is here is only what scikit-learn adds, in the
words its ``check_estimator`` looks for: sparse matrices refused, ``X`` strictly 2-D with at least one
sample and one feature, the number of features remembered from ``fit``, an element that is no number
raised as a ``TypeError``, and a ``NotFittedError`` that scikit-learn's own tools recognise.

None of this scans for NaN or infinity: the network's :meth:`~neuronet.network.Network.check_examples`
(in ``fit``) and :meth:`~neuronet.network.Network.check_inputs` (in ``predict``) do that, once.
"""

from __future__ import annotations

import functools
import sys

import numpy as np

from .. import checks
from ..errors import NotFittedError, ShapeError


class _NotNumberError(ShapeError, TypeError):
    """An element of X is not a number (a TypeError too: that is what NumPy raises for it, and what
    scikit-learn's ``check_dtype_object`` expects)."""


def is_sparse(a) -> bool:
    """A SciPy sparse matrix or array (recognised without importing SciPy)."""
    return type(a).__module__.startswith("scipy.sparse")


def numeric(a, name: str) -> np.ndarray:
    """:func:`neuronet.checks.numeric_array`, except that an element NumPy cannot read as a number
    (``{"a": 1}`` in an object array) raises an error that is also a ``TypeError``."""
    try:
        return checks.numeric_array(a, name)
    except ShapeError as exc:
        # numeric_array raises `from None`; the TypeError it caught is still the context.
        if isinstance(exc.__context__, TypeError):
            raise _NotNumberError(str(exc)) from None
        raise


def features(X, estimator: str, n_features: int | None = None) -> np.ndarray:
    """``X`` as a 2-D numeric array (n_samples, n_features) with at least one of each; when
    ``n_features`` is given (after ``fit``), with exactly that many features. Not yet cast to the
    network's dtype nor scanned for NaN: the network does both, once."""
    if is_sparse(X):
        raise ShapeError(f"X is a sparse matrix; {estimator} needs a dense array (X.toarray())")
    X = numeric(X, "X")
    if X.ndim != 2:
        raise ShapeError(f"X must be a 2-D array of shape (n_samples, n_features), got shape "
                         f"{X.shape}. Reshape your data with X.reshape(-1, 1) if it has one "
                         f"feature, X.reshape(1, -1) if it is one example")
    if X.shape[1] == 0:
        raise ShapeError(f"X has 0 feature(s) (shape={X.shape}) while a minimum of 1 is required.")
    if X.shape[0] == 0:
        raise ShapeError(f"X has 0 sample(s) (shape={X.shape}) while a minimum of 1 is required.")
    if n_features is not None and X.shape[1] != n_features:
        raise ShapeError(f"X has {X.shape[1]} features, but {estimator} is expecting "
                         f"{n_features} features as input")
    return X


def target_array(y, n: int, estimator: str) -> np.ndarray:
    """``y`` as an array with one entry (a label or a row of targets) for each of the ``n`` examples."""
    if y is None:
        raise ShapeError(f"{estimator} requires y to be passed, but the target y is None")
    if is_sparse(y):
        raise ShapeError("y is a sparse matrix; pass a dense array")
    try:
        y = np.asarray(y)
    except (ValueError, TypeError) as exc:
        raise ShapeError(f"y is not an array: {exc}") from None
    if y.ndim == 0 or len(y) != n:
        raise ShapeError(f"y has {y.shape[0] if y.ndim else 0} values for the {n} examples of X")
    if y.dtype.kind == "c":
        raise ShapeError(f"Complex data not supported: y has dtype {y.dtype}")
    return y


def sample_weight(weights, n: int) -> np.ndarray | None:
    """``score``'s ``sample_weight`` as (n,) float64 (or None), or a ShapeError saying what is wrong."""
    if weights is None:
        return None
    w = numeric(weights, "sample_weight")
    if w.shape != (n,):
        raise ShapeError(f"sample_weight must have shape ({n},), got {w.shape}")
    w = w.astype(np.float64)
    if not (np.isfinite(w).all() and (w >= 0).all()):
        raise ShapeError("sample_weight must be finite and >= 0")
    if w.sum() == 0:
        raise ShapeError("sample_weight sums to 0: no example would count")
    return w


def not_fitted(message: str) -> NotFittedError:
    """neuronet's NotFittedError; once scikit-learn is loaded, one that is also scikit-learn's, so
    that its tools (``check_estimator``, code that catches its NotFittedError) recognise it.

    scikit-learn is never imported for this: if it is not loaded already, nobody can catch its class.
    """
    module = sys.modules.get("sklearn.exceptions")
    if module is None:
        return NotFittedError(message)
    return _with_sklearn_base(module.NotFittedError)(message)


@functools.cache
def _with_sklearn_base(sklearn_error: type) -> type:
    # Unpickled (e.g. by a worker process) as plain neuronet NotFittedError: the class is made here.
    return type("NotFittedError", (NotFittedError, sklearn_error),
                {"__module__": NotFittedError.__module__,
                 "__reduce__": lambda self: (NotFittedError, self.args)})
