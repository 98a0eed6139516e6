"""Tests for neuronet.imaging: photos of digits -> MNIST-style 28x28 arrays.

Digits are drawn with Pillow on large canvases (a thick '1', a '7', an oval '0'), in both
polarities, off-centre, on noisy grey paper and in several colour modes.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

from neuronet.errors import ConfigError, DataError, ShapeError
from neuronet.imaging import image_shape, load_digit_image, prepare_image, preprocess_digit, to_image

PIL = pytest.importorskip("PIL")
from PIL import Image, ImageDraw  # noqa: E402

W, H = 300, 200  # canvas size (width, height)
PAPER, INK = 225, 30  # grey levels of light paper and dark ink


def draw_digit(kind: str, *, dx: int = 0, dy: int = 0, light_ink: bool = False,
               noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """Draw one digit on a W x H uint8 canvas; ``dx``/``dy`` move it away from the middle."""
    paper, ink = (INK, PAPER) if light_ink else (PAPER, INK)
    img = Image.new("L", (W, H), paper)
    d = ImageDraw.Draw(img)
    cx, cy = W // 2 + dx, H // 2 + dy
    if kind == "1":
        d.line([(cx + 10, cy - 70), (cx - 5, cy + 70)], fill=ink, width=14)
    elif kind == "7":
        d.line([(cx - 40, cy - 60), (cx + 40, cy - 60)], fill=ink, width=12)
        d.line([(cx + 40, cy - 60), (cx - 10, cy + 70)], fill=ink, width=12)
    elif kind == "0":  # wider than tall, so the width is the side that fills the box
        d.ellipse([cx - 60, cy - 40, cx + 60, cy + 40], outline=ink, width=12)
    else:
        raise ValueError(kind)
    a = np.asarray(img, dtype=np.float64)
    if noise:
        a = a + np.random.default_rng(seed).normal(0.0, noise, a.shape)
    return np.clip(a, 0, 255).astype(np.uint8)


def centre_of_mass(x: np.ndarray) -> tuple[float, float]:
    rows, cols = np.indices(x.shape)
    return float((x * rows).sum() / x.sum()), float((x * cols).sum() / x.sum())


def ink_box(x: np.ndarray, level: float = 0.05) -> tuple[int, int]:
    """Height and width of the box around pixels brighter than ``level``."""
    rows = np.flatnonzero((x > level).any(axis=1))
    cols = np.flatnonzero((x > level).any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def save(array: np.ndarray, path, mode: str | None = None, **kwargs) -> str:
    img = Image.fromarray(array)
    if mode:
        img = img.convert(mode)
    img.save(path, **kwargs)
    return str(path)


# --- the MNIST conventions ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["1", "7", "0"])
def test_output_is_float32_28x28_in_unit_range_with_max_1(kind):
    y = preprocess_digit(draw_digit(kind, noise=8.0))
    assert y.shape == (28, 28) and y.dtype == np.float32
    assert y.min() >= 0.0 and y.max() == pytest.approx(1.0)


@pytest.mark.parametrize("kind", ["1", "7", "0"])
def test_centre_of_mass_is_within_half_a_pixel_of_14_14(kind):
    y = preprocess_digit(draw_digit(kind, dx=70, dy=-20))
    r, c = centre_of_mass(y)
    assert abs(r - 14) <= 0.5 + 1e-6 and abs(c - 14) <= 0.5 + 1e-6, (r, c)


@pytest.mark.parametrize("kind, long_axis", [("1", 0), ("7", 0), ("0", 1)])
def test_ink_fits_the_20x20_box_with_the_longer_side_filling_it(kind, long_axis):
    y = preprocess_digit(draw_digit(kind))
    h, w = ink_box(y)
    assert h <= 20 and w <= 20
    assert (h, w)[long_axis] >= 19
    assert (h, w)[1 - long_axis] < (h, w)[long_axis]  # aspect ratio kept, not stretched


def test_aspect_ratio_is_preserved():
    # The oval is 120+12 wide and 80+12 tall: about 20 x 14 once its width is 20.
    h, w = ink_box(preprocess_digit(draw_digit("0")), level=0.3)
    assert w in (19, 20) and abs(h - 20 * 92 / 132) <= 1.5


def test_background_is_zero_even_on_noisy_grey_paper():
    clean = preprocess_digit(draw_digit("7"))
    noisy = preprocess_digit(draw_digit("7", noise=10.0, seed=3))
    # Every lit pixel of the noisy result lies on or next to the clean digit's ink.
    near_ink = np.zeros_like(clean, dtype=bool)
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            near_ink |= np.roll(clean > 0, (dr, dc), axis=(0, 1))
    assert noisy[~near_ink].max() == 0.0
    assert np.mean(noisy == 0.0) > 0.6  # most of the field is exactly background
    assert np.abs(noisy - clean).mean() < 0.03


@pytest.mark.parametrize("kind", ["1", "7", "0"])
def test_both_polarities_give_the_same_digit(kind):
    dark_on_light = preprocess_digit(draw_digit(kind))
    light_on_dark = preprocess_digit(draw_digit(kind, light_ink=True))
    np.testing.assert_allclose(dark_on_light, light_on_dark, atol=1e-5)
    assert dark_on_light[14 - 10:14 + 10, 14 - 10:14 + 10].max() == pytest.approx(1.0)


def test_both_polarities_on_noisy_paper_nearly_agree():
    a = preprocess_digit(draw_digit("7", noise=8.0, seed=1))
    b = preprocess_digit(draw_digit("7", light_ink=True, noise=8.0, seed=2))
    assert np.abs(a - b).mean() < 0.03


@pytest.mark.parametrize("dx, dy", [(90, 0), (-100, 25), (60, -30)])
def test_off_centre_drawing_gives_the_same_output(dx, dy):
    centred = preprocess_digit(draw_digit("7"))
    moved = preprocess_digit(draw_digit("7", dx=dx, dy=dy))
    np.testing.assert_allclose(moved, centred, atol=1e-5)


def test_small_specks_do_not_change_the_crop():
    clean = draw_digit("1")
    specked = clean.copy()
    specked[10:14, 10:14] = INK  # dust in a corner, in rows and columns the digit does not use
    specked[H - 8:H - 5, W - 20:W - 17] = INK
    np.testing.assert_allclose(preprocess_digit(specked), preprocess_digit(clean), atol=1e-5)


def test_a_tiny_digit_is_enlarged_to_the_box():
    x = np.zeros((100, 100), np.uint8)
    x[45:53, 49:52] = 255  # an 8 px tall '1'
    h, _ = ink_box(preprocess_digit(x))
    assert 19 <= h <= 20


def test_preprocessing_a_prepared_digit_changes_little():
    y = preprocess_digit(draw_digit("7"))
    assert np.abs(preprocess_digit(y) - y).mean() < 0.02


# --- input arrays and colour modes ----------------------------------------------------------


def test_rgb_and_float_arrays_match_grey():
    grey = draw_digit("0")
    rgb = np.repeat(grey[:, :, None], 3, axis=2)
    expected = preprocess_digit(grey)
    np.testing.assert_allclose(preprocess_digit(rgb), expected, atol=1e-4)
    np.testing.assert_allclose(preprocess_digit(grey / 255.0), expected, atol=1e-4)


def test_rgba_with_transparent_background_treats_it_as_paper():
    # Black strokes on fully transparent black: ignoring alpha would leave an all-black image.
    grey = draw_digit("7")
    rgba = np.zeros(grey.shape + (4,), np.uint8)
    rgba[:, :, 3] = 255 - grey  # opacity where the ink is
    expected = preprocess_digit(grey)
    assert np.abs(preprocess_digit(rgba) - expected).mean() < 0.01
    # White strokes on transparent black work too.
    rgba[:, :, :3] = 255
    assert np.abs(preprocess_digit(rgba) - expected).mean() < 0.01


def test_bad_arrays_and_settings_raise():
    with pytest.raises(ShapeError, match=r"shape \(10,\)"):
        preprocess_digit(np.zeros(10))
    with pytest.raises(ShapeError, match=r"shape \(5, 5, 2\)"):
        preprocess_digit(np.zeros((5, 5, 2)))
    with pytest.raises(ShapeError, match="holds no pixels"):
        preprocess_digit(np.zeros((0, 5), np.uint8))
    with pytest.raises(ShapeError, match="NaN"):
        preprocess_digit(np.full((5, 5), np.nan))
    with pytest.raises(ShapeError, match="dtype"):
        preprocess_digit(np.full((5, 5), "a"))
    with pytest.raises(ConfigError, match="box=24, size=20"):
        preprocess_digit(draw_digit("1"), size=20, box=24)
    with pytest.raises(ConfigError, match="centre must be"):
        preprocess_digit(draw_digit("1"), centre="middle")
    with pytest.raises(DataError, match="no ink"):
        preprocess_digit(np.full((40, 40), 255, np.uint8))


# --- files ----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA", "P", "LA"])
def test_png_in_any_mode_loads_like_the_array(tmp_path, mode):
    x = draw_digit("7", dx=40, noise=6.0)
    path = save(x, tmp_path / f"seven_{mode}.png", mode)
    np.testing.assert_allclose(load_digit_image(path), preprocess_digit(x), atol=0.02)


def test_16_bit_png_loads(tmp_path):
    x = draw_digit("0").astype(np.uint16) * 257
    path = tmp_path / "zero16.png"
    Image.fromarray(x).save(path)
    assert Image.open(path).mode.startswith("I")
    np.testing.assert_allclose(load_digit_image(path), preprocess_digit(draw_digit("0")),
                               atol=1e-3)


def test_jpeg_round_trip(tmp_path):
    x = draw_digit("7", dx=-50, dy=20, noise=5.0)
    path = save(x, tmp_path / "seven.jpg", "RGB", quality=85)
    y = load_digit_image(path)
    assert y.shape == (28, 28) and y.dtype == np.float32
    assert np.abs(y - preprocess_digit(x)).mean() < 0.03
    assert max(abs(v - 14) for v in centre_of_mass(y)) <= 0.5 + 1e-6


def test_exif_orientation_is_applied(tmp_path):
    x = draw_digit("7")
    stored = Image.fromarray(x).transpose(Image.Transpose.ROTATE_90)  # as a sideways phone
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    path = tmp_path / "sideways.jpg"
    stored.save(path, quality=95, exif=exif)
    y = load_digit_image(path)
    assert np.abs(y - preprocess_digit(x)).mean() < 0.02
    assert np.abs(y - preprocess_digit(np.asarray(stored))).mean() > 0.05  # test can fail


def test_to_image_writes_a_png_that_reads_back(tmp_path):
    y = preprocess_digit(draw_digit("1"))
    path = to_image(y, tmp_path / "seen.png")
    back = np.asarray(Image.open(path))
    assert back.shape == (28, 28) and back.dtype == np.uint8
    np.testing.assert_allclose(back / 255.0, y, atol=0.5 / 255 + 1e-6)
    big = np.asarray(Image.open(to_image(y, tmp_path / "big.png", scale=4)))
    assert big.shape == (112, 112) and np.array_equal(big[::4, ::4], back)
    with pytest.raises(ShapeError, match="2-D"):
        to_image(np.zeros((2, 2, 2)), tmp_path / "bad.png")
    with pytest.raises(ShapeError, match="numeric 2-D"):
        to_image([["a", "b"]], tmp_path / "bad.png")
    with pytest.raises(ConfigError, match="scale"):
        to_image(y, tmp_path / "bad.png", scale=0)
    assert not (tmp_path / "bad.png").exists()


# --- errors: one line naming the file -------------------------------------------------------


def assert_one_line_naming(exc_info, path):
    message = str(exc_info.value)
    assert "\n" not in message and str(path) in message


def test_missing_file(tmp_path):
    path = tmp_path / "nope.png"
    with pytest.raises(DataError, match="no such image file") as exc_info:
        load_digit_image(path)
    assert_one_line_naming(exc_info, path)


def test_directory_is_not_an_image(tmp_path):
    with pytest.raises(DataError, match="is a folder") as exc_info:
        load_digit_image(tmp_path)
    assert_one_line_naming(exc_info, tmp_path)


def test_garbage_file(tmp_path):
    path = tmp_path / "garbage.png"
    path.write_bytes(b"this is not a picture at all\x00\x01\x02" * 20)
    with pytest.raises(DataError, match="not an image") as exc_info:
        load_digit_image(path)
    assert_one_line_naming(exc_info, path)


@pytest.mark.parametrize("suffix, fmt", [(".png", "PNG"), (".jpg", "JPEG")])
def test_truncated_file(tmp_path, suffix, fmt):
    whole = tmp_path / f"whole{suffix}"
    Image.fromarray(draw_digit("7", noise=20.0)).save(whole, format=fmt)
    data = whole.read_bytes()
    path = tmp_path / f"cut{suffix}"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="unreadable") as exc_info:
        load_digit_image(path)
    assert_one_line_naming(exc_info, path)


def test_blank_image_has_no_ink(tmp_path):
    path = save(np.full((120, 80), 255, np.uint8), tmp_path / "white.png")
    with pytest.raises(DataError, match="no ink") as exc_info:
        load_digit_image(path)
    assert_one_line_naming(exc_info, path)


@pytest.mark.parametrize("limit", [5000, 40000])  # 60 000 px: Pillow errors at > 2x, warns at > 1x
def test_decompression_bomb_is_refused(tmp_path, monkeypatch, limit):
    path = save(draw_digit("1"), tmp_path / "huge.png")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", limit)
    with pytest.raises(DataError, match="too large") as exc_info:
        load_digit_image(path)
    assert_one_line_naming(exc_info, path)


def test_missing_pillow_says_what_to_install(tmp_path, monkeypatch):
    x = draw_digit("1")
    monkeypatch.setitem(sys.modules, "PIL", None)  # makes `from PIL import ...` fail
    with pytest.raises(ConfigError, match=r'pip install "neuronet\[images\]"'):
        load_digit_image(tmp_path / "x.png")
    with pytest.raises(ConfigError, match="neuronet"):
        preprocess_digit(x)
    with pytest.raises(ConfigError, match="neuronet"):
        to_image(np.zeros((28, 28)), tmp_path / "x.png")


def test_a_large_photo_gives_the_same_digit_as_a_small_one():
    # Photos are shrunk to at most 512 px before the rest; the digit must survive that.
    small = draw_digit("7", dx=30)
    big = np.asarray(Image.fromarray(small).resize((W * 6, H * 6), Image.Resampling.BICUBIC))
    assert np.abs(preprocess_digit(big) - preprocess_digit(small)).mean() < 0.02


# --- image_shape: the pictures a model's inputs form ---------------------------------------------------
def test_image_shape_is_the_declared_one_or_a_square():
    assert image_shape(784) == (28, 28) and image_shape(64) == (8, 8) and image_shape(1) == (1, 1)
    assert image_shape(6, declared=(2, 3)) == (2, 3)
    assert image_shape(784, declared=[np.int64(28), 28]) == (28, 28)   # as a model file or arr.shape has it


@pytest.mark.parametrize("n_in, declared, match", [
    (2, None, "2 inputs are not a square picture"),
    (0, None, "0 inputs are not a square picture"),
    (785, None, "not a square picture"),
    (784, (28, 27), r"image_shape \(28, 27\) has 756 pixels, but the inputs have 784"),
    (784, ["a", "b"], "image_shape must be \\(height, width\\)"),   # a hand-edited model file
    (784, (28.0, 28.0), "two positive integers"),
    (784, (784,), "two positive integers"),
    (784, (-28, -28), "two positive integers"),
    (784, "28x28", "two positive integers"),
])
def test_image_shape_refuses_what_is_not_a_picture(n_in, declared, match):
    with pytest.raises(ConfigError, match=match):
        image_shape(n_in, declared)


# --- prepare_image: a file as a model's input, framed as its training pictures were ----------------------
def test_prepare_image_digit_framing_is_load_digit_image_flattened(tmp_path):
    path = save(draw_digit("7"), tmp_path / "seven.png")
    x = prepare_image(path, 28, "digit")
    assert x.shape == (784,) and x.dtype == np.float32
    np.testing.assert_array_equal(x, load_digit_image(path).reshape(-1))
    # the 8x8 digits fill their square (digit_framing(8)), so their box spans it
    small = prepare_image(path, 8).reshape(8, 8)
    assert max(ink_box(small)) == 8


def test_prepare_image_resize_and_fill(tmp_path):
    item = np.zeros((40, 40), np.uint8)
    item[5:35, 10:30] = 200
    dark, light = save(item, tmp_path / "dark.png"), save(255 - item, tmp_path / "light.png")
    resized = prepare_image(dark, 20, "resize")
    assert resized.shape == (400,) and 0.0 <= resized.min() and resized.max() <= 1.0
    np.testing.assert_array_equal(prepare_image(dark, 20, "fill"), resized)   # already light on black
    np.testing.assert_allclose(prepare_image(light, 20, "fill"), resized, atol=1 / 255 + 1e-6)
    assert prepare_image(light, 20, "resize").mean() > 0.5                     # not inverted


@pytest.mark.parametrize("side, framing, match", [
    (28, "stretch", "framing must be one of digit, fill, resize"),
    (0, "digit", "side must be a positive integer"),
    (28.0, "digit", "side must be a positive integer"),
])
def test_prepare_image_refuses_bad_settings(tmp_path, side, framing, match):
    path = save(draw_digit("1"), tmp_path / "one.png")
    with pytest.raises(ConfigError, match=match):
        prepare_image(path, side, framing)


def test_prepare_image_of_a_missing_file_is_a_data_error(tmp_path):
    for framing in ("digit", "fill"):
        with pytest.raises(DataError, match="missing.png"):
            prepare_image(tmp_path / "missing.png", 28, framing)
