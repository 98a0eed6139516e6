"""The figure of a sweep: validation accuracy against one numeric setting (the learning rate when it
varies), one line per combination of the other settings that vary (the architectures, say).
matplotlib is imported here only, when the figure is drawn."""

from __future__ import annotations

from pathlib import Path

from .space import shown_value, varying

NUMERIC = ("lr", "dropout", "momentum", "weight_decay", "batch_size", "epochs")


def plot_results(records: list[dict], path) -> Path | None:
    """Draw ``records`` into ``path`` (PNG); None when no trial finished."""
    ok = [r for r in records if r["status"] == "ok"]
    if not ok:
        return None
    try:
        import matplotlib
    except ImportError:
        from ..errors import ConfigError

        raise ConfigError('the sweep figure needs matplotlib: pip install "neuronet[plot]" '
                          '(or plot=False, --no-plot)') from None
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    changing = varying([r["settings"] for r in ok])
    x_name = next((k for k in NUMERIC if k in changing), None)
    groups: dict[str, list] = {}
    for i, r in enumerate(sorted(ok, key=lambda r: r["trial"])):
        label = ", ".join(f"{k}={shown_value(r['settings'][k])}" for k in changing if k != x_name)
        x = r["settings"][x_name] if x_name else i
        groups.setdefault(label or "all trials", []).append((x, r["best_val_accuracy"]))
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for label, points in groups.items():
        points.sort()
        ax.plot([p[0] for p in points], [p[1] for p in points], "o-", label=label)
    if x_name in ("lr", "weight_decay") and all(r["settings"][x_name] for r in ok):
        ax.set_xscale("log")
    ax.set_xlabel(x_name or "trial")
    ax.set_ylabel("best validation accuracy")
    n_failed = len(records) - len(ok)
    ax.set_title(f"{len(ok)} trials" + (f" ({n_failed} failed, not shown)" if n_failed else ""))
    ax.grid(alpha=0.3)
    if len(groups) > 1:
        ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return Path(path)
