"""Batch normalisation: each feature of a layer's input rescaled to mean 0 and variance 1 over the
mini-batch, then scaled and shifted by two learned numbers per feature.

Why it helps: as the weights below a layer change, the distribution of its inputs drifts, and each
layer keeps chasing the one before. Normalising every feature over the batch keeps its scale fixed,
which lets a network train with larger learning rates and makes it less sensitive to initialisation
(Ioffe & Szegedy, 2015).

    net = Network([Dense(784, 128), BatchNorm(128), Dense(128, 10, "relu") ...])
    net = Network([Conv2D((28, 28, 1), 16, 3, padding="same"), BatchNorm(input_shape=(28, 28, 16)), ...])

For images (channels-last, as every layer here) there is one γ and β per channel, and the statistics
run over the batch *and* every position, as PyTorch's ``BatchNorm2d`` does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from . import checks
from .errors import ConfigError, ShapeError
from .layers import LAYERS, Layer, Params, along_rows, channel_sums


@LAYERS.register
class BatchNorm(Layer):
    """y = γ x̂ + β,  x̂ = (x − μ) / √(σ² + ε), per feature (per channel for images).

    While training, μ and σ² are the mean and the (biased) variance over the batch, and the running
    statistics follow them with PyTorch's ``momentum`` m:

        running_mean ← (1 − m) running_mean + m μ
        running_var  ← (1 − m) running_var  + m σ² · n / (n − 1)      (n values per feature: unbiased)

    At inference (``training=False``) the running statistics stand in for μ and σ², so a prediction
    does not depend on the rest of its batch.

    Shapes: input and output ``(batch, F)`` for ``BatchNorm(F)``, or ``(batch, H*W*C)`` for
    ``BatchNorm(input_shape=(H, W, C))``; ``gamma``, ``beta``, ``running_mean``, ``running_var`` (C,).

    Backward in training, given g = dL/dy over the n rows of a feature (x̂ depends on every row through
    μ and σ², which is what the last two terms carry):
        dL/dγ = Σ g x̂
        dL/dβ = Σ g
        dL/dx = γ / √(σ² + ε) · (g − mean(g) − x̂ · mean(g x̂))

    >>> layer = BatchNorm(3)
    >>> y = layer.forward(np.array([[1.0, 2, 3], [3, 2, 1]], dtype=np.float32), training=True)
    >>> y.round(3).tolist()
    [[-1.0, 0.0, 1.0], [1.0, 0.0, -1.0]]
    """

    per_unit = True

    def __init__(self, n_features: int | None = None, input_shape: Sequence[int] | None = None,
                 momentum: float = 0.1, eps: float = 1e-5, dtype=np.float32) -> None:
        super().__init__()
        self.n_features, self.input_shape = self._shape_of(
            {"n_features": n_features, "input_shape": input_shape})
        self.momentum = checks.number(momentum, "BatchNorm: momentum", 0, 1)
        self.eps = checks.positive(eps, "BatchNorm: eps")
        self._cache = None
        self.initialize(np.random.default_rng(0), dtype)

    @staticmethod
    def _shape_of(config: dict) -> tuple[int, tuple[int, int, int] | None]:
        """(features, image shape or None) from a config, checked."""
        n, image = config.get("n_features"), config.get("input_shape")
        if (n is None) == (image is None):
            raise ConfigError("BatchNorm needs n_features (after a Dense layer) or input_shape=(H, W, C) "
                              "(after an image layer), not both")
        if image is None:
            n = checks.positive_int(n, "BatchNorm: n_features")
            checks.allocatable((n,), "BatchNorm: gamma")
            return n, None
        if not isinstance(image, Sequence) or isinstance(image, str) or len(image) != 3:
            raise ConfigError(f"BatchNorm: input_shape must be [height, width, channels], got "
                              f"{checks.shown(image)}")
        image = tuple(checks.positive_int(s, "BatchNorm: input_shape entry") for s in image)
        checks.allocatable((image[2],), "BatchNorm: gamma")
        return math.prod(image), image

    @property
    def channels(self) -> int:
        """How many features are normalised: the width, or the channels of an image."""
        return self.n_features if self.input_shape is None else self.input_shape[2]

    @property
    def n_in(self) -> int:
        return self.n_features

    @property
    def output_shape(self) -> tuple[int, int, int] | None:
        return self.input_shape

    def initialize(self, rng, dtype=np.float32):
        c = self.channels
        self.params = Params(gamma=np.ones(c, dtype=dtype), beta=np.zeros(c, dtype=dtype))
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.buffers = {"running_mean": np.zeros(c, dtype=dtype), "running_var": np.ones(c, dtype=dtype)}

    def _sum(self, a: np.ndarray) -> np.ndarray:
        """Σ over the batch (and every position) of each feature of ``a`` (batch, n_in): (C,)."""
        return channel_sums(a, self.channels)

    def _dot(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Σ a·b per feature, as :meth:`_sum` of a * b but without making a * b (einsum: one pass)."""
        return np.einsum("ij,ij->j", a, b).reshape(-1, self.channels).sum(axis=0)

    def _along(self, v: np.ndarray) -> np.ndarray:
        """A (C,) vector at every position, (n_in,), to broadcast along whole rows of x."""
        return along_rows(v, self.n_features // self.channels)

    def forward(self, x, training=False):
        # Each line is one pass over x (batch, n_in); the (C,) numbers go along its rows (_along).
        # With a column-wise mean and var and rows of C values, forward and backward of the conv1
        # BatchNorm of benchmarks/time_to_accuracy.py (128×28×28×32) took 24.7 ms, now 11.4 ms (CPU
        # time, medians of 15 alternated calls; 14×14×64: 6.2 → 3.1 ms).
        n = x.size // self.channels                                 # values per feature
        if training:
            mu = self._sum(x) / x.dtype.type(n)                     # μ (C,)
        else:
            mu, var = self.buffers["running_mean"], self.buffers["running_var"]
        x_hat = np.subtract(x, self._along(mu))                     # x − μ, (batch, n_in)
        if training:
            var = self._dot(x_hat, x_hat) / x.dtype.type(n)          # σ² = mean (x − μ)², biased
            m = x.dtype.type(self.momentum)
            self.buffers["running_mean"] *= 1 - m
            self.buffers["running_mean"] += m * mu
            self.buffers["running_var"] *= 1 - m
            self.buffers["running_var"] += m * var * x.dtype.type(n / max(n - 1, 1))
        inv_std = 1 / np.sqrt(var + x.dtype.type(self.eps))         # (C,)
        x_hat *= self._along(inv_std)                                # x̂ = (x − μ) / √(σ² + ε)
        self._cache = (x_hat, inv_std, training)
        y = np.multiply(x_hat, self._along(self.params["gamma"]))    # γ x̂
        y += self._along(self.params["beta"])                        # + β
        return y

    def backward(self, grad, need_input_grad=True):
        if self._cache is None:
            raise ConfigError("BatchNorm.backward called before forward")
        x_hat, inv_std, training = self._cache
        self.grads["gamma"][...] = self._dot(grad, x_hat)           # dL/dγ = Σ g x̂
        self.grads["beta"][...] = self._sum(grad)                   # dL/dβ = Σ g
        if not need_input_grad:
            return None
        scale = self._along(self.params["gamma"] * inv_std)        # γ / √(σ² + ε), (n_in,)
        if not training:                                           # μ, σ² were constants
            return grad * scale
        n = grad.dtype.type(grad.size // self.channels)
        # dL/dx = scale · (g − mean(g) − x̂ · mean(g x̂)), one pass a line.
        dx = np.multiply(x_hat, self._along(self.grads["gamma"] / n))   # x̂ · mean(g x̂)
        np.subtract(grad, dx, out=dx)
        dx -= self._along(self.grads["beta"] / n)                       # − mean(g)
        dx *= scale
        return dx

    def output_dim(self, input_dim):
        if input_dim != self.n_features:
            raise ShapeError(f"BatchNorm expects {self.n_features} inputs per example, got {input_dim}")
        return input_dim

    @classmethod
    def param_shapes(cls, config):
        _, image = cls._shape_of(config)
        c = image[2] if image is not None else config["n_features"]
        return {"gamma": (c,), "beta": (c,)}

    @classmethod
    def buffer_shapes(cls, config):
        (c,) = cls.param_shapes(config)["gamma"]
        return {"running_mean": (c,), "running_var": (c,)}

    def get_config(self):
        shape = {"n_features": self.n_features} if self.input_shape is None else \
            {"input_shape": list(self.input_shape)}
        return {"type": "BatchNorm", **shape, "momentum": self.momentum, "eps": self.eps}

    def __repr__(self):
        shape = self.n_features if self.input_shape is None else "×".join(map(str, self.input_shape))
        return f"BatchNorm({shape})"
