"""A network diagram: neurons as circles in layers, each weight an edge coloured by sign and sized by
magnitude; optionally the activations for one input coloured on the nodes."""

from __future__ import annotations

import numpy as np

from ..errors import ShapeError
from ._base import NEGATIVE, POSITIVE, dense_layers, finish, layer_outputs, new_figure, unit_names

GAP = 3.0        # horizontal distance between layers, in node spacings (the data unit)
SCALE = 0.5      # inches per data unit, so text in points and nodes in data units keep their sizes
RADIUS = 0.3     # a node's radius, in data units
PAD = 0.15       # margin around everything drawn, in data units
BAR = 1.25       # inches kept on the right for the colour bar (only with x)


def _shown(n: int, max_nodes: int) -> list[int | None]:
    """Which of n nodes to draw: all, or the first and last few with None marking an ellipsis."""
    if n <= max_nodes:
        return list(range(n))
    head = (max_nodes - 1) // 2
    tail = max_nodes - 1 - head
    return [*range(head), None, *range(n - tail, n)]


def _short(v: float) -> str:
    """A node's value in at most four characters, so it fits inside its circle ('9.6e-05' would not)."""
    if abs(v) >= 9.995:
        return f"{v:.0f}" if abs(v) < 1000 else f"{v:.0e}"
    text = f"{v:.{1 if abs(v) >= 0.995 else 2}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _activations(net, x, n_in: int):
    """The activations of every layer (inputs first) for one example x, or None without one."""
    if x is None:
        return None
    x = np.asarray(x)
    if x.size != n_in:
        raise ShapeError(f"plot_network: x must be one example of {n_in} values; got shape {x.shape}")
    x2 = net.check_inputs(x.reshape(1, -1), "x")
    return [x2[0]] + [a[0] for a in layer_outputs(net, x2)]


def _place_nodes(ax, shown, sizes) -> list[dict]:
    """Each layer's {unit index: (x, y)}, centred on y = 0; an ellipsis says how many it stands for."""
    pos = []
    for li, units in enumerate(shown):
        ys = (len(units) - 1) / 2 - np.arange(len(units))
        pos.append({u: (GAP * li, float(y)) for u, y in zip(units, ys, strict=True) if u is not None})
        for u, y in zip(units, ys, strict=True):
            if u is None:
                # Say how many units the ellipsis stands for, so a 64-unit layer does not read as 16.
                hidden = sizes[li] - (len(units) - 1)
                ax.text(GAP * li, y, "⋮", ha="center", va="center", fontsize=16)
                ax.text(GAP * li + 0.45, y, f"{hidden} more", ha="left", va="center", fontsize=7,
                        color="#555555", bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none"},
                        zorder=3)
    return pos


def _draw_edges(ax, W, src: dict, dst: dict, max_edges: int, label_weights: bool) -> None:
    """The ``max_edges`` strongest weights between two drawn layers, coloured by sign."""
    i_idx, j_idx = np.array(sorted(src)), np.array(sorted(dst))
    sub = np.abs(W[np.ix_(i_idx, j_idx)])
    wmax = float(np.abs(W).max()) or 1.0
    flat = np.argsort(sub, axis=None)[::-1][:max_edges]
    for f in flat[::-1]:                # weakest first, so strong edges are drawn on top
        i, j = i_idx[f // len(j_idx)], j_idx[f % len(j_idx)]
        w = float(W[i, j])
        strength = abs(w) / wmax
        (x0, y0), (x1, y1) = src[i], dst[j]
        colour = POSITIVE if w >= 0 else NEGATIVE
        ax.plot([x0, x1], [y0, y1], color=colour, lw=0.3 + 3.2 * strength, alpha=0.15 + 0.75 * strength,
                zorder=1, solid_capstyle="round")
        if label_weights:
            # Label near the end where fewer edges meet, so the numbers do not pile up.
            t = 0.3 if len(j_idx) <= len(i_idx) else 0.7
            ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), f"{w:.2f}", fontsize=7, ha="center",
                    va="center", color=colour, zorder=3,
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})


def _draw_nodes(ax, pos, sizes, acts):
    """Circles for the drawn units, filled with their activations when there are some; returns the
    colour scale used (or None)."""
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize
    from matplotlib.patches import Circle

    scale = None
    if acts is not None:
        values = np.concatenate(acts)
        norm = Normalize(vmin=float(min(values.min(), 0.0)), vmax=float(max(values.max(), 1e-6)))
        scale = ScalarMappable(norm=norm, cmap=colormaps["viridis"])
    for li, layer_pos in enumerate(pos):
        for u, (cx, cy) in layer_pos.items():
            face = scale.to_rgba(float(acts[li][u])) if scale else ("#f2f2f2" if li == 0 else "#fff7d6")
            ax.add_patch(Circle((cx, cy), RADIUS, fc=face, ec="black", lw=0.8, zorder=2))
            if scale and sizes[li] <= 32:
                value = float(acts[li][u])
                ax.text(cx, cy, _short(value), ha="center", va="center", fontsize=6.5, zorder=3,
                        color="white" if scale.norm(value) < 0.55 else "black")
    return scale


def _layer_titles(ax, pos, sizes, names) -> None:
    """'input / n values', 'hidden k / n × activation', 'output / ...' above each layer."""
    for li, layer_pos in enumerate(pos):
        top = max(y for _, y in layer_pos.values())
        if li == 0:
            title = f"input\n{sizes[0]} values"
        else:
            kind = "output" if li == len(sizes) - 1 else f"hidden {li}"
            title = f"{kind}\n{sizes[li]} × {names[li - 1]}"
        ax.text(GAP * li, top + 0.5, title, ha="center", va="bottom", fontsize=9)


def _fit_to_contents(fig, ax, pos, bar: float) -> None:
    """Size the figure so that every node and every text lies inside it, one data unit = SCALE inches.

    The texts have sizes in points, so their extents in data units are only known once drawn at the
    final scale: draw, measure, then set the limits and the figure size from what was measured.
    """
    xs = [x for layer in pos for x, _ in layer.values()]
    ys = [y for layer in pos for _, y in layer.values()]
    x0, x1, y0, y1 = min(xs) - RADIUS, max(xs) + RADIUS, min(ys) - RADIUS, max(ys) + RADIUS
    for _ in range(2):              # the second pass only confirms the first
        w, h = x1 - x0 + 2 * PAD, y1 - y0 + 2 * PAD
        fig.set_size_inches(SCALE * w + bar, SCALE * h)
        ax.set_position((0, 0, SCALE * w / (SCALE * w + bar), 1))
        ax.set_xlim(x0 - PAD, x1 + PAD)
        ax.set_ylim(y0 - PAD, y1 + PAD)
        renderer = fig.canvas.get_renderer()
        to_data = ax.transData.inverted()
        for t in ax.texts:
            (a, b), (c, d) = to_data.transform(t.get_window_extent(renderer).get_points())
            x0, x1, y0, y1 = min(x0, a), max(x1, c), min(y0, b), max(y1, d)


def plot_network(net, x=None, max_nodes: int = 16, max_edges: int = 80, label_weights: bool | None = None,
                 path=None):
    """Draw ``net`` as layers of circles joined by its weights.

    Edges are blue for positive weights and red for negative ones, thicker and darker the larger
    |w| is relative to the largest weight of that layer. Layers wider than ``max_nodes`` show their
    first and last units around a "⋮"; between two layers only the ``max_edges`` strongest edges of
    the drawn units are kept. Small networks get each weight written on its edge (``label_weights``).

    With ``x`` (one example, shape (n_in,)), the nodes are filled with their activations for it.
    The figure is sized to what it holds, so no label is cut at its edge.
    """
    dense = dense_layers(net, "plot_network", dense_only=True)
    sizes = [dense[0].n_in] + [layer.n_out for layer in dense]
    acts = _activations(net, x, sizes[0])
    shown = [_shown(n, max_nodes) for n in sizes]
    if label_weights is None:
        label_weights = sum(a * b for a, b in zip(sizes, sizes[1:], strict=False)) <= 24
    fig = new_figure(4.0, 3.0, layout=None)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.axis("off")
    ax.set_aspect("equal")
    pos = _place_nodes(ax, shown, sizes)
    for li, layer in enumerate(dense):
        _draw_edges(ax, layer.W, pos[li], pos[li + 1], max_edges, label_weights)
    scale = _draw_nodes(ax, pos, sizes, acts)
    _layer_titles(ax, pos, sizes, unit_names(net))
    note = "blue: w > 0, red: w < 0, width ∝ |w|"
    if any(n > max_nodes for n in sizes):
        note += f"\n(wide layers: {max_nodes} units shown, {max_edges} strongest edges per layer)"
    bottom = min(y for layer in pos for _, y in layer.values()) - RADIUS - 0.25
    ax.text(GAP * (len(sizes) - 1) / 2, bottom, note, ha="center", va="top", fontsize=8)
    _fit_to_contents(fig, ax, pos, BAR if scale else 0.0)
    if scale:
        width = fig.get_figwidth()
        cax = fig.add_axes((1 - (BAR - 0.2) / width, 0.2, 0.15 / width, 0.6))
        fig.colorbar(scale, cax=cax, label="activation for x")
    return finish(fig, path)
