"""Two-dimensional pictures of what a network computes: decision regions and hidden-unit responses."""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError, ShapeError
from ._base import (
    CLASS_COLOURS,
    class_probabilities,
    dense_layers,
    finish,
    grid_shape,
    layer_outputs,
    new_figure,
    points_2d,
    split_words,
    unit_names,
)


def _plane(X: np.ndarray, resolution: int, margin: float = 0.15):
    """A (resolution², 2) grid covering the points X plus a margin, and its two axes."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = (hi - lo) * margin + 1e-9
    gx = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    gy = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    xx, yy = np.meshgrid(gx, gy)
    return np.column_stack([xx.ravel(), yy.ravel()]), gx, gy


def _check_two_inputs(n_in: int, figure: str) -> None:
    # Without this the network's own check would complain about the 40,000-point grid, not the model.
    if n_in != 2:
        raise ShapeError(f"{figure} draws the input plane, so the model needs 2 inputs; this one has {n_in}")


def _scatter(ax, X, y) -> None:
    for c in np.unique(y):
        pts = X[y == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=14, color=CLASS_COLOURS[int(c) % 10], edgecolor="white",
                   linewidth=0.5, label=f"class {int(c)}", zorder=3)


def plot_decision_regions(net, X, y, resolution: int = 200, split: str | None = None, path=None):
    """The plane coloured by the class ``net`` predicts at each point, with the points ``(X, y)``.

    Works for any number of classes: each region takes its class's colour, paler where the network is
    less sure (the largest probability is lower); the decision boundaries are drawn as lines. ``net``
    needs ``predict_proba`` (a Network) or at least ``predict`` (a Perceptron). The title gives the
    accuracy on the points drawn; ``split`` says which they are (``"training"``, ``"test"``), since
    this function cannot tell: without it the title names no split.
    """
    from matplotlib.colors import to_rgb

    from ..network import Network
    from ..neuron import Perceptron

    if not isinstance(net, (Network, Perceptron)):
        raise ConfigError("plot_decision_regions needs a neuronet Network or Perceptron, "
                          f"not a {type(net).__name__}")
    X, y = points_2d(X, y, "plot_decision_regions")
    split = split_words(split, "plot_decision_regions")
    # Only predictions are drawn, so any Network will do (a conv net too): its own n_in, not a layer's.
    _check_two_inputs(net.n_in if isinstance(net, Network) else net.weights.size, "plot_decision_regions")
    grid, gx, gy = _plane(X, resolution)
    if isinstance(net, Network):
        proba = class_probabilities(net, grid)
    else:
        pred = np.asarray(net.predict(grid)).astype(np.int64)
        proba = np.eye(max(int(pred.max()), int(y.max())) + 1)[pred]
    pred = proba.argmax(axis=1)
    k = max(proba.shape[1], int(y.max()) + 1)
    # Confidence runs from 1/k (a coin toss) to 1; map it to how strongly the class colour shows.
    conf = (proba.max(axis=1) - 1 / k) / (1 - 1 / k)
    colours = np.array([to_rgb(CLASS_COLOURS[c % 10]) for c in range(k)])
    strength = 0.25 + 0.45 * conf[:, None]
    rgb = 1 - strength * (1 - colours[pred])
    fig = new_figure(5.6, 4.8)
    ax = fig.add_subplot()
    extent = (gx[0], gx[-1], gy[0], gy[-1])
    ax.imshow(rgb.reshape(resolution, resolution, 3), origin="lower", extent=extent, aspect="auto",
              interpolation="bilinear")
    ax.contour(gx, gy, pred.reshape(resolution, resolution), levels=np.arange(k) + 0.5, colors="black",
               linewidths=0.8)
    _scatter(ax, X, y)
    acc = np.mean(np.asarray(net.predict(X)).reshape(-1) == y)
    where = f"on the {split} set ({len(y)} points)" if split else f"on the {len(y)} points shown"
    ax.set_title(f"Decision regions ({k} classes): accuracy {acc:.1%}\n{where}; paler where less sure",
                 fontsize=10)
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.legend(fontsize=8, loc="best", framealpha=0.8, title=f"{split} points" if split else None,
              title_fontsize=8)
    return finish(fig, path)


def plot_hidden_units(net, X, layer: int = 0, y=None, resolution: int = 80, max_units: int = 16, path=None):
    """What each unit of Dense layer ``layer`` responds to: its activation over the input plane.

    One small map per unit (bright = strongly active, each map on its own colour scale), with the
    points X on top (coloured by their class ``y`` if given). For the first layer each map is a
    smoothed half-plane: one line through the data; deeper layers combine those lines into curves.
    """
    X, y = points_2d(X, y, "plot_hidden_units")
    # Each map is a Dense unit over the input plane: with a Conv2D in between, "layer k" and
    # "the input plane" would no longer mean what the figure says.
    dense = dense_layers(net, "plot_hidden_units", dense_only=True)
    _check_two_inputs(dense[0].n_in, "plot_hidden_units")
    if not 0 <= layer < len(dense):
        raise ConfigError(f"layer must be between 0 and {len(dense) - 1}, got {layer}")
    grid, gx, gy = _plane(X, resolution)
    acts = layer_outputs(net, grid)[layer]
    n = min(acts.shape[1], max_units)
    rows, cols = grid_shape(n, max_cols=4 if n <= 8 else 6)
    fig = new_figure(2.3 * cols, 2.2 * rows + 0.5)
    axes = fig.subplots(rows, cols, squeeze=False)
    extent = (gx[0], gx[-1], gy[0], gy[-1])
    colours = np.array(CLASS_COLOURS)[y % 10] if y is not None else "white"
    for k, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if k >= n:
            ax.set_axis_off()
            continue
        ax.imshow(acts[:, k].reshape(resolution, resolution), origin="lower", extent=extent, aspect="auto",
                  cmap="magma")
        ax.scatter(X[:, 0], X[:, 1], s=4, c=colours, edgecolor="black", linewidth=0.2)
        ax.set_title(f"unit {k}", fontsize=8)
    name = unit_names(net)[layer]
    more = f" (first {n} of {acts.shape[1]})" if n < acts.shape[1] else ""
    # Each map is scaled to its own unit's range, so brightness compares places, not units.
    points = "\npoints coloured by their class" if y is not None else ""
    fig.suptitle(f"What each {name} unit of layer {layer + 1} responds to{more}\neach map on its own "
                 f"scale: dark = low, bright = high activation{points}", fontsize=9)
    return finish(fig, path)
