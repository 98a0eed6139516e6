"""A feedforward network: layers applied one after another, trained by backpropagation.

    net = Network([Dense(784, 128, "relu"), Dense(128, 10, "softmax")], loss="cross_entropy", seed=0)
    history = net.fit(x_train, y_train, epochs=5, batch_size=128, optimizer=Adam(1e-3))
    net.predict(x_test)            # class indices, shape (n,)

Feedforward is ``a⁰ = x, aˡ = layerˡ(aˡ⁻¹)``. Backpropagation runs the chain rule the other way:
starting from dL/d(output), each layer turns dL/d(its output) into its parameter gradients and
dL/d(its input), which is the previous layer's dL/d(output).
"""

from __future__ import annotations

import numpy as np

from . import activations, checks, losses, memory
from . import layers as layers_mod
from .conv import Conv2D, MaxPool2D
from .errors import ConfigError, ShapeError
from .features import PlaneFeatures
from .layers import Dense, Layer, Params, WeightedLayer
from .normalization import BatchNorm


class _Layers(tuple):
    """A network's layers: fixed once it is built (its widths, loss pairing and fusing depend on them)."""

    def _fixed(self, *args, **kwargs):
        raise ConfigError("a network's layers are fixed when it is built; make a new Network with the "
                          "layers you want (e.g. Network([*net.layers, Dense(...)]) )")

    append = extend = insert = remove = pop = clear = sort = reverse = __setitem__ = __delitem__ = _fixed
    __iadd__ = _fixed


class Network:
    """A stack of layers with a loss.

    Parameters
    ----------
    layers : list of Layer
        Applied in order; each layer must take as many inputs as the one before gives. The first
        layer with a fixed input size (``Dense``, ``Conv2D``, ``MaxPool2D``) sets the network's ``n_in``.
    loss : str or Loss
        ``"cross_entropy"`` (softmax output), ``"binary_crossentropy"`` (sigmoid output) or ``"mse"``.
    seed : int, optional
        Draws all initial weights from one generator, so the same seed gives the same network.
    dtype : "float32" (default) or "float64"
    class_names : list of str, optional
        Names of the output classes, kept in model files.
    """

    def __init__(self, layers: list[Layer], loss="cross_entropy", seed: int | None = None,
                 dtype="float32", class_names: list[str] | None = None):
        if isinstance(layers, Layer) or not isinstance(layers, (list, tuple)) or \
                not all(isinstance(layer, Layer) for layer in layers):
            raise ConfigError(f"layers must be a list of Layer objects (Dense, Conv2D ...), got "
                              f"{checks.shown(layers)}")
        if not layers:
            raise ConfigError("a network needs at least one layer")
        self._layers = _Layers(layers)
        self.loss = losses.get(loss)
        self.dtype = checks.float_dtype(dtype)
        self.seed = seed = checks.seed(seed)
        # The input width comes from the first layer that knows it (Dense, Conv2D, MaxPool2D: they
        # have ``n_in``; Dropout passes any width through). The output width is then whatever the
        # layers make of it, which also checks that each layer fits the one before.
        sized = [layer for layer in self.layers if getattr(layer, "n_in", None) is not None]
        if not sized:
            raise ConfigError("a network needs at least one layer with a fixed input size "
                              "(Dense, Conv2D or MaxPool2D)")
        self.n_in = sized[0].n_in
        width = self.n_in
        for layer in self.layers:
            width = layer.output_dim(width)
        self.n_out = width
        last = [layer for layer in self.layers if getattr(layer, "activation", None) is not None]
        if self.n_out == 1 and last and last[-1].activation.name == "softmax":
            raise ConfigError("a softmax over a single output is always 1, so nothing can be learned; "
                              "use a sigmoid output with loss='binary_crossentropy' (or 2 outputs)")
        # The loss says how it reads the output layer: as outputs, or (identity under a cross-entropy)
        # as logits that its own activation turns into probabilities; impossible pairings stop here.
        output_activation = last[-1].activation.name if last else "identity"
        self.logits = self.loss.output_mode(output_activation, self.n_out) == "logits"
        self._probabilities = activations.get(self.loss.fuses_with) if self.logits else None
        # A single output is one class when it passes the threshold: 0.5 for a probability, 0 for a logit.
        self.threshold = 0.0 if self.logits else 0.5
        self.class_names = checks.class_names(class_names, self.n_out)
        self.preprocessing: dict = {}
        # The optimiser of the last fit, so that another call can continue with its state.
        self.optimizer = None
        rng = np.random.default_rng(seed)
        for layer in self.layers:
            if seed is not None:
                layer.initialize(rng, self.dtype)
            else:
                layer.params = Params({k: v.astype(self.dtype, copy=False) for k, v in layer.params.items()})
                layer.grads = {k: np.zeros_like(v) for k, v in layer.params.items()}
                layer.buffers = {k: v.astype(self.dtype, copy=False) for k, v in layer.buffers.items()}
        # Fusing needs the last layer's pre-activation z and a backward that accepts dL/dz directly:
        # every WeightedLayer (Dense, Conv2D) has them.
        self._fused = (self.loss.fuses_with is not None
                       and isinstance(self.layers[-1], WeightedLayer)
                       and self.layers[-1].activation.name == self.loss.fuses_with)

    @property
    def layers(self) -> tuple[Layer, ...]:
        """The layers, in order (a tuple: fixed once the network is built)."""
        return self._layers

    @layers.setter
    def layers(self, value) -> None:
        self._layers._fixed()

    # --- building blocks of training -----------------------------------------------------------
    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Feed a batch ``x`` (batch, n_in) through every layer; returns (batch, n_out)."""
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    def layer_outputs(self, X) -> list[np.ndarray]:
        """Every layer's output for the inputs ``X``, in order (not training): what the figures and
        the lab show of the inside of a network. The last one is :meth:`predict_proba`'s answer."""
        x = self.check_inputs(X)
        outputs = []
        for layer in self.layers:
            x = layer.forward(x, training=False)
            outputs.append(x)
        return outputs

    def stages(self) -> list[tuple[int, int]]:
        """The layers as a diagram groups them: ``(first, last)`` layer indices (inclusive) of each
        layer that makes new units (Dense, Conv2D, a pool) together with the per-unit layers after it
        (BatchNorm, Activation, Dropout: ``Layer.per_unit``). The stage's output is its last layer's.

        ``Dense → BatchNorm → Activation → Dense`` is two stages, ``[(0, 2), (3, 3)]``.
        """
        starts = [i for i, layer in enumerate(self.layers) if i == 0 or not layer.per_unit]
        return [(first, end - 1) for first, end in zip(starts, [*starts[1:], len(self.layers)], strict=True)]

    def stage_activation(self, first: int, last: int) -> str | None:
        """The name of the activation a stage's units end with: its last ``Activation`` layer's, else
        its first layer's own (a Dense layer's ``relu``), or None for a layer without one (a pool)."""
        for layer in reversed(self.layers[first:last + 1]):
            if isinstance(layer, layers_mod.Activation) or layer is self.layers[first]:
                activation = getattr(layer, "activation", None)
                if activation is not None:
                    return activation.name
        return None

    def loss_and_gradient(self, output: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
        """The batch loss and the gradient that backpropagation starts from.

        With a fused loss the gradient is already dL/dz of the last layer, not dL/d(output). With
        logits the output *is* z, so the loss's fused form applies to it directly.
        """
        if self._fused:
            return self.loss.fused(self.layers[-1]._z, output, targets)
        if self.logits:
            return self.loss.fused(output, self._probabilities(output), targets)
        return self.loss.value_and_gradient(output, targets)

    def backward(self, grad: np.ndarray) -> None:
        """Backpropagate ``grad`` (from :meth:`loss_and_gradient`) and fill every layer's ``grads``."""
        last = len(self.layers) - 1
        for i in range(last, -1, -1):
            layer = self.layers[i]
            # The input of layer 0 is the data: its gradient is never needed, so skip that product.
            need = i > 0
            if i == last and self._fused:
                grad = layer.backward(grad, need_input_grad=need, pre_activation=True)
            else:
                grad = layer.backward(grad, need_input_grad=need)

    def parameters(self) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """``[(name, parameter, gradient), ...]`` with names like ``"0.W"`` (layer 0's weights)."""
        return [(f"{i}.{k}", p, layer.grads[k])
                for i, layer in enumerate(self.layers) for k, p in layer.params.items()]

    # --- checking what users pass in -----------------------------------------------------------
    def check_inputs(self, X, name: str = "X") -> np.ndarray:
        """``X`` as a (n, n_in) array of the network's dtype, or a ShapeError saying what is wrong
        (see :func:`neuronet.checks.inputs`; images (n, 28, 28) are flattened)."""
        return checks.inputs(X, self.n_in, self.dtype, name)

    def check_targets(self, y, n: int, name: str = "y") -> tuple[np.ndarray, np.ndarray | None]:
        """(targets as (n, n_out) floats, integer labels or None) from labels or target rows."""
        return checks.targets(y, n, self.n_out, self.dtype, name, values=self.loss.fuses_with is None)

    def check_examples(self, X, y, names: tuple[str, str] = ("X", "y")) -> checks.Examples:
        """``(X, y)`` checked once for this network, as the training loop takes them."""
        return checks.examples(X, y, self.n_in, self.n_out, self.dtype, names,
                               values=self.loss.fuses_with is None)

    # --- using a trained network ---------------------------------------------------------------
    def predict_proba(self, X, batch_size: int = 1024) -> np.ndarray:
        """The network's outputs as probabilities where they are classes (softmax or sigmoid outputs, or
        logits passed through the loss's softmax/sigmoid), shape (n, n_out)."""
        return self.probabilities_of(self.outputs(X, batch_size))

    def probabilities_of(self, out: np.ndarray) -> np.ndarray:
        """The last layer's outputs ``out`` (n, n_out) as probabilities: as they are, or logits passed
        through the loss's softmax or sigmoid."""
        return out if self._probabilities is None else self._probabilities(out)

    def outputs(self, X, batch_size: int = 1024) -> np.ndarray:
        """The last layer's outputs for ``X`` as they are (logits stay logits), shape (n, n_out)."""
        X = self.check_inputs(X)
        batch_size = checks.positive_int(batch_size, "batch_size")
        memory.keep_freed_memory()     # each batch reuses the last one's memory (LeNet: 1.2× img/s)
        if len(X) <= batch_size:
            return self.forward(X)
        return np.concatenate([self.forward(X[i:i + batch_size]) for i in range(0, len(X), batch_size)])

    def classes_of(self, out: np.ndarray) -> np.ndarray:
        """The class each row of outputs ``out`` (n, n_out) stands for: the largest output, or for a
        single output whether it passes :attr:`threshold`."""
        return (out[:, 0] > self.threshold).astype(np.int64) if self.n_out == 1 else out.argmax(axis=1)

    def predict(self, X, batch_size: int = 1024) -> np.ndarray:
        """Predicted class indices, shape (n,). A single sigmoid output is thresholded at 0.5."""
        return self.classes_of(self.outputs(X, batch_size))

    def evaluate(self, X, y, batch_size: int = 1024) -> tuple[float, float]:
        """(mean loss, accuracy) on a data set. Accuracy is NaN for targets that are not classes."""
        return self.evaluate_checked(self.check_examples(X, y), batch_size)

    def evaluate_checked(self, data: checks.Examples, batch_size: int = 1024) -> tuple[float, float]:
        """:meth:`evaluate` for examples already checked by :meth:`check_examples` (as ``fit`` does
        once for its validation set)."""
        batch_size = checks.positive_int(batch_size, "batch_size")
        X, targets, labels = data
        total, correct = 0.0, 0
        for i in range(0, len(X), batch_size):
            out = self.forward(X[i:i + batch_size])
            total += self.loss_and_gradient(out, targets[i:i + batch_size])[0] * len(out)
            if labels is not None:
                correct += int((self.classes_of(out) == labels[i:i + batch_size]).sum())
        accuracy = correct / len(X) if labels is not None else float("nan")
        return total / len(X), accuracy

    def fit(self, X, y, epochs: int = 10, batch_size: int = 32, optimizer="sgd",
            validation_data=None, shuffle: bool = True, seed: int | None = None,
            callbacks=(), **kwargs):
        """Train with mini-batch gradient descent; returns a :class:`~neuronet.training.History`.

        See :func:`neuronet.training.fit` for every option (checkpoints, resume, verbosity).
        """
        from .training import fit

        return fit(self, X, y, epochs=epochs, batch_size=batch_size, optimizer=optimizer,
                   validation_data=validation_data, shuffle=shuffle, seed=seed,
                   callbacks=callbacks, **kwargs)

    # --- describing and copying ----------------------------------------------------------------
    @property
    def n_params(self) -> int:
        return sum(layer.n_params for layer in self.layers)

    def summary(self) -> str:
        """A table of layers, output shapes and parameter counts (also printed by ``print(net)``)."""
        rows = [("#", "layer", "output", "params")]
        width = self.n_in
        for i, layer in enumerate(self.layers):
            width = layer.output_dim(width)
            # Image layers say how their flat output is laid out, e.g. (batch, 8×8×8).
            shape = getattr(layer, "output_shape", None)
            shown = "×".join(map(str, shape)) if shape is not None else str(width)
            rows.append((str(i), repr(layer), f"(batch, {shown})", f"{layer.n_params:,}"))
        widths = [max(len(r[c]) for r in rows) for c in range(4)]
        line = lambda r: "  ".join(r[c].ljust(widths[c]) if c < 3 else r[c].rjust(widths[c])  # noqa: E731
                                   for c in range(4))
        rule = "-" * len(line(rows[0]))
        out = [line(rows[0]), rule, *map(line, rows[1:]), rule,
               f"total parameters: {self.n_params:,}   loss: {self.loss.name}   dtype: {self.dtype.name}"]
        return "\n".join(out)

    def __repr__(self) -> str:
        return f"Network({self.layers!r}, loss={self.loss.name!r})"

    def get_config(self) -> dict:
        """Everything needed to rebuild the architecture (not the weights), as plain JSON data."""
        return {"layers": [layer.get_config() for layer in self.layers],
                "loss": self.loss.get_config(), "dtype": self.dtype.name,
                "class_names": self.class_names, "preprocessing": self.preprocessing}

    @classmethod
    def from_config(cls, config: dict) -> Network:
        """A freshly initialised network with the architecture described by ``config``."""
        if not isinstance(config, dict) or not isinstance(config.get("layers"), (list, tuple)):
            raise ConfigError(f"a network config must be a dict with a list of layers (as get_config "
                              f"gives), got {checks.shown(config)}")
        try:
            built = []
            for i, layer_config in enumerate(config["layers"]):
                try:
                    built.append(layers_mod.from_config(layer_config))
                except (ConfigError, ShapeError) as exc:
                    # Say which layer: a network often has several of one type (two Conv2D, say).
                    raise type(exc)(f"layers[{i}]: {exc}") from None
            net = cls(built, loss=config["loss"], dtype=config.get("dtype", "float32"),
                      class_names=config.get("class_names"))
        except (KeyError, TypeError) as exc:
            raise ConfigError(f"malformed network config: missing or bad field {exc}") from None
        net.preprocessing = dict(config.get("preprocessing") or {})
        return net

    def arrays(self) -> dict[str, np.ndarray]:
        """Every array the network keeps, by name: the parameters (``"0.W"``, ``"0.b"`` ...) and the
        buffers that are not trained (``"1.running_mean"`` of a BatchNorm): what a model file holds."""
        return {f"{i}.{k}": a for i, layer in enumerate(self.layers)
                for k, a in (*layer.params.items(), *layer.buffers.items())}

    def get_weights(self) -> dict[str, np.ndarray]:
        """Copies of all parameters and buffers by name (``"0.W"``, ``"0.b"``, ``"1.W"`` ...)."""
        return {name: a.copy() for name, a in self.arrays().items()}

    def set_weights(self, weights: dict[str, np.ndarray]) -> None:
        """Copy ``weights`` into the parameters (and buffers) in place, checking every name, shape and
        dtype first."""
        if not isinstance(weights, dict):
            raise ConfigError(f"weights must be a dict of arrays by name (as get_weights gives), "
                              f"got {checks.shown(weights)}")
        params = self.arrays()
        missing, extra = params.keys() - weights.keys(), weights.keys() - params.keys()
        if missing or extra:
            raise ShapeError(f"weights do not match the architecture (missing: {sorted(missing)}, "
                             f"unexpected: {sorted(extra)})")
        for name, p in params.items():
            w = np.asarray(weights[name])
            if w.shape != p.shape:
                raise ShapeError(f"weight {name} has shape {w.shape}, expected {p.shape}")
            if w.dtype.kind != "f":
                raise ShapeError(f"weight {name} has dtype {w.dtype}, expected floating point")
        cast = {name: checks.cast_finite(weights[name], p.dtype, f"weight {name}")
                for name, p in params.items()}
        for name, p in params.items():   # all checked before any is changed
            p[...] = cast[name]

    def save(self, path, **metadata) -> None:
        """Write the model to ``path`` (JSON architecture + npz arrays; see :mod:`neuronet.modelfile`)."""
        from .modelfile import save

        save(self, path, **metadata)


def mlp(sizes: list[int], activation="sigmoid", output_activation=None, loss=None,
        init: str | None = None, dropout: float = 0.0, seed: int | None = None,
        dtype="float32", batch_norm: bool = False, features: list[str] | None = None) -> Network:
    """A multilayer perceptron from its layer sizes, as in ``mlp([784, 30, 10])``.

    Hidden layers use ``activation``. The output activation and the loss default to a matching pair:
    softmax + cross-entropy for several outputs, sigmoid + binary cross-entropy for one; with
    ``loss="mse"`` the outputs are sigmoids, as in the classic quadratic-cost network. With
    ``batch_norm=True`` each hidden layer is ``Dense`` → ``BatchNorm`` → ``Activation(activation)``.

    ``features`` (points in the plane only, ``sizes[0] == 2``): a :class:`~neuronet.features.PlaneFeatures`
    layer first turns each point into those features (``["x", "y", "x2", "xy"]``), and the first Dense
    layer reads them: ``mlp([2, 8, 2], features=["x", "y", "x2"])`` is 2 -> 3 features -> 8 -> 2.
    """
    sizes = checks.sizes(sizes, "mlp: sizes")
    if len(sizes) < 2:
        raise ConfigError(f"mlp needs at least an input and an output size, got {sizes}")
    first: list[Layer] = []
    if features is not None:
        if sizes[0] != 2:
            raise ConfigError(f"mlp: features are of points in the plane, so sizes[0] must be 2, "
                              f"got {sizes[0]}")
        first = [PlaneFeatures(features)]
        sizes = [len(first[0].features), *sizes[1:]]
    stack, loss_obj = _dense_stack(sizes, activation, output_activation, loss, init, dropout,
                                   checks.flag(batch_norm, "mlp: batch_norm"))
    return Network([*first, *stack], loss=loss_obj, seed=0 if seed is None else seed, dtype=dtype)


def cnn(input_shape, filters: list[int], sizes: list[int], activation="relu", output_activation=None,
        loss=None, init: str | None = None, dropout: float = 0.0, seed: int | None = None,
        dtype="float32", batch_norm: bool = False) -> Network:
    """A convolutional network: blocks of a 3×3 convolution and a 2×2 max-pool, then an mlp.

    Block k is ``Conv2D(filters[k], 3×3, padding="same", activation)`` then ``MaxPool2D(2)``: the
    convolution keeps the height and width, the pooling halves them (floor), ``(H, W) -> (H//2, W//2)``.
    ``sizes`` are the dense layers that read the last block's flattened output: the hidden sizes, then
    the number of outputs, built as :func:`mlp` builds them (``activation`` in the hidden layers,
    ``Dropout(dropout)`` after each of them, a matching output activation and loss). With
    ``batch_norm=True`` each block is ``Conv2D`` → ``BatchNorm`` (per channel) → ``Activation`` → pool:
    the normalisation comes between the convolution and its activation, as in most CNNs since 2015.

        cnn((28, 28, 1), [16, 32], [128, 10])
        # 28×28×1 -conv16-> 28×28×16 -pool-> 14×14×16 -conv32-> 14×14×32 -pool-> 7×7×32 = 1568 -> 128 -> 10

    ``input_shape`` is (height, width) for grey pictures or (height, width, channels); the network
    takes them flattened, (batch, H·W·C) in channels-last order. Every block's input must hold the
    3×3 kernel (:func:`max_conv_blocks` says how many fit). All weights are drawn once, by the
    network, from one generator seeded with ``seed`` (0 if None), layer by layer in order.
    """
    shape = tuple(checks.positive_int(s, f"cnn: input_shape[{i}]") for i, s in enumerate(input_shape)) \
        if isinstance(input_shape, (tuple, list)) and len(input_shape) in (2, 3) else None
    if shape is None:
        raise ConfigError(f"cnn: input_shape must be (height, width) or (height, width, channels), "
                          f"got {checks.shown(input_shape)}")
    if not isinstance(filters, (list, tuple)) or not filters:
        raise ConfigError(f"cnn needs a list of filter counts, one per block, got {checks.shown(filters)}")
    filters = [checks.positive_int(f, f"cnn: filters[{i}]") for i, f in enumerate(filters)]
    if not isinstance(sizes, (list, tuple)) or not sizes:
        raise ConfigError(f"cnn needs the dense layer sizes after the blocks (at least the outputs), "
                          f"got {checks.shown(sizes)}")
    sizes = checks.sizes(sizes, "cnn: sizes")
    height, width = shape[:2]
    most = max_conv_blocks(height, width)
    if len(filters) > most:
        halved = [(height >> k, width >> k) for k in range(len(filters) + 1)]   # floor-halving k times
        raise ConfigError(f"cnn: {len(filters)} blocks are too many for {height}x{width} images (each "
                          f"halves them: {' -> '.join(f'{h}x{w}' for h, w in halved)}; a 3x3 "
                          f"convolution needs at least 3x3); use at most {most}")
    image = (height, width, shape[2] if len(shape) == 3 else 1)   # (H, W, C) entering the first block
    blocks: list[Layer] = []
    batch_norm = checks.flag(batch_norm, "cnn: batch_norm")
    for f in filters:
        conv = Conv2D(image, filters=f, kernel_size=3, padding="same",
                      activation=None if batch_norm else activation, init=init)
        pool = MaxPool2D(conv.output_shape, pool_size=2)
        normalised = [BatchNorm(input_shape=conv.output_shape), layers_mod.Activation(activation)] \
            if batch_norm else []
        blocks += [conv, *normalised, pool]
        image = pool.output_shape                                  # (H//2, W//2, f)
    dense, loss_obj = _dense_stack([blocks[-1].n_out, *sizes], activation, output_activation, loss,
                                   init, dropout)
    return Network([*blocks, *dense], loss=loss_obj, seed=0 if seed is None else seed, dtype=dtype)


def max_conv_blocks(height: int, width: int) -> int:
    """How many :func:`cnn` blocks (3×3 convolution, 2×2 pool) fit an image of ``height`` × ``width``.

    Each block halves the image (floor), and each block's input must be at least 3×3 for its kernel:
    4 blocks on 28×28 (28 -> 14 -> 7 -> 3 -> 1), 2 on 8×8 (8 -> 4 -> 2).
    """
    most, side = 0, min(height, width)
    while side >= 3:
        most, side = most + 1, side // 2
    return most


def _dense_stack(sizes, activation, output_activation, loss, init,
                 dropout, batch_norm: bool = False) -> tuple[list[Layer], losses.Loss]:
    """The Dense (and Dropout) layers of ``sizes`` and the loss, for :func:`mlp` and :func:`cnn`.

    The output activation and the loss default to a matching pair: softmax + cross-entropy for
    several outputs, sigmoid + binary cross-entropy for one, sigmoid outputs for ``loss="mse"``.
    With ``batch_norm`` each hidden layer is ``Dense`` (no activation) → ``BatchNorm`` → ``Activation``.
    """
    dropout = checks.rate(dropout, "dropout")
    n_out = sizes[-1]
    if loss is None:
        loss = "binary_crossentropy" if n_out == 1 else "cross_entropy"
    loss_obj = losses.get(loss)
    if output_activation is None:
        multi_class = n_out > 1 and loss_obj.fuses_with is None and loss_obj.name != "mse"
        output_activation = loss_obj.fuses_with or ("softmax" if multi_class else "sigmoid")
    stack: list[Layer] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        last = i == len(sizes) - 2
        if batch_norm and not last:
            stack += [Dense(a, b, activation=None, init=init), BatchNorm(b),
                      layers_mod.Activation(activation)]
        else:
            stack.append(Dense(a, b, activation=output_activation if last else activation, init=init))
        if dropout and not last:
            stack.append(layers_mod.Dropout(dropout))
    return stack, loss_obj
