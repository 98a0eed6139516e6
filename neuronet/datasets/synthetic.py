"""Small seeded 2-D classification problems, for trying out a network in seconds.

Each generator draws ``n_samples`` points in the plane, split as evenly as ``n_samples`` allows
over the classes, jittered by Gaussian noise of standard deviation ``noise`` and shuffled:

* ``x`` float32, shape ``(n_samples, 2)``: the coordinates, raw (not scaled);
* ``y`` int64, shape ``(n_samples,)``: the class of each point, ``0 .. n_classes-1``.

The same ``seed`` always gives the same data. None of these sets can be separated by one straight
line (blobs aside), so they show what a hidden layer buys. :func:`~neuronet.datasets.load` splits
them into a training and a test part.

Two more sets are regression problems, a number to predict at each point rather than a class
(:data:`REGRESSION_GENERATORS`; ``y`` float32 ``(n_samples,)``, ``noise`` the standard deviation
added to it): ``plane``, ``(x + y) / 2``, which one linear unit fits, and ``bumps``, four Gaussian
bumps of alternating sign, which needs hidden units.

Example::

    x, y = make_spiral(300, n_classes=3, noise=0.2, seed=1)    # x (300, 2), y (300,)
"""

from __future__ import annotations

import math

import numpy as np

from .. import checks
from ..errors import ConfigError

#: ``(x, y)``: float32 points of shape ``(n_samples, 2)`` and int64 labels ``(n_samples,)``.
XY = tuple[np.ndarray, np.ndarray]


def _check(n_samples: int, n_classes: int, noise: float, seed: int | None, name: str) -> None:
    """Refuse bad settings with a ConfigError before NumPy fails on them less clearly."""
    checks.integer(n_classes, f"{name}: n_classes", low=2)
    if not checks.is_integer(n_samples) or n_samples < n_classes:
        raise ConfigError(f"{name}: n_samples must be an integer >= n_classes ({n_classes}), "
                          f"got {checks.shown(n_samples)}")
    _check_nonnegative(noise, "noise", name)
    _check_seed(seed, name)


def _check_seed(seed: int | None, name: str) -> None:
    if seed is not None and (not checks.is_integer(seed) or seed < 0):
        raise ConfigError(f"{name}: seed must be an integer >= 0 or None, got {checks.shown(seed)}")


def _check_nonnegative(value: float, field: str, name: str) -> None:
    """Refuse anything but a finite real number >= 0 (NaN, infinity, strings, bools)."""
    if not checks.is_real(value) or not math.isfinite(value) or value < 0:
        raise ConfigError(f"{name}: {field} must be a finite number >= 0, got {checks.shown(value)}")


def _class_sizes(n_samples: int, n_classes: int) -> np.ndarray:
    """How many points each class gets: ``n_samples // n_classes``, the first ones one more."""
    sizes = np.full(n_classes, n_samples // n_classes)
    sizes[: n_samples % n_classes] += 1
    return sizes


def _finish(x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> XY:
    """Shuffle the points (generated class by class) and give them the dtypes of :data:`XY`."""
    order = rng.permutation(len(y))
    return x[order].astype(np.float32), y[order].astype(np.int64)


def make_xor(n_samples: int = 1000, noise: float = 0.1, seed: int | None = 0) -> XY:
    """Points around the four corners ``(±1, ±1)``; class 1 where the coordinates differ in sign.

    ``noise`` is the standard deviation of the Gaussian jitter around each corner.
    """
    _check(n_samples, 2, noise, seed, "xor")
    rng = np.random.default_rng(seed)
    corners = np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]], dtype=np.float64)
    which = np.arange(n_samples) % 4
    x = corners[which] * rng.uniform(0.3, 1.0, size=(n_samples, 1))
    x += rng.normal(0.0, noise, size=x.shape)
    y = (which >= 2).astype(np.int64)
    return _finish(x, y, rng)


def make_circles(n_samples: int = 1000, noise: float = 0.05, seed: int | None = 0,
                 n_classes: int = 2) -> XY:
    """Concentric rings, class ``k`` at radius ``(k + 1) / n_classes``, Gaussian jitter ``noise``."""
    _check(n_samples, n_classes, noise, seed, "circles")
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for k, m in enumerate(_class_sizes(n_samples, n_classes)):
        angle = rng.uniform(0.0, 2 * np.pi, m)
        radius = (k + 1) / n_classes
        xs.append(np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]))
        ys.append(np.full(m, k))
    x = np.concatenate(xs) + rng.normal(0.0, noise, size=(n_samples, 2))
    return _finish(x, np.concatenate(ys), rng)


def make_moons(n_samples: int = 1000, noise: float = 0.1, seed: int | None = 0) -> XY:
    """Two interleaving half circles: the upper one class 0, the lower, shifted one class 1.

    Class 0 lies on the unit circle above the x axis, class 1 on the unit circle below, moved by
    ``(1, 0.5)``; ``noise`` is the standard deviation of the Gaussian jitter.
    """
    _check(n_samples, 2, noise, seed, "moons")
    rng = np.random.default_rng(seed)
    m0, m1 = _class_sizes(n_samples, 2)
    a0 = rng.uniform(0.0, np.pi, m0)
    a1 = rng.uniform(0.0, np.pi, m1)
    upper = np.column_stack([np.cos(a0), np.sin(a0)])
    lower = np.column_stack([1.0 - np.cos(a1), 0.5 - np.sin(a1)])
    x = np.concatenate([upper, lower]) + rng.normal(0.0, noise, size=(n_samples, 2))
    y = np.concatenate([np.zeros(m0), np.ones(m1)])
    return _finish(x, y, rng)


def make_spiral(n_samples: int = 1000, noise: float = 0.1, seed: int | None = 0,
                n_classes: int = 3) -> XY:
    """``n_classes`` spiral arms winding out from the origin.

    Arm ``k`` at radius ``r`` in ``[0, 1]`` has angle ``4r + 2πk / n_classes`` (plus noise, in
    radians, scaled so that ``noise=0.1`` keeps arms clearly apart).
    """
    _check(n_samples, n_classes, noise, seed, "spiral")
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for k, m in enumerate(_class_sizes(n_samples, n_classes)):
        r = np.linspace(0.05, 1.0, m)
        angle = 4.0 * r + 2 * np.pi * k / n_classes + rng.normal(0.0, 2.0 * noise, m)
        xs.append(np.column_stack([r * np.sin(angle), r * np.cos(angle)]))
        ys.append(np.full(m, k))
    return _finish(np.concatenate(xs), np.concatenate(ys), rng)


def make_blobs(n_samples: int = 1000, noise: float = 1.0, seed: int | None = 0, n_classes: int = 3,
               spread: float = 5.0) -> XY:
    """One round Gaussian cluster per class, of standard deviation ``noise``.

    The centres are drawn uniformly from the square ``[-spread, spread]²``, so with a small
    ``spread`` or a large ``noise`` the clusters overlap.
    """
    _check(n_samples, n_classes, noise, seed, "blobs")
    _check_nonnegative(spread, "spread", "blobs")
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-spread, spread, size=(n_classes, 2))
    sizes = _class_sizes(n_samples, n_classes)
    y = np.repeat(np.arange(n_classes), sizes)
    x = centres[y] + rng.normal(0.0, noise, size=(n_samples, 2))
    return _finish(x, y, rng)


#: name -> (generator, whether it takes ``n_classes``); :func:`~neuronet.datasets.load` and the lab
#: look the generators up here.
GENERATORS = {
    "xor": (make_xor, False),
    "circles": (make_circles, True),
    "moons": (make_moons, False),
    "spiral": (make_spiral, True),
    "blobs": (make_blobs, True),
}


def _points_in_square(n_samples: int, noise: float, seed: int | None, name: str) -> tuple:
    """(points (n, 2) uniform in [-1, 1]², generator) for a regression set, settings checked."""
    if not checks.is_integer(n_samples) or n_samples < 1:
        raise ConfigError(f"{name}: n_samples must be a positive integer, got {checks.shown(n_samples)}")
    _check_nonnegative(noise, "noise", name)
    _check_seed(seed, name)
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.0, 1.0, size=(n_samples, 2)), rng


def make_plane(n_samples: int = 1000, noise: float = 0.05, seed: int | None = 0) -> XY:
    """Points uniform in [-1, 1]², target t = (x + y) / 2 + ε, ε ~ N(0, noise²): a tilted plane."""
    x, rng = _points_in_square(n_samples, noise, seed, "plane")
    t = (x[:, 0] + x[:, 1]) / 2 + rng.normal(0.0, noise, n_samples)
    return x.astype(np.float32), t.astype(np.float32)


def make_bumps(n_samples: int = 1000, noise: float = 0.05, seed: int | None = 0) -> XY:
    """Points uniform in [-1, 1]², target a bump in each quadrant, up where x and y share a sign:

        t = Σ_k s_k exp(−|p − c_k|² / (2 · 0.3²)) + ε,  c_k = (±0.5, ±0.5),  s_k = sign(c_k,x · c_k,y)
    """
    x, rng = _points_in_square(n_samples, noise, seed, "bumps")
    centres = np.array([[0.5, 0.5], [-0.5, -0.5], [0.5, -0.5], [-0.5, 0.5]])     # (4, 2)
    signs = np.sign(centres[:, 0] * centres[:, 1])                                  # (4,)
    squared = ((x[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)              # (n, 4)
    t = np.exp(-squared / (2 * 0.3**2)) @ signs + rng.normal(0.0, noise, n_samples)
    return x.astype(np.float32), t.astype(np.float32)


#: name -> generator of a regression set (targets float32 (n,)), for the lab and your own trials.
REGRESSION_GENERATORS = {"plane": make_plane, "bumps": make_bumps}
