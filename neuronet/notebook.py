"""neuronet in Jupyter: networks, histories and images that show themselves, and a live training view.

    net                                     # in a cell: the summary table and a diagram of the network
    history = net.fit(x, y, epochs=10, callbacks=[LiveTraining(epochs=10)], verbose=0)
    history                                 # the loss and accuracy curves
    show_images(x_train[:32], y_train[:32])  # a grid of the pictures with their labels

When a cell ends with a :class:`~neuronet.network.Network` or a :class:`~neuronet.history.History`,
Jupyter shows :func:`network_html` or :func:`history_html` of it: ``import neuronet`` registers them
with the running IPython by class name, so the core classes never import this module.
The figures are made by :mod:`neuronet.viz` (matplotlib, imported only when a figure is drawn) and
embedded as SVG. Without matplotlib a network still shows its table and a history its plain text.

:class:`LiveTraining` redraws one figure of the curves in place after every epoch and moves a
progress bar through the batches, using IPython's display handles; outside a notebook it prints one
line per epoch instead. Needs ``pip install "neuronet[notebook]"`` for the live view in Jupyter.
"""

from __future__ import annotations

import html
import io
import math
import time

import numpy as np

from .callbacks import Callback
from .errors import ConfigError
from .history import History, format_logs


def in_notebook() -> bool:
    """True when running inside a Jupyter kernel (IPython's kernel app), where displays update."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _svg(fig) -> str:
    """``fig`` as inline SVG text (without the XML prologue, so that it can sit inside HTML)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _has_matplotlib() -> bool:
    from .viz._base import require_matplotlib

    try:
        require_matplotlib()
    except ConfigError:
        return False
    return True


# --- a network --------------------------------------------------------------------------------------
def summary_html(net) -> str:
    """:meth:`Network.summary` as an HTML table: layer, output shape, parameters."""
    rows = []
    width = net.n_in
    for i, layer in enumerate(net.layers):
        width = layer.output_dim(width)
        shape = getattr(layer, "output_shape", None)
        shown = "×".join(map(str, shape)) if shape is not None else str(width)
        rows.append(f"<tr><td>{i}</td><td><code>{html.escape(repr(layer))}</code></td>"
                    f"<td>(batch, {shown})</td><td style='text-align:right'>{layer.n_params:,}</td></tr>")
    foot = (f"total parameters: {net.n_params:,} &nbsp; loss: {html.escape(net.loss.name)}"
            f"{' (logits)' if net.logits else ''} &nbsp; dtype: {net.dtype.name}")
    return ("<table><thead><tr><th>#</th><th>layer</th><th>output</th><th>params</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table><p>{foot}</p>")


def network_figure(net):
    """A diagram of ``net``: its units and weights (:func:`neuronet.viz.plot_network`) for a stack of
    Dense layers, else one box per layer with its output shape."""
    from . import viz
    from .layers import Dense, Dropout

    if all(isinstance(layer, (Dense, Dropout)) for layer in net.layers):
        return viz.plot_network(net)
    from .viz._base import new_figure

    fig = new_figure(1.9 * (len(net.layers) + 1), 1.6, layout=None)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.5, len(net.layers) + 0.5)
    ax.set_ylim(0, 1)
    ax.axis("off")
    boxes = [("input", f"{net.n_in}")]
    for layer in net.layers:
        shape = getattr(layer, "output_shape", None)
        activation = getattr(layer, "activation", None)
        name = type(layer).__name__ + (f"\n{activation.name}" if activation is not None else "")
        width = "×".join(map(str, shape)) if shape is not None else str(getattr(layer, "n_out", ""))
        boxes.append((name, width))
    for k, (name, shape) in enumerate(boxes):
        colour = "#dde8f4" if k else "#eeeeee"
        ax.text(k, 0.55, name, ha="center", va="center", fontsize=9,
                bbox={"boxstyle": "round,pad=0.4", "facecolor": colour, "edgecolor": "#5577aa"})
        ax.text(k, 0.15, shape, ha="center", va="center", fontsize=8, color="#444444")
        if k:
            ax.annotate("", (k - 0.38, 0.55), (k - 0.62, 0.55), arrowprops={"arrowstyle": "->"})
    return fig


def network_html(net) -> str:
    """What a Network shows in Jupyter: its summary table and, with matplotlib, its diagram."""
    table = summary_html(net)
    if not _has_matplotlib():
        return table
    return f"<div>{table}{_svg(network_figure(net))}</div>"


# --- a history --------------------------------------------------------------------------------------
def history_html(history) -> str | None:
    """What a History shows in Jupyter: its curves as SVG (None, so plain text, without matplotlib
    or before any epoch)."""
    if not _has_matplotlib() or not history.get("loss"):
        return None
    from . import viz

    return _svg(viz.plot_history(history))


# --- images -----------------------------------------------------------------------------------------
class ImageGrid:
    """A grid of images with their labels, shown as a figure in Jupyter (``_repr_html_``).

    ``x`` is (n, H·W·C) rows as neuronet keeps them, or (n, H, W) / (n, H, W, C) images; ``y`` the
    labels (indices into ``class_names`` when given). ``image_shape`` (H, W) or (H, W, C) is needed
    for flat rows that are not square grey pictures.
    """

    def __init__(self, x, y=None, class_names=None, image_shape=None, max_images: int = 32,
                 columns: int = 8):
        x = np.asarray(x)
        if x.ndim not in (2, 3, 4) or len(x) == 0:
            raise ConfigError(f"show_images needs a batch of images, (n, H*W), (n, H, W) or (n, H, W, C); "
                              f"got shape {x.shape}")
        x = x[:max_images]
        if x.ndim == 2:
            shape = tuple(image_shape) if image_shape is not None else None
            if shape is None:
                side = int(round(np.sqrt(x.shape[1])))
                if side * side != x.shape[1]:
                    raise ConfigError(f"rows of {x.shape[1]} values are not square pictures; give "
                                      f"image_shape=(height, width[, channels])")
                shape = (side, side)
            if int(np.prod(shape)) != x.shape[1]:
                raise ConfigError(f"image_shape {shape} does not hold {x.shape[1]} values per row")
            x = x.reshape(len(x), *shape)
        if x.ndim == 4 and x.shape[-1] == 1:
            x = x[..., 0]
        self.images = x
        self.labels = None if y is None else np.asarray(y)[:len(x)]
        self.class_names = class_names
        self.columns = columns

    def figure(self):
        from .viz._base import new_figure

        n = len(self.images)
        cols = min(self.columns, n)
        rows = -(-n // cols)
        fig = new_figure(1.1 * cols, 1.25 * rows)
        for k, image in enumerate(self.images):
            ax = fig.add_subplot(rows, cols, k + 1)
            ax.imshow(image, cmap="gray_r" if image.ndim == 2 else None)
            ax.set_xticks([])
            ax.set_yticks([])
            if self.labels is not None:
                label = self.labels[k]
                if self.class_names is not None and np.issubdtype(np.asarray(label).dtype, np.integer):
                    label = self.class_names[int(label)]
                ax.set_title(str(label), fontsize=8)
        return fig

    def _repr_html_(self) -> str | None:
        return _svg(self.figure()) if _has_matplotlib() else None

    def save(self, path) -> None:
        """Write the grid as a figure (.png, .svg or .pdf)."""
        from .viz._base import finish

        finish(self.figure(), path)


def show_images(x, y=None, class_names=None, image_shape=None, max_images: int = 32) -> ImageGrid:
    """A grid of (at most ``max_images``) images with their labels; a cell ending with it shows it.

        (x, y), _ = datasets.load("digits")
        show_images(x[:24], y[:24])
    """
    return ImageGrid(x, y, class_names=class_names, image_shape=image_shape, max_images=max_images)


# --- live training ----------------------------------------------------------------------------------
class LiveTraining(Callback):
    """Training as it happens: in Jupyter, one figure of loss and accuracy redrawn in place after each
    epoch and a progress bar through the epoch's batches; elsewhere, one line per epoch on stdout.

        net.fit(x, y, epochs=20, validation_data=(xv, yv), callbacks=[LiveTraining(epochs=20)], verbose=0)

    ``epochs`` is only for the labels ("epoch 3/20"); ``notebook`` forces one behaviour or the other
    (default: :func:`in_notebook`). ``min_interval`` seconds pass at least between two updates of the
    bar, and ``redraw_interval`` between two drawings of the figure (and the last epoch is always
    drawn), so that many fast epochs are not slowed down by drawing them.
    """

    def __init__(self, epochs: int | None = None, notebook: bool | None = None, min_interval: float = 0.2,
                 redraw_interval: float = 1.0):
        self.epochs = epochs
        self.notebook = notebook
        self.min_interval = float(min_interval)
        self.redraw_interval = float(redraw_interval)
        self.history = History()
        self._figure = self._bar = None
        self._last, self._drawn_at = 0.0, -math.inf
        self._drawn = 0

    def on_train_begin(self, network, optimizer) -> None:
        self.history = History()
        self._drawn, self._drawn_at = 0, -math.inf     # the first epoch is always drawn
        self._live = in_notebook() if self.notebook is None else bool(self.notebook)
        if self._live:
            from IPython.display import HTML, display

            self._figure = display(HTML("<em>waiting for the first epoch…</em>"), display_id=True)
            self._bar = display(HTML(self._bar_html(0, 0, 1, None)), display_id=True)

    def _label(self, epoch: int) -> str:
        return f"epoch {epoch + 1}" + (f"/{self.epochs}" if self.epochs else "")

    def _bar_html(self, epoch: int, batch: int, n_batches: int, loss: float | None) -> str:
        shown = "" if loss is None else f" loss {loss:.4f}"
        return (f"<progress value='{batch}' max='{n_batches}' style='width:40em'></progress> "
                f"<code>{self._label(epoch)}: batch {batch}/{n_batches}{shown}</code>")

    def on_batch_end(self, network, epoch, batch, n_batches, loss) -> None:
        if not self._live:
            return
        now = time.monotonic()
        if now - self._last >= self.min_interval or batch + 1 == n_batches:
            from IPython.display import HTML

            self._last = now
            self._bar.update(HTML(self._bar_html(epoch, batch + 1, n_batches, loss)))

    def on_epoch_end(self, network, epoch, logs) -> bool:
        self.history.append(logs)
        if not self._live:
            print(format_logs(epoch, self.epochs or epoch + 1, logs), flush=True)
            return False
        if time.monotonic() - self._drawn_at >= self.redraw_interval:
            self._draw()
        return False

    def on_train_end(self, network) -> None:
        if self._live and self._drawn < self.history.epochs:
            self._draw()

    def _draw(self) -> None:
        from IPython.display import Image

        from . import viz

        self._figure.update(Image(data=_png(viz.plot_history(self.history)), format="png"))
        self._drawn, self._drawn_at = self.history.epochs, time.monotonic()
