"""Pictures in and out of a model: a photo of a digit as MNIST-style input, a vector as a picture.

MNIST digits were made in a particular way, and a network trained on them only recognises
digits prepared the same way:

* bright ink (1.0) on a black background (0.0);
* the digit scaled, keeping its aspect ratio, so that its longer side fills a 20x20 box;
* that 20x20 box placed in a 28x28 field and shifted so the digit's centre of mass
  ``(Σ x_ij·i, Σ x_ij·j) / Σ x_ij`` (the intensity-weighted mean pixel position) sits at its middle.

:func:`preprocess_digit` does this to an (H, W) array in memory; :func:`load_digit_image` reads a
PNG/JPEG/... file first; :func:`prepare_image` prepares a file as the input vector of a model, the
way that model's training pictures were framed. :func:`image_shape` is the (height, width) a model's
n_in inputs form; :func:`to_image` writes a picture back out, to see what the network saw.

Pillow is an optional extra (``pip install "neuronet[images]"``), imported only when needed.

    >>> x = load_digit_image("seven.jpg")      # doctest: +SKIP
    >>> x.shape, x.dtype, float(x.max())       # doctest: +SKIP
    ((28, 28), dtype('float32'), 1.0)
"""

from __future__ import annotations

import contextlib
import math
import os
import warnings
from pathlib import Path

import numpy as np

from . import checks
from .errors import ConfigError, DataError, ShapeError

__all__ = ["MAX_PICTURE_SIDE", "dataset_framing", "digit_framing", "image_shape", "load_digit_image",
           "model_image_shape", "photo_note", "prepare_image", "preprocess_digit", "to_image"]

#: The largest side of the pictures a photo is prepared as (a model of 28x28 pictures takes 28): a
#: model asking for more takes no photos, since every step below would then work on that many pixels.
MAX_PICTURE_SIDE = 2048
# Larger inputs are first shrunk (area averaging) so that their longer side is this long:
# the digit ends up 20 px tall anyway, and it bounds the time and memory of every later step.
_WORK_SIDE = 512
# Pixels weaker than this fraction of the strongest ink do not count when finding the digit's box.
_BOX_FRACTION = 0.1
# A band of rows (or columns) holding less than this fraction of all ink is a speck, not digit.
_SPECK_FRACTION = 0.02


def _pillow() -> tuple:
    """``(PIL.Image, PIL.ImageOps)``, imported on first use, or a ConfigError naming the extra."""
    try:
        from PIL import Image, ImageOps
    except ImportError:
        raise ConfigError(
            'reading and writing images needs Pillow: pip install "neuronet[images]"'
        ) from None
    return Image, ImageOps


def _unit_range(a: np.ndarray) -> np.ndarray:
    """An array of any numeric dtype as float64 in [0, 1]: ``a / iinfo(dtype).max`` for integers.

    Same shape in and out; bool becomes 0.0 / 1.0, floats are taken as already in [0, 1].
    """
    if a.dtype == np.bool_:
        return a.astype(np.float64)
    if np.issubdtype(a.dtype, np.integer):
        return a.astype(np.float64) / float(np.iinfo(a.dtype).max)
    if np.issubdtype(a.dtype, np.floating):
        return a.astype(np.float64)
    raise ShapeError(f"image array has dtype {a.dtype}; expected an integer, float or bool array")


def _to_grey(array: np.ndarray) -> np.ndarray:
    """Reduce a (H, W), (H, W, 1), (H, W, 3) or (H, W, 4) array to (H, W) float64 grey.

    Colour is weighted by perceived brightness (0.299 R + 0.587 G + 0.114 B). With an alpha
    channel, transparent pixels become background: we assume what is opaque is the drawing, so
    the image is laid over whichever of black or white contrasts with its opaque pixels.
    """
    a = np.asarray(array)
    if a.ndim == 3 and a.shape[2] in (1, 3, 4):
        channels = _unit_range(a)
    elif a.ndim == 2:
        channels = _unit_range(a)[:, :, None]
    else:
        raise ShapeError(f"image array has shape {a.shape}; expected (H, W) or (H, W, 1|3|4)")
    if min(a.shape[:2]) < 1:
        raise ShapeError(f"image array has shape {a.shape}; it holds no pixels")
    if not np.all(np.isfinite(channels)):
        raise ShapeError("image array contains NaN or infinite values")
    if channels.shape[2] >= 3:
        grey = channels[:, :, :3] @ np.array([0.299, 0.587, 0.114])
    else:
        grey = channels[:, :, 0]
    if channels.shape[2] == 4:
        alpha = np.clip(channels[:, :, 3], 0.0, 1.0)
        if alpha.min() < 1.0:
            opaque = grey[alpha >= 0.5]
            # Channels are in [0, 1] here, so 0.5 separates dark drawings from light ones.
            backdrop = 1.0 if opaque.size and np.median(opaque) < 0.5 else 0.0
            grey = alpha * grey + (1.0 - alpha) * backdrop
    return grey


def _shrink(grey: np.ndarray, max_side: int) -> np.ndarray:
    """(H, W) -> (H·s, W·s) with ``s = max_side / max(H, W)`` when that is < 1, else unchanged.

    Each output pixel is the mean of the input area it covers (box filter), so nothing aliases.
    """
    h, w = grey.shape
    if max(h, w) <= max_side:
        return grey
    image_mod, _ = _pillow()
    scale = max_side / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    img = image_mod.fromarray(grey.astype(np.float32))  # float32 gives Pillow mode "F"
    return np.asarray(img.resize(size, image_mod.Resampling.BOX), dtype=np.float64)


def _ink(grey: np.ndarray) -> np.ndarray:
    """Ink strength of an (H, W) grey image, (H, W) in [0, 1]: 0 on the paper, 1 at the strongest ink.

    * Background level ``b``: the median of a thin frame of border pixels (paper reaches the
      edges of a photo; the digit mostly does not).
    * Polarity: ink lies on the side of ``b`` that reaches further, compared between the 0.5th
      and 99.5th percentiles. Dark ink on light paper is flipped, so ink is always bright.
    * Noise: the spread of the paper, ``sigma = 1.4826 * median(|d - median(d)|)`` of the
      differences ``d`` from ``b`` (a robust standard deviation: the ink, a minority of the
      pixels, barely moves it). A soft threshold subtracts ``max(4 sigma, 5% of the peak)``
      and clips at 0, which removes paper texture and JPEG ripples yet keeps smooth edges.
    """
    frame = max(1, round(0.02 * min(grey.shape)))
    border = np.concatenate([grey[:frame].ravel(), grey[-frame:].ravel(),
                             grey[:, :frame].ravel(), grey[:, -frame:].ravel()])
    b = float(np.median(border))
    lo, hi = np.percentile(grey, [0.5, 99.5])
    d = (b - grey) if (b - lo) > (hi - b) else (grey - b)
    peak = float(d.max())
    if peak <= 0.0:
        raise DataError("no ink: every pixel has the same value")
    sigma = 1.4826 * float(np.median(np.abs(d - np.median(d))))
    floor = max(4.0 * sigma, 0.05 * peak)
    if floor >= peak:
        raise DataError("no ink: nothing stands out from the background noise")
    return np.clip((d - floor) / (peak - floor), 0.0, 1.0)


def _bands(profile: np.ndarray) -> list[tuple[int, int, float]]:
    """The runs of non-zero entries of a (n,) profile: ``(start, stop, Σ profile[start:stop])`` each."""
    nonzero = np.concatenate([[False], profile > 0, [False]])
    edges = np.flatnonzero(nonzero[1:] != nonzero[:-1])
    starts, stops = edges[::2], edges[1::2]
    return [(int(s), int(e), float(profile[s:e].sum())) for s, e in zip(starts, stops, strict=True)]


def _digit_box(ink: np.ndarray) -> tuple[slice, slice]:
    """(rows, cols) slices of the (H, W) ink that the digit occupies, without faint pixels and specks.

    Pixels under 10% of the strongest ink are ignored. Then, alternately along rows and
    columns, bands of consecutive non-empty rows (columns) are found and any band carrying
    under 2% of the ink is dropped (never the heaviest), until nothing changes. A speck outside
    the digit's rows or columns is dropped this way; one inside both cannot change the box.
    """
    mass = np.where(ink >= _BOX_FRACTION * ink.max(), ink, 0.0)
    while True:
        changed = False
        for axis in (1, 0):  # axis=1 sums along each row: a profile over rows
            profile = mass.sum(axis=axis)
            bands = _bands(profile)
            heaviest = max(band[2] for band in bands)
            speck = _SPECK_FRACTION * profile.sum()
            for start, stop, band_mass in bands:
                # The heaviest band always stays, so a dotted stroke cannot vanish entirely.
                if band_mass < speck and band_mass < heaviest:
                    index = [slice(None), slice(None)]
                    index[1 - axis] = slice(start, stop)
                    mass[tuple(index)] = 0.0
                    changed = True
        if not changed:
            break
    rows = np.flatnonzero(mass.sum(axis=1))
    cols = np.flatnonzero(mass.sum(axis=0))
    return slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)


def _fit_box(crop: np.ndarray, box: int) -> np.ndarray:
    """(h, w) -> (h·s, w·s) with ``s = box / max(h, w)``: the longer side is ``box`` (MNIST's 20x20 box).

    Lanczos resampling on the float image antialiases when shrinking and stays sharp when a
    tiny crop is enlarged; its slight overshoot below 0 is clipped away.
    """
    image_mod, _ = _pillow()
    h, w = crop.shape
    scale = box / max(h, w)
    size = (min(box, max(1, round(w * scale))), min(box, max(1, round(h * scale))))
    img = image_mod.fromarray(crop.astype(np.float32))  # float32 gives Pillow mode "F"
    out = np.asarray(img.resize(size, image_mod.Resampling.LANCZOS), dtype=np.float64)
    return np.clip(out, 0.0, None)


def _centre_by_mass(patch: np.ndarray, size: int) -> np.ndarray:
    """An (h, w) patch on a black (size, size) field, its centre of mass at the middle.

    The centre of mass is the intensity-weighted mean of the pixel indices,
    ``(sum_ij x_ij * i, sum_ij x_ij * j) / sum_ij x_ij``. MNIST put it at the middle of the
    28x28 field; we take that to be pixel (14, 14) = ``(size // 2, size // 2)``, the usual
    reading (the geometric centre, 13.5, is half a pixel away). The shift is a whole number of
    pixels, so strokes are not blurred; the centre of mass lands within half a pixel. As in
    MNIST, a very lopsided digit may lose a sliver that is shifted past the edge.
    """
    rows, cols = np.indices(patch.shape)
    total = patch.sum()
    top = round(size // 2 - float((patch * rows).sum() / total))
    left = round(size // 2 - float((patch * cols).sum() / total))
    field = np.zeros((size, size))
    # Copy only the overlap of the shifted patch with the field.
    r0, c0 = max(top, 0), max(left, 0)
    r1, c1 = min(top + patch.shape[0], size), min(left + patch.shape[1], size)
    if r1 > r0 and c1 > c0:
        field[r0:r1, c0:c1] = patch[r0 - top:r1 - top, c0 - left:c1 - left]
    return field


def _centre_by_box(patch: np.ndarray, size: int) -> np.ndarray:
    """An (h, w) patch in the middle of a black (size, size) field, its top-left corner at
    ``((size - h) // 2, (size - w) // 2)``.

    Fashion-MNIST's framing: the item's bounding box, not its centre of mass, is centred.
    """
    field = np.zeros((size, size))
    top, left = (size - patch.shape[0]) // 2, (size - patch.shape[1]) // 2
    field[top:top + patch.shape[0], left:left + patch.shape[1]] = patch
    return field


def digit_framing(side: int) -> dict:
    """The ``box`` and ``centre`` of :func:`preprocess_digit` for a model of ``side`` x ``side`` digits.

    28x28 is MNIST's rule: a 20x20 box centred by mass. Other sizes follow the 8x8 digits of
    scikit-learn, whose digits fill the frame (every one is 8 pixels tall): the longer side spans
    the whole square and the box is centred, since centring by mass would push part of a digit
    that fills the frame over its edge.

    >>> digit_framing(28), digit_framing(8)
    ({'box': 20, 'centre': 'mass'}, {'box': 8, 'centre': 'box'})
    """
    return {"box": 20, "centre": "mass"} if side == 28 else {"box": side, "centre": "box"}


def preprocess_digit(array: np.ndarray, *, size: int = 28, box: int = 20,
                     centre: str = "mass") -> np.ndarray:
    """An in-memory image of one digit, (H, W[, C]) -> (size, size) float32, prepared as MNIST's were.

    ``array``: (H, W) grey or (H, W, 3) RGB or (H, W, 4) RGBA; uint8/uint16 (scaled by their
    maximum), bool, or float in [0, 1]. Dark-on-light and light-on-dark both work.

    Steps: to grey -> shrink huge inputs -> ink strength (polarity, background removal, soft
    noise threshold; see ``_ink``) -> crop to the digit's box (ignoring specks) -> resize so the
    longer side is ``box`` -> centre of mass to the middle of a ``size`` x ``size`` field ->
    rescale so the brightest pixel is 1. ``centre="box"`` centres the bounding box instead of the
    centre of mass; with ``box=size`` that frames an object the way Fashion-MNIST does.

    Returns a float32 array of shape (size, size) with values in [0, 1], background 0.
    Raises DataError if there is no ink, ShapeError for an unusable array, ConfigError for
    bad ``size``/``box`` or when Pillow is missing.

    >>> x = np.full((60, 40), 255, np.uint8); x[10:50, 18:22] = 0   # a dark '1' on white
    >>> preprocess_digit(x).shape
    (28, 28)
    """
    if not (isinstance(box, int) and isinstance(size, int) and 1 <= box <= size):
        raise ConfigError(f"need integers 1 <= box <= size, got box={box!r}, size={size!r}")
    if centre not in ("mass", "box"):
        raise ConfigError(f"centre must be 'mass' or 'box', got {centre!r}")
    grey = _shrink(_to_grey(array), _WORK_SIDE)
    ink = _ink(grey)
    rows, cols = _digit_box(ink)
    patch = _fit_box(ink[rows, cols], box)
    if patch.max() <= 0.0:
        raise DataError("no ink left after resizing the digit")
    field = _centre_by_mass(patch, size) if centre == "mass" else _centre_by_box(patch, size)
    if field.max() <= 0.0:
        raise DataError("no ink left after centring the digit")
    # Faint thin strokes lose contrast when shrunk; MNIST digits all reach full intensity.
    field /= field.max()
    return np.clip(field, 0.0, 1.0).astype(np.float32)


def _read_pixels(path: Path) -> np.ndarray:
    """The pixels of an image file: (H, W) grey (uint8, or float64 in [0, 1]) or (H, W, 4) RGBA uint8.

    EXIF orientation is applied (phones store photos sideways and record the rotation).
    Modes with transparency come back as (H, W, 4) RGBA so that ``_to_grey`` can treat
    transparent pixels as background; 16-bit and float greys keep their full precision; every
    other mode (palette, CMYK, 1-bit, ...) is converted to 8-bit grey by Pillow.
    """
    image_mod, image_ops = _pillow()
    # Pillow only warns between MAX_IMAGE_PIXELS and twice that; we refuse those images too.
    with warnings.catch_warnings():
        warnings.simplefilter("error", image_mod.DecompressionBombWarning)
        with image_mod.open(path) as img:
            img.load()  # decode now, so truncated data fails here and not later
            img = image_ops.exif_transpose(img)
            if img.mode in ("I;16", "I;16L", "I;16B", "I", "F"):
                return np.asarray(img).astype(np.float64) / _mode_max(img.mode)
            if img.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in img.info:
                return np.asarray(img.convert("RGBA"))
            return np.asarray(img.convert("L"))


def _mode_max(mode: str) -> float:
    """Full-scale value of Pillow's high-precision grey modes (16-bit ints; floats in [0, 1])."""
    return 65535.0 if mode.startswith("I") else 1.0


def _check_image_file(p: Path, image_mod) -> None:
    """Refuse, as one DataError line naming the file, what cannot be prepared: a folder, a missing or
    empty file, one Pillow does not recognise, or one whose header claims more pixels than are safe to
    decode (Pillow's decompression-bomb limit, ``Image.MAX_IMAGE_PIXELS``). Reads only the header."""
    if p.is_dir():
        raise DataError(f"{p}: is a folder, expected an image file")
    if not p.is_file():
        raise DataError(f"{p}: no such image file")
    if p.stat().st_size == 0:
        raise DataError(f"{p}: the file is empty, not an image")
    # Pillow only warns between MAX_IMAGE_PIXELS and twice that; we refuse those images too.
    with _pillow_errors(p, image_mod), warnings.catch_warnings():
        warnings.simplefilter("error", image_mod.DecompressionBombWarning)
        with image_mod.open(p):
            pass


@contextlib.contextmanager
def _pillow_errors(p: Path, image_mod):
    """What Pillow raises for a file it cannot (or should not) decode, as one DataError naming ``p``."""
    try:
        yield
    except (image_mod.DecompressionBombError, image_mod.DecompressionBombWarning) as exc:
        raise DataError(f"{p}: image too large to decode safely ({_first_line(exc)})") from None
    except image_mod.UnidentifiedImageError:
        raise DataError(f"{p}: not an image file Pillow can read") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:   # truncated or corrupt data
        raise DataError(f"{p}: unreadable image ({_first_line(exc)})") from None


def load_digit_image(path: str | os.PathLike[str], *, size: int = 28, box: int = 20,
                     centre: str = "mass") -> np.ndarray:
    """An image file (PNG, JPEG, ...) of one handwritten digit as a (size, size) input, prepared like MNIST.

    Any size, colour mode or polarity; see :func:`preprocess_digit` for the steps.
    Returns float32 (size, size) in [0, 1], bright ink on black.

    Raises DataError (one line naming the file) if the file is missing or empty, is not an image, is
    truncated or too large to be safe to decode, or shows no ink; ConfigError without Pillow.
    """
    image_mod, _ = _pillow()
    p = Path(path)
    _check_image_file(p, image_mod)
    with _pillow_errors(p, image_mod):
        pixels = _read_pixels(p)
    try:
        return preprocess_digit(pixels, size=size, box=box, centre=centre)
    except DataError as exc:
        raise DataError(f"{p}: {exc}") from None


def _first_line(exc: BaseException) -> str:
    """The first line of an exception's message, or its type name when it has none."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def to_image(array: np.ndarray, path: str | os.PathLike[str], *, scale: int = 1) -> Path:
    """Save an (H, W) picture with values in [0, 1] as an 8-bit greyscale PNG: ``round(255·x)``.

    ``scale`` enlarges each pixel to a ``scale`` x ``scale`` block, which is easier to look at
    than 28x28. Returns the path written.

    >>> to_image(np.eye(28), "/tmp/diag.png", scale=4)   # doctest: +SKIP
    PosixPath('/tmp/diag.png')
    """
    image_mod, _ = _pillow()
    try:
        a = np.asarray(array, dtype=np.float64)
    except (TypeError, ValueError):
        raise ShapeError("to_image needs a numeric 2-D array") from None
    if a.ndim != 2 or a.size == 0:
        raise ShapeError(f"to_image needs a non-empty 2-D array, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ShapeError("to_image: array contains NaN or infinite values")
    if not (isinstance(scale, int) and scale >= 1):
        raise ConfigError(f"to_image: scale must be a positive integer, got {scale!r}")
    pixels = np.rint(np.clip(a, 0.0, 1.0) * 255.0).astype(np.uint8)
    if scale > 1:
        pixels = np.kron(pixels, np.ones((scale, scale), dtype=np.uint8))
    p = Path(path)
    try:
        image_mod.fromarray(pixels).save(p, format="PNG")
    except OSError as exc:
        raise DataError(f"{p}: cannot write image ({_first_line(exc)})") from None
    return p


def image_shape(n_in: int, declared=None) -> tuple[int, int]:
    """The (height, width) of the pictures that ``n_in`` inputs form: ``declared``, or a square.

    ``declared`` is what a model records (``net.preprocessing["image_shape"]``, e.g. ``[28, 28]``) and
    must hold ``height · width = n_in`` pixels; without it the inputs must be a square, ``side² = n_in``.
    Raises ConfigError when they do not form a picture.

    >>> image_shape(784), image_shape(6, declared=(2, 3))
    ((28, 28), (2, 3))
    """
    if declared is not None:
        if not isinstance(declared, (tuple, list)) or len(declared) != 2 or \
                not all(checks.is_integer(s) and s >= 1 for s in declared):
            raise ConfigError(f"image_shape must be (height, width), two positive integers; "
                              f"got {checks.shown(declared)}")
        h, w = (int(s) for s in declared)
        if h * w != n_in:
            raise ConfigError(f"image_shape {(h, w)} has {h * w} pixels, but the inputs have {n_in}")
        return h, w
    side = math.isqrt(n_in) if checks.is_integer(n_in) and n_in >= 0 else -1
    if side < 1 or side * side != n_in:
        raise ConfigError(f"{n_in} inputs are not a square picture; pass image_shape=(height, width)")
    return side, side


def model_image_shape(net) -> tuple[int, int]:
    """(height, width) of the grey pictures ``net`` was trained on, or a ConfigError saying why it takes
    none, worded to follow "this model" ("takes 4 inputs that are not a picture (...)").

    A model takes pictures when it says so: its preprocessing records an ``image_shape`` (as ``neuronet
    train`` does for an image dataset or folder), or its first layer is a one-channel Conv2D (or
    MaxPool2D), which works on (height, width, channels) pictures. A square
    number of inputs alone is no picture: 4 CSV columns are not a 2x2 image. Sides above
    :data:`MAX_PICTURE_SIDE` are refused too.

    >>> from neuronet import mlp
    >>> net = mlp([64, 10]); net.preprocessing = {"image_shape": [8, 8]}
    >>> model_image_shape(net)
    (8, 8)
    """
    from .conv import Conv2D, MaxPool2D

    declared = net.preprocessing.get("image_shape")
    first = net.layers[0] if net.layers else None
    if declared is None and isinstance(first, (Conv2D, MaxPool2D)):
        h, w, channels = first.input_shape
        if channels != 1:
            raise ConfigError(f"takes {h}x{w} pictures of {channels} channels; only grey pictures "
                              f"(1 channel) are prepared from photos")
        declared = (h, w)
    if declared is None:
        data = net.preprocessing.get("source") or net.preprocessing.get("dataset")
        why = f"it was trained on {checks.shown(data)}" if data else "it records no image_shape"
        raise ConfigError(f"takes {net.n_in:,} inputs that are not a picture ({why})")
    try:
        h, w = image_shape(net.n_in, declared)
    except ConfigError as exc:
        raise ConfigError(f"records a preprocessing image_shape that does not fit: {exc}") from None
    if max(h, w) > MAX_PICTURE_SIDE:
        raise ConfigError(f"takes {h}x{w} pictures; photos are prepared at most {MAX_PICTURE_SIDE} "
                          f"pixels a side")
    return h, w


def photo_note(net) -> str | None:
    """One line warning that ``net`` reads photos poorly, or None: a model of scikit-learn's 8x8 digits
    (what ``neuronet train`` makes offline) sees a photo shrunk to 8x8, where most strokes blur away.

    >>> from neuronet import mlp
    >>> net = mlp([64, 10]); net.preprocessing = {"dataset": "digits", "image_shape": [8, 8]}
    >>> photo_note(net).split(";")[0]
    'this model was trained on the 8x8 digits, which read photos and drawings poorly'
    """
    if net.preprocessing.get("dataset") != "digits":
        return None
    return ("this model was trained on the 8x8 digits, which read photos and drawings poorly; for "
            "those train on MNIST: put its four files in a folder and run `neuronet train --dataset "
            "mnist --data-dir FOLDER`")


# How each framing a model records (``net.preprocessing["framing"]``) prepares a photo: see prepare_image.
_FRAMINGS = ("digit", "fill", "resize")


def dataset_framing(name: str) -> str:
    """The framing a model trained on the named picture set records: ``"fill"`` for Fashion-MNIST,
    whose items fill the frame, ``"digit"`` (MNIST's rule, :func:`digit_framing`) for the digit sets.

    >>> dataset_framing("fashion-mnist"), dataset_framing("mnist")
    ('fill', 'digit')
    """
    return "fill" if name == "fashion-mnist" else "digit"


def prepare_image(path: str | os.PathLike[str], side: int = 28, framing: str = "digit") -> np.ndarray:
    """A photo or scan as the input of a model of ``side`` × ``side`` pictures: (side·side,) float32.

    Prepared the way that model's training pictures were (``framing``, as ``neuronet train`` records it):

    * ``"digit"``: a handwritten digit framed by :func:`digit_framing`: a 20x20 box centred by mass in
      28x28 (MNIST's rule), or filling the square for other sizes (the 8x8 digits);
    * ``"fill"``: the whole picture resized to fill the square, light on dark (Fashion-MNIST); a photo
      on light paper (the median of its border above 0.5) is inverted, ``x -> 1 - x``;
    * ``"resize"``: the whole picture resized, as an image folder's pictures were for training.

    Values are in [0, 1]. Raises DataError for a file that is missing, empty, not an image or too large
    to decode safely, ConfigError for an unknown framing or without Pillow.
    """
    side = checks.positive_int(side, "prepare_image: side")
    checks.one_of(framing, "prepare_image: framing", _FRAMINGS)
    if framing == "digit":
        return load_digit_image(path, size=side, **digit_framing(side)).reshape(-1)
    from .datasets import load_image

    _check_image_file(Path(path), _pillow()[0])      # load_image decodes whatever Pillow opens
    x = load_image(path, size=(side, side))          # (side·side,) in [0, 1], the whole picture
    if framing == "fill":
        square = x.reshape(side, side)
        border = np.concatenate([square[0], square[-1], square[:, 0], square[:, -1]])
        if np.median(border) > 0.5:                  # light paper: make the item the bright part
            x = 1.0 - x
    return x
