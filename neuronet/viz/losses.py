"""Figures of loss functions: one output's loss against its target, and what reaches z.

The lesson of the last panel: with a sigmoid output a = σ(z), the quadratic cost's gradient
dC/dz = (a − y) σ'(z) nearly vanishes when the neuron is saturated *and wrong*, so it learns slowest
when it is most wrong; cross-entropy's dC/dz = a − y does not (Nielsen, chapter 3).
"""

from __future__ import annotations

import numpy as np

from .. import activations as act_mod
from .. import losses as loss_mod
from ..errors import ConfigError
from ._base import CLASS_COLOURS, finish, new_figure

DEFAULT_LOSSES = ("mse", "binary_crossentropy")
_LABELS = {"mse": "quadratic ½(a − y)²",
           "binary_crossentropy": "cross-entropy −[y log a + (1 − y) log(1 − a)]",
           "categorical_crossentropy": "categorical cross-entropy −y log a"}
# What dL/dz works out to for a sigmoid output (for the last panel's legend).
_GRADIENTS = {"mse": "quadratic: (a − y) σ'(z)", "binary_crossentropy": "cross-entropy: a − y"}
_STYLES = ("-", "--", "-.", ":")


def _per_point(fn, a: np.ndarray, y: float) -> np.ndarray:
    """``fn(a_i, y)`` for each output value a_i as a batch of one, so no batch mean is involved."""
    target = np.full((1, 1), y)
    return np.array([fn(np.full((1, 1), v), target) for v in a], dtype=np.float64).reshape(len(a))


def loss_curves(losses=DEFAULT_LOSSES, target: float = 1.0, z_range: tuple[float, float] = (-6.0, 6.0),
                n: int = 401) -> dict:
    """The numbers behind :func:`plot_losses`, from the library's own loss and sigmoid objects.

    Returns ``{"z": (n,), "a": σ(z), "losses": {name: {"loss": (n,), "dz": (n,)}}}``: each loss of the
    single output a = σ(z) against ``target``, and dL/dz = dL/da · σ'(z), the chain rule that
    backpropagation applies at a sigmoid output.
    """
    try:
        y = float(target)
    except (TypeError, ValueError):
        y = float("nan")
    if not 0.0 <= y <= 1.0:
        raise ConfigError(f"target must be a number between 0 and 1 for a sigmoid output, got {target!r}")
    try:
        lo, hi = (float(v) for v in z_range)
    except (TypeError, ValueError):
        lo = hi = float("nan")
    if not lo < hi:
        raise ConfigError(f"z_range must be (low, high) with low < high, got {z_range!r}")
    sigmoid = act_mod.get("sigmoid")
    z = np.linspace(lo, hi, n)
    a = sigmoid(z)
    out = {}
    for spec in ([losses] if isinstance(losses, (str, loss_mod.Loss)) else losses):
        loss = loss_mod.get(spec)
        out[loss.name] = {"loss": _per_point(loss, a, y),
                          "dz": _per_point(loss.gradient, a, y) * sigmoid.derivative(z)}
    if not out:
        raise ConfigError("plot_losses needs at least one loss")
    return {"z": z, "a": a, "losses": out}


def plot_losses(losses=DEFAULT_LOSSES, target: float = 1.0, z_range: tuple[float, float] = (-6.0, 6.0),
                path=None):
    """Loss functions for one sigmoid output a = σ(z) and a target y, in three panels: the loss
    against a, the loss against z, and dL/dz against z: the learning signal.

    ``losses`` are names or :class:`~neuronet.losses.Loss` objects (default: quadratic and binary
    cross-entropy); every value is computed by those objects and :class:`~neuronet.activations.Sigmoid`.
    Where the output is saturated on the wrong side, the quadratic cost's dL/dz = (a − y) σ'(z) is
    almost 0 and cross-entropy's a − y is not: the shaded region.

    >>> plot_losses(path="losses.png")                                             # doctest: +SKIP
    """
    curves = loss_curves(losses, target, z_range)
    y = float(target)
    z, a = curves["z"], curves["a"]
    fig = new_figure(12.0, 3.9)
    axes = [fig.add_subplot(1, 3, i + 1) for i in range(3)]
    wrong = np.abs(a - y) > 0.88          # confidently on the wrong side (only for y near 0 or 1)
    for i, (name, c) in enumerate(curves["losses"].items()):
        colour, style = CLASS_COLOURS[i % len(CLASS_COLOURS)], _STYLES[i % len(_STYLES)]
        label = _LABELS.get(name, name)
        axes[0].plot(a, c["loss"], style, color=colour, lw=2, label=label)
        axes[1].plot(z, c["loss"], style, color=colour, lw=2, label=label)
        axes[2].plot(z, c["dz"], style, color=colour, lw=2, label=_GRADIENTS.get(name, name))
    top = min(5.0, 1.08 * max(float(c["loss"].max()) for c in curves["losses"].values()))
    axes[0].set_xlim(0, 1)
    axes[0].set_xlabel("output a")
    axes[0].set_title(f"loss of one output, target y = {y:g}", fontsize=10)
    axes[1].set_xlabel("pre-activation z   (a = σ(z))")
    axes[1].set_title("the same loss against z", fontsize=10)
    for ax in axes[:2]:
        ax.set_ylim(0, top)
        ax.set_ylabel("loss")
    axes[2].set_xlabel("pre-activation z")
    axes[2].set_ylabel("dL/dz")
    axes[2].set_title("dL/dz = dL/da · σ'(z): the learning signal", fontsize=10)
    axes[2].axhline(0, color="black", lw=0.6)
    if wrong.any():
        for ax in axes[1:]:
            ax.fill_between(z, 0, 1, where=wrong, transform=ax.get_xaxis_transform(), color="#d62728",
                            alpha=0.08, lw=0)
        side = float(z[wrong].mean())
        axes[2].annotate("saturated\nand wrong:\nquadratic\nbarely learns", (side, 0.5),
                         xycoords=("data", "axes fraction"), ha="center", fontsize=8, color="#9e1b1b")
    for ax in axes:
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, loc="upper center")
    axes[2].legend(fontsize=8, loc="lower right" if y >= 0.5 else "upper left")
    return finish(fig, path)
