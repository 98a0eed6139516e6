"""Checks at the doors: what a user passes in is checked once, where it enters, by these functions,
and trusted from there on.

Every check returns the value in the type the rest of neuronet wants (``np.int64(3)`` becomes ``3``,
a list of rows becomes a contiguous float32 array) or raises a one-line error from
:mod:`neuronet.errors` that names the value, what was expected and what was given:

    >>> positive_int(np.int64(3), "epochs")
    3
    >>> positive_int(0, "epochs")
    Traceback (most recent call last):
    ...
    neuronet.errors.ConfigError: epochs must be a positive integer, got 0

Arrays of examples have their own door, :func:`examples`: the inputs ``X`` as ``(n, n_in)`` and the
targets ``y`` as ``(n, n_out)`` rows plus integer class labels where there are classes, scanned for
NaN and infinity once. :class:`Examples` is what comes out, and what the training loop takes.
"""

from __future__ import annotations

import math
import numbers
import os
import reprlib
from typing import NamedTuple

import numpy as np

from .errors import ConfigError, ShapeError

_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = 40
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict = 3, 6, 4


def shown(value) -> str:
    """``repr(value)`` cut short for a one-line message: a bad value may be megabytes long or nested
    a thousand deep (where plain ``repr`` would run out of stack). NumPy scalars show as the Python
    value they hold (9, not np.int64(9))."""
    if isinstance(value, np.generic):
        value = value.item()
    text = _REPR.repr(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:57] + "..."


# --- single values ---------------------------------------------------------------------------------
def is_integer(value) -> bool:
    """An integer of any kind (Python or NumPy), but not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real(value) -> bool:
    """A real number of any kind (Python or NumPy), but not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def integer(value, name: str, low: int | None = None, high: int | None = None) -> int:
    """``value`` as an ``int`` if it is an integer from ``low`` to ``high`` (either may be open)."""
    if is_integer(value) and (low is None or value >= low) and (high is None or value <= high):
        return int(value)
    if high is not None:
        expected = f"an integer from {low} to {high}" if low is not None else f"an integer <= {high}"
    else:
        expected = {None: "an integer", 0: "a non-negative integer", 1: "a positive integer"}.get(
            low, f"an integer >= {low}")
    raise ConfigError(f"{name} must be {expected}, got {shown(value)}")


def positive_int(value, name: str) -> int:
    """``value`` as an ``int`` ≥ 1."""
    return integer(value, name, low=1)


def non_negative_int(value, name: str) -> int:
    """``value`` as an ``int`` ≥ 0."""
    return integer(value, name, low=0)


def number(value, name: str, low: float | None = None, high: float | None = None,
           low_open: bool = False, high_open: bool = False) -> float:
    """``value`` as a finite ``float`` in the interval from ``low`` to ``high`` (closed unless
    ``low_open`` / ``high_open``)."""
    ok = is_real(value) and math.isfinite(value)
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if ok:
        return float(value)
    if low is not None and high is not None:
        expected = f"a number in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    elif low is not None:
        expected = ("a positive number" if low == 0 and low_open else
                    "a non-negative number" if low == 0 else
                    f"a number {'>' if low_open else '>='} {low:g}")
    elif high is not None:
        expected = f"a number {'<' if high_open else '<='} {high:g}"
    else:
        expected = "a finite number"
    raise ConfigError(f"{name} must be {expected}, got {shown(value)}")


def positive(value, name: str) -> float:
    """``value`` as a finite ``float`` > 0 (a learning rate, a clipping norm)."""
    return number(value, name, low=0, low_open=True)


def non_negative(value, name: str) -> float:
    """``value`` as a finite ``float`` ≥ 0 (a weight decay, a tolerance)."""
    return number(value, name, low=0)


def rate(value, name: str) -> float:
    """``value`` as a ``float`` in [0, 1): a dropout rate, a momentum, an Adam β."""
    return number(value, name, low=0, high=1, high_open=True)


def flag(value, name: str) -> bool:
    """``value`` if it is a bool (NumPy's included): ``shuffle="no"`` is refused, not read as True."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise ConfigError(f"{name} must be True or False, got {shown(value)}")


def one_of(value, name: str, choices) -> str:
    """``value`` if it is one of the strings ``choices``."""
    if isinstance(value, str) and value in choices:
        return value
    raise ConfigError(f"{name} must be one of {', '.join(map(str, choices))}; got {shown(value)}")


def seed(value, name: str = "seed") -> int | None:
    """A random seed: None (fresh entropy) or a non-negative integer, as NumPy's generators take."""
    return None if value is None else non_negative_int(value, name)


def text(value, name: str) -> str:
    """``value`` if it is a string (a name, a key of the history)."""
    if isinstance(value, str):
        return value
    raise ConfigError(f"{name} must be a string, got {shown(value)}")


def verbosity(value, name: str = "verbose") -> int:
    """A verbosity level: True/False (as 1/0) or a non-negative integer."""
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    return non_negative_int(value, name)


def float_dtype(value, name: str = "dtype") -> np.dtype:
    """``value`` (``"float32"``, ``np.float64``, a dtype ...) as the float32 or float64 dtype."""
    spelled = value if isinstance(value, str) else None
    if value is not None and spelled is None:
        try:
            spelled = np.dtype(value).name
        except (TypeError, ValueError):
            pass
    if spelled not in ("float32", "float64"):
        raise ConfigError(f"{name} must be float32 or float64, got {shown(value)}")
    return np.dtype(spelled)


def path(value, name: str = "path") -> str:
    """``value`` (a ``str`` or an ``os.PathLike`` such as ``pathlib.Path``) as a ``str`` file path."""
    if isinstance(value, (str, os.PathLike)):
        result = os.fspath(value)
        if isinstance(result, str) and result:
            return result
    raise ConfigError(f"{name} must be a file path (a str or pathlib.Path), got {shown(value)}")


# The most values one array may hold when neuronet allocates it for a setting a user gave (a layer's
# weights, a confusion matrix): 2³¹, 8 GiB in float32. A NumPy network that large is a mistyped size
# (784 * 10**9 for 784), and the allocation would fail, or swap the machine to a standstill, later.
MAX_VALUES = (1 << 31) - 1


def allocatable(shape, what: str) -> tuple[int, ...]:
    """``shape`` (integers ≥ 1, already checked) if an array of it holds at most :data:`MAX_VALUES`."""
    n = math.prod(shape)
    if n > MAX_VALUES:
        raise ConfigError(f"{what} of shape {tuple(shape)} would hold {n:.3g} values, more than the "
                          f"2^31 - 1 one array may hold; check the sizes")
    return tuple(shape)


def sizes(value, name: str, low: int = 1) -> list[int]:
    """``value``, a list, tuple or 1-D array of integers ≥ ``low``, as a list of ``int``."""
    if isinstance(value, np.ndarray) and value.ndim == 1:
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        raise ConfigError(f"{name} must be a list of integers, got {shown(value)}")
    return [integer(v, f"{name}[{i}]", low=low) for i, v in enumerate(value)]


# --- arrays ----------------------------------------------------------------------------------------
def numeric_array(a, name: str) -> np.ndarray:
    """``a`` as a real-valued NumPy array (object arrays of numbers are converted), or a ShapeError."""
    try:
        a = np.asarray(a)
    except (ValueError, TypeError) as exc:
        raise ShapeError(f"{name} is not a numeric array: {exc}") from None
    if a.dtype.kind == "c":
        raise ShapeError(f"Complex data not supported: {name} has dtype {a.dtype}")
    if a.dtype.kind == "O":
        try:
            a = a.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise ShapeError(f"{name} must hold numbers: {exc}") from None
    if a.dtype.kind not in "biuf":
        raise ShapeError(f"{name} must be numeric, got dtype {a.dtype}")
    return a


def _not_finite(name: str, value, row: int, col: int, dtype: np.dtype) -> ShapeError:
    """The error for a value that is not finite in ``dtype``: NaN or infinity, or a finite number
    beyond the dtype's range (1e300 in float32), which the cast made infinite."""
    if np.isfinite(value):
        hint = "; scale the data or use dtype='float64'" if dtype == np.float32 else ""
        return ShapeError(f"{name}[{row}, {col}] = {float(value):g} is beyond {dtype.name}'s range "
                          f"(±{float(np.finfo(dtype).max):.3g}){hint}")
    return ShapeError(f"{name} contains NaN or infinity (first at row {row}, column {col})")


def finite_rows(values: np.ndarray, source, name: str) -> np.ndarray:
    """``values`` (2-D, already cast) if every entry is finite; else a ShapeError naming the first
    bad entry as ``source`` (the array before the cast) holds it."""
    # Checked in blocks of about 256k values: isfinite over all of a large X would build an
    # (n, n_in) boolean temporary (47 MB for Fashion-MNIST) and stream it through memory; a block's
    # temporary stays in cache, so the check is both faster and flat in memory.
    rows = max(1, (1 << 18) // max(1, values.shape[1]))
    for start in range(0, len(values), rows):
        block = values[start:start + rows]
        if not np.isfinite(block).all():
            row, col = np.argwhere(~np.isfinite(block))[0]
            row += start
            raise _not_finite(name, source[row, col], row, col, values.dtype)
    return values


def cast_finite(values, dtype: np.dtype, name: str) -> np.ndarray:
    """``values`` (any shape) cast to ``dtype``, if every value is finite there; else a ShapeError
    naming the first one that is not (NaN, infinity, or beyond the dtype's range)."""
    values = np.asarray(values)
    with np.errstate(over="ignore"):
        cast = values.astype(dtype)
    bad = np.flatnonzero(~np.isfinite(cast))
    if bad.size:
        where = tuple(int(i) for i in np.unravel_index(bad[0], cast.shape))
        value = values[where]
        if np.isfinite(value):
            raise ShapeError(f"{name}{list(where)} = {float(value):g} is beyond {np.dtype(dtype).name}'s "
                             f"range (±{float(np.finfo(dtype).max):.3g})")
        raise ShapeError(f"{name} contains NaN or infinity (first at {list(where)})")
    return cast


def inputs(X, n_in: int, dtype: np.dtype, name: str = "X") -> np.ndarray:
    """``X`` as a contiguous, finite ``(n, n_in)`` array of ``dtype``, or a ShapeError saying what is
    wrong. One example of shape ``(n_in,)`` becomes a batch of one; images ``(n, 28, 28)`` are
    flattened when that gives the right width."""
    try:
        X = np.asarray(X)
    except (ValueError, TypeError) as exc:
        raise ShapeError(f"{name} is not a numeric array: {exc}") from None
    if X.dtype.kind not in "biuf":
        raise ShapeError(f"{name} must be numeric, got dtype {X.dtype}")
    if X.ndim == 1 and X.size == n_in:
        X = X[None, :]
    elif X.ndim > 2 and math.prod(X.shape[1:]) == n_in:
        X = X.reshape(X.shape[0], -1)
    if X.ndim != 2 or X.shape[1] != n_in:
        raise ShapeError(f"{name} must have shape (n, {n_in}); got {X.shape}")
    if X.shape[0] == 0:
        raise ShapeError(f"{name} is empty")
    with np.errstate(over="ignore"):   # a finite value beyond the dtype's range is named below
        cast = np.ascontiguousarray(X, dtype=dtype)
    return finite_rows(cast, X, name)


def targets(y, n: int, n_out: int, dtype: np.dtype, name: str = "y",
            values: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """(targets as ``(n, n_out)`` rows of ``dtype``, integer class labels ``(n,)`` or None) from
    class labels ``(n,)`` or target rows ``(n, n_out)`` (one-hot rows count as labels too).

    ``values``: for one output, a 1-D ``y`` holds target values (regression, as scikit-learn and Keras
    take them) rather than class labels; whole 0/1 values still count as labels for accuracy."""
    try:
        y = np.asarray(y)
    except (ValueError, TypeError) as exc:
        raise ShapeError(f"{name} is not an array: {exc}") from None
    if y.shape[:1] != (n,):
        raise ShapeError(f"{name} has {y.shape[0] if y.ndim else 0} labels for {n} examples")
    if y.dtype.kind not in "biuf":
        raise ShapeError(f"{name} must be numeric labels, got dtype {y.dtype}")
    if values and n_out == 1 and y.ndim == 1:
        y = y[:, None]
    if y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1 and n_out > 1):
        return _from_labels(y.reshape(-1), n, n_out, dtype, name)
    if y.ndim != 2 or y.shape[1] != n_out:
        raise ShapeError(f"{name} must be labels of shape ({n},) or targets of shape "
                         f"({n}, {n_out}); got {y.shape}")
    with np.errstate(over="ignore"):
        rows = finite_rows(np.ascontiguousarray(y, dtype=dtype), y, name)
    binary = np.all((rows == 0) | (rows == 1))
    if n_out == 1:  # a column of 0/1 targets is a column of class labels
        return rows, (rows[:, 0].astype(np.int64) if binary else None)
    is_one_hot = binary and np.all(rows.sum(axis=1) == 1)
    return rows, (rows.argmax(axis=1) if is_one_hot else None)


def _from_labels(labels: np.ndarray, n: int, n_out: int, dtype, name: str):
    if labels.dtype.kind == "f":
        if not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels)):
            raise ShapeError(f"{name} must hold whole-number class labels")
    labels = labels.astype(np.int64)
    classes = max(n_out, 2)
    if labels.min() < 0 or labels.max() >= classes:
        raise ShapeError(f"{name} has labels from {labels.min()} to {labels.max()}; this "
                         f"network has {n_out} output(s), so labels must be 0..{classes - 1}")
    if n_out == 1:
        return labels.astype(dtype)[:, None], labels
    rows = np.zeros((n, n_out), dtype=dtype)
    rows[np.arange(n), labels] = 1
    return rows, labels


class Examples(NamedTuple):
    """Examples that passed :func:`examples`: what the training loop and ``evaluate`` work on."""

    X: np.ndarray                 # (n, n_in), the network's dtype, contiguous, finite
    targets: np.ndarray           # (n, n_out), the network's dtype
    labels: np.ndarray | None     # (n,) int64 class labels, or None for targets that are not classes

    def take(self, index) -> Examples:
        """The examples at ``index`` (an integer array or a slice), still checked."""
        return Examples(self.X[index], self.targets[index],
                        None if self.labels is None else self.labels[index])


def examples(X, y, n_in: int, n_out: int, dtype: np.dtype, names: tuple[str, str] = ("X", "y"),
             values: bool = False) -> Examples:
    """``(X, y)`` checked once, as :class:`Examples`: see :func:`inputs` and :func:`targets`."""
    X = inputs(X, n_in, dtype, names[0])
    return Examples(X, *targets(y, len(X), n_out, dtype, names[1], values))


def flag_or(value, name: str, word: str) -> bool | str:
    """``value`` if it is a bool (NumPy's included) or the string ``word``: ``header="auto"``
    as well as True and False, with ``header="no"`` refused rather than read as True."""
    if isinstance(value, str) and value == word:
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise ConfigError(f"{name} must be True, False or {word!r}, got {shown(value)}")


# --- names ---------------------------------------------------------------------------------------
#: The longest class name accepted: a label or a folder name, not a paragraph (file names stop at 255).
MAX_CLASS_NAME = 256


def class_names(names, n_out: int | None = None, name: str = "class_names") -> list[str] | None:
    """``names`` as a list of strings that can label ``n_out`` outputs, or a ConfigError naming the first
    bad one: each a non-empty, printable, one-line string of at most :data:`MAX_CLASS_NAME`
    characters, no two the same, one per class (two for a single sigmoid output). None stays None.

    >>> class_names(["cat", "dog"], 2)
    ['cat', 'dog']
    >>> class_names(["cat", "cat"], 2)
    Traceback (most recent call last):
    ...
    neuronet.errors.ConfigError: class_names[1] repeats class_names[0], 'cat'
    """
    if names is None:
        return None
    if not isinstance(names, (list, tuple)):
        raise ConfigError(f"{name} must be a list of strings, got {shown(names)}")
    classes = None if n_out is None else max(n_out, 2)
    if classes is not None and len(names) != classes:
        raise ConfigError(f"{len(names)} class names for {n_out} outputs"
                          + (" (a single output stands for 2 classes)" if n_out == 1 else ""))
    first: dict[str, int] = {}
    for i, value in enumerate(names):
        where = f"{name}[{i}]"
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where} must be a non-empty string, got {shown(value)}")
        if len(value) > MAX_CLASS_NAME:
            raise ConfigError(f"{where} is {len(value):,} characters long; at most {MAX_CLASS_NAME}")
        if not value.isprintable():
            raise ConfigError(f"{where} holds a line break or another control character: {shown(value)}")
        if value in first:
            raise ConfigError(f"{where} repeats {name}[{first[value]}], {shown(value)}")
        first[value] = i
    return list(names)


# --- files -------------------------------------------------------------------------------------------
def same_file(a, b) -> bool:
    """Whether the paths ``a`` and ``b`` name one file: where both exist, :func:`os.path.samefile`
    (which also sees a hard link); otherwise the same path once made absolute, ``.`` and ``..``
    removed and symbolic links followed (a write to a link replaces the file it points to)."""
    if os.path.exists(a) and os.path.exists(b):
        return os.path.samefile(a, b)
    return os.path.realpath(a) == os.path.realpath(b)


def distinct_files(named) -> None:
    """Refuse two of ``named`` (``(what, path)`` pairs, e.g. ``("--history", "run.json")``; a path of
    None is left out) that name one file: writing the second would destroy the first."""
    given = [(what, path) for what, path in named if path is not None]
    for i, (what, path) in enumerate(given):
        for other, other_path in given[i + 1:]:
            if what != other and same_file(path, other_path):
                raise ConfigError(f"{what} {path} and {other} {other_path} name the same file; "
                                  f"give each its own name")
