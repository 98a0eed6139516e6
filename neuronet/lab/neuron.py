"""The lab's first tab, "A neuron": one neuron with three inputs, every number of it on the page.

A **perceptron** (:class:`neuronet.neuron.Perceptron`) with weights w and a threshold t outputs

    1 if w·x > t else 0,

so a small change of one input can flip it from 0 to 1 when w·x is near t. A **sigmoid neuron**
(:class:`neuronet.neuron.Neuron`) replaces the step with σ: the threshold becomes a bias b = −t and

    a = σ(z),  z = w·x + b,   and a nudge Δx of input i moves a by about σ'(z) wᵢ Δx,

a small change for a small nudge: what lets gradient descent learn. Any other elementwise activation
that :mod:`neuronet.activations` registers works the same way. :func:`describe` answers for one
setting of the sliders: each product wᵢxᵢ, the sum, z, the output, the activation's curve f(z) and
f'(z) with z on it, and what a nudge of one input does. :func:`softmax` answers for the softmax of a
few z's. Every number is neuronet's (the neuron, the activation objects); the page only draws.

>>> describe({"kind": "perceptron", "x": [1, 0, 1]})["output"]      # 0.67 + 0.02 = 0.69 ≤ 0.7
0
"""

from __future__ import annotations

import math

import numpy as np

from .. import activations
from ..errors import ConfigError
from ..neuron import Neuron, Perceptron
from .checks import choice, json_object, real, reals, whole

#: Activations that work on a whole row (softmax) rather than one z: they are not one neuron's.
ROW_WISE = ("softmax", "log_softmax")
#: What the page offers: the perceptron (the step function, with a threshold), then every other
#: elementwise activation, in the order neuronet.activations registers them.
KINDS = ("perceptron", *(n for n in activations.names() if n not in ROW_WISE and n != "step"))
#: Slider ranges (|x|, |w|, |t| and |b|, |Δx|), how many z's a softmax takes, and its |z|.
LIMITS = {"x": 2.0, "w": 2.0, "threshold": 3.0, "dx": 1.0, "softmax_units": [2, 6], "z": 10.0}
#: Where the sliders start: near the threshold (0.69 against 0.7), so that a nudge of x₁ flips it.
DEFAULTS = {"kind": "perceptron", "x": [1.0, 0.0, 1.0], "w": [0.67, 0.93, 0.02], "threshold": 0.7,
            "input": 0, "dx": 0.1, "z": [2.0, 1.0, 0.1]}
#: Points on each curve drawn: enough for a smooth line, few enough to send on every slider move.
CURVE_POINTS = 161


def choices() -> dict:
    """What the page offers: kinds (with their names as the registry spells them), limits, defaults."""
    return {"kinds": list(KINDS), "limits": LIMITS, "defaults": DEFAULTS}


def _parse(body) -> dict:
    """The checked settings of a :func:`describe` request; missing fields take :data:`DEFAULTS`."""
    body = json_object(body, {"kind", "x", "w", "threshold", "b", "input", "dx"})
    kind = choice(body.get("kind", DEFAULTS["kind"]), "kind", KINDS)
    # A perceptron has a threshold, a smooth neuron a bias: the other word for it is a mistake.
    wrong, right = ("b", "threshold") if kind == "perceptron" else ("threshold", "b")
    if wrong in body:
        raise ConfigError(f"a {'perceptron' if kind == 'perceptron' else kind + ' neuron'} has a "
                          f"{right}, not a {wrong}; send {right!r}")
    limit = LIMITS["threshold"]
    default = DEFAULTS["threshold"] if right == "threshold" else -DEFAULTS["threshold"]
    return {"kind": kind,
            "x": reals(body.get("x", DEFAULTS["x"]), "x", -LIMITS["x"], LIMITS["x"], 3),
            "w": reals(body.get("w", DEFAULTS["w"]), "w", -LIMITS["w"], LIMITS["w"], 3),
            right: real(body.get(right, default), right, -limit, limit),
            "input": whole(body.get("input", DEFAULTS["input"]), "input", 0, 2),
            "dx": real(body.get("dx", DEFAULTS["dx"]), "dx", -LIMITS["dx"], LIMITS["dx"])}


def _curve(activation: activations.Activation, z: float) -> dict:
    """f and f' on a grid of z around 0 wide enough to hold ``z``: the picture of the activation."""
    span = max(6.0, math.ceil(abs(z)) + 1.0)
    zs = np.linspace(-span, span, CURVE_POINTS)                     # (CURVE_POINTS,)
    return {"z": zs.tolist(), "a": activation(zs).tolist(), "da": activation.derivative(zs).tolist()}


def describe(body) -> dict:
    """The answer to ``{"kind": "sigmoid", "x": [x1, x2, x3], "w": [w1, w2, w3], "b": b, "input": i,
    "dx": Δx}`` (a perceptron takes ``"threshold"`` instead of ``"b"``; every field optional).

    Returns the settings, ``products`` [wᵢxᵢ], ``sum`` Σ wᵢxᵢ, ``z`` (w·x + b, or w·x − t), ``output``
    (0 or 1 for a perceptron), ``derivative`` f'(z), the ``curve`` {z, a, da} and ``nudge``: the
    output with xᵢ + Δx, its ``change``, and for a perceptron ``flips`` and ``flip_at`` (the change of xᵢ
    that brings w·x to the threshold; null when wᵢ = 0), for a smooth neuron ``estimate`` f'(z) wᵢ Δx.
    """
    s = _parse(body)
    x, w, i, dx = np.array(s["x"]), np.array(s["w"]), s["input"], s["dx"]
    nudged = x.copy()
    nudged[i] += dx
    if s["kind"] == "perceptron":
        neuron = Perceptron(3, weights=w, threshold=s["threshold"])
        activation = activations.get("step")     # the perceptron's own rule, as a curve to draw
        output, after = neuron.predict(x), neuron.predict(nudged)
    else:
        neuron = Neuron(w, bias=s["b"], activation=s["kind"])
        activation = neuron.activation
        output, after = neuron(x), neuron(nudged)
    z = neuron.weighted_sum(x)
    total = float(w @ x)                         # Σ wᵢxᵢ, before the threshold or bias
    nudge = {"input": i, "dx": dx, "x": float(nudged[i]), "output": after, "change": after - output}
    if s["kind"] == "perceptron":
        # w·x + wᵢ Δ = t at Δ = (t − w·x) / wᵢ: past that change of xᵢ the output flips.
        nudge.update(flips=after != output,
                     flip_at=float((s["threshold"] - total) / w[i]) if w[i] != 0 else None)
    else:
        nudge["estimate"] = float(activation.derivative(np.array([z]))[0] * w[i] * dx)
    return {**s, "products": (w * x).tolist(), "sum": total, "z": z, "output": output,
            "derivative": float(activation.derivative(np.array([z]))[0]),
            "curve": _curve(activation, z), "nudge": nudge}


def softmax(body) -> dict:
    """The answer to ``{"z": [z1, ..., zk]}`` (2 to 6 values): ``z``, ``exp`` [e^zᵢ] and their ``sum``,
    and ``a`` = softmax(z) from :class:`neuronet.activations.Softmax`, which sums to 1."""
    body = json_object(body, {"z"})
    low, high = LIMITS["softmax_units"]
    z = np.array([reals(body.get("z", DEFAULTS["z"]), "z", -LIMITS["z"], LIMITS["z"], (low, high))])
    exp = np.exp(z[0])                           # (k,); |z| ≤ 10 keeps e^z far from overflow
    return {"z": z[0].tolist(), "exp": exp.tolist(), "sum": float(exp.sum()),
            "a": activations.get("softmax")(z)[0].tolist()}
