"""The perceptron learning rule at work: its line moving over the points, update by update."""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError
from ._base import CLASS_COLOURS, finish, grid_shape, new_figure, points_2d


def _pick(n_steps: int, k: int) -> list[int]:
    """Up to k step indices spread evenly from the first to the last."""
    if n_steps <= k:
        return list(range(n_steps))
    return sorted(set(np.linspace(0, n_steps - 1, k).round().astype(int).tolist()))


def _draw_step(ax, w, b, X, y, lims, title) -> None:
    """Points, the two half-planes in the colours of the classes the perceptron outputs there, and its
    line w·x + b = 0."""
    (x0, x1), (y0, y1) = lims
    xx, yy = np.meshgrid(np.linspace(x0, x1, 120), np.linspace(y0, y1, 120))
    z = w[0] * xx + w[1] * yy + b
    ax.contourf(xx, yy, (z > 0).astype(float), levels=[-0.5, 0.5, 1.5],
                colors=[CLASS_COLOURS[0], CLASS_COLOURS[1]], alpha=0.15)
    if np.any(w != 0):
        ax.contour(xx, yy, z, levels=[0], colors="black", linewidths=1.5)
    wrong = (X @ w + b > 0).astype(int) != y
    for c in (0, 1):
        pts = X[y == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=40, color=CLASS_COLOURS[c], edgecolor="black", zorder=3,
                   marker="o" if c == 0 else "s")
    if wrong.any():
        ax.scatter(X[wrong, 0], X[wrong, 1], s=140, facecolor="none", edgecolor="#d62728", lw=1.5, zorder=4)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xticks([])
    ax.set_yticks([])
    # "+ 0" turns -0.0 into 0.0, so a title never reads "b=-0".
    weights = f"w=({w[0] + 0:.2g}, {w[1] + 0:.2g}) b={b + 0:.2g}"
    ax.set_title(f"{title}\n{weights}, {int(wrong.sum())} wrong", fontsize=8)


def _prepare(history, X, y, figure: str):
    steps = getattr(history, "steps", None)
    if not steps:
        raise ConfigError("history has no steps: pass the PerceptronHistory returned by Perceptron.fit")
    X, y = points_2d(X, y, figure)
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = np.maximum((hi - lo) * 0.25, 0.5)
    lims = ((lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1]))
    return steps, X, y, lims


def plot_perceptron_steps(history, X, y, max_panels: int = 12, path=None):
    """Small multiples of the perceptron rule: its line after successive updates.

    ``history`` is the :class:`~neuronet.neuron.PerceptronHistory` from :meth:`Perceptron.fit`; each
    panel shows one (weights, bias) it tried, the background in the colour of the class it outputs
    there, and the points it still gets wrong circled in red. With more updates than ``max_panels``
    an even selection is shown.
    """
    steps, X, y, lims = _prepare(history, X, y, "plot_perceptron_steps")
    picks = _pick(len(steps), max_panels)
    rows, cols = grid_shape(len(picks), max_cols=4)
    fig = new_figure(2.5 * cols, 2.6 * rows + 0.4)
    for k, s in enumerate(picks):
        w, b = steps[s]
        label = "start" if s == 0 else f"after update {s}"
        ax = fig.add_subplot(rows, cols, k + 1)
        _draw_step(ax, np.asarray(w, dtype=float), float(b), X, y, lims, label)
    verdict = ("converged: every point on the right side" if getattr(history, "converged", False)
               else "not converged: no line separates the classes?")
    fig.suptitle(f"Perceptron learning rule, {len(steps) - 1} updates; {verdict}\n"
                 "(background: the class it outputs, blue 0 / orange 1 · red rings: points it gets wrong)",
                 fontsize=10)
    return finish(fig, path)


def animate_perceptron(history, X, y, path="perceptron.gif", fps: int = 2, max_frames: int = 60):
    """An animated GIF of the perceptron's line moving with each update (Pillow writer).

    Returns the Figure showing the last frame; the animation itself is written to ``path`` (.gif).
    """
    from pathlib import Path

    if Path(path).suffix.lower() != ".gif":
        raise ConfigError(f"animate_perceptron writes a GIF; {Path(path).name!r} does not end in .gif")
    try:
        import PIL  # noqa: F401
    except ImportError:
        raise ConfigError('animations need Pillow: pip install "neuronet[images]"') from None
    from matplotlib.animation import FuncAnimation, PillowWriter

    steps, X, y, lims = _prepare(history, X, y, "animate_perceptron")
    picks = _pick(len(steps), max_frames)
    fig = new_figure(4.0, 4.0)
    ax = fig.add_subplot()

    def frame(k):
        ax.clear()
        s = picks[k]
        w, b = steps[s]
        _draw_step(ax, np.asarray(w, dtype=float), float(b), X, y, lims,
                   "start" if s == 0 else f"update {s} of {len(steps) - 1}")
        return []

    anim = FuncAnimation(fig, frame, frames=len(picks), blit=False, repeat=False)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    anim.save(str(path), writer=PillowWriter(fps=fps))
    return fig
