"""What a trained network holds inside: first-layer weights as pictures, activation histograms."""

from __future__ import annotations

import numpy as np

from .. import imaging
from ..errors import ConfigError
from ._base import CLASS_COLOURS, dense_layers, finish, grid_shape, layer_outputs, new_figure, unit_names

_RELU_LIKE = {"relu"}   # activations that output exactly 0 for every negative input


def plot_weights(net, layer: int = 0, image_shape=None, max_units: int = 64, path=None):
    """The incoming weights of each unit of Dense layer ``layer`` drawn as a picture.

    For an image model each hidden unit has one weight per pixel, so its weight vector reshaped to
    the image (28×28 for MNIST, 8×8 for the small digits; ``image_shape`` or the square root of n_in)
    shows which pixels excite it (blue) and which inhibit it (red).
    """
    dense = dense_layers(net, "plot_weights", dense_only=True)
    if not 0 <= layer < len(dense):
        raise ConfigError(f"layer must be between 0 and {len(dense) - 1}, got {layer}")
    W = dense[layer].W
    h, w = imaging.image_shape(W.shape[0], image_shape)
    n = min(W.shape[1], max_units)
    rows, cols = grid_shape(n, max_cols=8)
    fig = new_figure(1.3 * cols + 0.8, 1.35 * rows + 0.6)
    axes = fig.subplots(rows, cols, squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if k >= n:
            continue
        col = W[:, k]
        lim = float(np.abs(col).max()) or 1.0    # each unit on its own symmetric scale
        im = ax.imshow(col.reshape(h, w), cmap="RdBu", vmin=-lim, vmax=lim, interpolation="nearest")
        ax.set_title(f"unit {k}", fontsize=7)
    fig.colorbar(im, ax=axes, shrink=0.6, ticks=[],
                 label="red: inhibits · blue: excites\n(each unit on its own scale)")
    shown = f" (first {n} of {W.shape[1]})" if n < W.shape[1] else ""
    fig.suptitle(f"Weights into the {W.shape[1]} units of layer {layer + 1}{shown}", fontsize=11)
    return finish(fig, path)


def dead_fraction(activations: np.ndarray) -> float:
    """The fraction of units (columns of an (n, units) array) that are exactly 0 for every example."""
    return float(np.mean(np.all(activations == 0, axis=0)))


def plot_activation_histograms(net, X, bins: int = 40, path=None):
    """One histogram per Dense layer of its activations over the examples ``X``.

    For ReLU layers the title gives the fraction of dead units (0 for every example in X) and of zero
    outputs; for sigmoid and tanh, piles at the ends of the range mean saturated units that learn slowly.
    """
    dense = dense_layers(net, "plot_activation_histograms")
    outputs = layer_outputs(net, X)
    rows, cols = grid_shape(len(dense), max_cols=4)
    fig = new_figure(3.4 * cols, 2.8 * rows)
    for i, (layer, a, name) in enumerate(zip(dense, outputs, unit_names(net), strict=True)):
        ax = fig.add_subplot(rows, cols, i + 1)
        ax.hist(a.ravel(), bins=bins, color=CLASS_COLOURS[i % len(CLASS_COLOURS)], alpha=0.85)
        ax.set_yscale("log")
        title = f"layer {i + 1}: {layer.n_out} × {name}"
        if name.split(" → ")[-1] in _RELU_LIKE:
            title += f"\ndead units {dead_fraction(a):.0%}, zeros {np.mean(a == 0):.0%}"
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("activation", fontsize=8)
        ax.set_ylabel("count (log scale)", fontsize=8)
        ax.tick_params(labelsize=7)
    fig.suptitle(f"Activations over {len(outputs[0])} examples", fontsize=11)
    return finish(fig, path)
