"""A network diagram: neurons as circles in layers, each weight an edge coloured by sign and sized by
magnitude; optionally the activations for one input coloured on the nodes."""

from __future__ import annotations

import numpy as np

from ..errors import ShapeError
from ._base import NEGATIVE, POSITIVE, dense_layers, finish, layer_outputs, new_figure


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


def plot_network(net, x=None, max_nodes: int = 16, max_edges: int = 80, label_weights: bool | None = None,
                 path=None):
    """Draw ``net`` as layers of circles joined by its weights.

    Edges are blue for positive weights and red for negative ones, thicker and darker the larger
    |w| is relative to the largest weight of that layer. Layers wider than ``max_nodes`` show their
    first and last units around a "⋮"; between two layers only the ``max_edges`` strongest edges of
    the drawn units are kept. Small networks get each weight written on its edge (``label_weights``).

    With ``x`` (one example, shape (n_in,)), the nodes are filled with their activations for it.
    """
    dense = dense_layers(net, "plot_network", dense_only=True)
    sizes = [dense[0].n_in] + [layer.n_out for layer in dense]
    acts = None
    if x is not None:
        x = np.asarray(x)
        if x.size != sizes[0]:
            raise ShapeError(f"plot_network: x must be one example of {sizes[0]} values; got shape {x.shape}")
        x2 = net.check_inputs(x.reshape(1, -1), "x")
        acts = [x2[0]] + [a[0] for a in layer_outputs(net, x2)]
    shown = [_shown(n, max_nodes) for n in sizes]
    if label_weights is None:
        label_weights = sum(a * b for a, b in zip(sizes, sizes[1:], strict=False)) <= 24

    tallest = max(len(s) for s in shown)
    gap = 3.0                               # horizontal distance between layers, in node spacings
    scale = 0.5                             # inches per node spacing
    fig = new_figure(scale * (gap * (len(sizes) - 1) + 2.0) + (1.3 if x is not None else 0.3),
                     scale * (max(tallest, 3) + 2.6))
    ax = fig.add_subplot()
    ax.axis("off")
    pos = []                               # per layer: {unit index: (x, y)}
    for li, units in enumerate(shown):
        ys = (len(units) - 1) / 2 - np.arange(len(units))
        pos.append({u: (gap * li, float(y)) for u, y in zip(units, ys, strict=True) if u is not None})
        for u, y in zip(units, ys, strict=True):
            if u is None:
                # Say how many units the ellipsis stands for, so a 64-unit layer does not read as 16.
                hidden = sizes[li] - (len(units) - 1)
                ax.text(gap * li, y, "⋮", ha="center", va="center", fontsize=16)
                ax.text(gap * li + 0.45, y, f"{hidden} more", ha="left", va="center", fontsize=7,
                        color="#555555", bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none"},
                        zorder=3)

    from matplotlib import colormaps
    from matplotlib.colors import Normalize

    for li, layer in enumerate(dense):
        W = layer.W
        src, dst = pos[li], pos[li + 1]
        i_idx = np.array(sorted(src))
        j_idx = np.array(sorted(dst))
        sub = np.abs(W[np.ix_(i_idx, j_idx)])
        wmax = float(np.abs(W).max()) or 1.0
        flat = np.argsort(sub, axis=None)[::-1][:max_edges]
        for f in flat[::-1]:                # weakest first, so strong edges are drawn on top
            i, j = i_idx[f // len(j_idx)], j_idx[f % len(j_idx)]
            w = float(W[i, j])
            strength = abs(w) / wmax
            (x0, y0), (x1, y1) = src[i], dst[j]
            ax.plot([x0, x1], [y0, y1], color=POSITIVE if w >= 0 else NEGATIVE, lw=0.3 + 3.2 * strength,
                    alpha=0.15 + 0.75 * strength, zorder=1, solid_capstyle="round")
            if label_weights:
                # Label near the end where fewer edges meet, so the numbers do not pile up.
                t = 0.3 if len(j_idx) <= len(i_idx) else 0.7
                ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), f"{w:.2f}", fontsize=7, ha="center",
                        va="center", color=POSITIVE if w >= 0 else NEGATIVE, zorder=3,
                        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})

    norm = None
    if acts is not None:
        values = np.concatenate(acts)
        norm = Normalize(vmin=float(min(values.min(), 0.0)), vmax=float(max(values.max(), 1e-6)))
        cmap = colormaps["viridis"]
    radius = 0.3
    from matplotlib.patches import Circle

    for li, layer_pos in enumerate(pos):
        for u, (cx, cy) in layer_pos.items():
            if acts is not None:
                value = float(acts[li][u])
                face = cmap(norm(value))
            else:
                face = "#f2f2f2" if li == 0 else "#fff7d6"
            ax.add_patch(Circle((cx, cy), radius, fc=face, ec="black", lw=0.8, zorder=2))
            if acts is not None and sizes[li] <= 32:
                light = norm(value) < 0.55
                ax.text(cx, cy, _short(value), ha="center", va="center", fontsize=6.5, zorder=3,
                        color="white" if light else "black")
        top = max(y for _, y in layer_pos.values())
        if li == 0:
            title = f"input\n{sizes[0]} values"
        else:
            layer = dense[li - 1]
            kind = "output" if li == len(sizes) - 1 else f"hidden {li}"
            title = f"{kind}\n{sizes[li]} × {layer.activation.name}"
        ax.text(gap * li, top + 0.5, title, ha="center", va="bottom", fontsize=9)
    if acts is not None:
        from matplotlib.cm import ScalarMappable

        fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.6, label="activation for x")
    ax.set_xlim(-1.0, gap * (len(sizes) - 1) + 1.0)
    half = (tallest - 1) / 2
    ax.set_ylim(-half - 0.5, half + 1.6)
    ax.set_aspect("equal")
    note = "blue: w > 0, red: w < 0, width ∝ |w|"
    if any(n > max_nodes for n in sizes):
        note += f"\n(wide layers: {max_nodes} units shown, {max_edges} strongest edges per layer)"
    ax.set_title(note, fontsize=8)
    return finish(fig, path)
