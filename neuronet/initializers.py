"""Weight initialisers: how a layer's weights ``W`` of shape ``(n_in, n_out)`` start out.

The scale matters. With N(0, 1) weights a neuron's weighted sum over 784 inputs has a standard
deviation near √784 = 28, deep in the flat tails of a sigmoid, and learning crawls. Dividing the
variance by the fan-in (or fan-in and fan-out) keeps ``z`` near unit scale, layer after layer.

==================  =========================================  ======================
name                distribution                               suited to
==================  =========================================  ======================
``normal``          N(0, 1)                                    the classic texts
``lecun_normal``    N(0, 1/n_in)                               sigmoid, tanh, SELU
``glorot_uniform``  U(±√(6/(n_in+n_out)))  (Glorot & Bengio)   sigmoid, tanh, softmax
``glorot_normal``   N(0, 2/(n_in+n_out))                       same
``he_normal``       N(0, 2/n_in)           (He et al. 2015)    ReLU family
``he_uniform``      U(±√(6/n_in))                              ReLU family
``zeros``           0                                          biases
==================  =========================================  ======================
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .errors import ConfigError

Initializer = Callable[[np.random.Generator, tuple, np.dtype], np.ndarray]


def _fans(shape: tuple) -> tuple[int, int]:
    """(fan_in, fan_out); for a conv kernel (kh, kw, c_in, c_out) the receptive field counts too."""
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


def normal(rng, shape, dtype):
    return rng.standard_normal(shape).astype(dtype)


def lecun_normal(rng, shape, dtype):
    fan_in, _ = _fans(shape)
    return (rng.standard_normal(shape) / np.sqrt(fan_in)).astype(dtype)


def glorot_uniform(rng, shape, dtype):
    fan_in, fan_out = _fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, shape).astype(dtype)


def glorot_normal(rng, shape, dtype):
    fan_in, fan_out = _fans(shape)
    return (rng.standard_normal(shape) * np.sqrt(2.0 / (fan_in + fan_out))).astype(dtype)


def he_normal(rng, shape, dtype):
    fan_in, _ = _fans(shape)
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(dtype)


def he_uniform(rng, shape, dtype):
    fan_in, _ = _fans(shape)
    limit = np.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit, shape).astype(dtype)


def zeros(rng, shape, dtype):
    return np.zeros(shape, dtype=dtype)


_REGISTRY: dict[str, Initializer] = {
    "normal": normal, "lecun_normal": lecun_normal, "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal, "he_normal": he_normal, "he_uniform": he_uniform, "zeros": zeros,
}
_ALIASES = {"xavier": "glorot_uniform", "xavier_uniform": "glorot_uniform",
            "xavier_normal": "glorot_normal", "he": "he_normal", "kaiming": "he_normal",
            "lecun": "lecun_normal", "scaled_normal": "lecun_normal", "standard_normal": "normal"}


def names() -> list[str]:
    return list(_REGISTRY)


def get(name: str) -> Initializer:
    """The initialiser function called ``name`` (aliases: ``xavier``, ``he``, ``lecun`` ...)."""
    key = _ALIASES.get(name.strip().lower(), name.strip().lower())
    if key not in _REGISTRY:
        raise ConfigError(f"unknown initializer {name!r}; choose one of: {', '.join(_REGISTRY)}")
    return _REGISTRY[key]


def canonical(name: str) -> str:
    """The registry name for ``name`` after resolving aliases (what model files record)."""
    get(name)
    key = name.strip().lower()
    return _ALIASES.get(key, key)
