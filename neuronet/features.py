"""Input features of points in the plane: x and y themselves, and a few functions of them that a
network would otherwise have to learn to compute.

A point (x, y) becomes the row of its chosen features, for instance::

    x, y, x², y², xy, sin x, sin y

With x² and y² a single linear unit already draws a circle (w₁x² + w₂y² + b = 0); with xy it
separates the quadrants of XOR. :class:`PlaneFeatures` is that map as the first layer of a network,
so the network (and its model file) takes the raw points, and ``predict`` needs nothing else::

    net = mlp([2, 8, 2], features=["x", "y", "x2", "y2"])     # PlaneFeatures(4 features) -> 8 -> 2

Each feature's value f(x, y) and its two partial derivatives ∂f/∂x, ∂f/∂y are written side by side
in :data:`FEATURES`, and backward is the chain rule through them (for a gradient check, or a layer
below that learns):

    dL/dx = Σ_k dL/df_k · ∂f_k/∂x,    dL/dy = Σ_k dL/df_k · ∂f_k/∂y

>>> PlaneFeatures(["x", "xy", "sinx"]).forward(np.array([[2.0, 3.0]])).round(3).tolist()
[[2.0, 6.0, 0.909]]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from . import checks
from .errors import ConfigError, ShapeError
from .layers import LAYERS, Layer

Column = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Feature:
    """One feature of a point: how it is written, its value and its two partial derivatives, each
    a function of the columns x, y (batch,) giving (batch,)."""

    label: str
    value: Column
    d_dx: Column
    d_dy: Column


def _zero(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.zeros_like(x)


def _one(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.ones_like(x)


#: The features by name, in the order a page offers them (TensorFlow Playground's seven).
FEATURES: dict[str, Feature] = {
    "x": Feature("x", lambda x, y: x, _one, _zero),
    "y": Feature("y", lambda x, y: y, _zero, _one),
    "x2": Feature("x\u00b2", lambda x, y: x * x, lambda x, y: 2 * x, _zero),
    "y2": Feature("y\u00b2", lambda x, y: y * y, _zero, lambda x, y: 2 * y),
    "xy": Feature("xy", lambda x, y: x * y, lambda x, y: y, lambda x, y: x),
    "sinx": Feature("sin x", lambda x, y: np.sin(x), lambda x, y: np.cos(x), _zero),
    "siny": Feature("sin y", lambda x, y: np.sin(y), _zero, lambda x, y: np.cos(y)),
}


def check_names(names, where: str = "features") -> list[str]:
    """``names`` as a list of distinct feature names from :data:`FEATURES` (at least one)."""
    if isinstance(names, str) or not isinstance(names, Sequence) or not names:
        raise ConfigError(f"{where} must be a non-empty list of feature names from "
                          f"{', '.join(FEATURES)}; got {checks.shown(names)}")
    for name in names:
        if not isinstance(name, str) or name not in FEATURES:
            raise ConfigError(f"{where}: unknown feature {checks.shown(name)}; choose from "
                              f"{', '.join(FEATURES)}")
    if len(set(names)) != len(names):
        raise ConfigError(f"{where}: each feature may appear once; got {checks.shown(list(names))}")
    return list(names)


def expand(points, names) -> np.ndarray:
    """The features ``names`` of ``points`` (n, 2): an array (n, len(names)), one column per name
    in the order given; float64 points (NumPy reads a list of floats as float64) stay float64, any
    other numbers become float32."""
    names = check_names(names)
    points = checks.numeric_array(points, "points")
    if points.ndim != 2 or points.shape[1] != 2:
        raise ShapeError(f"points must have shape (n, 2), got {points.shape}")
    dtype = points.dtype if points.dtype == np.float64 else np.float32
    return PlaneFeatures(names).forward(checks.cast_finite(points, np.dtype(dtype), "points"))


@LAYERS.register
class PlaneFeatures(Layer):
    """The first layer of a network on points in the plane: (batch, 2) -> (batch, k), column k the
    feature ``features[k]`` of each point (see :data:`FEATURES`). It has no parameters.

    Forward: f_k(x, y) for every row. Backward: dL/dx = Σ_k g_k ∂f_k/∂x (and likewise for y), from
    g = dL/d(output) (batch, k); as the first layer of a network it is never asked for it.
    """

    n_in = 2

    def __init__(self, features: Sequence[str] = ("x", "y")) -> None:
        super().__init__()
        self.features = check_names(features, "PlaneFeatures: features")
        self._points = None

    def forward(self, x, training=False):
        if x.ndim != 2 or x.shape[1] != 2:
            raise ShapeError(f"PlaneFeatures takes points (batch, 2), got {x.shape}")
        self._points = x
        px, py = x[:, 0], x[:, 1]                                               # (batch,) each
        return np.column_stack([FEATURES[n].value(px, py) for n in self.features]).astype(x.dtype,
                                                                                           copy=False)

    def backward(self, grad, need_input_grad=True):
        if not need_input_grad:
            return None
        if self._points is None:
            raise ConfigError("PlaneFeatures.backward called before forward")
        px, py = self._points[:, 0], self._points[:, 1]
        d_dx = np.column_stack([FEATURES[n].d_dx(px, py) for n in self.features])   # (batch, k)
        d_dy = np.column_stack([FEATURES[n].d_dy(px, py) for n in self.features])
        return np.column_stack([(grad * d_dx).sum(axis=1), (grad * d_dy).sum(axis=1)]).astype(grad.dtype)

    def output_dim(self, input_dim: int) -> int:
        if input_dim != 2:
            raise ShapeError(f"PlaneFeatures takes points with 2 coordinates, not {input_dim} inputs")
        return len(self.features)

    @property
    def labels(self) -> list[str]:
        """How each output column is written (x, y, x², y², xy, sin x, sin y)."""
        return [FEATURES[n].label for n in self.features]

    def get_config(self):
        return {"type": "PlaneFeatures", "features": list(self.features)}

    def __repr__(self):
        return f"PlaneFeatures({self.features!r})"
