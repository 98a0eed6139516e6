"""Weight initialisers: how a layer"s weights ``W`` of shape ``(n_in, n_out)`` start out.

The scale matters. With N(0, 1) weights a neuron"s weighted sum over 784 inputs has a standard
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

from .registry import Registry

Initializer = Callable[[np.random.Generator, tuple, np.dtype], np.ndarray]

INITIALIZERS = Registry("initializer", instantiate=False)


def _fans(shape: tuple) -> tuple[int, int]:
    """(fan_in, fan_out); for a conv kernel (kh, kw, c_in, c_out) the receptive field counts too."""
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


@INITIALIZERS.register(aliases=("standard_normal",))
def normal(rng, shape, dtype):
    return rng.standard_normal(shape).astype(dtype)


@INITIALIZERS.register(aliases=("lecun", "scaled_normal"))
def lecun_normal(rng, shape, dtype):
    fan_in, _ = _fans(shape)
    return (rng.standard_normal(shape) / np.sqrt(fan_in)).astype(dtype)


@INITIALIZERS.register(aliases=("xavier", "xavier_uniform"))
def glorot_uniform(rng, shape, dtype):
    fan_in, fan_out = _fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, shape).astype(dtype)


@INITIALIZERS.register(aliases=("xavier_normal",))
def glorot_normal(rng, shape, dtype):
    fan_in, fan_out = _fans(shape)
    return (rng.standard_normal(shape) * np.sqrt(2.0 / (fan_in + fan_out))).astype(dtype)


@INITIALIZERS.register(aliases=("he", "kaiming"))
def he_normal(rng, shape, dtype):
    fan_in, _ = _fans(shape)
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(dtype)


@INITIALIZERS.register
def he_uniform(rng, shape, dtype):
    fan_in, _ = _fans(shape)
    limit = np.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit, shape).astype(dtype)


@INITIALIZERS.register
def zeros(rng, shape, dtype):
    return np.zeros(shape, dtype=dtype)

names = INITIALIZERS.names
get = INITIALIZERS.get               # the function itself: get("he")(rng, shape, dtype)
canonical = INITIALIZERS.canonical   # "xavier" -> "glorot_uniform", as model files record it
