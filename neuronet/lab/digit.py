"""The lab's digit tab: a drawing in, every layer's response out.

The page sends the drawing as a PNG (a ``data:`` URL of its canvas). It is prepared exactly as
``neuronet predict`` prepares a photo: digits in a 20x20 box centred by mass in 28x28 (MNIST's
rule), or filling the whole square, box centred, for 8x8 digits; models of objects (``framing``
other than ``"digit"``, e.g. Fashion-MNIST) get the drawing's box centred and filling the frame.
Then the model's own layers run one after another, and each Dense layer's output is kept for the
page to draw as a grid of units, each Conv2D or MaxPool2D layer's as feature maps: one small picture
per channel (at most :data:`MAX_CHANNELS` of them, so that the answer stays small).

>>> net, note = train_digits_model(epochs=2)     # doctest: +SKIP
>>> describe(net, pixels)["predicted"]           # doctest: +SKIP
7
"""

from __future__ import annotations

import base64
import binascii
import io
import warnings
from pathlib import Path

import numpy as np

from ..conv import Conv2D, GlobalAvgPool2D, MaxPool2D
from ..errors import ConfigError, DataError
from ..layers import Dense
from ..network import Network, mlp
from ..normalization import BatchNorm
from .checks import rounded as _rounded

#: Where ``neuronet lab`` looks for a digit model when none is given: what ``make train`` writes
#: (MNIST, or the 8x8 digits when MNIST cannot be had).
DEFAULT_MODELS = ("models/mnist.npz", "models/digits.npz")
#: The canvas is a few hundred pixels a side; anything far larger is not a drawing from the page.
MAX_SIDE = 1024
#: Channels of a convolutional layer sent to the page: the first ones. A 28x28x32 layer is 25k numbers;
#: sixteen 28x28 maps are half that, and already more pictures than fit across a screen.
MAX_CHANNELS = 16


def input_geometry(net: Network) -> tuple[int, str]:
    """(side, framing) of the square pictures ``net`` takes, or a ConfigError saying why it cannot.

    ``framing`` is what ``neuronet train`` recorded: ``"digit"`` (MNIST's rule, the default) or
    another framing such as ``"fill"`` (Fashion-MNIST).
    """
    from ..imaging import model_image_shape

    try:
        h, w = model_image_shape(net)
    except ConfigError as exc:
        raise ConfigError(f"the digit tab needs a model of square pictures; this one {exc}") from None
    if h != w:
        raise ConfigError(f"the digit tab needs a model of square pictures; this one takes {h}x{w}")
    return h, str(net.preprocessing.get("framing", "digit"))


def decode_png(data_url: str) -> np.ndarray:
    """The pixels of a ``data:image/png;base64,...`` URL (or bare base64) as a NumPy array.

    Returns (H, W) grey or (H, W, 4) RGBA uint8. Raises DataError for anything that is not a PNG
    of at most ``MAX_SIDE`` pixels a side (checked from the header, before decoding).
    """
    from ..imaging import _pillow

    image_mod, _ = _pillow()
    if not isinstance(data_url, str):
        raise DataError("image must be a PNG data URL string")
    if data_url.startswith("data:"):
        if "," not in data_url:
            raise DataError("image is a data URL without data; expected data:image/png;base64,...")
        payload = data_url.split(",", 1)[1]
    else:
        payload = data_url
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise DataError("image is not valid base64") from None
    if not raw:
        raise DataError("image is empty; expected data:image/png;base64,...")
    try:
        # A header claiming billions of pixels makes Pillow's open itself refuse (or, below twice its
        # limit, warn): a bomb, never decoded, and never a 500.
        with warnings.catch_warnings():
            warnings.simplefilter("error", image_mod.DecompressionBombWarning)
            img = image_mod.open(io.BytesIO(raw), formats=["PNG"])
    except (image_mod.DecompressionBombError, image_mod.DecompressionBombWarning):
        raise DataError(f"image is too large to decode safely; at most {MAX_SIDE} pixels a side") from None
    except (OSError, SyntaxError, ValueError, EOFError):   # how Pillow reports a bad or truncated file
        raise DataError("image is not a readable PNG") from None
    try:
        with img:
            if max(img.size) > MAX_SIDE:
                raise DataError(f"image is {img.size[0]}x{img.size[1]} pixels; at most "
                                f"{MAX_SIDE} a side")
            img.load()
            rgba = img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info
            return np.asarray(img.convert("RGBA" if rgba else "L"))
    except (OSError, SyntaxError, ValueError, EOFError):
        raise DataError("image is not a readable PNG") from None


def prepare(pixels: np.ndarray, side: int, framing: str = "digit") -> np.ndarray:
    """A drawing as the model's input picture, (side, side) float32 in [0, 1], bright ink on black.

    The same rule as ``neuronet predict`` (:func:`~neuronet.imaging.digit_framing`): a digit's
    longer side fills a 20x20 box centred by mass in 28x28, or the whole square, box centred, for
    the 8x8 digits; other framings centre the drawing's box and let it fill the square.
    """
    from ..imaging import digit_framing, preprocess_digit

    if framing == "digit":
        return preprocess_digit(pixels, size=side, **digit_framing(side))
    return preprocess_digit(pixels, size=side, box=side, centre="box")


def _layer_view(net: Network, first: int, last: int, a: np.ndarray) -> dict | None:
    """What the page shows of one stage of ``net`` (:meth:`~neuronet.network.Network.stages`): layer
    ``first`` with the per-unit layers after it up to ``last``, whose output is ``a`` (1, n_out).
    None for a stage the page does not show.

    Dense (or a global pool): ``{"kind": "units", "index", "name", "activation", "values"}``, values
    (n_out,). Conv2D, MaxPool2D, AvgPool2D: ``{"kind": "maps", "index", "name", "activation", "height",
    "width", "channels", "values"}``, values (shown, height, width): the stage's channels-last output
    (height, width, channels) with the channel axis first, one picture per channel, only the first
    ``shown = min(channels, MAX_CHANNELS)``. A BatchNorm in the stage is named ("Conv2D 32×3×3 +
    BatchNorm") and the activation is the stage's last (the ReLU after it).
    """
    layer = net.layers[first]
    activation = net.stage_activation(first, last)
    normed = " + BatchNorm" if any(isinstance(x, BatchNorm) for x in net.layers[first:last + 1]) else ""
    if isinstance(layer, Dense):
        return {"kind": "units", "index": first, "name": f"Dense {layer.n_in}\u2192{layer.n_out}{normed}",
                "activation": activation, "values": a[0]}
    if isinstance(layer, GlobalAvgPool2D):
        return {"kind": "units", "index": first, "name": f"GlobalAvgPool2D{normed}",
                "activation": activation, "values": a[0]}
    if isinstance(layer, (Conv2D, MaxPool2D)):
        h, w, c = layer.output_shape
        if isinstance(layer, Conv2D):
            kh, kw = layer.kernel_size
            name = f"Conv2D {layer.filters}\u00d7{kh}\u00d7{kw}"
            if layer.stride != 1:
                name += f", stride {layer.stride}"
        else:
            p = layer.pool_size
            name = f"{type(layer).__name__} {p}\u00d7{p}"           # MaxPool2D or AvgPool2D
            if layer.stride != p:
                name += f", stride {layer.stride}"
        maps = a[0].reshape(h, w, c)[:, :, :MAX_CHANNELS].transpose(2, 0, 1)   # (shown, H', W')
        return {"kind": "maps", "index": first, "name": name + normed, "activation": activation,
                "height": h, "width": w, "channels": c, "values": maps}
    return None


def layer_outputs(net: Network, x: np.ndarray) -> tuple[list[dict], np.ndarray]:
    """Run ``x`` (1, n_in) through ``net`` layer by layer.

    Returns ``(layers, output)``: one dict per stage the page shows (see :func:`_layer_view`) and
    the network's output row. Per-unit layers (BatchNorm, Activation, Dropout, which is the identity
    here) are part of the stage before them; stages of kinds the lab does not know run but are not shown.
    """
    outputs = net.layer_outputs(x)
    views = (_layer_view(net, first, last, outputs[last]) for first, last in net.stages())
    return [view for view in views if view is not None], outputs[-1][0]


def class_names(net: Network) -> list[str]:
    """The model's class names, or "0", "1", ... when it has none (two for a single sigmoid output)."""
    n = max(net.n_out, 2)
    names = net.class_names if net.class_names and len(net.class_names) == n else None
    return [str(c) for c in names] if names else [str(c) for c in range(n)]


def probabilities(net: Network, output: np.ndarray) -> np.ndarray:
    """Class probabilities from the output row: itself for softmax, [1 − p, p] for one sigmoid; a
    logits model's row goes through the loss's softmax or sigmoid first (as predict_proba does)."""
    output = net.probabilities_of(output[None, :])[0]
    if net.n_out == 1:
        return np.array([1.0 - output[0], output[0]])
    return output


def describe(net: Network, pixels: np.ndarray) -> dict:
    """Everything the digit tab draws for one drawing, as JSON-ready data.

    ``{"input": side x side nested list, "layers": [{"kind", "name", "activation", "values", ...},
    ...], "probabilities": [...], "classes": [...], "predicted": k}`` (layers as
    :func:`_layer_view` gives them); the last Dense layer is the output layer, so its values are the
    probabilities of a softmax model. Feature maps go to three decimals (a 28x28 map is 784
    numbers: still finer than a grey level), units to four.
    """
    side, framing = input_geometry(net)
    picture = prepare(pixels, side, framing)
    layers, output = layer_outputs(net, picture.reshape(1, -1))
    probs = probabilities(net, output)
    for layer in layers:
        layer["values"] = _rounded(layer["values"], 3 if layer["kind"] == "maps" else 4)
    return {"input": _rounded(picture), "layers": layers, "probabilities": _rounded(probs),
            "classes": class_names(net), "predicted": int(np.argmax(probs))}


def train_digits_model(epochs: int = 30, seed: int = 0) -> tuple[Network, str]:
    """A small 64-32-10 network trained on the 8x8 digits in about a second, and a note saying so.

    Needs scikit-learn (``pip install "neuronet[digits]"``) for the data.
    """
    from .. import datasets

    (x, y), (x_test, y_test) = datasets.load("digits", seed=seed)
    net = mlp([64, 32, 10], activation="relu", seed=seed)
    net.class_names = [str(d) for d in range(10)]
    net.preprocessing = {"dataset": "digits", "image_shape": [8, 8], "framing": "digit"}
    net.fit(x, y, epochs=epochs, batch_size=32, optimizer="adam", seed=seed)
    _, accuracy = net.evaluate(x_test, y_test)
    note = (f"No model file found ({' or '.join(DEFAULT_MODELS)}), so a small 64-32-10 network was "
            f"trained just now on the 8x8 digits (test accuracy {accuracy:.1%}); `neuronet lab --model "
            f"FILE` takes another.")
    return net, note


def load_model(path) -> Network:
    """The digit tab's model from a file (:func:`neuronet.modelfile.load`, never unpickled; class names
    are checked as the network is built): a bad file is one ModelFileError line, at startup."""
    from ..modelfile import load

    return load(path)


def default_model() -> tuple[Network, str]:
    """(model, note): the first of :data:`DEFAULT_MODELS` that exists, else :func:`train_digits_model`."""
    for path in DEFAULT_MODELS:
        if Path(path).is_file():
            return load_model(path), f"Model: {path}"
    return train_digits_model()
