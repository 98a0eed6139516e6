"""`neuronet predict` and the lab's digit tab read pictures only for image models, say when a model reads
photos poorly, and refuse in one line the inputs they cannot prepare (a decompression bomb, a file that
is not an image, an empty one, a model that would need an absurd picture)."""

from __future__ import annotations

import base64
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import go_offline
from modelfile_bytes import edit_doc

import neuronet as nn
from neuronet import cli, imaging
from neuronet.errors import DataError

Image = pytest.importorskip("PIL.Image")


def one_line_error(capsys, *fragments) -> str:
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err, captured.err
    for fragment in fragments:
        assert fragment in captured.err, captured.err
    return captured.err


def drawn_one(path: Path) -> Path:
    canvas = np.full((80, 60), 255, np.uint8)
    canvas[10:70, 26:34] = 0
    Image.fromarray(canvas).save(path)
    return path


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A 60-byte PNG whose header claims ``width`` x ``height`` pixels (no pixel data follows)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)   # 8-bit grey
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def picture_model(side: int = 8, framing: str = "digit", **prep) -> nn.Network:
    net = nn.mlp([side * side, 10], seed=0)
    net.preprocessing = {"image_shape": [side, side], "framing": framing, **prep}
    return net


# --- only image models read images -----------------------------------------------------------------
def test_a_model_of_four_csv_columns_reads_no_image(tmp_path, capsys):
    rng = np.random.default_rng(0)
    rows = ["a,b,c,d,label"] + [f"{a:.3f},{b:.3f},{c:.3f},{d:.3f},{int(a > b)}"
                                for a, b, c, d in rng.normal(size=(60, 4))]
    (tmp_path / "four.csv").write_text("\n".join(rows) + "\n")
    model = tmp_path / "four.npz"
    assert cli.main(["train", "--dataset", str(tmp_path / "four.csv"), "--epochs", "1",
                     "--no-progress", "-o", str(model)]) == 0
    capsys.readouterr()
    assert cli.main(["predict", str(model), str(drawn_one(tmp_path / "one.png"))]) == 2
    err = one_line_error(capsys, "is not an image model", "takes 4 inputs that are not a picture",
                         "four.csv", "rows of numbers")
    assert capsys.readouterr().out == "" and "one.png:" not in err


def test_a_square_model_that_says_nothing_about_pictures_reads_none(tmp_path, capsys):
    model = tmp_path / "api.npz"
    nn.mlp([64, 10], seed=0).save(model)
    assert cli.main(["predict", str(model), str(drawn_one(tmp_path / "one.png"))]) == 2
    one_line_error(capsys, "takes 64 inputs that are not a picture (it records no image_shape)")


def test_a_model_whose_first_layer_is_a_conv2d_is_an_image_model(tmp_path, capsys):
    net = nn.Network([nn.Conv2D((8, 8, 1), 2, 3, padding="same", activation="relu"),
                      nn.Dense(128, 10, "softmax")], seed=0)
    net.save(tmp_path / "conv.npz")
    picture = drawn_one(tmp_path / "one.png")
    assert cli.main(["predict", str(tmp_path / "conv.npz"), str(picture)]) == 0
    assert capsys.readouterr().out.startswith(f"{picture}: ")
    colour = nn.Network([nn.Conv2D((8, 8, 3), 2, 3, padding="same"), nn.Dense(128, 10, "softmax")], seed=0)
    colour.save(tmp_path / "colour.npz")
    assert cli.main(["predict", str(tmp_path / "colour.npz"), str(picture)]) == 2
    one_line_error(capsys, "pictures of 3 channels")


def test_the_offline_fallback_model_says_it_reads_photos_poorly(tmp_path, monkeypatch, capsys):
    pytest.importorskip("sklearn")
    go_offline(monkeypatch, tmp_path)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["train", "--epochs", "2", "--no-progress"]) == 0   # the fallback: models/digits.npz
    capsys.readouterr()
    picture = drawn_one(tmp_path / "one.png")
    assert cli.main(["predict", "models/digits.npz", str(picture)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(f"{picture}: ")   # still answered, on stdout
    notes = captured.err.splitlines()
    assert len(notes) == 1 and "8x8 digits, which read photos" in notes[0]
    assert "neuronet train --dataset mnist --data-dir FOLDER" in notes[0]
    # a model of 28x28 pictures says nothing of the kind
    picture_model(28, dataset="mnist").save(tmp_path / "mnist.npz")
    assert cli.main(["predict", str(tmp_path / "mnist.npz"), str(picture)]) == 0
    assert capsys.readouterr().err == ""

    pytest.importorskip("flask")
    from neuronet.lab import create_app

    note = create_app("models/digits.npz").test_client().get("/api/info").get_json()["model"]["note"]
    assert note.startswith("Model: models/digits.npz") and "neuronet train --dataset mnist" in note
    (tmp_path / "models" / "digits.npz").unlink()   # nothing on disk: the lab trains one just now
    note = create_app().test_client().get("/api/info").get_json()["model"]["note"]
    assert "trained just now" in note and "neuronet train --dataset mnist --data-dir FOLDER" in note
    assert "\n" not in note


# --- inputs that cannot be prepared ----------------------------------------------------------------
@pytest.fixture(params=["digit", "fill", "resize"])
def model(request, tmp_path):
    path = tmp_path / f"{request.param}.npz"
    picture_model(28, request.param).save(path)
    return path


def test_a_decompression_bomb_is_refused_from_its_header(model, tmp_path, capsys):
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(bomb_png())
    assert bomb.stat().st_size < 100
    assert cli.main(["predict", str(model), str(bomb)]) == 2
    one_line_error(capsys, "bomb.png: image too large to decode safely")


def test_just_over_pillows_limit_is_refused_too(tmp_path):
    """Between MAX_IMAGE_PIXELS and twice that, Pillow only warns and would decode."""
    side = int((Image.MAX_IMAGE_PIXELS * 1.5) ** 0.5)
    (tmp_path / "big.png").write_bytes(bomb_png(side, side))
    for framing in ("digit", "fill"):
        with pytest.raises(DataError, match="too large to decode safely"):
            imaging.prepare_image(tmp_path / "big.png", 28, framing)


@pytest.mark.parametrize("name, content, message", [
    ("notes.png", b"these are my notes, not a picture\n", "notes.png: not an image file Pillow can read"),
    ("empty.png", b"", "empty.png: the file is empty, not an image"),
    ("cut.png", bomb_png(20, 20)[:20], "cut.png: "),
])
def test_files_that_are_not_images_are_one_line_each(name, content, message, model, tmp_path, capsys):
    (tmp_path / name).write_bytes(content)
    good = drawn_one(tmp_path / "one.png")
    assert cli.main(["predict", str(model), str(tmp_path / name), str(good)]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and message in captured.err and "Traceback" not in captured.err
    assert captured.out.startswith(f"{good}: ")   # the others are still classified


def test_a_model_of_absurd_pictures_takes_no_photos(tmp_path, capsys):
    """4096x4096 pictures (2**24 values: as many as a model file may ask for) load, but are no photos."""
    net = nn.Network([nn.MaxPool2D((2, 2, 1), pool_size=2), nn.Dense(1, 2, "softmax")], seed=0)
    path = tmp_path / "vast.npz"
    net.save(path)

    def enlarge(doc):
        doc["network"]["layers"][0].update(input_shape=[4096, 4096, 1], pool_size=4096)

    edit_doc(path, enlarge)
    assert nn.load(path).n_in == 1 << 24
    assert cli.main(["predict", str(path), str(drawn_one(tmp_path / "one.png"))]) == 2
    one_line_error(capsys, "takes 4096x4096 pictures; photos are prepared at most 2048 pixels a side")


# --- the same in the lab -----------------------------------------------------------------------------
@pytest.fixture
def lab():
    pytest.importorskip("flask")
    from neuronet.lab import create_app

    return create_app


def assert_400(response, fragment: str) -> None:
    assert response.status_code == 400, response.data
    message = response.get_json()["error"]
    assert "\n" not in message and fragment in message


def test_the_lab_refuses_a_bomb_and_an_empty_image_with_a_400(lab):
    client = lab(picture_model(28)).test_client()
    bomb = "data:image/png;base64," + base64.b64encode(bomb_png()).decode()
    assert_400(client.post("/api/digit", json={"image": bomb}), "too large to decode safely")
    side = int((Image.MAX_IMAGE_PIXELS * 1.5) ** 0.5)   # only a warning from Pillow
    big = "data:image/png;base64," + base64.b64encode(bomb_png(side, side)).decode()
    assert_400(client.post("/api/digit", json={"image": big}), "too large to decode safely")
    assert_400(client.post("/api/digit", json={"image": "data:image/png;base64,"}), "image is empty")
    text = "data:image/png;base64," + base64.b64encode(b"hello").decode()
    assert_400(client.post("/api/digit", json={"image": text}), "not a readable PNG")


def huge_model(tmp_path: Path, side: int, pool: int) -> Path:
    path = tmp_path / f"huge{side}.npz"
    nn.Network([nn.MaxPool2D((2, 2, 1), pool_size=2), nn.Dense(1, 2, "softmax")], seed=0).save(path)
    edit_doc(path, lambda doc: doc["network"]["layers"][0].update(input_shape=[side, side, 1],
                                                                   pool_size=pool))
    return path


def test_the_lab_says_at_startup_that_a_model_is_too_large(lab, tmp_path, monkeypatch, capsys):
    huge = huge_model(tmp_path, 50_000, 50_000)
    with pytest.raises(nn.ModelFileError, match="more than the 16,777,216 a model file may ask for"):
        lab(huge)
    assert cli.main(["lab", "--model", str(huge), "--no-browser"]) == 2
    one_line_error(capsys, "values per example")
    # found as the default model: the digit tab is off and says why; the rest of the lab works
    monkeypatch.chdir(tmp_path)
    (tmp_path / "models").mkdir()
    huge.rename(tmp_path / "models" / "mnist.npz")
    client = lab().test_client()
    info = client.get("/api/info").get_json()["model"]
    assert info["available"] is False and "values per example" in info["error"]
    assert_400(client.post("/api/digit", json={"image": "data:image/png;base64,"}), "values per example")
    assert client.post("/api/playground", json={"dataset": "xor"}).status_code == 200


def test_the_lab_turns_off_the_digit_tab_for_pictures_too_large_to_prepare(lab, tmp_path):
    client = lab(huge_model(tmp_path, 4096, 4096)).test_client()
    info = client.get("/api/info").get_json()["model"]
    assert info["available"] is False and "at most 2048 pixels a side" in info["error"]
    canvas = "data:image/png;base64," + base64.b64encode(bomb_png(8, 8)).decode()
    assert_400(client.post("/api/digit", json={"image": canvas}), "at most 2048 pixels a side")
