"""Layers: the building blocks a :class:`~neuronet.network.Network` stacks.

Every layer follows one contract, so a network is just a loop over layers:

* ``forward(x, training)`` maps a batch ``x`` of shape ``(batch, n_in)`` to ``(batch, n_out)`` and caches
  exactly what ``backward`` will need;
* ``backward(grad)`` takes dL/d(output), fills ``grads`` and returns dL/d(input);
* ``params`` and ``grads`` are dicts with the same keys (``"W"``, ``"b"``), holding the arrays that
  optimisers update in place;
* what ``forward`` and ``backward`` return is a new array every call (a caller may keep it); large work
  arrays that a layer makes and reads itself are kept in its ``scratch`` and reused by the next batch.
"""

from __future__ import annotations

import math

import numpy as np

from . import activations, checks, initializers
from .errors import ConfigError, ShapeError
from .registry import Registry

# Activations whose derivative vanishes for z < 0 want He's larger initial variance.
_RELU_LIKE = {"relu", "leaky_relu", "elu", "gelu", "silu", "softplus"}


def channel_sums(a: np.ndarray, channels: int, out: np.ndarray | None = None) -> np.ndarray:
    """Σ over examples and positions of each channel of a channels-last batch ``a`` (batch, H·W·C): (C,).

    Over examples first (rows of H·W·C values side by side), then over positions: summing the
    (batch·H·W, C) matrix down its columns in one go reads only C values at a time and was 5.5× slower
    (128×28×28×32 float32: 1.72 against 0.31 ms). With one position (a Dense layer's (batch, F)) it is
    the plain sum over the batch."""
    return a.reshape(a.shape[0], -1).sum(axis=0).reshape(-1, channels).sum(axis=0, out=out)


def along_rows(v: np.ndarray, positions: int) -> np.ndarray:
    """A per-channel (C,) vector repeated once per position, (positions·C,), to broadcast along whole
    rows of a channels-last batch: against rows of only C values NumPy's inner loop is C long, and
    x − μ took 1.8 against 0.96 ms, x·γ in place 1.29 against 0.32 ms (128×28×28×32)."""
    return np.tile(v, positions)


class Params(dict):
    """A layer's parameters by name (``"W"``, ``"b"``). Setting one, ``params["W"] = values``, copies the
    values *into* the existing array after checking them (same shape, numbers, finite, cast to the
    layer's dtype), so optimisers, gradients and model files go on seeing the one array they know."""

    def __setitem__(self, name: str, values) -> None:
        if name not in self:
            raise ConfigError(f"no parameter {name!r}; this layer has {', '.join(self) or 'none'}")
        current = dict.__getitem__(self, name)
        values = checks.numeric_array(values, f"parameter {name}")
        if values.shape != current.shape:
            raise ShapeError(f"parameter {name} has shape {current.shape}; got values of shape "
                             f"{values.shape}")
        current[...] = checks.cast_finite(values, current.dtype, f"parameter {name}")

    def __reduce__(self):   # copies (deepcopy, pickle) are built whole, not set name by name
        return type(self), (dict(self),)


class Scratch:
    """Work arrays a layer reuses from one training batch to the next, by name.

    ``scratch.array("cols", shape, dtype)`` is an array of that shape made from the memory kept under
    ``"cols"`` when that has the dtype and at least as many elements; else new memory replaces it. So
    a smaller last batch reuses the memory of the full ones, and each name keeps one block, never two.
    Its contents are whatever the last use left there. A layer keeps in it only what it makes and reads
    itself (a patch matrix, a gradient on its way to be summed), never an array it returns: those are
    new every call, so a caller may keep them. Copies of a layer (deepcopy, pickle) start empty.
    """

    def __init__(self) -> None:
        self._arrays: dict[str, np.ndarray] = {}      # name -> a flat block of memory

    def array(self, name: str, shape: tuple[int, ...], dtype) -> np.ndarray:
        size = math.prod(shape)
        block = self._arrays.get(name)
        if block is None or block.dtype != dtype or block.size < size:
            self._arrays.pop(name, None)    # the old block is freed before the new one is made
            block = self._arrays[name] = np.empty(size, dtype=dtype)
        return block[:size].reshape(shape)

    def clear(self) -> None:
        """Let go of every array (the next batch makes new ones)."""
        self._arrays.clear()

    def __reduce__(self):
        return type(self), ()


class Layer:
    """Base class: a layer with no parameters that passes its input through."""

    trainable = False
    # True for a layer that works on each unit (feature, channel) of its input on its own and keeps the
    # width: Dropout, Activation, BatchNorm. Diagrams draw it as part of the layer before it
    # (Network.stages), "64 units, BatchNorm, relu", not as a column of units of its own.
    per_unit = False

    def __init__(self) -> None:
        self.params: Params = Params()
        self.grads: dict[str, np.ndarray] = {}
        # Arrays a layer keeps that training does not step (BatchNorm's running statistics): saved in
        # model files and checkpoints beside the parameters, never given to an optimiser.
        self.buffers: dict[str, np.ndarray] = {}
        # Work arrays reused between training batches (patch matrices ...): never saved, never returned.
        self.scratch = Scratch()

    @property
    def n_params(self) -> int:
        return sum(p.size for p in self.params.values())

    def initialize(self, rng: np.random.Generator, dtype=np.float32) -> None:
        """(Re)draw the parameters from ``rng`` in ``dtype``. Layers without parameters ignore it."""

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        return x

    def backward(self, grad: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        return grad

    def output_dim(self, input_dim: int) -> int:
        return input_dim

    def get_config(self) -> dict:
        return {"type": type(self).__name__}

    @classmethod
    def param_shapes(cls, config: dict) -> dict[str, tuple[int, ...]]:
        """The shapes of the parameters of a layer built from ``config`` (:meth:`get_config`'s output),
        worked out from the config alone, allocating nothing: model files check every stored array's
        size against these before reading it. A layer without parameters has none."""
        return {}

    @classmethod
    def buffer_shapes(cls, config: dict) -> dict[str, tuple[int, ...]]:
        """The shapes of the layer's buffers for ``config``, as :meth:`param_shapes` gives its parameters."""
        return {}

    @classmethod
    def array_shapes(cls, config: dict) -> dict[str, tuple[int, ...]]:
        """Every array a model file holds for such a layer: its parameters, then its buffers."""
        return {**cls.param_shapes(config), **cls.buffer_shapes(config)}

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)


# Layer types by name, as configs and model files write them ("Dense"); conv.py adds its own.
LAYERS = Registry("layer type", Layer, key="type", normalize=str.strip)


class WeightedLayer(Layer):
    """What Dense and Conv2D share: weights ``W`` drawn by an initialiser, an optional bias ``b`` with
    one entry per output unit (or filter), an activation applied to z, and gradients beside them.

    A subclass gives ``weight_shape`` (the last axis is the outputs) and calls :meth:`_setup` from
    its ``__init__``. Its ``backward`` accepts ``pre_activation=True``: the gradient is then dL/dz
    already, as a loss fused with the output activation gives it.
    """

    trainable = True
    weight_shape: tuple[int, ...]

    def _setup(self, activation, init: str | None, use_bias: bool, seed: int | None, dtype) -> None:
        """The settings every weighted layer shares, checked (the constructor is the door), then
        the weights drawn."""
        where = f"{type(self).__name__}: "
        checks.allocatable(self.weight_shape, f"{where}the weights")
        self.activation = activations.get(activation)
        if init is None:
            init = "he_normal" if self.activation.name in _RELU_LIKE else "glorot_uniform"
        self.init = initializers.canonical(init)
        self.use_bias = checks.flag(use_bias, f"{where}use_bias")
        dtype = checks.float_dtype(dtype, f"{where}dtype")
        # Drawn when first used, not here: in a Network with a seed, the network draws every layer's
        # weights from one generator, and a draw here would only be thrown away.
        self._params, self._pending = None, (checks.seed(seed, f"{where}seed"), dtype)

    @property
    def params(self) -> Params:
        """``{"W": ..., "b": ...}``; drawn from the layer's own ``seed`` on first use unless a
        Network (or :meth:`initialize`) drew them first."""
        if self._params is None:
            seed, dtype = self._pending
            self.initialize(np.random.default_rng(seed), dtype)
        return self._params

    @params.setter
    def params(self, values) -> None:
        self._params = values if isinstance(values, Params) else Params(values)

    @classmethod
    def weight_shape_of(cls, config: dict) -> tuple[int, ...]:
        """The shape of ``W`` for ``config``, checked (the last axis is the outputs)."""
        raise NotImplementedError

    @classmethod
    def param_shapes(cls, config: dict) -> dict[str, tuple[int, ...]]:
        shapes = {"W": cls.weight_shape_of(config)}
        if config.get("use_bias", True):
            shapes["b"] = (shapes["W"][-1],)
        return shapes

    def initialize(self, rng, dtype=np.float32):
        shape = self.weight_shape
        try:
            params = Params(W=initializers.get(self.init)(rng, shape, np.dtype(dtype)))
            if self.use_bias:
                dict.__setitem__(params, "b", np.zeros(shape[-1], dtype=dtype))
            self.grads = {k: np.zeros_like(v) for k, v in params.items()}
        except MemoryError:
            raise ConfigError(f"{type(self).__name__}: weights of shape {shape} do not fit in this "
                              f"machine's memory; check the sizes") from None
        self._params = params

    # The two arrays the maths talks about, by name; ``layer.W = values`` is checked as Params checks.
    @property
    def W(self) -> np.ndarray:
        return self.params["W"]

    @W.setter
    def W(self, values) -> None:
        self.params["W"] = values

    @property
    def b(self) -> np.ndarray | None:
        return self.params.get("b")

    @b.setter
    def b(self, values) -> None:
        if "b" not in self.params:
            raise ConfigError("this layer has no bias (use_bias=False)")
        self.params["b"] = values


@LAYERS.register
class Dense(WeightedLayer):
    """A fully connected layer: every output neuron sees every input.

    a = f(z),  z = x W + b

    Shapes: ``x`` (batch, n_in), ``W`` (n_in, n_out), ``b`` (n_out,), ``a`` (batch, n_out).
    One row of ``x`` is one example, so a whole mini-batch goes through in one matrix product.

    Backward, given g = dL/da:
        dL/dz = g ⊙ f'(z)            (the activation's part)
        dL/dW = xᵀ (dL/dz)           summed over the batch by the product itself
        dL/db = Σ_batch dL/dz
        dL/dx = (dL/dz) Wᵀ           passed on to the layer below

    >>> layer = Dense(3, 2, activation="relu", seed=0)
    >>> layer.forward(np.ones((4, 3), dtype=np.float32)).shape
    (4, 2)
    """

    def __init__(self, n_in: int, n_out: int, activation=None, init: str | None = None,
                 use_bias: bool = True, seed: int | None = None, dtype=np.float32) -> None:
        super().__init__()
        self.weight_shape = self.weight_shape_of({"n_in": n_in, "n_out": n_out}, "Dense: ")
        self.n_in, self.n_out = self.weight_shape
        self._x = self._z = self._a = None
        self._setup(activation, init, use_bias, seed, dtype)

    def forward(self, x, training=False):
        z = x @ self.params["W"]                  # (batch, n_out)
        if self.use_bias:
            z += self.params["b"]
        a = self.activation(z)                    # (batch, n_out)
        self._x, self._z, self._a = x, z, a
        return a

    def backward(self, grad, need_input_grad=True, pre_activation=False):
        """Gradients from dL/da (or dL/dz directly when ``pre_activation``, as after a fused loss).

        ``need_input_grad=False`` skips dL/dx, a third of the work, for the first layer.
        """
        if self._x is None:
            raise ConfigError("Dense.backward called before forward")
        dz = grad if pre_activation else self.activation.backward(grad, self._z, self._a)
        np.matmul(self._x.T, dz, out=self.grads["W"])      # (n_in, n_out)
        if self.use_bias:
            dz.sum(axis=0, out=self.grads["b"])            # (n_out,)
        if need_input_grad:
            return dz @ self.params["W"].T                 # (batch, n_in)
        return None

    @classmethod
    def weight_shape_of(cls, config: dict, where: str = "") -> tuple[int, int]:
        return (checks.positive_int(config.get("n_in"), f"{where}n_in"),      # (n_in, n_out)
                checks.positive_int(config.get("n_out"), f"{where}n_out"))

    def output_dim(self, input_dim):
        if input_dim != self.n_in:
            raise ShapeError(f"Dense expects {self.n_in} inputs per example, got {input_dim}")
        return self.n_out

    def get_config(self):
        return {"type": "Dense", "n_in": self.n_in, "n_out": self.n_out,
                "activation": self.activation.get_config(), "init": self.init,
                "use_bias": self.use_bias}

    def __repr__(self):
        return f"Dense({self.n_in}, {self.n_out}, activation={self.activation.name!r})"


@LAYERS.register
class Activation(Layer):
    """An activation on its own, a = f(x), for where it comes after another layer rather than inside
    one (``Dense(…)`` → ``BatchNorm`` → ``Activation("relu")``). Backward: dL/dx = f'(x) ⊙ dL/da, as in
    a Dense layer's first equation.

    >>> Activation("relu").forward(np.array([[-1.0, 2.0]])).tolist()
    [[0.0, 2.0]]
    """

    per_unit = True

    def __init__(self, activation="relu") -> None:
        super().__init__()
        self.activation = activations.get(activation)
        self._x = self._a = None

    def forward(self, x, training=False):
        a = self.activation(x)
        self._x, self._a = x, a
        return a

    def backward(self, grad, need_input_grad=True):
        if self._x is None:
            raise ConfigError("Activation.backward called before forward")
        return self.activation.backward(grad, self._x, self._a)

    def get_config(self):
        return {"type": "Activation", "activation": self.activation.get_config()}

    def __repr__(self):
        return f"Activation({self.activation.name!r})"


@LAYERS.register
class Dropout(Layer):
    """Inverted dropout: while training, zero each input with probability ``rate`` and scale the
    survivors by 1/(1 − rate), so that at test time the layer is simply the identity.

    The random mask comes from ``self.rng``, which the network seeds, so runs are reproducible.
    """

    per_unit = True

    def __init__(self, rate: float = 0.5, seed: int | None = None) -> None:
        super().__init__()
        if not (checks.is_real(rate) and 0.0 <= rate < 1.0):
            raise ConfigError(f"Dropout: rate must be in [0, 1), got {checks.shown(rate)}")
        self.rate = float(rate)
        self.rng = np.random.default_rng(checks.seed(seed, "Dropout: seed"))
        self._mask = None

    def forward(self, x, training=False):
        if not training or self.rate == 0.0:
            self._mask = None
            return x
        keep = self.rng.random(x.shape, dtype=np.float32) >= self.rate
        self._mask = keep.astype(x.dtype) * x.dtype.type(1.0 / (1.0 - self.rate))
        return x * self._mask

    def backward(self, grad, need_input_grad=True):
        return grad if self._mask is None else grad * self._mask

    def get_config(self):
        return {"type": "Dropout", "rate": self.rate}

    def __repr__(self):
        return f"Dropout({self.rate})"

from_config = LAYERS.get   # a layer from its get_config() output (parameters are drawn fresh)
