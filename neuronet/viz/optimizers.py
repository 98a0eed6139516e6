"""Figures of gradient descent: optimisers' paths down a 2-D function, and the loss at every step.

The paths come from :func:`neuronet.surfaces.optimizer_path`, which runs the real optimiser objects,
so what is drawn is what training does, one full-batch step at a time.
"""

from __future__ import annotations

import math

import numpy as np

from .. import surfaces
from ..errors import ConfigError
from ..optimizers import SGD, Optimizer
from ._base import CLASS_COLOURS, finish, new_figure

DEFAULT_OPTIMIZERS = ("sgd", "momentum", "nesterov", "rmsprop", "adam")
_MARKERS = "osD^vP*X<>"


def optimizer_label(optimizer: Optimizer) -> str:
    """A short legend label: the kind and learning rate, e.g. ``"Adam, η=0.3"``."""
    name = type(optimizer).__name__
    if isinstance(optimizer, SGD) and optimizer.momentum:
        name = f"{'Nesterov' if optimizer.nesterov else 'momentum'} {optimizer.momentum:g}"
    lr = optimizer.lr
    return f"{name}, η={lr:g}" if isinstance(lr, float) and math.isfinite(lr) else name


def _named(optimizers, surface) -> dict[str, Optimizer]:
    """{legend label: fresh Optimizer} from a dict of them, a list, or None (the defaults)."""
    if optimizers is None:
        optimizers = DEFAULT_OPTIMIZERS
    if isinstance(optimizers, (str, Optimizer)):
        optimizers = [optimizers]
    if isinstance(optimizers, dict):
        made = {str(k): surfaces.make_optimizer(v, surface) for k, v in optimizers.items()}
    elif isinstance(optimizers, (list, tuple)):
        made = {}
        for spec in optimizers:
            opt = surfaces.make_optimizer(spec, surface)
            label = optimizer_label(opt)
            while label in made:            # two optimisers that look alike still get two entries
                label += " "
            made[label] = opt
    else:
        raise ConfigError("optimizers must be a list of names or Optimizer objects, or a dict "
                          f"{{label: optimizer}}, not {type(optimizers).__name__}")
    if not made:
        raise ConfigError("plot_optimizer_paths needs at least one optimizer")
    return made


def _frame(surface, start: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]]:
    """The surface's view, widened to show the start with a margin."""
    (x0, x1), (y0, y1) = surface.view
    mx, my = 0.08 * (x1 - x0), 0.08 * (y1 - y0)
    return ((min(x0, start[0] - mx), max(x1, start[0] + mx)),
            (min(y0, start[1] - my), max(y1, start[1] + my)))


def _contours(ax, surface, frame) -> float:
    """Filled contours of f, evenly spaced in log(f − lowest); returns the lowest value used."""
    (x0, x1), (y0, y1) = frame
    gx, gy = np.meshgrid(np.linspace(x0, x1, 240), np.linspace(y0, y1, 240))
    f = surface(np.stack([gx, gy], axis=-1))
    low = surface.lowest if surface.lowest is not None else float(f.min())
    gap = f - low
    positive = gap[gap > 0]
    # log10 of the height above the minimum, so the flat floor of a valley gets as many lines as its
    # steep walls; the bottom 0.5 % of the frame shares one band.
    lo, hi = np.log10(np.quantile(positive, 0.005)), np.log10(positive.max())
    levels = np.linspace(lo, hi, 15)
    height = np.log10(np.maximum(gap, 10.0 ** lo))
    ax.contourf(gx, gy, height, levels=levels, cmap="Blues_r", alpha=0.45, extend="both")
    ax.contour(gx, gy, height, levels=levels, colors="#4a6a8a", linewidths=0.5, alpha=0.5,
               linestyles="solid")
    return low


def _draw_row(fig, spec, row: int, rows: int, optimizers, start, steps, show_loss: bool) -> None:
    surface = surfaces.get(spec)
    start = surfaces.check_start(start, surface)
    named = _named(optimizers, surface)
    paths = {label: surfaces.optimizer_path(opt, surface, start, steps) for label, opt in named.items()}
    n_steps = surfaces.check_steps(steps, surface)
    cols = 2 if show_loss else 1
    ax = fig.add_subplot(rows, cols, row * cols + 1)
    frame = _frame(surface, start)
    low = _contours(ax, surface, frame)
    every = max(1, n_steps // 40)   # markers show the step size without hiding the line
    for i, (label, p) in enumerate(paths.items()):
        colour = CLASS_COLOURS[i % len(CLASS_COLOURS)]
        tag = label if len(p) == n_steps + 1 else f"{label} (diverged)"
        ax.plot(p[:, 0], p[:, 1], "-", color=colour, lw=1.4, marker=_MARKERS[i % len(_MARKERS)], ms=3,
                markevery=every, label=tag, alpha=0.9)
    ax.plot(*start, "o", color="black", ms=6, zorder=5)
    ax.annotate("start", start, xytext=(5, 5), textcoords="offset points", fontsize=8)
    for m in surface.minima:
        ax.plot(*m, "*", color="#ffc000", mec="black", ms=14, zorder=5)
    ax.set_xlim(*frame[0])
    ax.set_ylim(*frame[1])
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    title = f"{surface.name}: f = {surface.formula}" if surface.formula else surface.name
    ax.set_title(f"{title}  ({n_steps} steps)", fontsize=10)
    if not show_loss:
        ax.legend(fontsize=8, loc="best")
        return
    lax = fig.add_subplot(rows, cols, row * cols + 2)
    known = surface.lowest is not None
    shown = []
    with np.errstate(over="ignore", invalid="ignore"):
        for i, (label, p) in enumerate(paths.items()):
            gap = surface(p) - (low if known else 0.0)
            shown.append(gap[np.isfinite(gap)])
            colour = CLASS_COLOURS[i % len(CLASS_COLOURS)]
            # The minimum can be hit exactly in float64; a floor keeps the point on a log axis.
            lax.plot(np.arange(len(p)), np.maximum(gap, 1e-300) if known else gap, color=colour, lw=1.5,
                     label=label if len(p) == n_steps + 1 else f"{label} (diverged)")
    if known:
        lax.set_yscale("log")
        # From the largest value down to the smallest one above 1e-8: closer than that is "there".
        values = np.concatenate(shown)
        top = float(values.max()) if values.size and values.max() > 0 else 1.0
        bottom = max(float(values[values > 0].min()) if (values > 0).any() else 1e-8, 1e-8)
        lax.set_ylim(bottom / 2, top * 3)
    lax.set_xlabel("step")
    lax.set_ylabel("f − f(minimum)" if known else "f")
    lax.set_title("how far above the minimum, step by step", fontsize=10)
    lax.grid(alpha=0.3, which="major")
    lax.legend(fontsize=8, loc="lower left")


def plot_optimizer_paths(optimizers=None, function="bowl", start=None, steps: int | None = None,
                         show_loss: bool = True, path=None):
    """Optimisers' paths down a 2-D function from the same start, over its contour lines; and,
    beside it, f − f(minimum) at every step on a log scale.

    ``optimizers``: a list of names (``"sgd"``, ``"momentum"``, ``"nesterov"``, ``"rmsprop"``,
    ``"adam"``, ``"adamw"``; each gets the learning rate that suits the function) or Optimizer objects,
    or a dict ``{legend label: name or Optimizer}``. Default: SGD, momentum, Nesterov, RMSprop, Adam.
    ``function``: a surface name (``"bowl"``, ``"rosenbrock"``, ``"saddle"``), a
    :class:`~neuronet.surfaces.Surface`, or a list of them for one row each. ``start`` and ``steps``
    default to the surface's own. Each path is :func:`neuronet.surfaces.optimizer_path`.

    >>> import neuronet as nn
    >>> plot_optimizer_paths({"SGD": nn.SGD(0.018), "momentum": nn.SGD(0.006, momentum=0.9),
    ...                       "Adam": nn.Adam(0.3)}, path="paths.png")            # doctest: +SKIP
    """
    specs = list(function) if isinstance(function, (list, tuple)) else [function]
    if not specs:
        raise ConfigError("plot_optimizer_paths needs at least one function")
    fig = new_figure(11.0 if show_loss else 6.0, 4.4 * len(specs))
    for row, spec in enumerate(specs):
        _draw_row(fig, spec, row, len(specs), optimizers, start, steps, show_loss)
    return finish(fig, path)
