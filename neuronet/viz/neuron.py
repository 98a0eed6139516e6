"""A single neuron drawn with its numbers: inputs, weights, weighted sum, activation, output."""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError, ShapeError
from ._base import CLASS_COLOURS, NEGATIVE, POSITIVE, finish, new_figure


def plot_neuron(neuron, x, path=None):
    """Draw ``neuron`` (a :class:`~neuronet.neuron.Perceptron` or :class:`~neuronet.neuron.Neuron`)
    working on one input ``x``.

    Shows each input xᵢ, the weight wᵢ on its edge (blue positive, red negative, thickness |wᵢ|), the
    weighted sum z = Σ wᵢxᵢ + b with its actual terms, the activation (the step at the threshold for a
    perceptron, the curve with z marked for a neuron) and the output.
    """
    from ..neuron import Neuron, Perceptron

    if not isinstance(neuron, (Neuron, Perceptron)):
        raise ConfigError(f"plot_neuron needs a neuronet Neuron or Perceptron, not a {type(neuron).__name__}"
                          " (draw a Network with plot_network)")
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    w = np.asarray(neuron.weights, dtype=np.float64)
    if x.shape != w.shape:
        raise ShapeError(f"plot_neuron: the neuron has {w.size} weights but x has {x.size} values")
    b = float(neuron.bias)
    z = float(x @ w + b)
    is_perceptron = isinstance(neuron, Perceptron)
    if is_perceptron:
        name, output = "step", float(z > 0)
    else:
        name = neuron.activation.name
        output = float(neuron.activation(np.array([z]))[0])

    n = x.size
    fig = new_figure(9.0, 0.9 * (n + 2.2), layout=None)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 10)
    ax.set_ylim(-0.5 * n - 1.5, max(0.5 * n + 0.5, 1.3))
    ax.set_aspect("equal")
    ax.axis("off")
    ys = np.arange(n)[::-1] - (n - 1) / 2    # inputs stacked top to bottom, centred on the Σ node
    sx, sy = 4.6, 0.0                       # the summing node
    wmax = max(np.abs(w).max(), 1e-12)
    from matplotlib.patches import Circle, FancyBboxPatch

    for i in range(n):
        colour = POSITIVE if w[i] >= 0 else NEGATIVE
        ax.plot([1.2, sx - 0.55], [ys[i], sy], color=colour, lw=0.8 + 4 * abs(w[i]) / wmax, alpha=0.8,
                zorder=1)
        ax.add_patch(Circle((0.8, ys[i]), 0.36, fc="#f2f2f2", ec="black", zorder=2))
        ax.text(0.8, ys[i], f"{x[i]:.3g}", ha="center", va="center", fontsize=9, zorder=3)
        ax.text(0.25, ys[i], f"x{_sub(i + 1)}", ha="right", va="center", fontsize=10)
        # The weight label sits a third of the way along its edge, on a white box to stay readable.
        tx, ty = 1.2 + 0.35 * (sx - 0.55 - 1.2), ys[i] + 0.35 * (sy - ys[i])
        ax.text(tx, ty, f"w{_sub(i + 1)}={w[i]:.3g}", ha="center", va="center", fontsize=8.5, color=colour,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"}, zorder=3)
    ax.add_patch(Circle((sx, sy), 0.55, fc="#fff7d6", ec="black", zorder=2))
    ax.text(sx, sy + 0.12, "Σ", ha="center", va="center", fontsize=18, zorder=3)
    ax.text(sx, sy - 0.3, f"z={z:.3g}", ha="center", va="center", fontsize=8, zorder=3)
    bias_text = (f"threshold θ = {-b:.3g}  (bias b = −θ = {b:.3g})" if is_perceptron else f"bias b = {b:.3g}")
    ax.text(sx, sy - 0.7, bias_text, ha="center", va="top", fontsize=9)
    terms = " + ".join(f"{_num(wi)}·{_num(xi)}" for wi, xi in zip(w, x, strict=True))
    ax.text(5.0, -0.5 * n - 0.75, f"z = w·x + b = {terms} + {_num(b)} = {z:.4g}", ha="center",
            va="center", fontsize=9, wrap=True)

    # The activation: a small plot of f with the current z marked.
    ax.annotate("", xy=(6.05, 0), xytext=(sx + 0.55, 0), arrowprops={"arrowstyle": "->", "lw": 1.5})
    ax.add_patch(FancyBboxPatch((6.05, -0.9), 2.0, 1.8, boxstyle="round,pad=0.05", fc="white", ec="black"))
    inset = ax.inset_axes((6.15, -0.75, 1.8, 1.35), transform=ax.transData)
    span = max(5.0, abs(z) * 1.3)
    zz = np.linspace(-span, span, 400)
    if is_perceptron:
        ff = (zz > 0).astype(float)
    else:
        ff = neuron.activation(zz)
    inset.plot(zz, ff, color=CLASS_COLOURS[0], lw=1.5)
    inset.plot([z], [output], "o", color=CLASS_COLOURS[3], ms=5)
    inset.axvline(0, color="grey", lw=0.5)
    inset.set_xticks([])
    lo, hi = float(np.min(ff)), float(np.max(ff))
    inset.set_yticks(sorted({round(lo, 2), round(hi, 2)}))
    inset.tick_params(labelsize=6)
    ax.text(7.05, 0.95, f"f = {name}", ha="center", va="bottom", fontsize=9)
    ax.annotate("", xy=(8.75, 0), xytext=(8.1, 0), arrowprops={"arrowstyle": "->", "lw": 1.5})
    ax.add_patch(Circle((9.25, 0), 0.45, fc="#dff0d8", ec="black"))
    ax.text(9.25, 0, f"{output:.3g}", ha="center", va="center", fontsize=10)
    ax.text(9.25, -0.6, "output", ha="center", va="top", fontsize=9)
    rule = ("output = 1 if z > 0 (w·x > θ) else 0" if is_perceptron
            else f"output = {name}(z) = {output:.4g}")
    ax.text(5.0, -0.5 * n - 1.15, rule, ha="center", va="center", fontsize=9, color="#444444")
    return finish(fig, path)


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _num(v: float) -> str:
    """A number for a formula: negative ones in brackets, so '2·(-1)' never reads as '2·-1'."""
    return f"({v:.3g})" if v < 0 else f"{v:.3g}"


def _sub(i: int) -> str:
    return str(i).translate(_SUBSCRIPTS)
