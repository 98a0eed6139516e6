"""Figures of activation functions: each curve f(z) with its derivative f'(z)."""

from __future__ import annotations

import numpy as np

from .. import activations as act_mod
from ._base import CLASS_COLOURS, finish, grid_shape, new_figure

# Softmax-like functions act on a whole vector, so they are shown as bars for this example vector.
_VECTOR_FUNCTIONS = {"softmax", "log_softmax"}
_EXAMPLE_SCORES = np.array([2.0, 1.0, 0.1, -1.0, 3.0])


def _draw(ax, activation, z_range=(-5.0, 5.0)) -> None:
    """Draw one activation on ``ax``: the curve and its derivative, or bars for softmax."""
    if activation.name in _VECTOR_FUNCTIONS:
        z = _EXAMPLE_SCORES[None, :]
        a = activation(z)[0]
        idx = np.arange(z.shape[1])
        ax.bar(idx - 0.2, z[0], width=0.4, color="#bbbbbb", label="scores z")
        ax.bar(idx + 0.2, a, width=0.4, color=CLASS_COLOURS[0], label=f"{activation.name}(z)")
        for i, v in zip(idx, a, strict=True):
            ax.annotate(f"{v:.2f}", (i + 0.2, v), ha="center", va="bottom" if v >= 0 else "top",
                        fontsize=7, xytext=(0, 1 if v >= 0 else -1), textcoords="offset points")
        ax.set_xticks(idx, [f"z{i + 1}" for i in idx])
        if activation.name == "softmax":
            ax.set_title("softmax: scores → probabilities (sum 1)", fontsize=9)
        else:
            ax.set_title("log_softmax: log-probabilities", fontsize=9)
        ax.axhline(0, color="black", lw=0.6)
        ax.legend(fontsize=7, loc="best")
        return
    z = np.linspace(z_range[0], z_range[1], 801)
    a, d = activation(z), activation.derivative(z)
    if activation.name == "step":
        # Break the curve at the jump instead of drawing a vertical line.
        a = np.where(np.isclose(z, 0), np.nan, a)
    ax.axhline(0, color="black", lw=0.6)
    ax.axvline(0, color="black", lw=0.6)
    ax.plot(z, a, color=CLASS_COLOURS[0], lw=2, label=f"{activation.name}(z)")
    ax.plot(z, d, color=CLASS_COLOURS[1], lw=1.5, ls="--", label="derivative")
    ax.set_xlim(*z_range)
    ax.set_title(repr(activation).replace("()", ""), fontsize=9)
    ax.set_xlabel("z", fontsize=8)
    ax.legend(fontsize=7, loc="upper left")
    ax.grid(alpha=0.3)
    ax.tick_params(labelsize=7)


def plot_activation(activation="sigmoid", z_range: tuple[float, float] = (-5.0, 5.0), path=None):
    """One activation function and its derivative (softmax: bars for an example score vector).

    ``activation`` is a name (``"relu"``) or an :class:`~neuronet.activations.Activation` object.

    >>> fig = plot_activation("sigmoid", path="sigmoid.png")   # doctest: +SKIP
    """
    activation = act_mod.get(activation)
    fig = new_figure(4.5, 3.2)
    _draw(fig.add_subplot(), activation, z_range)
    return finish(fig, path)


def plot_activations(names: list[str] | None = None, z_range: tuple[float, float] = (-5.0, 5.0), path=None):
    """A grid with every activation (or those in ``names``), each with its derivative."""
    names = list(names) if names is not None else act_mod.names()
    rows, cols = grid_shape(len(names), max_cols=4)
    fig = new_figure(3.2 * cols, 2.6 * rows)
    for i, name in enumerate(names):
        _draw(fig.add_subplot(rows, cols, i + 1), act_mod.get(name), z_range)
    fig.suptitle("Activation functions f(z) (solid) and their derivatives f'(z) (dashed)")
    return finish(fig, path)
