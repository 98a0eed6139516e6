"""Small 2-D functions with known minima, and the path an optimiser takes down them.

A network's loss has millions of dimensions; these have two, so every step can be drawn. Each
surface gives its value f(p) and its analytic gradient ∇f(p) for points ``p`` of shape ``(..., 2)``
(one point or a whole grid), and :func:`optimizer_path` runs one of neuronet's real optimiser
objects on it, the same update code that training uses:

>>> import neuronet as nn
>>> path = optimizer_path(nn.SGD(0.1), "bowl", start=(-4.0, 1.5), steps=50)
>>> path.shape
(51, 2)
"""

from __future__ import annotations

import copy

import numpy as np

from . import optimizers
from .errors import ConfigError
from .registry import Registry


class Surface:
    """A function of two variables with its gradient, its minimum and a view that frames it.

    Subclasses set ``name``, ``formula`` (for titles), ``start`` (a start that shows the
    function's difficulty), ``minimum`` (the point of the lowest value, or ``None``), ``view``
    ((xmin, xmax), (ymin, ymax)) and ``rates``: the learning rate that each optimiser name of
    :func:`make_optimizer` uses on this surface, chosen so their paths can be told apart.
    """

    name = "surface"
    formula = ""
    start: tuple[float, float] = (0.0, 0.0)
    minimum: tuple[float, float] | None = None
    view: tuple[tuple[float, float], tuple[float, float]] = ((-1.0, 1.0), (-1.0, 1.0))
    rates: dict[str, float] = {}
    steps = 100

    def __call__(self, p) -> np.ndarray:
        raise NotImplementedError

    def gradient(self, p) -> np.ndarray:
        raise NotImplementedError

    @property
    def minima(self) -> tuple[tuple[float, float], ...]:
        """Every point where f is lowest (``minimum`` is one of them)."""
        return () if self.minimum is None else (self.minimum,)

    @property
    def lowest(self) -> float | None:
        """f at the minimum (``None`` when there is none)."""
        return None if self.minimum is None else float(self(np.array(self.minimum)))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


SURFACES = Registry("test function", Surface)


@SURFACES.register
class Bowl(Surface):
    """An elongated quadratic bowl: f(x, y) = ½ (a x² + b y²), ∇f = (a x, b y); minimum 0 at (0, 0).

    With b ≫ a the valley is narrow: a learning rate small enough for the steep y direction
    (η < 2/b) crawls along the shallow x direction. Momentum builds speed along x; the adaptive
    methods (RMSprop, Adam) rescale each coordinate and walk more nearly straight at the minimum.
    """

    name = "bowl"
    start = (-4.0, 1.5)
    minimum = (0.0, 0.0)
    view = ((-4.5, 1.5), (-2.0, 2.0))
    steps = 100

    def __init__(self, a: float = 1.0, b: float = 100.0):
        if not all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
                   and v > 0 for v in (a, b)):
            raise ConfigError(f"bowl: the curvatures a and b must be positive, got a={a}, b={b}")
        self.a, self.b = float(a), float(b)
        self.formula = f"½ ({'' if self.a == 1 else f'{self.a:g} '}x² + {self.b:g} y²)"
        # Plain SGD zigzags across the valley (η b = 1.8 < 2, so it still converges); momentum
        # needs a smaller η, as its steps add up to about η / (1 − μ) times the gradient.
        sgd = 1.8 / self.b
        self.rates = {"sgd": sgd, "momentum": sgd / 3, "nesterov": sgd / 3, "rmsprop": 0.1,
                      "adam": 0.3, "adamw": 0.3}

    def __call__(self, p):
        p = np.asarray(p, dtype=np.float64)
        return 0.5 * (self.a * p[..., 0] ** 2 + self.b * p[..., 1] ** 2)

    def gradient(self, p):
        p = np.asarray(p, dtype=np.float64)
        return np.stack([self.a * p[..., 0], self.b * p[..., 1]], axis=-1)

    def __repr__(self) -> str:
        return f"Bowl(a={self.a:g}, b={self.b:g})"


@SURFACES.register
class Rosenbrock(Surface):
    """Rosenbrock's banana valley: f(x, y) = (1 − x)² + 100 (y − x²)²; minimum 0 at (1, 1).

    ∇f = (−2 (1 − x) − 400 x (y − x²), 200 (y − x²)). Finding the curved valley floor is easy;
    following it to the minimum is slow, because the floor is nearly flat and its walls are steep.
    """

    name = "rosenbrock"
    formula = "(1 − x)² + 100 (y − x²)²"
    start = (-1.2, 1.0)
    minimum = (1.0, 1.0)
    view = ((-2.0, 2.0), (-1.0, 3.0))
    steps = 500
    rates = {"sgd": 2e-3, "momentum": 1e-3, "nesterov": 1e-3, "rmsprop": 0.01, "adam": 0.1,
             "adamw": 0.1}

    def __call__(self, p):
        p = np.asarray(p, dtype=np.float64)
        x, y = p[..., 0], p[..., 1]
        return (1 - x) ** 2 + 100 * (y - x * x) ** 2

    def gradient(self, p):
        p = np.asarray(p, dtype=np.float64)
        x, y = p[..., 0], p[..., 1]
        return np.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], axis=-1)


@SURFACES.register
class Saddle(Surface):
    """A saddle between two valleys: f(x, y) = ½ x² − ½ y² + ¼ y⁴; minima −¼ at (0, ±1).

    ∇f = (x, y³ − y). The origin is a saddle point, flat in every direction; a start just off the
    ridge (y ≈ 0) shows how long each method lingers there before it rolls into a valley.
    """

    name = "saddle"
    formula = "½ x² − ½ y² + ¼ y⁴"
    start = (-2.0, 1e-3)
    minimum = (0.0, 1.0)
    view = ((-2.5, 1.0), (-1.5, 1.5))
    steps = 80
    rates = {"sgd": 0.1, "momentum": 0.02, "nesterov": 0.02, "rmsprop": 0.05, "adam": 0.05,
             "adamw": 0.05}
    minima = ((0.0, 1.0), (0.0, -1.0))

    def __call__(self, p):
        p = np.asarray(p, dtype=np.float64)
        x, y = p[..., 0], p[..., 1]
        return 0.5 * x * x - 0.5 * y * y + 0.25 * y ** 4

    def gradient(self, p):
        p = np.asarray(p, dtype=np.float64)
        x, y = p[..., 0], p[..., 1]
        return np.stack([x, y ** 3 - y], axis=-1)


# Optimiser names that make_optimizer knows beyond the registry's: SGD with a heavy ball.
_MOMENTUM = {"momentum": {"momentum": 0.9}, "nesterov": {"momentum": 0.9, "nesterov": True}}


names = SURFACES.names
get = SURFACES.get   # "bowl", "rosenbrock", "saddle", or a Surface as it is


def optimizer_names() -> list[str]:
    """The optimiser names :func:`make_optimizer` accepts."""
    return ["sgd", *_MOMENTUM, *(n for n in optimizers.names() if n != "sgd")]


def make_optimizer(spec, function: str | Surface = "bowl") -> optimizers.Optimizer:
    """An optimiser for descending ``function``: a fresh copy of an Optimizer object, or one made
    from a name (``"sgd"``, ``"momentum"`` = SGD with momentum 0.9, ``"nesterov"``, ``"rmsprop"``,
    ``"adam"``, ``"adamw"``) with the learning rate that suits this surface (``Surface.rates``).

    Objects are copied, so their state (momentum, step count) is not changed by drawing a path.
    """
    if isinstance(spec, optimizers.Optimizer):
        return copy.deepcopy(spec)
    if not isinstance(spec, str):
        raise ConfigError(f"an optimizer must be a name or an Optimizer object, not {type(spec).__name__}")
    key = spec.strip().lower()
    known = optimizer_names()
    if key not in known:
        raise ConfigError(f"unknown optimizer {spec!r}; choose one of: {', '.join(known)}")
    surface = get(function)
    lr = surface.rates.get(key, 0.01)
    if key in _MOMENTUM:
        return optimizers.SGD(lr, **_MOMENTUM[key])
    return optimizers.get(key, lr=lr)


def check_start(start, surface: Surface) -> np.ndarray:
    """``start`` (or the surface's own) as a float64 point of shape (2,), or a ConfigError."""
    if start is None:
        start = surface.start
    try:
        p = np.array(start, dtype=np.float64)
    except (TypeError, ValueError):
        raise ConfigError(f"start must be a point (x, y) of two numbers, got {start!r}") from None
    if p.shape != (2,) or not np.all(np.isfinite(p)):
        raise ConfigError(f"start must be a point (x, y) of two finite numbers, got {start!r}")
    return p


def check_steps(steps, surface: Surface) -> int:
    """``steps`` (or the surface's own count) as an int >= 1, or a ConfigError."""
    if steps is None:
        return surface.steps
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ConfigError(f"steps must be a whole number >= 1, got {steps!r}")
    return int(steps)


def optimizer_path(optimizer, function: str | Surface = "bowl", start=None, steps: int | None = None
                   ) -> np.ndarray:
    """The points an optimiser visits on a 2-D function: an array of shape ``(steps + 1, 2)``.

    Row 0 is ``start`` (default: the surface's own); row k is the point after k calls of the
    optimiser's real ``step``, each given the exact gradient ∇f at the current point, i.e. full-batch
    gradient descent, one step per epoch (so a learning-rate schedule moves every step). The point
    is held as a ``(1, 2)`` float64 "weight" named ``"w"``, so weight decay applies to it as to a
    layer's weights. ``optimizer`` is a name or an Optimizer object (copied; see
    :func:`make_optimizer`). If the point leaves the finite numbers (too large a learning rate),
    the path ends at the last finite point, so it may be shorter.

    With plain SGD, row k + 1 is exactly x_k − η ∇f(x_k).
    """
    surface = get(function)
    p0 = check_start(start, surface)
    n = check_steps(steps, surface)
    opt = make_optimizer(optimizer, surface)
    w = p0.reshape(1, 2).copy()
    path = [p0.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(n):
            opt.set_epoch(k)
            opt.step([("w", w, surface.gradient(w))])
            if not np.all(np.isfinite(w)):
                break
            path.append(w[0].copy())
    return np.array(path)

