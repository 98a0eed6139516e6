"""What a convolutional layer learned: its filters, and the feature maps they make of one image."""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError, ShapeError
from ._base import finish, new_figure


def plot_filters(net_or_layer, image=None, layer: int = 0, channel: int = 0, max_filters: int = 16,
                 path=None):
    """Each filter of a ``Conv2D`` layer as a small picture, and (given ``image``) its feature map.

    A filter is a (kh, kw, C) block of weights; the top row shows its slice for input ``channel``
    (blue: that pixel pattern excites the filter, red: inhibits). With ``image`` (one example, as the
    network takes it: ``(H*W*C,)``) the bottom row shows what each filter makes of it,
    ``activation(image ⋆ W + b)``, an (H', W') map drawn dark where the pattern was found (like ink on
paper, as the digits themselves are drawn). Each filter and each map is on its own colour scale.

    ``net_or_layer`` is a network (``layer`` counts its Conv2D layers from 0) or a Conv2D layer. In a
    network, the per-unit layers after the convolution (a BatchNorm and its Activation) are applied
    to the maps too: they show what the block passes on.
    """
    from ..conv import Conv2D

    after: list = []                     # the per-unit layers of the Conv2D's stage
    if isinstance(net_or_layer, Conv2D):
        conv = net_or_layer
    else:
        convs = [lay for lay in getattr(net_or_layer, "layers", []) if isinstance(lay, Conv2D)]
        if not convs:
            raise ConfigError("plot_filters needs a Conv2D layer or a network with one")
        if not 0 <= layer < len(convs):
            raise ConfigError(f"layer must be between 0 and {len(convs) - 1} (the network's Conv2D "
                              f"layers), got {layer}")
        conv = convs[layer]
        first = next(i for i, lay in enumerate(net_or_layer.layers) if lay is conv)
        last = dict(net_or_layer.stages())[first]
        after = list(net_or_layer.layers[first + 1:last + 1])
    kh, kw = conv.kernel_size
    C = conv.input_shape[2]
    if not 0 <= channel < C:
        raise ConfigError(f"channel must be between 0 and {C - 1}, got {channel}")
    maps = None
    if image is not None:
        image = np.asarray(image, dtype=conv.W.dtype).reshape(-1)
        if image.size != conv.n_in:
            raise ShapeError(f"plot_filters: the image has {image.size} values; this Conv2D takes "
                             f"{conv.n_in} ({'×'.join(map(str, conv.input_shape))})")
        maps = conv.forward(image[None, :])
        for per_unit in after:
            maps = per_unit.forward(maps, training=False)
        maps = maps.reshape(conv.output_shape)                          # (H', W', F)
    n = min(conv.filters, max_filters)
    rows = 2 if maps is not None else 1
    # At least wide enough for the title's lines, however few filters there are.
    fig = new_figure(max(0.95 * n + 0.6, 4.4), 1.25 * rows + 0.9)
    axes = fig.subplots(rows, n, squeeze=False)
    for f in range(n):
        kernel = conv.W[:, :, channel, f]                               # (kh, kw)
        lim = float(np.abs(kernel).max()) or 1.0   # each filter on its own symmetric scale
        axes[0, f].imshow(kernel, cmap="RdBu", vmin=-lim, vmax=lim, interpolation="nearest")
        axes[0, f].set_title(f"filter {f}", fontsize=7)
        if maps is not None:
            axes[1, f].imshow(maps[:, :, f], cmap="gray_r", interpolation="nearest")
    for ax in axes.flat:
        ax.set_axis_off()
    shown = f" (first {n} of {conv.filters})" if n < conv.filters else ""
    what = f"{kh}×{kw} filters{shown}" + (f", input channel {channel}" if C > 1 else "")
    then = " → ".join(lay.activation.name if type(lay).__name__ == "Activation" else type(lay).__name__
                      for lay in after if type(lay).__name__ != "Dropout")
    then = f",\nthen {then}" if then else ""       # on a line of its own: the figure may be narrow
    below = f"\nbelow: each one's response to the image{then} (dark = strong)" if maps is not None else ""
    fig.suptitle(f"Learned {what}\neach on its own scale (blue +, red −){below}", fontsize=9)
    return finish(fig, path)
