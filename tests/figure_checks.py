"""Read a drawn figure back: the texts it shows and whether each lies inside the figure."""

from __future__ import annotations


def drawn_texts(fig) -> list:
    """Every non-empty Text the figure draws: figure texts, titles, axis labels, the tick labels that
    are inside the axis' view, annotations and legend entries (hidden axes contribute none)."""
    fig.canvas.draw()
    out = list(fig.texts) + ([fig._suptitle] if fig._suptitle is not None else [])
    for ax in fig.axes:
        out += [*ax.texts, ax.title, ax._left_title, ax._right_title]
        if ax.get_legend() is not None:
            out += [*ax.get_legend().get_texts(), ax.get_legend().get_title()]
        if not ax.axison:
            continue
        for axis in (ax.xaxis, ax.yaxis):
            out.append(axis.label)
            locs = axis.get_majorticklocs()
            lo, hi = sorted(axis.get_view_interval())
            slack = (hi - lo) * 1e-9
            for loc, tick in zip(locs, axis.get_major_ticks(len(locs)), strict=False):
                if lo - slack <= loc <= hi + slack:
                    out += [tick.label1, tick.label2]
    return [t for t in out if t.get_visible() and t.get_text().strip()]


def texts_outside(fig, slack: float = 0.5) -> list[tuple[str, tuple]]:
    """(text, window extent) of every drawn text that reaches beyond the figure's edges."""
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    bad = []
    for t in drawn_texts(fig):
        e = t.get_window_extent(renderer)
        if e.x0 < box.x0 - slack or e.y0 < box.y0 - slack or e.x1 > box.x1 + slack or e.y1 > box.y1 + slack:
            bad.append((t.get_text(), tuple(round(v) for v in e.extents)))
    return bad
