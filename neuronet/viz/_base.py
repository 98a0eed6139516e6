"""What every figure function shares: a pyplot-free Figure, saving by suffix, colours.

Figures are built from :class:`matplotlib.figure.Figure` with an Agg canvas attached, never through
``pyplot``, so drawing leaves no global state behind and works on machines without a display.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import ConfigError, ShapeError

# Saving picks the format from the file's suffix.
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}

# One colour per class, readable on white and for the common forms of colour blindness.
CLASS_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
POSITIVE, NEGATIVE = "#2166ac", "#b2182b"   # weight signs: blue excites, red inhibits


def require_matplotlib():
    """Import matplotlib, or raise ConfigError saying which extra to install."""
    try:
        import matplotlib  # noqa: F401
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: F401
        from matplotlib.figure import Figure  # noqa: F401
    except ImportError:
        raise ConfigError('plotting needs matplotlib: pip install "neuronet[plot]"') from None
    import matplotlib

    return matplotlib


def new_figure(width: float, height: float, layout: str | None = "constrained"):
    """A fresh Figure of ``width`` x ``height`` inches with its own Agg canvas."""
    require_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout=layout)
    FigureCanvasAgg(fig)
    return fig


def check_path(path) -> Path:
    """``path`` as a Path whose suffix is a format we can write, or a ConfigError."""
    p = Path(path)
    if p.suffix.lower() not in FORMATS:
        raise ConfigError(f"cannot save a figure as {p.name!r}: use a .png, .svg or .pdf file name")
    return p


def finish(fig, path=None, dpi: int = 100):
    """Save ``fig`` to ``path`` when one is given (format from the suffix) and return it."""
    if path is not None:
        p = check_path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        fmt = FORMATS[p.suffix.lower()]
        # No creation date in the file, so the same figure always gives the same bytes.
        metadata = {"Date": None} if fmt == "svg" else ({"CreationDate": None} if fmt == "pdf" else None)
        fig.savefig(p, format=fmt, dpi=dpi, metadata=metadata)
    return fig


def pixels(fig) -> np.ndarray:
    """The rendered figure as an (height, width, 4) uint8 RGBA array (for tests and comparisons)."""
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def grid_shape(n: int, max_cols: int = 8) -> tuple[int, int]:
    """(rows, cols) for ``n`` small panels, as square as ``max_cols`` allows."""
    cols = min(max_cols, max(1, int(np.ceil(np.sqrt(n)))))
    return int(np.ceil(n / cols)), cols


def dense_layers(net, figure: str = "this figure", dense_only: bool = False) -> list:
    """The Dense layers of a network, in order (Dropout and other parameter-free layers skipped).

    Raises ConfigError when ``net`` is not a :class:`~neuronet.network.Network` (a Perceptron, say),
    so a wrong model gives one clear line instead of an AttributeError deep inside matplotlib code.
    ``dense_only``: also refuse networks with layers that make other units (Conv2D, MaxPool2D), for
    figures that would otherwise draw the first Dense layer as if its inputs were the network's
    inputs. Per-unit layers (Dropout, BatchNorm, Activation) belong to the Dense layer before them.
    """
    from ..layers import Dense
    from ..network import Network

    if not isinstance(net, Network):
        raise ConfigError(f"{figure} needs a neuronet Network (e.g. from nn.mlp), not a {type(net).__name__}")
    if dense_only:
        other = [layer for layer in net.layers if not (isinstance(layer, Dense) or layer.per_unit)]
        if other:
            raise ConfigError(f"{figure} draws networks of Dense layers only; this one has a "
                              f"{type(other[0]).__name__} layer")
    return [layer for layer in net.layers if isinstance(layer, Dense)]


def dense_stages(net) -> list[tuple[int, int]]:
    """The :meth:`~neuronet.network.Network.stages` that begin with a Dense layer, one per Dense layer:
    what the figures call "layer k"."""
    from ..layers import Dense

    return [(first, last) for first, last in net.stages() if isinstance(net.layers[first], Dense)]


def unit_names(net) -> list[str]:
    """What each Dense layer's units compute, for titles: its activation, after a BatchNorm if one
    follows ("BatchNorm → relu"), the activation of the Activation layer after it if there is one."""
    from ..normalization import BatchNorm

    names = []
    for first, last in dense_stages(net):
        activation = net.stage_activation(first, last)
        normed = any(isinstance(layer, BatchNorm) for layer in net.layers[first:last + 1])
        names.append(f"BatchNorm → {activation}" if normed else str(activation))
    return names


def split_words(split, figure: str) -> str | None:
    """``split`` (which part of the data a figure is given: "training", "test", ...) checked: None,
    or a short non-empty string that the figure's title can name."""
    if split is None:
        return None
    if not isinstance(split, str) or not split.strip() or len(split) > 40:
        raise ConfigError(f"{figure}: split must name the data (e.g. split='test'), got {split!r}")
    return split.strip()


def points_2d(X, y=None, figure: str = "this figure") -> tuple[np.ndarray, np.ndarray | None]:
    """X as float64 points of shape (n, 2) and y (if given) as n integer labels, or a ShapeError."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0:
        raise ShapeError(f"{figure} needs 2-D points X of shape (n, 2) with n >= 1; got {X.shape}")
    if y is None:
        return X, None
    y = np.asarray(y).reshape(-1)
    if len(y) != len(X):
        raise ShapeError(f"{figure}: {len(y)} labels y for {len(X)} points X")
    return X, y.astype(np.int64)


def class_probabilities(net, X: np.ndarray) -> np.ndarray:
    """``net.predict_proba(X)`` as an (n, classes) array; one sigmoid output P(1) becomes two columns."""
    proba = np.asarray(net.predict_proba(X), dtype=np.float64)
    return np.hstack([1 - proba, proba]) if proba.shape[1] == 1 else proba


def layer_outputs(net, X) -> list[np.ndarray]:
    """The activations of every Dense layer's units for a batch X: a list of (n, units) arrays. A Dense
    layer followed by BatchNorm and an Activation gives the Activation's output: what its units say."""
    outputs = net.layer_outputs(X)
    return [outputs[last] for _, last in dense_stages(net)]

