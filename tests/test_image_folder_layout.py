"""Image folders as people really have them: nested folders, one class, stray files among the images.
Each is read as documented or refused in one line naming the file or folder; none is silently left
out, and no damaged file ends in a Pillow traceback."""

import io

import numpy as np
import pytest

from neuronet.datasets import load_image, load_image_folder
from neuronet.errors import ConfigError, DataError

Image = pytest.importorskip("PIL.Image", reason="Pillow (neuronet[images]) not installed")


def png(path, level=0):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("L", (6, 6), color=level).save(path)
    return path


def two_classes(root):
    png(root / "cat" / "0.png", 0)
    png(root / "dog" / "0.png", 255)
    return root


def one_line(err, *names):
    text = str(err.value)
    assert "\n" not in text and all(str(n) in text for n in names), text


def test_nested_folder_is_refused_naming_it(tmp_path):
    root = two_classes(tmp_path / "imgs")
    png(root / "cat" / "kittens" / "1.png")
    with pytest.raises(DataError, match="a folder inside the class folder 'cat'") as err:
        load_image_folder(root)
    one_line(err, root / "cat" / "kittens")


def test_folder_one_level_too_high_says_which_to_load(tmp_path):
    data = tmp_path / "data"
    two_classes(data / "train")
    two_classes(data / "test")
    with pytest.raises(DataError, match="load .*test instead") as err:
        load_image_folder(data)          # would otherwise be two classes, "test" and "train"
    one_line(err, data / "test" / "cat")
    assert len(load_image_folder(data / "train")) == 2


def test_one_class_is_refused(tmp_path):
    root = tmp_path / "imgs"
    png(root / "cat" / "0.png")
    png(root / "cat" / "1.png")
    with pytest.raises(DataError, match=r"one class folder \(cat\); a classifier needs at least two") as err:
        load_image_folder(root)
    one_line(err, root)


def test_known_junk_is_skipped(tmp_path):
    root = two_classes(tmp_path / "imgs")
    (root / "cat" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (root / "cat" / "._0.png").write_bytes(b"\x00\x05\x16\x07 AppleDouble")
    (root / "cat" / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    (root / "dog" / "README.txt").write_text("photos by me")
    (root / "dog" / "README").write_text("photos by me")
    (root / "dog" / "labels.json").write_text("{}")
    (root / ".git").mkdir()
    (root / "__MACOSX" / "cat").mkdir(parents=True)
    (root / "__MACOSX" / "cat" / "._0.png").write_bytes(b"junk")
    (root / "LICENSE").write_text("CC-BY")
    (root / "index.csv").write_text("file,label\n")
    x, y, names = load_image_folder(root, size=(6, 6))
    assert names == ("cat", "dog")
    np.testing.assert_array_equal(y, [0, 1])
    np.testing.assert_allclose(x.mean(axis=1), [0.0, 1.0])


@pytest.mark.parametrize("name", ["IMG_0001.heic", "clip.mp4", "photo"])
def test_other_files_among_the_images_are_refused(tmp_path, name):
    root = two_classes(tmp_path / "imgs")
    (root / "dog" / name).write_bytes(b"not read")
    with pytest.raises(DataError, match="not an image load_image_folder reads") as err:
        load_image_folder(root)
    one_line(err, root / "dog" / name, ".png")


def test_an_image_outside_the_class_folders_is_refused(tmp_path):
    root = two_classes(tmp_path / "imgs")
    png(root / "preview.png")
    with pytest.raises(DataError, match="an image outside the class folders") as err:
        load_image_folder(root)
    one_line(err, root / "preview.png")
    flat = tmp_path / "flat"      # a folder of images and no classes at all
    png(flat / "0.png")
    with pytest.raises(DataError, match="an image outside the class folders"):
        load_image_folder(flat)


def _damaged():
    """Files with an image suffix whose bytes are not a whole image of that kind."""
    out = {"empty.png": b"", "text.jpg": b"hello, I am a README", "ds.gif": b"\x00\x00\x00\x01Bud1"}
    for fmt, suffix in [("PNG", ".png"), ("JPEG", ".jpg"), ("GIF", ".gif"), ("BMP", ".bmp"),
                        ("TIFF", ".tif"), ("WEBP", ".webp")]:
        buf = io.BytesIO()
        Image.new("RGB", (20, 20), (10, 200, 30)).save(buf, fmt)
        good = buf.getvalue()
        out[f"cut{suffix}"] = good[: len(good) // 2]
        out[f"header{suffix}"] = good[:12]
    return out


DAMAGED = _damaged()


@pytest.mark.filterwarnings("ignore::UserWarning")   # Pillow warns of a damaged TIFF before failing
@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_damaged_image_is_one_data_error(tmp_path, name):
    root = two_classes(tmp_path / "imgs")
    (root / "dog" / name).write_bytes(DAMAGED[name])
    with pytest.raises(DataError, match="cannot read image") as err:
        load_image_folder(root)
    one_line(err, root / "dog" / name)
    with pytest.raises(DataError, match="cannot read image"):
        load_image(root / "dog" / name)


@pytest.mark.parametrize("options, message", [
    ({"grayscale": "no"}, "load_image_folder: grayscale must be True or False, got 'no'"),
    ({"flatten": "no"}, "load_image_folder: flatten must be True or False, got 'no'"),
    ({"flatten": 0}, "load_image_folder: flatten must be True or False, got 0"),
])
def test_flags_are_bools(tmp_path, options, message):
    with pytest.raises(ConfigError) as err:
        load_image_folder(two_classes(tmp_path / "imgs"), **options)
    assert str(err.value) == message
    with pytest.raises(ConfigError, match="load_image: grayscale must be True or False, got 'no'"):
        load_image(tmp_path / "imgs" / "cat" / "0.png", grayscale="no")
