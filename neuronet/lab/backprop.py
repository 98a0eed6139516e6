"""The lab's third tab, "Backpropagation, step by step": one example through a small network, every
number of the forward pass, the loss, the backward pass and the SGD update.

The network is :func:`neuronet.network.mlp` in float64 (sizes from the page, at most 4 Dense layers
of at most 6 units), its weights drawn from a seed or sent back by the page after an update. The
forward pass runs each Dense layer's own ``forward`` and keeps what the layer cached:

    z = x W + b,   a = f(z)                                    (per layer; x is the layer below's a)

the loss is the network's (``loss_and_gradient``), and the backward pass runs each layer's own
``backward`` from the top, as :meth:`neuronet.network.Network.backward` does, keeping for each layer

    dL/da   (what came down from the layer above; for the output layer, the loss's gradient)
    dL/dz = dL/da ⊙ f'(z)   (a − y straight from the loss when it is fused with the output activation)
    dL/dW = xᵀ dL/dz,   dL/db = dL/dz

then one step of neuronet's SGD, W ← W − η dL/dW and b ← b − η dL/db, and the loss after it.
:func:`neuronet.gradcheck.gradcheck` checks the same gradients against central differences and its
largest relative error per parameter goes to the page too.

>>> answer = step({"sizes": [2, 3, 2]})
>>> answer["gradcheck"]["ok"], answer["loss_after"] < answer["loss"]
(True, True)
"""

from __future__ import annotations

import numpy as np

from .. import activations, optimizers
from ..errors import ConfigError
from ..gradcheck import gradcheck
from ..network import Network, mlp
from .checks import choice, finite, json_object, real, reals, shown, whole

#: Hidden activations offered: every elementwise one neuronet registers but the step (whose
#: gradient is zero wherever it exists, so nothing would move).
HIDDEN = tuple(n for n in activations.names() if n not in ("softmax", "log_softmax", "step"))
#: The output layer's activation and the loss, in the pairs that are right together.
OUTPUTS = {"softmax_ce": ("softmax", "cross_entropy", "softmax + cross-entropy"),
           "sigmoid_bce": ("sigmoid", "binary_crossentropy", "sigmoid + binary cross-entropy"),
           "sigmoid_mse": ("sigmoid", "mse", "sigmoid + quadratic loss"),
           "identity_mse": ("identity", "mse", "no activation (identity) + quadratic loss")}
#: Bounds of a request: layers (Dense), units per layer, |x|, |target|, |weight|, learning rate.
LIMITS = {"layers": 4, "units": 6, "x": 10.0, "target": 10.0, "weight": 10.0, "lr": 10.0}
DEFAULTS = {"sizes": [2, 3, 2], "activation": "sigmoid", "output": "softmax_ce", "x": [1.0, 0.5],
            "target": [1.0, 0.0], "lr": 0.5, "seed": 0}
FIELDS = {"sizes", "activation", "output", "x", "target", "lr", "seed", "weights"}


def choices() -> dict:
    """What the page offers: hidden activations, output pairs (name and label), limits, defaults."""
    return {"activations": list(HIDDEN),
            "outputs": [{"name": n, "label": label} for n, (_, _, label) in OUTPUTS.items()],
            "limits": LIMITS, "defaults": DEFAULTS}


def _sizes(value) -> list[int]:
    most, units = LIMITS["layers"], LIMITS["units"]
    if not isinstance(value, list) or not 2 <= len(value) <= most + 1:
        raise ConfigError(f"sizes must be a list of 2 to {most + 1} layer sizes (inputs, hidden layers, "
                          f"outputs), got {shown(value)}")
    return [whole(v, f"sizes[{i}]", 1, units) for i, v in enumerate(value)]


def _target(value, output: str, n_out: int) -> list[float]:
    """The target row, checked for the loss: probabilities summing to 1 for cross-entropy, values in
    [0, 1] for binary cross-entropy, any bounded numbers for the quadratic loss."""
    if output == "softmax_ce":
        target = reals(value, "target", 0.0, 1.0, n_out)
        if abs(sum(target) - 1.0) > 1e-9:
            raise ConfigError(f"a cross-entropy target is a probability for each class, summing to 1 "
                              f"(e.g. a one-hot row); got {shown(value)}")
        return target
    if output == "sigmoid_bce":
        return reals(value, "target", 0.0, 1.0, n_out)
    return reals(value, "target", -LIMITS["target"], LIMITS["target"], n_out)


def _weights(value, sizes: list[int]) -> list[tuple[list, list]]:
    """[(W, b), ...] sent back by the page: one per layer, W as n_in rows of n_out numbers."""
    limit = LIMITS["weight"]
    if not isinstance(value, list) or len(value) != len(sizes) - 1:
        raise ConfigError(f"weights must be a list of {len(sizes) - 1} layers {{W, b}}, got {shown(value)}")
    layers = []
    for k, (layer, n_in, n_out) in enumerate(zip(value, sizes[:-1], sizes[1:], strict=True)):
        json_object(layer, {"W", "b"}, f"field of weights[{k}]")
        rows = layer.get("W")
        if not isinstance(rows, list) or len(rows) != n_in:
            raise ConfigError(f"weights[{k}].W must be {n_in} rows of {n_out} numbers, got {shown(rows)}")
        W = [reals(r, f"weights[{k}].W[{i}]", -limit, limit, n_out) for i, r in enumerate(rows)]
        layers.append((W, reals(layer.get("b"), f"weights[{k}].b", -limit, limit, n_out)))
    return layers


def parse(body) -> dict:
    """The checked settings of a :func:`step` request; missing fields take :data:`DEFAULTS`."""
    body = json_object(body, FIELDS)
    sizes = _sizes(body.get("sizes", DEFAULTS["sizes"]))
    output = choice(body.get("output", DEFAULTS["output"]), "output", tuple(OUTPUTS))
    if output == "softmax_ce" and sizes[-1] < 2:
        raise ConfigError("a softmax needs 2 or more outputs (over one it is always 1); choose a "
                          "sigmoid output for a single one")
    fallback = DEFAULTS["x"] if len(DEFAULTS["x"]) == sizes[0] else [0.5] * sizes[0]
    target = body.get("target", DEFAULTS["target"] if len(DEFAULTS["target"]) == sizes[-1]
                      else [1.0] + [0.0] * (sizes[-1] - 1))
    return {"sizes": sizes, "output": output,
            "activation": choice(body.get("activation", DEFAULTS["activation"]), "activation", HIDDEN),
            "x": reals(body.get("x", fallback), "x", -LIMITS["x"], LIMITS["x"], sizes[0]),
            "target": _target(target, output, sizes[-1]),
            "lr": real(body.get("lr", DEFAULTS["lr"]), "lr", 1e-6, LIMITS["lr"]),
            "seed": whole(body.get("seed", DEFAULTS["seed"]), "seed", 0, 2**32 - 1),
            "weights": _weights(body["weights"], sizes) if "weights" in body else None}


def build(settings: dict) -> Network:
    """The settings' network: mlp in float64, its weights drawn from the seed or set as sent."""
    out_activation, loss, _ = OUTPUTS[settings["output"]]
    net = mlp(settings["sizes"], activation=settings["activation"], output_activation=out_activation,
              loss=loss, seed=settings["seed"], dtype="float64")
    for layer, (W, b) in zip(net.layers, settings["weights"] or [], strict=False):
        layer.W, layer.b = W, b        # checked again by the layer's Params: shapes, finite
    return net


def _listed(a) -> list | float | None:
    """An array as (nested) lists of floats, None where not finite: JSON has no NaN."""
    a = np.asarray(a, dtype=np.float64)
    return finite(a) if a.ndim == 0 else [_listed(v) for v in a]


def _forward(net: Network, x: np.ndarray) -> tuple[np.ndarray, list[dict]]:
    """Each Dense layer's own forward, in turn; what it cached (z, and its output a) kept."""
    a, shown_layers = x, []
    for layer in net.layers:
        a = layer.forward(a, training=True)                  # (1, n_out)
        shown_layers.append({"z": layer._z[0], "a": a[0]})   # the layer's cache, as backward reads it
    return a, shown_layers


def fused(net: Network) -> bool:
    """Whether the loss hands back dL/dz of the output layer (softmax or sigmoid with its cross-entropy),
    as :class:`~neuronet.network.Network` decides it."""
    return net.loss.fuses_with is not None and net.layers[-1].activation.name == net.loss.fuses_with


def _backward(net: Network, out: np.ndarray, targets: np.ndarray, grad: np.ndarray) -> list[dict]:
    """Each layer's own backward from the top, as Network.backward runs them, and what passed."""
    last, fuses = len(net.layers) - 1, fused(net)
    shown_layers: list[dict] = [{} for _ in net.layers]
    for i in range(last, -1, -1):
        layer = net.layers[i]
        if i == last and fuses:     # the loss gave dL/dz = (a − y)/n; dL/da is shown from the loss
            da, dz = net.loss.gradient(out, targets), grad
        else:
            da, dz = grad, layer.activation.backward(grad, layer._z, layer._a)
        grad = layer.backward(grad, need_input_grad=i > 0, pre_activation=i == last and fuses)
        shown_layers[i] = {"dL_da": da[0], "dL_dz": dz[0], "dL_dW": layer.grads["W"].copy(),
                           "dL_db": layer.grads["b"].copy()}
    return shown_layers


def step(body) -> dict:
    """The answer to ``{"sizes": [2, 3, 2], "activation": "sigmoid", "output": "softmax_ce",
    "x": [...], "target": [...], "lr": 0.5, "seed": 0, "weights": [{"W": ..., "b": ...}, ...]}``
    (all optional; ``output`` one of :data:`OUTPUTS`).

    Returns the settings, ``fused``, ``loss`` and ``loss_after`` (the update), and ``layers``: for
    each Dense layer its ``activation``, ``W``, ``b``, forward ``z`` and ``a``, backward ``dL_da``,
    ``dL_dz``, ``dL_dW``, ``dL_db``, the updated ``new_W`` and ``new_b``, and ``gradcheck``
    {W, b}: the largest relative error gradcheck found; ``gradcheck`` {max_error, tolerance, ok}.
    """
    settings = parse(body)
    net = build(settings)
    x = net.check_inputs([settings["x"]])                               # (1, n_in)
    targets, _ = net.check_targets(np.array([settings["target"]]), 1)    # (1, n_out)
    report = gradcheck(net, x, targets)        # on a copy of the weights as they are now
    before = [(layer.W.copy(), layer.b.copy()) for layer in net.layers]
    out, forward = _forward(net, x)
    loss, grad = net.loss_and_gradient(out, targets)
    backward = _backward(net, out, targets, grad)
    optimizers.get("sgd", lr=settings["lr"]).step(net.parameters())   # W ← W − η dL/dW, in place
    loss_after, _ = net.loss_and_gradient(net.forward(x), targets)
    layers = []
    for i, layer in enumerate(net.layers):
        layers.append({"activation": layer.activation.name, "W": before[i][0], "b": before[i][1],
                       **forward[i], **backward[i], "new_W": layer.W, "new_b": layer.b})
        layers[-1] = {k: v if isinstance(v, str) else _listed(v) for k, v in layers[-1].items()}
        layers[-1]["gradcheck"] = {k: report.errors[f"{i}.{k}"] for k in ("W", "b")}
    return {**{k: v for k, v in settings.items() if k != "weights"}, "fused": fused(net),
            "loss": finite(loss), "loss_after": finite(loss_after), "layers": layers,
            "gradcheck": {"max_error": report.max_error, "tolerance": report.tolerance, "ok": report.ok}}
