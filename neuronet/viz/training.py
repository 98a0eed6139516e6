"""Figures of training over time: loss and accuracy curves, and per-layer gradient norms."""

from __future__ import annotations

import math

import numpy as np

from ..callbacks import Callback
from ..errors import ConfigError
from ._base import CLASS_COLOURS, dense_layers, finish, new_figure, unit_names


def _is_history(obj) -> bool:
    return isinstance(obj, dict) and "loss" in obj and not isinstance(obj["loss"], dict)


def _has_values(values) -> bool:
    return any(v is not None and not (isinstance(v, float) and math.isnan(v)) for v in values or [])


# One run: training and validation in two colours *and* two line styles (for readers who cannot
# tell the colours apart). Several runs: one colour per run, training solid and validation dashed.
_STYLES = (("", "-", "training"), ("val_", "--", "validation"))


def _integer_epochs(ax) -> None:
    """Epochs are whole numbers: no 1.5 on the axis."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))


def _history_panel(ax, runs: dict, key: str) -> None:
    """One panel of :func:`plot_history`: ``key`` (loss or accuracy) per epoch for every run."""
    drawn = []
    for r, (name, h) in enumerate(runs.items()):
        for s, (prefix, style, what) in enumerate(_STYLES):
            values = h.get(prefix + key)
            if not _has_values(values):
                continue
            colour = CLASS_COLOURS[(r if len(runs) > 1 else s) % len(CLASS_COLOURS)]
            # history[key][0] is the first epoch, which the command line prints as "epoch 1".
            epochs = np.arange(1, len(values) + 1)
            values = np.asarray(values, dtype=float)
            ax.plot(epochs, values, style, color=colour, lw=1.8, marker="o" if len(values) <= 30 else None,
                    ms=3, label=f"{name}: {what}" if name else what)
            drawn.append(values[np.isfinite(values)])
    ax.set_xlabel("epoch")
    _integer_epochs(ax)
    # Epochs start at 1: keep the axis from offering an "epoch 0".
    last = max(len(h.get(prefix + key) or []) for h in runs.values() for prefix in ("", "val_"))
    ax.set_xlim(0.6, max(last, 1) + 0.4)
    ax.set_title(f"{key} per epoch")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    values = np.concatenate(drawn) if drawn else np.array([])
    # A log scale only where the loss falls by more than a factor of 10; over less it only makes
    # the axis unreadable (2×10⁰, 3×10⁰).
    if key == "loss" and values.size and values.min() > 0 and values.max() / values.min() > 10:
        ax.set_yscale("log")
        ax.set_ylabel("loss (log scale)")
    else:
        ax.set_ylabel(key)


def plot_history(history, path=None):
    """Loss and accuracy per epoch, training (solid) vs validation (dashed), epochs counted from 1.

    ``history`` is one :class:`~neuronet.training.History` (or a plain dict with the same keys), or a
    dict ``{run name: history}`` to overlay several runs, one colour each. The accuracy panel is left
    out when no run recorded accuracy. The training numbers are means over each epoch's batches,
    taken while the weights were still changing; the validation numbers are measured after the
    epoch, so early on validation can look better than training.
    """
    runs = {"": history} if _is_history(history) else (dict(history) if isinstance(history, dict) else {})
    if not runs or not all(_is_history(h) for h in runs.values()):
        raise ConfigError("plot_history needs a History (a dict with a 'loss' list) or a dict of them")
    panels = ["loss"]
    if any(_has_values(h.get("accuracy")) or _has_values(h.get("val_accuracy")) for h in runs.values()):
        panels.append("accuracy")
    fig = new_figure(5.0 * len(panels), 3.8)
    for p, key in enumerate(panels):
        _history_panel(fig.add_subplot(1, len(panels), p + 1), runs, key)
    if any(_has_values(h.get("val_loss")) for h in runs.values()):
        fig.suptitle("training: mean over each epoch's batches · validation: measured after each epoch",
                     fontsize=9, color="#444444")
    return finish(fig, path)


class GradientNormRecorder(Callback):
    """A callback that records the L2 norm of each Dense layer's weight gradient after every batch.

    ``batch_norms[i]`` is the list of layer i's ‖dL/dW‖ for every batch in order, and
    ``epoch_norms[i]`` their mean over each epoch; ``names[i]`` labels the layer. The gradients are
    those the optimiser used (after any clipping). Vanishing gradients show up as early layers whose
    norms sit orders of magnitude below the last layer's.

    >>> rec = GradientNormRecorder()
    >>> net.fit(X, y, epochs=5, callbacks=[rec])          # doctest: +SKIP
    >>> plot_gradient_norms(rec, path="grads.png")        # doctest: +SKIP
    """

    def __init__(self, every: int = 1):
        if every < 1:
            raise ConfigError(f"GradientNormRecorder: every must be >= 1, got {every}")
        self.every = int(every)
        self.names: list[str] = []
        self.batch_norms: list[list[float]] = []
        self.epoch_norms: list[list[float]] = []
        self.batches_per_epoch: int = 0
        self._this_epoch: list[list[float]] = []
        self._count = 0

    def on_train_begin(self, network, optimizer) -> None:
        dense = dense_layers(network)
        if not self.names:
            self.names = [f"layer {i + 1} ({d.n_in}→{d.n_out}, {name})"
                          for i, (d, name) in enumerate(zip(dense, unit_names(network), strict=True))]
            self.batch_norms = [[] for _ in dense]
            self.epoch_norms = [[] for _ in dense]
        self._this_epoch = [[] for _ in dense]

    def on_batch_end(self, network, epoch, batch, n_batches, loss) -> None:
        self.batches_per_epoch = n_batches
        self._count += 1
        if (self._count - 1) % self.every:
            return
        if not self.names:                   # used without on_train_begin
            self.on_train_begin(network, None)
        for i, layer in enumerate(dense_layers(network)):
            g = layer.grads["W"]
            norm = float(np.sqrt(np.vdot(g, g)))
            self.batch_norms[i].append(norm)
            self._this_epoch[i].append(norm)

    def on_epoch_end(self, network, epoch, logs) -> bool:
        for i, norms in enumerate(self._this_epoch):
            self.epoch_norms[i].append(float(np.mean(norms)) if norms else float("nan"))
        self._this_epoch = [[] for _ in self._this_epoch]
        return False


def plot_gradient_norms(recorder: GradientNormRecorder, path=None):
    """Per-layer gradient norms over training from a :class:`GradientNormRecorder` (log scale):
    every recorded batch faintly, and the per-epoch means as dots."""
    if not isinstance(recorder, GradientNormRecorder):
        raise ConfigError(f"plot_gradient_norms needs a GradientNormRecorder, not {type(recorder).__name__}")
    if not any(recorder.batch_norms):
        raise ConfigError("the GradientNormRecorder is empty: pass it to fit(callbacks=[...]) first")
    fig = new_figure(7.0, 3.8)
    ax = fig.add_subplot()
    per_epoch = max(1, recorder.batches_per_epoch)
    for i, (name, norms) in enumerate(zip(recorder.names, recorder.batch_norms, strict=True)):
        colour = CLASS_COLOURS[i % len(CLASS_COLOURS)]
        # The k-th recorded norm (from 0) is batch k * every + 1 of the run: epoch e covers (e − 1, e],
        # so its last batch sits at e, where the epoch's mean is drawn.
        steps = (np.arange(len(norms)) * recorder.every + 1) / per_epoch
        ax.plot(steps, np.maximum(norms, 1e-30), color=colour, lw=0.8, alpha=0.45)
        means = recorder.epoch_norms[i]
        if means:
            ax.plot(np.arange(1, len(means) + 1), np.maximum(means, 1e-30), "o-", color=colour, ms=4,
                    lw=1.5, label=name)
        else:
            ax.plot([], [], color=colour, label=name)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    _integer_epochs(ax)
    ax.set_ylabel("‖dL/dW‖ (L2 norm, log scale)")
    ax.set_title("Gradient norm per layer (lines: batches, dots: epoch means)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    return finish(fig, path)
