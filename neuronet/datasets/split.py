"""Seeded train/validation splits, optionally stratified (each class keeps its share).

A split draws ``val_size`` sample indices with a generator seeded by ``seed``, so the same seed on
the same data always holds out the same samples. Stratified, each class ``c`` with ``n_c`` of the
``n`` samples gives ``n_c * val_size / n`` of them to validation, rounded so that the parts still
add up to exactly ``val_size``: every class first gets the whole part of its share, then the slots
left over go to the classes with the largest fractional parts (largest-remainder rounding).
"""

from __future__ import annotations

import numpy as np

from .. import checks
from ..errors import ConfigError, ShapeError


def train_val_split(
    x: np.ndarray,
    y: np.ndarray,
    val_fraction: float | None = 0.1,
    val_size: int | None = None,
    seed: int | None = 0,
    stratify: bool = False,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Split ``(x, y)`` into ``(x_train, y_train), (x_val, y_val)``, row by row.

    Args:
        x: samples, shape ``(n, ...)``.
        y: labels, shape ``(n,)``, or target rows ``(n, k)`` (not with ``stratify``).
        val_fraction: share of samples for validation, in (0, 1); ignored if ``val_size`` is set.
        val_size: exact number of validation samples, in ``1 .. n-1``.
        seed: None, a non-negative integer (the same seed always gives the same split) or a
            NumPy ``Generator``, which is drawn from (and so advanced).
        stratify: keep each class's share in both parts (largest-remainder rounding, so the
            validation part still has exactly ``val_size`` samples).

    Returns:
        ``x_train`` ``(n - val_size, ...)``, ``y_train`` ``(n - val_size,)`` or
        ``(n - val_size, k)``, and ``x_val``, ``y_val`` likewise with ``val_size`` rows. Both
        parts keep the original order of samples, so a split of sorted data stays sorted.

    Raises:
        ShapeError: ``x`` is not an array of samples, or ``y`` does not have one row per sample.
        ConfigError: ``val_fraction`` not a number in (0, 1) (a string such as ``"0.5"`` too),
            ``val_size`` not an integer, a validation size outside ``1 .. n-1`` (which would leave
            one part empty), a bad ``seed`` or a ``stratify`` that is not True or False.

    Example::

        (x_tr, y_tr), (x_val, y_val) = train_val_split(x, y, val_fraction=0.2, stratify=True)
    """
    try:
        x, y = np.asarray(x), np.asarray(y)
    except (TypeError, ValueError) as exc:   # ragged lists
        raise ShapeError(f"train_val_split: x and y must be arrays: {exc}") from None
    if x.ndim == 0:
        raise ShapeError(f"train_val_split: x must have one row per sample, got {checks.shown(x)}")
    n = len(x)
    stratify = checks.flag(stratify, "train_val_split: stratify")
    if y.ndim == 0 or len(y) != n or (stratify and y.ndim != 1):
        expected = f"({n},)" if stratify else f"({n},) or ({n}, k)"
        raise ShapeError(f"train_val_split: y must have shape {expected}, got {y.shape}")
    if val_size is None:
        # NaN fails both comparisons, so it is refused too; a string such as "0.5" is not a number.
        if not (checks.is_real(val_fraction) and 0.0 < val_fraction < 1.0):
            raise ConfigError(f"train_val_split: val_fraction must be in (0, 1), "
                              f"got {checks.shown(val_fraction)}")
        val_size = int(round(n * float(val_fraction)))
    else:
        val_size = checks.integer(val_size, "train_val_split: val_size")
    if not 1 <= val_size <= n - 1:
        raise ConfigError(
            f"train_val_split: validation size must be in 1..{n - 1} for {n} samples, "
            f"got {val_size}"
        )
    # A Generator is drawn from as given (callers that thread one generator through keep doing so).
    rng = (seed if isinstance(seed, np.random.Generator)
           else np.random.default_rng(checks.seed(seed, "train_val_split: seed")))

    if not stratify:
        val_idx = rng.permutation(n)[:val_size]
    else:
        classes, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
        share = counts * (val_size / n)
        take = np.floor(share).astype(np.int64)
        # Hand the leftover slots to the classes with the largest fractional parts.
        leftover = val_size - take.sum()
        order = np.argsort(-(share - take), kind="stable")
        take[order[:leftover]] += 1
        val_idx = np.concatenate(
            [rng.permutation(np.flatnonzero(inverse == c))[:t] for c, t in enumerate(take)]
        )
    is_val = np.zeros(n, dtype=bool)
    is_val[val_idx] = True
    return (x[~is_val], y[~is_val]), (x[is_val], y[is_val])
