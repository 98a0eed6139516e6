"""The lab: its JSON API against the Python API it wraps, its limits, its page, and a real server."""

from __future__ import annotations

import base64
import io
import json
import math
import os
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import fuzzcount
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("flask")
Image = pytest.importorskip("PIL.Image")
ImageDraw = pytest.importorskip("PIL.ImageDraw")

import neuronet as nn  # noqa: E402
from neuronet import cli, surfaces  # noqa: E402
from neuronet.errors import ConfigError  # noqa: E402
from neuronet.imaging import prepare_image, preprocess_digit  # noqa: E402
from neuronet.lab import create_app, descent, make_server, playground  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
#: Every JSON route the lab answers (KEY: a playground session's id): all are fuzzed the same way.
ROUTES = ["/api/digit", "/api/playground", "/api/playground/KEY/step", "/api/descent/surface",
          "/api/descent/paths", "/api/neuron", "/api/neuron/softmax", "/api/perceptron", "/api/backprop",
          "/api/playground/upload", "/api/digit/jobs", "/api/digit/jobs/KEY/stop", "/api/digit/model"]
STATIC = ROOT / "neuronet" / "lab" / "static"


def picture_model(n_in: int = 784, hidden=(16,), dtype="float32", framing="digit", names=None):
    """An untrained picture model: the API must report its answers, good or bad."""
    side = int(np.sqrt(n_in))
    net = nn.mlp([n_in, *hidden, 10], activation="relu", seed=3, dtype=dtype)
    net.preprocessing = {"image_shape": [side, side], "framing": framing}
    net.class_names = names
    return net


def seven() -> Image.Image:
    """A "7" as the page's canvas would send it: white ink on black, 280x280."""
    img = Image.new("L", (280, 280), 0)
    draw = ImageDraw.Draw(img)
    draw.line([(70, 60), (210, 60), (120, 240)], fill=255, width=18, joint="curve")
    return img


def data_url(img: Image.Image) -> str:
    buffer = io.BytesIO()
    img.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def assert_error(response, status: int = 400, match: str = "") -> None:
    """A user-facing error: the status, one JSON line, no traceback."""
    assert response.status_code == status, response.data
    message = response.get_json()["error"]
    assert "\n" not in message and "Traceback" not in message
    assert match in message


# --- the digit tab -------------------------------------------------------------------------------
@pytest.mark.parametrize("n_in, dtype", [(784, "float32"), (784, "float64"), (64, "float32")])
def test_digit_answer_is_the_networks_answer(n_in, dtype):
    net = picture_model(n_in, hidden=(16, 12), dtype=dtype)
    response = create_app(net).test_client().post("/api/digit", json={"image": data_url(seven())})
    assert response.status_code == 200, response.data
    result = response.get_json()
    side = int(np.sqrt(n_in))
    # Prepared like `neuronet predict`: a 20x20 box centred by mass in 28x28, the whole square for 8x8.
    framing = {"box": 20, "centre": "mass"} if side == 28 else {"box": 8, "centre": "box"}
    expected = preprocess_digit(np.asarray(seven()), size=side, **framing)
    np.testing.assert_allclose(result["input"], expected, atol=1e-4)
    x = expected.reshape(1, -1).astype(dtype)
    np.testing.assert_allclose(result["probabilities"], net.predict_proba(x)[0], atol=1e-4)
    assert result["predicted"] == int(net.predict(x)[0])
    assert result["classes"] == [str(d) for d in range(10)]
    # Each layer's values, recomputed here from the weights: a = relu(x W + b) for the hidden ones.
    assert [len(layer["values"]) for layer in result["layers"]] == [16, 12, 10]
    a = x
    for layer, shown in zip(net.layers[:-1], result["layers"][:-1], strict=True):
        a = np.maximum(a @ layer.W + layer.b, 0)
        np.testing.assert_allclose(shown["values"], a[0], atol=1e-4)
        assert shown["activation"] == "relu"


@pytest.mark.parametrize("n_in", [784, 64])
def test_digit_input_matches_the_predict_command(tmp_path, n_in):
    path = tmp_path / "seven.png"
    seven().save(path)
    result = create_app(picture_model(n_in)).test_client().post(
        "/api/digit", json={"image": data_url(seven())}).get_json()
    side = int(np.sqrt(n_in))
    picture = prepare_image(path, side, "digit").reshape(side, side)   # the model's input, as a picture
    np.testing.assert_allclose(result["input"], picture, atol=1e-4)


def drawn(digit: str) -> Image.Image:
    """Simple strokes of a digit on a 280x280 canvas, as a mouse might draw them."""
    img = Image.new("L", (280, 280), 0)
    d = ImageDraw.Draw(img)
    ink = {"fill": 255, "width": 18}
    if digit == "0":
        d.ellipse([80, 40, 200, 240], outline=255, width=18)
    elif digit == "1":
        d.line([(140, 40), (140, 240)], **ink)
    elif digit == "4":
        d.line([(170, 240), (170, 40), (70, 170), (210, 170)], joint="curve", **ink)
    elif digit == "7":
        d.line([(70, 60), (210, 60), (120, 240)], joint="curve", **ink)
    elif digit == "8":
        d.ellipse([90, 40, 190, 140], outline=255, width=18)
        d.ellipse([80, 140, 200, 240], outline=255, width=18)
    elif digit == "9":
        d.ellipse([80, 40, 200, 140], outline=255, width=18)
        d.line([(195, 90), (150, 240)], **ink)
    return img


def test_the_fallback_model_reads_drawn_digits(tmp_path, monkeypatch):
    pytest.importorskip("sklearn")
    monkeypatch.chdir(tmp_path)   # no models/ here: the lab trains its small 8x8 model
    client = create_app().test_client()
    for digit in "014789":
        result = client.post("/api/digit", json={"image": data_url(drawn(digit))}).get_json()
        assert result["classes"][result["predicted"]] == digit, result["probabilities"]


def test_fashion_model_shows_its_class_names_and_frames_the_drawing():
    names = list(nn.datasets.info("fashion-mnist").class_names)
    net = picture_model(framing="fill", names=names)
    client = create_app(net).test_client()
    assert client.get("/api/info").get_json()["model"]["classes"] == names
    result = client.post("/api/digit", json={"image": data_url(seven())}).get_json()
    assert result["classes"] == names
    expected = preprocess_digit(np.asarray(seven()), size=28, box=28, centre="box")
    np.testing.assert_allclose(result["input"], expected, atol=1e-4)


class Halve(nn.Layer):
    """A layer type the lab does not know: it must still run, just not be shown."""

    def forward(self, x, training=False):
        return x / 2


def test_only_dense_layers_are_shown_but_every_layer_runs():
    net = nn.Network([nn.Dense(64, 8, "tanh"), nn.Dropout(0.5), Halve(), nn.Dense(8, 10, "softmax")],
                     seed=1)
    net.preprocessing = {"image_shape": [8, 8]}
    result = create_app(net).test_client().post("/api/digit", json={"image": data_url(seven())}).get_json()
    assert [layer["name"] for layer in result["layers"]] == ["Dense 64\u21928", "Dense 8\u219210"]
    x = np.asarray(result["input"], dtype=np.float32).reshape(1, -1)
    np.testing.assert_allclose(result["probabilities"], net.predict_proba(x)[0], atol=1e-4)


def conv_model(side: int = 8, filters: int = 4, dense_activation: str = "softmax") -> nn.Network:
    """An untrained convolutional picture model: Conv2D (same padding, relu), MaxPool2D, Dense."""
    half = side // 2
    net = nn.Network([nn.Conv2D((side, side, 1), filters, 3, padding="same", activation="relu"),
                      nn.MaxPool2D((side, side, filters), 2),
                      nn.Dense(half * half * filters, 10, dense_activation)], seed=4)
    net.preprocessing = {"image_shape": [side, side], "framing": "digit"}
    return net


@pytest.mark.parametrize("side, filters", [(8, 4), (28, 3)])
def test_conv_layers_are_shown_as_the_networks_feature_maps(side, filters):
    net = conv_model(side, filters)
    # Biases away from zero, so that a map in the wrong order or of the wrong layer cannot pass.
    net.layers[0].params["b"][:] = np.linspace(-0.2, 0.3, filters)
    response = create_app(net).test_client().post("/api/digit", json={"image": data_url(seven())})
    assert response.status_code == 200, response.data
    result = response.get_json()
    conv, pool, dense = result["layers"]
    half = side // 2
    assert [layer["kind"] for layer in result["layers"]] == ["maps", "maps", "units"]
    assert conv["name"] == f"Conv2D {filters}\u00d73\u00d73" and conv["activation"] == "relu"
    assert pool["name"] == "MaxPool2D 2\u00d72" and pool["activation"] is None
    assert (conv["height"], conv["width"], conv["channels"]) == (side, side, filters)
    assert (pool["height"], pool["width"], pool["channels"]) == (half, half, filters)
    # Recomputed here without the layers' code: a 3x3 cross-correlation over the zero-padded picture,
    # relu, then the largest of each 2x2 block.
    x = np.asarray(result["input"], dtype=np.float32)
    padded = np.pad(x, 1)
    W, b = net.layers[0].W, net.layers[0].b
    z = np.zeros((side, side, filters))
    for u in range(3):
        for v in range(3):
            z += padded[u:u + side, v:v + side, None] * W[u, v, 0]
    maps = np.maximum(z + b, 0)                                              # (side, side, F)
    pooled = maps.reshape(half, 2, half, 2, filters).max(axis=(1, 3))        # (half, half, F)
    np.testing.assert_allclose(conv["values"], maps.transpose(2, 0, 1), atol=2e-3)
    np.testing.assert_allclose(pool["values"], pooled.transpose(2, 0, 1), atol=2e-3)
    assert np.abs(np.asarray(conv["values"])).max() > 0.05       # the drawing lit something up
    np.testing.assert_allclose(result["probabilities"], net.predict_proba(x.reshape(1, -1))[0], atol=1e-4)
    np.testing.assert_allclose(dense["values"], result["probabilities"], atol=1e-4)


def test_batch_norm_and_its_activation_are_shown_with_the_layer_before_them():
    """A Conv2D → BatchNorm → Activation block is one set of maps (the ReLU's output, what the
    block says), named for both; an average pool is named as one; a BatchNorm'd Dense layer likewise."""
    net = nn.Network([nn.Conv2D((8, 8, 1), 3, 3, padding="same"), nn.BatchNorm(input_shape=(8, 8, 3)),
                      nn.layers.Activation("relu"), nn.AvgPool2D((8, 8, 3), 2),
                      nn.Dense(48, 6), nn.BatchNorm(6), nn.layers.Activation("tanh"),
                      nn.Dense(6, 10, "softmax")], seed=5)
    net.preprocessing = {"image_shape": [8, 8], "framing": "digit"}
    # Running statistics away from 0 and 1, so that showing the Conv2D's own output (or the
    # BatchNorm's, before the ReLU) cannot pass for the block's.
    net.layers[1].buffers["running_mean"][:] = [0.1, -0.2, 0.05]
    net.layers[1].buffers["running_var"][:] = [0.5, 2.0, 1.5]
    result = create_app(net).test_client().post("/api/digit", json={"image": data_url(seven())}).get_json()
    conv, pool, dense, out = result["layers"]
    assert (conv["name"], conv["activation"]) == ("Conv2D 3\u00d73\u00d73 + BatchNorm", "relu")
    assert (pool["name"], pool["activation"]) == ("AvgPool2D 2\u00d72", None)
    assert (dense["name"], dense["activation"]) == ("Dense 48\u21926 + BatchNorm", "tanh")
    outputs = net.layer_outputs(np.asarray(result["input"], dtype=np.float32).reshape(1, -1))
    np.testing.assert_allclose(conv["values"], outputs[2][0].reshape(8, 8, 3).transpose(2, 0, 1), atol=2e-3)
    assert min(map(min, map(min, conv["values"]))) >= 0                     # after the ReLU
    np.testing.assert_allclose(pool["values"], outputs[3][0].reshape(4, 4, 3).transpose(2, 0, 1), atol=2e-3)
    np.testing.assert_allclose(dense["values"], outputs[6][0], atol=1e-4)
    np.testing.assert_allclose(out["values"], result["probabilities"], atol=1e-4)


def test_feature_maps_are_capped_at_sixteen_channels_and_three_decimals():
    from neuronet.lab import digit

    net = conv_model(28, 40)
    result = digit.describe(net, np.asarray(seven()))
    conv, pool = result["layers"][:2]
    assert conv["channels"] == pool["channels"] == 40
    assert np.shape(conv["values"]) == (digit.MAX_CHANNELS, 28, 28) == (16, 28, 28)
    assert np.shape(pool["values"]) == (16, 14, 14)
    # The channels sent are the first sixteen, as the layer computed them.
    x = np.asarray(result["input"], dtype=np.float32).reshape(1, -1)
    full = net.layers[0].forward(x).reshape(28, 28, 40)
    np.testing.assert_allclose(conv["values"], full[:, :, :16].transpose(2, 0, 1), atol=2e-3)
    values = np.asarray(conv["values"])
    assert np.array_equal(values, np.round(values, 3))
    # The whole answer stays small: the 40-channel model's JSON is well under half a megabyte.
    assert len(json.dumps(result)) < 200_000


def test_feature_maps_hold_null_not_nan():
    net = conv_model(8, 4)
    net.layers[0].params["b"][1] = np.nan
    client = create_app(net).test_client()
    response = client.post("/api/digit", json={"image": data_url(seven())})
    assert response.status_code == 200, response.data
    conv = strict_json(response)["layers"][0]
    assert all(v is None for row in conv["values"][1] for v in row)
    assert all(v is not None for row in conv["values"][0] for v in row)


def test_model_that_takes_no_pictures_turns_the_digit_tab_off_but_not_the_playground():
    client = create_app(nn.mlp([2, 4, 2], seed=0)).test_client()
    model = client.get("/api/info").get_json()["model"]
    assert model["available"] is False and "not a picture" in model["error"]
    assert_error(client.post("/api/digit", json={"image": data_url(seven())}), match="not a picture")
    assert client.post("/api/playground", json={"dataset": "xor"}).status_code == 200


def test_default_model_is_trained_on_the_digits_when_no_file_exists(tmp_path, monkeypatch):
    pytest.importorskip("sklearn")
    monkeypatch.chdir(tmp_path)
    client = create_app().test_client()
    model = client.get("/api/info").get_json()["model"]
    assert model["available"] and model["side"] == 8 and "trained just now" in model["note"]
    accuracy = float(model["note"].split("test accuracy ")[1].split("%")[0])
    assert accuracy > 85
    # With the file `make train` writes, that is used instead.
    (tmp_path / "models").mkdir()
    picture_model().save(tmp_path / "models" / "mnist.npz")
    model = create_app().test_client().get("/api/info").get_json()["model"]
    assert model["side"] == 28 and model["note"] == "Model: models/mnist.npz"


def test_model_file_is_loaded_and_a_bad_one_refused(tmp_path):
    path = tmp_path / "m.npz"
    picture_model(64).save(path)
    assert create_app(path).test_client().get("/api/info").get_json()["model"]["side"] == 8
    (tmp_path / "bad.npz").write_bytes(b"not a model")
    with pytest.raises(nn.ModelFileError):
        create_app(tmp_path / "bad.npz")


@pytest.fixture(scope="module")
def client():
    return create_app(picture_model()).test_client()


def test_bad_digit_requests_are_one_line_400s(client):
    blank = Image.new("L", (280, 280), 0)
    assert_error(client.post("/api/digit", json={"image": data_url(blank)}), match="no ink")
    assert_error(client.post("/api/digit", data="{not json", content_type="application/json"),
                 match="JSON object")
    assert_error(client.post("/api/digit", json=["image"]), match="JSON object")
    assert_error(client.post("/api/digit", json={"image": data_url(seven()), "x": 1}))
    assert_error(client.post("/api/digit", json={"image": 7}), match="data URL")
    assert_error(client.post("/api/digit", json={"image": "data:image/png;base64,!!!"}), match="base64")
    assert_error(client.post("/api/digit", json={"image": "data:image/png;base64,AAAA"}), match="PNG")
    huge = Image.new("L", (3000, 10), 0)   # small as a PNG, but not a canvas of this page
    assert_error(client.post("/api/digit", json={"image": data_url(huge)}), match="at most")
    jpeg = io.BytesIO()
    seven().save(jpeg, format="JPEG")
    not_png = "data:image/png;base64," + base64.b64encode(jpeg.getvalue()).decode()
    assert_error(client.post("/api/digit", json={"image": not_png}), match="PNG")


def test_oversized_bodies_unknown_routes_and_methods_get_json_errors(client):
    assert_error(client.post("/api/digit", data=b"x" * (3 * 1024 * 1024),
                             content_type="application/json"), status=413)
    assert_error(client.get("/api/nothing"), status=404)
    assert_error(client.get("/api/digit"), status=405)


# --- the playground ------------------------------------------------------------------------------
def test_playground_training_reduces_the_loss(client):
    start = client.post("/api/playground", json={"dataset": "xor", "hidden": [8], "activation": "tanh",
                                                 "n_samples": 200, "grid": 30, "lr": 0.05})
    assert start.status_code == 200, start.data
    state = start.get_json()
    data = state["data"]
    assert len(data["x"]) == len(data["y"]) == 200 and data["n_classes"] == 2
    assert len(state["classes"]) == len(state["confidence"]) == 30 * 30 and state["epoch"] == 0
    first = state["loss"]
    for _ in range(6):
        step = client.post(f"/api/playground/{state['id']}/step", json={"epochs": 10})
        assert step.status_code == 200, step.data
    result = step.get_json()
    assert result["epoch"] == 60 and len(result["losses"]) == 10
    assert result["loss"] < 0.5 * first and result["accuracy"] > 0.9
    assert set(result["classes"]) == {0, 1}
    assert all(0.5 <= c <= 1 for c in result["confidence"])


def test_the_grid_is_the_networks_answer_in_picture_order():
    session = playground.Session(playground.parse_settings({"dataset": "spiral", "grid": 7}))
    session.step(3)
    state = session.state()
    x0, x1, y0, y1 = session.box
    grid = playground.grid_points(session.box, 7)
    assert grid[0, 0] < grid[1, 0] and grid[0, 1] > grid[7, 1]   # left to right, then top down
    assert x0 < grid[:, 0].min() and grid[:, 0].max() < x1 and y0 < grid[:, 1].min()
    np.testing.assert_array_equal(state["classes"], session.net.predict(grid))
    assert session.n_classes == 3 and x0 < session.x[:, 0].min() and session.x[:, 1].max() < y1


@pytest.mark.parametrize("settings, match", [
    ({"hidden": [65]}, "hidden"), ({"hidden": [8] * 5}, "hidden"), ({"hidden": "8,8"}, "hidden"),
    ({"hidden": [True]}, "hidden"), ({"grid": 101}, "grid"), ({"grid": 2.5}, "grid"),
    ({"n_samples": 10**9}, "n_samples"), ({"lr": "fast"}, "lr"), ({"lr": 0}, "lr"), ({"lr": True}, "lr"),
    ({"noise": -1}, "noise"), ({"dataset": "mnist"}, "dataset"), ({"activation": "softmax"}, "activation"),
    ({"optimizer": "magic"}, "optimizer"), ({"batch_size": 0}, "batch_size"), ({"seed": -1}, "seed"),
    ({"layers": [8]}, "unknown setting"),
])
def test_bad_playground_settings_are_one_line_400s(client, settings, match):
    assert_error(client.post("/api/playground", json=settings), match=match)


@pytest.mark.parametrize("activation", playground.ACTIVATIONS)
@pytest.mark.parametrize("dataset", playground.DATASETS)
def test_every_dataset_and_activation_offered_builds_and_trains(client, dataset, activation):
    """The page offers these; each must give a network the library accepts (softmax outputs under
    cross-entropy, whatever the hidden activation) and a step that trains, or one line saying why."""
    start = client.post("/api/playground", json={"dataset": dataset, "activation": activation,
                                                 "hidden": [4], "n_samples": 40, "grid": 3})
    assert start.status_code == 200, start.data
    session = client.application.extensions["neuronet_lab"]["sessions"].get(start.get_json()["id"])
    assert session.net.layers[-1].activation.name == "softmax"
    assert session.net.loss.name == "categorical_crossentropy"
    assert session.net.layers[1].activation.name == activation   # after the input features
    step = client.post(f"/api/playground/{start.get_json()['id']}/step", json={"epochs": 2})
    if step.status_code != 200:   # only a divergence may stop it, said in one line
        assert_error(step, match="diverged")
    else:
        assert len(step.get_json()["losses"]) == 2


@pytest.mark.parametrize("optimizer", playground.OPTIMIZERS)
def test_every_optimiser_offered_trains(client, optimizer):
    start = client.post("/api/playground", json={"dataset": "moons", "optimizer": optimizer,
                                                 "n_samples": 40, "grid": 3})
    assert start.status_code == 200, start.data
    step = client.post(f"/api/playground/{start.get_json()['id']}/step", json={"epochs": 2})
    assert step.status_code == 200, step.data


@pytest.mark.parametrize("settings", [{"loss": "mse"}, {"output_activation": "identity"},
                                      {"output_activation": "sigmoid", "loss": "cross_entropy"}])
def test_the_playground_offers_no_output_or_loss_choice_and_refuses_one_in_a_line(client, settings):
    """The output layer and loss are always the pair mlp picks (softmax + cross-entropy); a request that
    asks for another pairing is refused as an unknown setting, before any network is built."""
    assert "loss" not in playground.Settings.__dataclass_fields__
    assert_error(client.post("/api/playground", json=settings), match="unknown setting")


def test_the_labs_checks_are_neuronets():
    from neuronet import checks
    from neuronet.lab import checks as lab_checks

    assert lab_checks.shown is checks.shown
    assert lab_checks.whole(np.int64(3), "epochs", 1, 5) == 3 and type(lab_checks.whole(3, "e", 1, 5)) is int
    for bad in (True, 2.0, "3", 0, 6, None):
        with pytest.raises(ConfigError, match="^epochs must be a whole number from 1 to 5, got "):
            lab_checks.whole(bad, "epochs", 1, 5)


def test_bad_step_requests_are_one_line_400s(client):
    key = client.post("/api/playground", json={"dataset": "moons", "n_samples": 40}).get_json()["id"]
    for epochs in (0, 101, "5", 2.0, None):
        assert_error(client.post(f"/api/playground/{key}/step", json={"epochs": epochs}), match="epochs")
    assert_error(client.post(f"/api/playground/{key}/step", data="nope"), match="JSON object")
    assert_error(client.post("/api/playground/unknown/step", json={"epochs": 1}), match="Reset")


def test_a_step_too_long_to_compute_is_refused(client):
    key = client.post("/api/playground", json={"n_samples": 2000, "batch_size": 1,
                                               "test_fraction": 0}).get_json()["id"]
    assert_error(client.post(f"/api/playground/{key}/step", json={"epochs": 11}), match="at most 20000")


def test_numbers_json_cannot_hold_are_sent_as_null():
    from neuronet.lab.digit import _rounded

    assert _rounded(np.array([[0.123456, np.inf], [np.nan, -1.0]])) == [[0.1235, None], [None, -1.0]]


def test_diverging_training_is_reported_not_crashed(client):
    key = client.post("/api/playground", json={"dataset": "blobs", "optimizer": "sgd", "lr": 10,
                                               "activation": "identity", "noise": 1}).get_json()["id"]
    responses = [client.post(f"/api/playground/{key}/step", json={"epochs": 20}) for _ in range(5)]
    failed = [r for r in responses if r.status_code != 200]
    assert failed, "lr=10 with identity units on blobs should diverge"
    assert_error(failed[0], match="diverged")


def test_sessions_are_bounded():
    sessions = playground.Sessions(limit=2)
    settings = playground.parse_settings({"n_samples": 20})
    keys = [sessions.new(settings)[0] for _ in range(3)]
    assert len(sessions) == 2
    with pytest.raises(ConfigError, match="expired"):
        sessions.get(keys[0])
    assert sessions.get(keys[2]).epoch == 0


# --- the page ------------------------------------------------------------------------------------
def static_files() -> list[Path]:
    return sorted(p for p in STATIC.rglob("*") if p.is_file())


def test_page_and_its_files_are_served_and_need_no_internet(client):
    page = client.get("/")
    assert page.status_code == 200 and b"<canvas" in page.data
    assert b'<script type="module" src="/static/js/main.js">' in page.data
    modules = sorted((STATIC / "js").glob("*.js"))
    assert {"main.js", "api.js", "digit.js", "playground.js", "descent.js"} <= {p.name for p in modules}
    for path in [STATIC / "lab.css", *modules]:
        response = client.get(f"/static/{path.relative_to(STATIC).as_posix()}")
        # A browser runs an ES module only when it comes as JavaScript (text/plain is refused).
        kind = "text/css" if path.suffix == ".css" else "text/javascript"
        assert response.status_code == 200 and response.mimetype == kind, path.name
        assert response.data == path.read_bytes()
    for path in static_files():   # offline machines: nothing may come from elsewhere
        assert "http://" not in path.read_text() and "https://" not in path.read_text(), path.name
    assert client.get("/favicon.ico").status_code == 204   # asked for by every browser: not a 404
    # A missing module is the usual JSON 404, not a body labelled JavaScript.
    missing = client.get("/static/js/nothing.js")
    assert missing.status_code == 404 and missing.mimetype == "application/json"


def test_every_module_a_page_imports_exists_and_the_package_ships_them_all():
    import re

    tomllib = pytest.importorskip("tomllib")   # Python 3.11 on
    modules = {p.name for p in (STATIC / "js").glob("*.js")}
    for path in (STATIC / "js").glob("*.js"):
        for name in re.findall(r'^import .* from "\./([\w.]+)";$', path.read_text(), flags=re.M):
            assert name in modules, f"{path.name} imports {name}, which is not there"
    # pyproject's package-data must cover every file of the page, or a non-editable install breaks it.
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    shipped = {p for pattern in patterns["neuronet.lab"] for p in (ROOT / "neuronet" / "lab").glob(pattern)}
    assert shipped == set(static_files())


def test_info_lists_the_playground_choices(client):
    choices = client.get("/api/info").get_json()["playground"]
    assert choices["datasets"] == list(playground.DATASETS)
    assert choices["limits"]["units"] == 64 and choices["limits"]["grid"] == 100
    assert playground.parse_settings(choices["defaults"]) == playground.Settings()


# --- the optimisers tab ----------------------------------------------------------------------------
def test_paths_are_neuronets_optimizer_paths_exactly(client):
    """Every path is surfaces.optimizer_path with the same optimiser and rate, to the last bit."""
    body = {"surface": "rosenbrock", "start": [-1.5, 2.5], "steps": 300,
            "optimizers": {"adam": 0.05, "sgd": None, "nesterov": 0.0005, "rmsprop": 0.02}}
    answer = strict_json(client.post("/api/descent/paths", json=body))
    assert [p["name"] for p in answer["paths"]] == ["adam", "sgd", "nesterov", "rmsprop"]   # as asked
    assert answer["start"] == [-1.5, 2.5] and answer["steps"] == 300 and answer["surface"] == "rosenbrock"
    f = surfaces.get("rosenbrock")
    for path in answer["paths"]:
        optimizer = surfaces.make_optimizer(path["name"], f)
        if body["optimizers"][path["name"]] is not None:
            optimizer.lr = body["optimizers"][path["name"]]
        expected = surfaces.optimizer_path(optimizer, f, (-1.5, 2.5), 300)
        assert path["lr"] == optimizer.lr
        np.testing.assert_array_equal(np.array(path["points"]), expected)
        assert path["gaps"] == (f(expected) - f.lowest).tolist() and not path["diverged"]
    assert answer["paths"][1]["lr"] == surfaces.Rosenbrock.rates["sgd"]   # null: the surface's rate
    assert answer["paths"][0]["label"] == "Adam, η=0.05"


def test_paths_default_to_the_surfaces_start_and_steps_and_report_divergence(client):
    answer = strict_json(client.post("/api/descent/paths", json={"surface": "Saddle",
                                                                  "optimizers": {"momentum": None}}))
    expected = surfaces.optimizer_path("momentum", "saddle")
    assert answer["steps"] == surfaces.Saddle.steps and answer["start"] == list(surfaces.Saddle.start)
    np.testing.assert_array_equal(np.array(answer["paths"][0]["points"]), expected)
    # Plain SGD at η = 10 on rosenbrock leaves the float range within a few steps: the path stops
    # there, and f - f_min of a point too far out to square is null, not Infinity.
    wild = strict_json(client.post("/api/descent/paths", json={
        "surface": "rosenbrock", "steps": 50, "optimizers": {"sgd": 10, "adam": None}}))
    sgd, adam = wild["paths"]
    assert sgd["diverged"] and len(sgd["points"]) < 51 and len(sgd["points"]) == len(sgd["gaps"])
    np.testing.assert_array_equal(np.array(sgd["points"]),
                                  surfaces.optimizer_path(nn.SGD(10.0), "rosenbrock", steps=50))
    assert not adam["diverged"] and len(adam["points"]) == 51
    overflow = strict_json(client.post("/api/descent/paths", json={
        "surface": "bowl", "steps": 100, "optimizers": {"sgd": 0.5}}))["paths"][0]
    assert not overflow["diverged"] and overflow["gaps"][-1] is None   # finite point, f overflows


@pytest.mark.parametrize("name", surfaces.names())
def test_surface_shading_is_log_height_in_picture_order(client, name):
    answer = strict_json(client.post("/api/descent/surface", json={"surface": name, "grid": 40}))
    f = surfaces.get(name)
    (x0, x1), (y0, y1) = f.view
    assert answer["bounds"] == [x0, x1, y0, y1] and answer["grid"] == 40 and len(answer["heights"]) == 1600
    assert answer["minima"] == [list(m) for m in f.minima] and answer["start"] == list(f.start)
    assert answer["steps"] == f.steps and answer["formula"] == f.formula
    assert answer["rates"] == {n: surfaces.make_optimizer(n, f).lr for n in surfaces.optimizer_names()}
    # Higher f, never a lower shade: heights sorted by f (in picture order, top row first) rise.
    values = f(playground.grid_points((x0, x1, y0, y1), 40))
    heights = np.array(answer["heights"])[np.argsort(values, kind="stable")]
    assert np.all(np.diff(heights) >= 0) and heights[-1] > heights[0] + 1
    top_left = f(np.array([x0 + (x1 - x0) / 80, y1 - (y1 - y0) / 80]))
    assert answer["heights"][0] == pytest.approx(np.log10(top_left - f.lowest), abs=1e-4)
    assert strict_json(client.post("/api/descent/surface", json={}))["grid"] == descent.DEFAULT_GRID


def test_info_lists_the_optimisers_tab_choices(client):
    choices = client.get("/api/info").get_json()["descent"]
    assert choices["surfaces"] == surfaces.names()
    assert [o["name"] for o in choices["optimizers"]] == surfaces.optimizer_names()
    assert [o["name"] for o in choices["optimizers"] if o["default"]] == [
        "sgd", "momentum", "nesterov", "rmsprop", "adam"]
    assert choices["limits"]["steps"] == 2000


@pytest.mark.parametrize("route, body, match", [
    ("paths", {"surface": "himmelblau", "optimizers": {"sgd": None}}, "surface must be one of"),
    ("paths", {"surface": 3, "optimizers": {"sgd": None}}, "surface"),
    ("paths", {"optimizers": {"lbfgs": 0.1}}, "unknown optimizer 'lbfgs'"),
    ("paths", {"optimizers": {}}, "at least one"),
    ("paths", {"optimizers": ["sgd"]}, "optimizers must be"),
    ("paths", {}, "optimizers must be"),
    ("paths", {"optimizers": {"sgd": 0}}, "learning rate of sgd"),
    ("paths", {"optimizers": {"sgd": -0.1}}, "learning rate of sgd"),
    ("paths", {"optimizers": {"sgd": 11}}, "(0, 10]"),
    ("paths", {"optimizers": {"sgd": "0.1"}}, "learning rate of sgd"),
    ("paths", {"optimizers": {"sgd": True}}, "learning rate of sgd"),
    ("paths", {"optimizers": {"sgd": None}, "start": [1]}, "start must be"),
    ("paths", {"optimizers": {"sgd": None}, "start": [1, "2"]}, "start must be"),
    ("paths", {"optimizers": {"sgd": None}, "start": {"x": 1, "y": 2}}, "start must be"),
    ("paths", {"optimizers": {"sgd": None}, "start": [0, 1001]}, "-1000 to 1000"),
    ("paths", {"optimizers": {"sgd": None}, "steps": 2001}, "steps must be a whole number from 1 to 2000"),
    ("paths", {"optimizers": {"sgd": None}, "steps": 0}, "steps"),
    ("paths", {"optimizers": {"sgd": None}, "steps": 10.0}, "steps"),
    ("paths", {"optimizers": {"sgd": None}, "steps": "10"}, "steps"),
    ("paths", {"optimizers": {"sgd": None}, "lr": 1}, "unknown field(s): 'lr'"),
    ("surface", {"grid": 201}, "grid must be a whole number from 2 to 200"),
    ("surface", {"grid": 1}, "grid"),
    ("surface", {"grid": None}, "grid"),
    ("surface", {"surface": "bowl", "steps": 3}, "unknown field"),
    ("surface", {"surface": ["bowl"]}, "surface must be one of"),
])
def test_bad_descent_requests_are_one_line_400s(client, route, body, match):
    assert_error(client.post(f"/api/descent/{route}", json=body), match=match)


def test_bad_descent_values_are_echoed_short(client):
    for body in ({"surface": "x" * 100_000, "optimizers": {"sgd": None}},
                 {"optimizers": {"y" * 100_000: 0.1}}, {"optimizers": {"sgd": 9 * 10**400}},
                 {"optimizers": {"sgd": None}, "start": [10**400, 0]}):
        response = client.post("/api/descent/paths", data=json.dumps(body), content_type="application/json")
        assert_error(response)
        assert len(response.get_json()["error"]) < 250
    nan = client.post("/api/descent/paths", data='{"optimizers": {"sgd": NaN}, "start": [Infinity, 0]}',
                      content_type="application/json")
    assert_error(nan, match="start must be")


def test_missing_flask_says_which_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "flask", None)   # makes `import flask` fail
    with pytest.raises(ConfigError, match=r"neuronet\[lab\]"):
        create_app(picture_model())


# --- the command --------------------------------------------------------------------------------
def test_lab_command_serves_the_page(tmp_path):
    model = tmp_path / "m.npz"
    picture_model(64).save(model)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "neuronet.cli", "lab", "--model", str(model),
                             "--port", "0", "--no-browser"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    watchdog = threading.Timer(60, proc.kill)   # never let a stuck server hang the suite
    watchdog.start()
    try:
        line = proc.stdout.readline()
        assert "running at http://127.0.0.1:" in line, proc.stderr.read() if proc.poll() else line
        url = line.split("running at ")[1].split()[0]
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200 and b"neuronet lab" in response.read()
        request = urllib.request.Request(url + "api/digit", data=json.dumps(
            {"image": data_url(seven())}).encode(), headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert len(json.load(response)["probabilities"]) == 10
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        watchdog.cancel()
        proc.stdout.close()
        proc.stderr.close()


def test_lab_command_errors_are_one_line(tmp_path, capsys):
    model = tmp_path / "m.npz"
    picture_model(64).save(model)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli.main(["lab", "--model", str(model), "--port", str(port), "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert f"port {port} on 127.0.0.1 is already in use" in err and err.count("error") == 1
    assert cli.main(["lab", "--model", str(tmp_path / "missing.npz"), "--no-browser"]) == 2
    assert "missing.npz" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["lab", "--port", "70000"])
    assert exit_info.value.code == 2


# --- hardening: one regression test per bug found by review and fuzzing ---------------------------
def refuse_constant(word: str):
    """For ``json.loads(parse_constant=...)``: NaN and Infinity are Python's, not JSON's."""
    raise ValueError(f"not strict JSON: {word}")


def strict_json(response):
    """The body as JSON, refusing the NaN and Infinity that Python writes but no browser reads."""
    assert response.mimetype == "application/json", response.data[:200]
    return json.loads(response.data, parse_constant=refuse_constant)


def test_data_url_without_a_comma_is_a_400_not_a_500(client):
    assert_error(client.post("/api/digit", json={"image": "data:image/png"}), match="without data")


@pytest.mark.parametrize("name", ["lr", "noise"])
def test_integers_too_large_for_a_float_are_a_400_not_a_500(client, name):
    response = client.post("/api/playground", data=f'{{"{name}": {"9" * 400}}}',
                           content_type="application/json")
    assert_error(response, match=name)
    assert len(response.get_json()["error"]) < 200


def test_every_json_route_is_fuzzed():
    """A new endpoint joins ROUTES, and so every fuzz test above and below, or this fails."""
    rules = create_app(picture_model(64)).url_map.iter_rules()
    posted = {rule.rule.replace("<key>", "KEY") for rule in rules if "POST" in rule.methods}
    assert posted == set(ROUTES)


@pytest.mark.parametrize("route", [r.replace("KEY", "x") for r in ROUTES])
def test_json_nested_too_deep_for_python_is_a_400_not_a_500(client, route):
    for nested in (b"[" * 100_000, b'{"a":' * 50_000):
        assert_error(client.post(route, data=nested, content_type="application/json"), match="JSON")


def test_bad_values_are_echoed_short_and_on_one_line(client):
    deep = []
    for _ in range(900):   # deep enough for plain repr to fail below the request's stack frames
        deep = [deep]
    for body, match in (({"a\nb": 1}, "unknown"), ({"dataset": "x" * 100_000}, "dataset"),
                        ({"hidden": deep}, "hidden"), ({"noise": "\n" * 1000}, "noise")):
        response = client.post("/api/playground", json=body)
        assert_error(response, match=match)
        assert len(response.get_json()["error"]) < 200


@pytest.mark.parametrize("path", ["/api/playground//step", "/api/playground/0//step", "//api/info"])
def test_double_slashes_are_json_404s_not_html_redirects(client, path):
    assert_error(client.post(path, json={"epochs": 1}) if "step" in path else client.get(path), status=404)


def test_the_api_never_sends_nan(client):
    assert client.application.json.dumps({"a": 1.5}) == '{"a": 1.5}'
    with pytest.raises(ValueError):
        client.application.json.dumps({"a": float("nan")})
    # A network gone non-finite answers null (the page paints it as "unsure"), not NaN.
    session = playground.Session(playground.parse_settings({"dataset": "xor", "n_samples": 20, "grid": 4}))
    session.net.layers[1].W[...] = np.nan   # the first Dense layer, after the input features
    state = session.state()
    assert state["loss"] is None and state["confidence"] == [None] * 16
    json.dumps(state, allow_nan=False)


def test_divergence_says_where_the_session_stands_and_keeps_its_state():
    """lr=1e6 with sgd: the step is refused with one line naming the session's epoch, the
    session keeps its last good weights, and every answer on the way is strict JSON."""
    app = create_app(picture_model())
    client = app.test_client()
    start = client.post("/api/playground", json={"dataset": "blobs", "optimizer": "sgd", "lr": 0.01,
                                                 "activation": "identity", "n_samples": 100})
    key = strict_json(start)["id"]
    good = strict_json(client.post(f"/api/playground/{key}/step", json={"epochs": 3}))
    assert good["epoch"] == 3
    assert_error(client.post("/api/playground", json={"lr": 1e6}), match="lr")   # out of bounds
    # The page cannot ask for it, so raise the live session's learning rate behind its back.
    live = app.extensions["neuronet_lab"]["sessions"].get(key)
    live.optimizer.lr = 1e6
    weights = {k: v.copy() for k, v in live.net.get_weights().items()}
    failed = client.post(f"/api/playground/{key}/step", json={"epochs": 20})
    assert_error(failed, match="diverged in epoch 4")
    message = strict_json(failed)["error"]
    assert "stays at epoch 3" in message and "1e+06" in message and "Reset" in message
    assert live.epoch == 3
    for name, value in live.net.get_weights().items():
        np.testing.assert_array_equal(value, weights[name])
    # Once the learning rate is sane again, the session trains on from where it stood.
    live.optimizer.lr = 0.01
    assert strict_json(client.post(f"/api/playground/{key}/step", json={"epochs": 1}))["epoch"] == 4


# --- fuzzing the JSON API --------------------------------------------------------------------------
# Whatever a request holds, the answer is JSON (strict: no NaN) with 200 for a valid request or
# 400/404/413 and one short line saying what was wrong; never a 500, a traceback or an HTML page.
FUZZ = settings(max_examples=100, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["", "1", "0.1", "xor", "RELU", "sgd", "1e999", "NaN", "\n", "\u2192", "\x00"]))
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=10), inner, max_size=5)), max_leaves=20)
# Values a form could send for each setting: mostly near the valid range, some far outside it.
setting_values = {
    "dataset": st.sampled_from([*playground.DATASETS, "Moons", "mnist"]),
    "noise": st.one_of(st.floats(-0.5, 1.5), st.integers(-2, 2)),
    "n_samples": st.integers(0, 150),
    "hidden": st.lists(st.one_of(st.integers(-1, 70), st.floats(0, 10)), max_size=5),
    "activation": st.sampled_from([*playground.ACTIVATIONS, "softmax"]),
    "optimizer": st.sampled_from([*playground.OPTIMIZERS, "lbfgs"]),
    "lr": st.one_of(st.floats(-1, 12), st.sampled_from([1e-300, 5e-324, 10, 10.000001])),
    "batch_size": st.integers(-1, 1001), "grid": st.integers(0, 30), "seed": st.integers(-5, 2**33),
}
setting_bodies = st.fixed_dictionaries({}, optional={
    name: st.one_of(values, values, json_values) for name, values in setting_values.items()})


def assert_answer(response, ok=(200, 400)) -> dict:
    """The response is strict JSON with an allowed status; an error is one short line."""
    fuzzcount.record("lab API requests")
    assert response.status_code in ok, (response.status_code, response.data[:300])
    data = strict_json(response)
    if response.status_code != 200:
        assert isinstance(data, dict) and set(data) == {"error"}, data
        message = data["error"]
        assert isinstance(message, str) and message and "\n" not in message, message
        assert "Traceback" not in message and len(message) < 300, message
    return data


def fuzzed(client, route: str, body, refuses) -> dict | None:
    """POST any JSON ``body`` to ``route``: its answer (:func:`assert_answer`), or None when the route
    refused it, once ``refuses(body)`` (the Python the route wraps) has raised a ConfigError too: a
    route says no exactly when its function does."""
    data = assert_answer(client.post(route, data=json.dumps(body), content_type="application/json"))
    if "error" not in data:
        return data
    with pytest.raises(ConfigError):
        refuses(body)
    return None


def small_lab():
    """The lab's test client with a small digit model (8x8), which keeps each request fast; the
    ``client`` of the tab's test modules (tests/conftest.py)."""
    return create_app(picture_model(64)).test_client()


@pytest.fixture(scope="module")
def fuzz_client():
    return small_lab()


def small_session(client) -> str:
    """The id of a new, small playground session (the fuzzing makes many and so expires old ones)."""
    sessions = client.application.extensions["neuronet_lab"]["sessions"]
    return sessions.new(playground.parse_settings({"dataset": "xor", "n_samples": 20, "hidden": [4],
                                                   "batch_size": 10, "grid": 5}))[0]


@FUZZ
@given(body=setting_bodies)
def test_fuzz_playground_settings(fuzz_client, body):
    client = fuzz_client
    # Sent as Python's json writes it (NaN and Infinity included): Flask reads those back.
    data = assert_answer(client.post("/api/playground", data=json.dumps(body),
                                     content_type="application/json"))
    if "id" in data:   # accepted: exactly when the settings are valid
        settings_ = playground.parse_settings(body)
        assert len(data["data"]["x"]) == settings_.n_samples
        assert len(data["classes"]) == len(data["confidence"]) == settings_.grid ** 2
    else:
        with pytest.raises(ConfigError):
            playground.parse_settings(body)


@FUZZ
@given(body=json_values, route=st.sampled_from(ROUTES))
def test_fuzz_any_json_body(fuzz_client, body, route):
    client, key = fuzz_client, small_session(fuzz_client)
    # Python's json writes NaN and Infinity, and Flask reads them back: a page could send them.
    response = client.post(route.replace("KEY", key), data=json.dumps(body), content_type="application/json")
    assert_answer(response)


@FUZZ
@given(epochs=st.one_of(st.integers(-3, 104), json_values), extra=st.booleans())
def test_fuzz_step_requests(fuzz_client, epochs, extra):
    client = fuzz_client
    sessions = client.application.extensions["neuronet_lab"]["sessions"]
    key = small_session(client)
    body = {"epochs": epochs, **({"x": 1} if extra else {})}
    before = sessions.get(key).epoch
    data = assert_answer(client.post(f"/api/playground/{key}/step", data=json.dumps(body),
                                     content_type="application/json"))
    after = sessions.get(key).epoch
    if "error" in data:
        assert after == before   # a refused request changes nothing
    else:
        assert data["epoch"] == after == before + epochs and len(data["losses"]) == epochs


@FUZZ
@given(key=st.text(min_size=1, max_size=40), body=st.one_of(st.just({"epochs": 1}), json_values))
def test_fuzz_unknown_session_ids(fuzz_client, key, body):
    client = fuzz_client
    from urllib.parse import quote

    response = client.post(f"/api/playground/{quote(key, safe='')}/step", data=json.dumps(body),
                           content_type="application/json")
    assert_answer(response, ok=(400, 404))


@FUZZ
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)),
       content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded",
                                     "multipart/form-data; boundary=x", "image/png",
                                     "application/json; charset=latin-1", ""]),
       route=st.sampled_from(ROUTES))
def test_fuzz_raw_bodies_and_content_types(fuzz_client, data, content_type, route):
    client, key = fuzz_client, small_session(fuzz_client)
    response = client.post(route.replace("KEY", key), data=data, content_type=content_type or None)
    assert_answer(response)


# Values a page could send for the optimisers tab: mostly near the valid range, some far outside.
descent_values = {
    "surface": st.sampled_from([*surfaces.names(), "Bowl", "himmelblau"]),
    "start": st.one_of(st.lists(st.floats(-1100, 1100), min_size=2, max_size=2),
                       st.lists(st.floats(), max_size=3), st.lists(st.integers(), min_size=2, max_size=2)),
    "steps": st.one_of(st.integers(-2, 40), st.sampled_from([2000, 2001])),
    "optimizers": st.dictionaries(st.sampled_from([*surfaces.optimizer_names(), "SGD", "lbfgs"]),
                                  st.one_of(st.none(), st.floats(-1, 12), st.floats(), st.integers(-1, 11)),
                                  max_size=6),
}
# Half of them near a valid request (some optimisers with rates that may be fine), half anything.
descent_bodies = st.one_of(
    st.fixed_dictionaries(
        {"optimizers": st.dictionaries(st.sampled_from(surfaces.optimizer_names()),
                                       st.one_of(st.none(), st.floats(1e-4, 1), descent_values["optimizers"]),
                                       min_size=1, max_size=6)},
        optional={name: values for name, values in descent_values.items() if name != "optimizers"}),
    st.fixed_dictionaries({}, optional={
        name: st.one_of(values, values, json_values) for name, values in descent_values.items()}))


@FUZZ
@given(body=descent_bodies)
def test_fuzz_descent_paths(fuzz_client, body):
    data = assert_answer(fuzz_client.post("/api/descent/paths", data=json.dumps(body),
                                          content_type="application/json"))
    if "paths" in data:   # accepted: exactly when the request is valid, and then the same answer
        assert data == json.loads(json.dumps(descent.paths(body), allow_nan=False))
        for path in data["paths"]:
            assert len(path["points"]) == len(path["gaps"]) <= data["steps"] + 1
    else:
        with pytest.raises(ConfigError):
            descent.paths(body)


@FUZZ
@given(surface=st.one_of(descent_values["surface"], json_values),
       grid=st.one_of(st.integers(-1, 60), st.sampled_from([200, 201]), json_values))
def test_fuzz_descent_surface(fuzz_client, surface, grid):
    data = assert_answer(fuzz_client.post("/api/descent/surface", data=json.dumps(
        {"surface": surface, "grid": grid}), content_type="application/json"))
    if "heights" in data:
        assert len(data["heights"]) == grid ** 2 and all(math.isfinite(h) for h in data["heights"])


MODES = {"L": 255, "LA": (255, 255), "RGB": (255, 255, 255), "RGBA": (255, 255, 255, 255), "P": 200,
         "1": 1, "I;16": 65535, "I": 70000}


@st.composite
def png_urls(draw):
    """A data URL of a PNG with ink in some mode and size, sometimes damaged on the way."""
    mode = draw(st.sampled_from(sorted(MODES)))
    width, height = draw(st.sampled_from([(1, 1), (2, 1), (1, 2), (3, 3), (28, 28), (8, 8), (40, 17)]) |
                         st.tuples(st.integers(1, 1030), st.integers(1, 3)))
    img = Image.new(mode, (width, height), 0)
    if mode == "P":
        img.putpalette([v for i in range(256) for v in (i, 255 - i, i // 2)])
    draw_ = ImageDraw.Draw(img)
    for _ in range(draw(st.integers(0, 3))):
        x0, x1 = sorted(draw(st.integers(0, width - 1)) for _ in range(2))
        y0, y1 = sorted(draw(st.integers(0, height - 1)) for _ in range(2))
        draw_.rectangle([x0, y0, x1, y1], fill=MODES[mode])
    buffer = io.BytesIO()
    # Pillow writes mode "I" PNGs only as 16-bit: save it as such.
    (img.convert("I;16") if mode == "I" else img).save(
        buffer, format="PNG", **({"transparency": 0} if draw(st.booleans()) and mode in ("L", "P") else {}))
    raw = bytearray(buffer.getvalue())
    damage = draw(st.sampled_from(["none", "none", "truncate", "flip", "garbage"]))
    if damage == "truncate":
        raw = raw[:draw(st.integers(0, len(raw)))]
    elif damage == "flip":
        raw[draw(st.integers(0, len(raw) - 1))] ^= 1 << draw(st.integers(0, 7))
    elif damage == "garbage":
        raw += draw(st.binary(min_size=1, max_size=50))
    text = base64.b64encode(bytes(raw)).decode()
    prefix = draw(st.sampled_from(["data:image/png;base64,", "", "data:", "data:image/png,",
                                   "data:image/png;base64,="]))
    text = prefix + text
    if draw(st.integers(0, 9)) == 0:   # damaged in transit
        i = draw(st.integers(0, len(text)))
        text = text[:i] + draw(st.text(max_size=3)) + text[i:]
    return text


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(url=png_urls())
def test_fuzz_digit_images(fuzz_client, url):
    client = fuzz_client
    data = assert_answer(client.post("/api/digit", json={"image": url}))
    if "error" not in data:
        assert len(data["input"]) == 8 and len(data["probabilities"]) == 10
        assert 0 <= data["predicted"] < 10 and abs(sum(data["probabilities"]) - 1) < 1e-3


@pytest.mark.parametrize("route", [r.replace("KEY", "x") for r in ROUTES])
def test_oversized_bodies_are_413_on_every_route(fuzz_client, route):
    client = fuzz_client
    body = json.dumps({"image": "data:image/png;base64," + "A" * (3 * 1024 * 1024)})
    assert_answer(client.post(route, data=body, content_type="application/json"), ok=(413,))


# --- concurrency: the development server is threaded --------------------------------------------
@pytest.fixture()
def live_server():
    """A real lab server on 127.0.0.1 (a free port), and a function to POST JSON to it."""
    app = create_app(picture_model(64))
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def post(path: str, body: dict) -> tuple[int, dict]:
        request = urllib.request.Request(f"http://127.0.0.1:{server.port}{path}",
                                         data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read(), parse_constant=refuse_constant)
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read(), parse_constant=refuse_constant)

    try:
        yield app, post
    finally:
        server.shutdown()
        server.server_close()


def run_threads(*jobs) -> None:
    """Run each job in its own thread at once; re-raise the first failure here."""
    failures = []

    def guarded(job):
        try:
            job()
        except BaseException as exc:   # noqa: BLE001 - reported to the test thread below
            failures.append(exc)

    threads = [threading.Thread(target=guarded, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a request hung"
    if failures:
        raise failures[0]


SMALL = {"dataset": "moons", "n_samples": 60, "hidden": [6], "batch_size": 16, "grid": 8}


def test_concurrent_steps_on_one_session_and_others_are_consistent(live_server):
    app, post = live_server
    status, first = post("/api/playground", SMALL)
    assert status == 200
    others = [post("/api/playground", {**SMALL, "dataset": d})[1]["id"] for d in ("xor", "spiral")]
    answers, epochs = [], {key: [] for key in (first["id"], *others)}

    def stepper(key, n):
        def job():
            for _ in range(n):
                status, answer = post(f"/api/playground/{key}/step", {"epochs": 1})
                answers.append((status, answer))
                epochs[key].append(answer.get("epoch"))
        return job

    drawing = data_url(seven())
    run_threads(stepper(first["id"], 8), stepper(first["id"], 8), stepper(others[0], 8),
                stepper(others[1], 8),
                lambda: answers.extend(post("/api/digit", {"image": drawing}) for _ in range(8)))
    assert [status for status, _ in answers] == [200] * 40, [a for s, a in answers if s != 200]
    # The 16 steps on the shared session ran one at a time: each saw a different epoch.
    assert sorted(epochs[first["id"]]) == list(range(1, 17))
    assert sorted(epochs[others[0]]) == sorted(epochs[others[1]]) == list(range(1, 9))
    # ... and left the same network as 17 steps in a row would have.
    status, last = post(f"/api/playground/{first['id']}/step", {"epochs": 1})
    serial = playground.Session(playground.parse_settings(SMALL))
    for _ in range(17):
        expected = serial.step(1)
    assert last["epoch"] == 17 and last["classes"] == expected["classes"]
    assert last["loss"] == pytest.approx(expected["loss"], rel=1e-6)


def test_concurrent_new_sessions_keep_only_the_newest_sixteen(live_server):
    app, post = live_server
    keys = []

    def creator():
        for _ in range(6):
            status, answer = post("/api/playground", SMALL)
            assert status == 200
            keys.append(answer["id"])

    run_threads(*[creator] * 4)
    sessions = app.extensions["neuronet_lab"]["sessions"]
    assert len(keys) == 24 and len(set(keys)) == 24 and len(sessions) == playground.LIMITS["sessions"]
    alive = [key for key in keys if post(f"/api/playground/{key}/step", {"epochs": 1})[0] == 200]
    assert len(alive) == 16
    status, answer = post(f"/api/playground/{(set(keys) - set(alive)).pop()}/step", {"epochs": 1})
    assert status == 400 and "expired" in answer["error"]


def test_a_session_dropped_while_training_finishes_its_step():
    sessions = playground.Sessions(limit=1)
    key, session = sessions.new(playground.parse_settings({**SMALL, "n_samples": 400, "batch_size": 1}))
    results = []

    def train():
        with session.lock:   # as the app does
            results.append(session.step(5)["epoch"])

    run_threads(train, lambda: sessions.new(playground.parse_settings(SMALL)))
    assert results == [5] and len(sessions) == 1
    with pytest.raises(ConfigError, match="expired"):
        sessions.get(key)



def test_on_loopback_the_lab_answers_only_requests_addressed_to_this_computer():
    import http.client

    app = create_app(picture_model(64))
    server = make_server(app, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def get(host: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        try:
            connection.request("GET", "/api/info", headers={"Host": host})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    try:
        assert get(f"127.0.0.1:{server.port}")[0] == 200
        assert get(f"localhost:{server.port}")[0] == 200
        # A page whose own name was rebound to 127.0.0.1 ("DNS rebinding") still sends that name.
        status, body = get(f"attacker.example:{server.port}")
        assert status == 400 and "error" in json.loads(body)
    finally:
        server.shutdown()
        server.server_close()
    assert not create_app(picture_model(64)).config.get("TRUSTED_HOSTS")   # embedding code decides
