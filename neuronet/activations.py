"""Activation functions: the non-linearity a neuron applies to its weighted sum ``z``.

Each activation is a small object with

* ``__call__(z)``       the value ``a = f(z)``, elementwise (softmax: per row);
* ``derivative(z)``     ``f'(z)`` elementwise (what the figures and the textbooks show);
* ``backward(grad, z, a)``  ``dL/dz`` from ``dL/da``: the chain rule. For elementwise functions this is
  ``grad * f'(z)``; several override it to reuse the cached output ``a`` (sigmoid: ``a(1-a)``) or, for
  softmax, to apply the Jacobian to ``grad`` without ever building a per-example Jacobian matrix.

All work on arrays of any shape whose last axis is the feature axis, keep the input dtype, and are
written to stay finite for ``|z|`` up to ``1e4`` in float32 (no overflow warnings, no NaN).

>>> import numpy as np
>>> relu = get("relu")
>>> relu(np.array([-1.0, 2.0]))
array([0., 2.])
"""

from __future__ import annotations

import math

import numpy as np

from . import checks
from .registry import Registry


class Activation:
    """Base class. Subclasses set ``name`` and implement ``__call__`` and ``derivative``."""

    name = "activation"
    # True where ``self(z, out=z)`` may write a over z: the backward then reads only a, never z.
    in_place = False

    def __call__(self, z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """dL/dz = dL/da * f'(z) for an elementwise function."""
        return grad * self.derivative(z)

    def get_config(self) -> dict:
        return {"name": self.name}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({args})"


ACTIVATIONS = Registry("activation", Activation, default=lambda: Identity())


@ACTIVATIONS.register(aliases=("linear", "none"))
class Identity(Activation):
    """f(z) = z. The output activation of a regression network."""

    name = "identity"

    def __call__(self, z):
        return z

    def derivative(self, z):
        return np.ones_like(z)

    def backward(self, grad, z, a):
        return grad


@ACTIVATIONS.register(aliases=("heaviside",))
class Step(Activation):
    """Heaviside step: 1 where z > 0, else 0 (the perceptron's activation).

    Its derivative is 0 almost everywhere, so gradient descent cannot train through it; that is why the
    sigmoid neuron replaced the perceptron.
    """

    name = "step"

    def __call__(self, z):
        return (z > 0).astype(z.dtype)

    def derivative(self, z):
        return np.zeros_like(z)


@ACTIVATIONS.register(aliases=("logistic",))
class Sigmoid(Activation):
    """σ(z) = 1 / (1 + e^(−z)), squashing any number into (0, 1); σ'(z) = σ(z)(1 − σ(z)).

    Computed as ``(1 + tanh(z/2)) / 2``, the same function, because ``tanh`` cannot overflow where
    ``exp(-z)`` would for large negative z.
    """

    name = "sigmoid"

    def __call__(self, z):
        a = np.tanh(z * 0.5)
        a += 1.0
        a *= 0.5
        return a

    def derivative(self, z):
        a = self(z)
        return a * (1.0 - a)

    def backward(self, grad, z, a):
        return grad * a * (1.0 - a)


@ACTIVATIONS.register
class Tanh(Activation):
    """tanh(z), from −1 to 1, centred at 0; tanh'(z) = 1 − tanh²(z)."""

    name = "tanh"

    def __call__(self, z):
        return np.tanh(z)

    def derivative(self, z):
        a = np.tanh(z)
        return 1.0 - a * a

    def backward(self, grad, z, a):
        return grad * (1.0 - a * a)


@ACTIVATIONS.register
class ReLU(Activation):
    """max(0, z). Its derivative is 1 for z > 0 and 0 otherwise (we take 0 at z = 0, as PyTorch does)."""

    name = "relu"
    in_place = True     # its backward masks by a alone

    def __call__(self, z, out=None):
        return np.maximum(z, 0, out=out)

    def derivative(self, z):
        return (z > 0).astype(z.dtype)

    def backward(self, grad, z, a):
        # Mask by the *output*: a > 0 exactly where z > 0, and a is already at hand.
        return grad * (a > 0)


@ACTIVATIONS.register(aliases=("leakyrelu",))
class LeakyReLU(Activation):
    """z for z > 0, ``slope * z`` otherwise, so a unit never goes completely dead."""

    name = "leaky_relu"

    def __init__(self, slope: float = 0.01):
        self.slope = checks.number(slope, "leaky_relu: slope")

    def __call__(self, z):
        return np.where(z > 0, z, z * self.slope).astype(z.dtype, copy=False)

    def derivative(self, z):
        return np.where(z > 0, 1.0, self.slope).astype(z.dtype, copy=False)

    def get_config(self):
        return {"name": self.name, "slope": self.slope}


@ACTIVATIONS.register
class ELU(Activation):
    """z for z > 0, ``alpha (e^z − 1)`` otherwise: smooth, with negative outputs that pull the mean to 0."""

    name = "elu"

    def __init__(self, alpha: float = 1.0):
        self.alpha = checks.number(alpha, "elu: alpha")

    def __call__(self, z):
        # exp only of the non-positive part, so large positive z cannot overflow.
        return np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0))).astype(z.dtype, copy=False)

    def derivative(self, z):
        return np.where(z > 0, 1.0, self.alpha * np.exp(np.minimum(z, 0))).astype(z.dtype, copy=False)

    def get_config(self):
        return {"name": self.name, "alpha": self.alpha}


@ACTIVATIONS.register
class Softplus(Activation):
    """log(1 + e^z), a smooth ReLU; its derivative is the sigmoid.

    Written as ``max(z, 0) + log1p(e^(−|z|))`` so that neither branch overflows.
    """

    name = "softplus"

    def __call__(self, z):
        return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))

    def derivative(self, z):
        return _SIGMOID(z)


@ACTIVATIONS.register
class GELU(Activation):
    """z·Φ(z), Φ the standard normal CDF, in the tanh approximation used by BERT and GPT-2:

    GELU(z) ≈ ½ z (1 + tanh(√(2/π) (z + 0.044715 z³))).
    """

    name = "gelu"
    _C = math.sqrt(2.0 / math.pi)

    def _inner(self, z):
        # Clip before cubing: z³ overflows float32 near |z| = 7e12; beyond |z| = 1e3 tanh is ±1 anyway.
        zc = np.clip(z, -1e3, 1e3)
        return self._C * (zc + 0.044715 * zc * zc * zc)

    def __call__(self, z):
        return 0.5 * z * (1.0 + np.tanh(self._inner(z)))

    def derivative(self, z):
        t = np.tanh(self._inner(z))
        zc = np.clip(z, -1e3, 1e3)
        dinner = self._C * (1.0 + 3 * 0.044715 * zc * zc)
        return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * dinner


@ACTIVATIONS.register(aliases=("swish",))
class SiLU(Activation):
    """z·σ(z), also called swish; SiLU'(z) = σ(z) (1 + z (1 − σ(z)))."""

    name = "silu"

    def __call__(self, z):
        return z * _SIGMOID(z)

    def derivative(self, z):
        s = _SIGMOID(z)
        return s * (1.0 + z * (1.0 - s))


@ACTIVATIONS.register
class Softmax(Activation):
    """softmax(z)_i = e^(z_i) / Σ_j e^(z_j), per row: turns scores into probabilities that sum to 1.

    The row maximum is subtracted first; it cancels in the ratio and keeps every ``exp`` ≤ 1.

    Its Jacobian is ``diag(a) − a aᵀ``, so for an upstream gradient g the chain rule gives
    ``a ⊙ (g − (g·a))``: one vector formula for the whole batch, no per-example matrices.
    Paired with cross-entropy the whole thing collapses to ``a − y`` (see :mod:`neuronet.losses`).
    """

    name = "softmax"

    def __call__(self, z):
        e = z - z.max(axis=-1, keepdims=True)  # (batch, k)
        np.exp(e, out=e)
        e /= e.sum(axis=-1, keepdims=True)
        return e

    def derivative(self, z):
        """The diagonal of the Jacobian, a(1 − a): what each output does to itself."""
        a = self(z)
        return a * (1.0 - a)

    def backward(self, grad, z, a):
        return a * (grad - (grad * a).sum(axis=-1, keepdims=True))


@ACTIVATIONS.register
class LogSoftmax(Activation):
    """log softmax(z) = z − max − log Σ e^(z − max), per row, without ever taking log of 0."""

    name = "log_softmax"

    def __call__(self, z):
        shifted = z - z.max(axis=-1, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))

    def derivative(self, z):
        return 1.0 - np.exp(self(z))

    def backward(self, grad, z, a):
        # Jacobian: I − 1 softmaxᵀ, so dL/dz = g − softmax(z) Σ g.
        return grad - np.exp(a) * grad.sum(axis=-1, keepdims=True)


_SIGMOID = Sigmoid()

names = ACTIVATIONS.names
get = ACTIVATIONS.get   # get("leaky_relu", slope=0.2), get({"name": "relu"}), get(None) is the identity
