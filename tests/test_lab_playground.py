"""The lab's playground API: features, splits, regularisation, regression sets, every unit's heatmap and
every weight, uploaded CSVs, and the model file and script it hands out, checked against the library."""

from __future__ import annotations

import ast
import base64
import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("flask")

from lab_helpers import printed, run_script  # noqa: E402
from test_lab import FUZZ, assert_answer, assert_error, fuzzed, json_values, strict_json  # noqa: E402

import neuronet as nn  # noqa: E402
from neuronet.errors import ConfigError  # noqa: E402
from neuronet.lab import playground, uploads  # noqa: E402
from neuronet.layers import Dense  # noqa: E402
from neuronet.recipe import Recipe  # noqa: E402

SMALL = {"dataset": "moons", "n_samples": 80, "hidden": [5], "batch_size": 16, "grid": 6}


def start(client, **settings) -> dict:
    response = client.post("/api/playground", json={**SMALL, **settings})
    assert response.status_code == 200, response.data
    return strict_json(response)


def step(client, key: str, epochs: int) -> dict:
    response = client.post(f"/api/playground/{key}/step", json={"epochs": epochs})
    assert response.status_code == 200, response.data
    return strict_json(response)


def session_of(client, key: str) -> playground.Session:
    return client.application.extensions["neuronet_lab"]["sessions"].get(key)


# --- settings reach the network --------------------------------------------------------------------
def test_settings_become_the_recipe_and_its_network(client):
    answer = start(client, dataset="spiral", n_classes=5, features=["xy", "x", "sinx"], hidden=[6, 4],
                   activation="relu", dropout=0.2, optimizer="adamw", lr=0.02, l2=0.001, seed=9,
                   test_fraction=0.3, noise=0.2)
    session = session_of(client, answer["id"])
    # The features come in FEATURES' order whatever order they were sent in: one spelling per choice.
    assert session.settings.features == ("x", "xy", "sinx")
    assert session.recipe == Recipe(dataset="spiral", n_samples=80, noise=0.2, n_classes=5, test_fraction=0.3,
                                    features=("x", "xy", "sinx"), hidden=(6, 4), activation="relu",
                                    dropout=0.2, optimizer="adamw", lr=0.02, l2=0.001, batch_size=16, seed=9)
    net = session.net
    assert [type(layer).__name__ for layer in net.layers] == [
        "PlaneFeatures", "Dense", "Dropout", "Dense", "Dropout", "Dense"]
    assert net.n_out == 5 and net.layers[2].rate == 0.2
    assert session.optimizer.weight_decay == 0.001 and isinstance(session.optimizer, nn.AdamW)
    data = answer["data"]
    assert data["n_classes"] == 5 and data["class_names"] == ["0", "1", "2", "3", "4"]
    assert sum(data["test"]) == 24 and len(data["x"]) == 80
    assert [c["kind"] for c in data["columns"]] == ["features", "hidden", "hidden", "output"]
    assert data["columns"][0]["labels"] == ["x", "xy", "sin x"]
    assert [c["units"] for c in data["columns"]] == [3, 6, 4, 5]
    # n_classes is the generator's for circles, spiral and blobs only; xor has its two.
    assert session_of(client, start(client, dataset="xor", n_classes=6)["id"]).net.n_out == 2


def test_the_test_points_are_held_out_and_scored(client):
    answer = start(client, dataset="moons", n_samples=200, test_fraction=0.25, noise=0.2, hidden=[8])
    session = session_of(client, answer["id"])
    test = np.array(answer["data"]["test"])
    points = np.array(answer["data"]["x"])
    assert test.sum() == len(session.x_test) == 50 and len(session.x) == 150
    np.testing.assert_allclose(points[test], session.x_test, atol=1e-4)
    first = answer["test_loss"]
    for _ in range(8):
        state = step(client, answer["id"], 10)
    assert state["test_loss"] < 0.6 * first and state["test_accuracy"] > 0.9
    loss, accuracy = session.net.evaluate(session.x_test, session.y_test)
    assert state["test_loss"] == pytest.approx(loss) and state["test_accuracy"] == accuracy
    assert state["loss"] == pytest.approx(session.net.evaluate(session.x, session.y)[0])
    # The curves: the last step's epochs, the training loss fit recorded and the test loss after each.
    assert len(state["losses"]) == len(state["test_losses"]) == 10
    assert state["test_losses"][-1] == pytest.approx(loss)
    # Without a test set, there is nothing to score.
    none = start(client, test_fraction=0)
    assert none["test_loss"] is None and none["test_accuracy"] is None and not any(none["data"]["test"])
    assert step(client, none["id"], 2)["test_losses"] == []


def test_steps_of_any_size_make_one_run(client):
    """5 steps of 1, 2, 3, 1, 1 epochs end where one step of 8 does, and where the recipe's single
    fit does: the page's speed setting does not change the run a link reproduces."""
    settings = {"dataset": "circles", "dropout": 0.1, "l2": 0.001, "seed": 3}
    a, b = start(client, **settings)["id"], start(client, **settings)["id"]
    for epochs in (1, 2, 3, 1, 1):
        stepped = step(client, a, epochs)
    whole = step(client, b, 8)
    assert stepped["loss"] == whole["loss"] and stepped["weights"] == whole["weights"]
    recipe = session_of(client, a).recipe
    (x, y), (x_test, y_test) = recipe.data()
    net = recipe.network(3)
    net.fit(x, y, epochs=8, batch_size=16, optimizer=recipe.make_optimizer(), seed=3,
            validation_data=(x_test, y_test))
    for name, value in net.get_weights().items():
        np.testing.assert_array_equal(session_of(client, a).net.get_weights()[name], value)


def test_regression_sets_answer_numbers(client):
    answer = start(client, dataset="bumps", n_samples=300, hidden=[12, 12], lr=0.02, batch_size=10)
    data = answer["data"]
    assert data["regression"] and data["n_classes"] == 0 and data["class_names"] is None
    assert all(isinstance(v, float) for v in data["y"]) and data["columns"][-1]["activation"] == "identity"
    assert answer["accuracy"] is None and "classes" not in answer and len(answer["values"]) == 36
    first = answer["loss"]
    for _ in range(6):
        state = step(client, answer["id"], 10)
    session = session_of(client, answer["id"])
    assert state["loss"] < 0.3 * first and state["test_loss"] < 0.5 * answer["test_loss"]
    np.testing.assert_allclose(state["values"], session.net.predict_proba(session.grid)[:, 0], atol=1e-3)
    assert session.net.loss.name == "mse"


# --- what the page draws ---------------------------------------------------------------------------
def test_unit_maps_are_every_layers_output_on_the_unit_grid(client):
    answer = start(client, dataset="spiral", features=["x", "y", "x2"], hidden=[4, 3], dropout=0.3)
    state = step(client, answer["id"], 3)
    session = session_of(client, answer["id"])
    side = playground.LIMITS["unit_grid"]
    assert answer["data"]["unit_grid"] == side
    grid = playground.grid_points(session.box, side)
    outputs = session.net.layer_outputs(grid)       # PlaneFeatures, Dense, Dropout, Dense, Dropout, Dense
    expected = [outputs[0], outputs[1], outputs[3], session.net.predict_proba(grid)]
    assert [len(column) for column in state["units"]] == [3, 4, 3, 3]
    for shown, values in zip(state["units"], expected, strict=True):
        np.testing.assert_allclose(np.array(shown), values.T, atol=1e-3)
    # Feature x² on the grid: row 0 is the top of the picture, each row left to right.
    x2 = np.array(state["units"][0][2]).reshape(side, side)
    np.testing.assert_allclose(x2, (grid[:, 0] ** 2).reshape(side, side), atol=1e-3)
    # The maps move while the network trains.
    later = step(client, answer["id"], 5)
    assert later["units"][1] != state["units"][1] and later["units"][0] == state["units"][0]


def test_weights_are_each_dense_layers(client):
    answer = start(client, hidden=[4, 3], dropout=0.2)
    state = step(client, answer["id"], 2)
    dense = [layer for layer in session_of(client, answer["id"]).net.layers if isinstance(layer, Dense)]
    assert len(state["weights"]) == 3
    for shown, layer in zip(state["weights"], dense, strict=True):
        np.testing.assert_allclose(shown["W"], layer.W, atol=1e-4)
        np.testing.assert_allclose(shown["b"], layer.b, atol=1e-4)
    assert np.shape(state["weights"][0]["W"]) == (2, 4)


def test_the_answer_stays_small_at_the_largest_network(client):
    answer = start(client, hidden=[64] * 4, features=list(nn.features.FEATURES), n_classes=8,
                   dataset="blobs", grid=100, n_samples=2000, batch_size=1000)
    state = step(client, answer["id"], 1)
    assert len(json.dumps(state)) < 1_500_000
    assert sum(len(column) for column in state["units"]) == 7 + 4 * 64 + 8


# --- caps and one-line errors ------------------------------------------------------------------------
@pytest.mark.parametrize("settings, match", [
    ({"features": []}, "features"), ({"features": ["x", "x"]}, "features"), ({"features": "x"}, "features"),
    ({"features": ["x", "cos"]}, "features"), ({"n_classes": 9}, "n_classes"),
    ({"n_classes": 1}, "n_classes"),
    ({"test_fraction": 0.95}, "test_fraction"), ({"test_fraction": -0.1}, "test_fraction"),
    ({"dropout": 0.91}, "dropout"), ({"dropout": "0.1"}, "dropout"), ({"l2": 2}, "l2"), ({"l2": None}, "l2"),
    ({"dataset": "csv"}, "upload"), ({"upload": "abc"}, "upload"), ({"upload": 5}, "upload"),
    ({"dataset": "csv", "upload": "x/y"}, "upload"),
    ({"dataset": "csv", "upload": "0" * 16}, "upload the file"),
    ({"dataset": "wave"}, "dataset"),
])
def test_bad_new_settings_are_one_line_400s(client, settings, match):
    assert_error(client.post("/api/playground", json=settings), match=match)


def test_a_session_has_a_most_epochs(client, monkeypatch):
    monkeypatch.setitem(playground.LIMITS, "session_epochs", 12)
    key = start(client)["id"]
    step(client, key, 10)
    assert_error(client.post(f"/api/playground/{key}/step", json={"epochs": 3}), match="12 is the most")
    assert step(client, key, 2)["epoch"] == 12


def test_divergence_restarts_the_epoch_it_happened_in(client):
    key = start(client, dataset="blobs", optimizer="sgd", lr=0.01, activation="identity")["id"]
    step(client, key, 2)
    session = session_of(client, key)
    weights = session.net.get_weights()
    session.optimizer.lr = 1e6
    assert_error(client.post(f"/api/playground/{key}/step", json={"epochs": 5}), match="diverged in epoch 3")
    assert session.epoch == 2 and session.run.batch == 0 and session.run.seen == 0
    for name, value in session.net.get_weights().items():
        np.testing.assert_array_equal(value, weights[name])
    session.optimizer.lr = 0.01
    assert step(client, key, 1)["epoch"] == 3


# --- uploads -------------------------------------------------------------------------------------------
def csv_bytes(n: int = 60, classes=("in", "out"), seed: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    points = rng.uniform(-2, 2, size=(n, 2))
    # Two classes: inside or outside a circle; more: in turn.
    which = [int(a * a + b * b > 1.5) if len(classes) == 2 else i % len(classes)
             for i, (a, b) in enumerate(points)]
    rows = [f"{a:.4f},{b:.4f},{classes[k]}" for (a, b), k in zip(points, which, strict=True)]
    return ("x,y,label\n" + "\n".join(rows) + "\n").encode()


def upload(client, data: bytes, name: str = "ring.csv"):
    return client.post("/api/playground/upload", json={"name": name, "data": base64.b64encode(data).decode()})


def test_an_uploaded_csv_is_read_as_load_csv_reads_it_and_trains(client, tmp_path):
    raw = csv_bytes(120)
    answer = strict_json(upload(client, raw))
    assert answer["name"] == "ring.csv" and answer["points"] == 120 and answer["classes"] == ["in", "out"]
    assert strict_json(upload(client, raw))["upload"] == answer["upload"]   # the same file, the same key
    (tmp_path / "ring.csv").write_bytes(raw)
    x, y, names = nn.datasets.load_csv(tmp_path / "ring.csv")
    session_answer = start(client, dataset="csv", upload=answer["upload"], features=["x2", "y2"], hidden=[])
    session = session_of(client, session_answer["id"])
    np.testing.assert_array_equal(session.all_x, x)
    np.testing.assert_array_equal(session.all_y, y)
    assert session_answer["data"]["class_names"] == ["in", "out"] and session.net.class_names == ["in", "out"]
    for _ in range(10):
        state = step(client, session_answer["id"], 20)
    assert state["accuracy"] > 0.9 and state["test_accuracy"] > 0.8


@pytest.mark.parametrize("data, name, match", [
    (b"x,y,label\n1,2,a\n3,4,b\n", "few.csv", "few.csv: 2 points"),
    (csv_bytes(3000), "many.csv", "many.csv: 3000 points"),
    (b"x,y,z,label\n" + b"1,2,3,a\n2,3,4,b\n" * 10, "wide.csv", "2 coordinate columns"),
    (b"x,y,label\n" + b"1,2,a\n" * 20, "one.csv", "needs 2 classes"),
    (csv_bytes(60, classes=tuple("abcdefghijk")), "eleven.csv", "11 classes"),
    (b"x,y,label\n1,nope,a\n2,3,b\n", "bad.csv", "bad.csv: line 2, column 'y': 'nope' is not a number"),
    ("x,y,label\n1,2,a\n".encode("utf-16"), "u16.csv", "UTF-16"),
    (b"", "empty.csv", "empty"),
    (b"x" * (uploads.LIMITS["bytes"] + 1), "big.csv", "larger than 256 KiB"),
])
def test_bad_uploads_are_one_line_400s(client, data, name, match):
    assert_error(upload(client, data, name), match=match)


@pytest.mark.parametrize("body, match", [
    ({"name": "../../etc/passwd", "data": ""}, "plain file name"),
    ({"name": "a\nb.csv", "data": ""}, "plain file"),
    ({"name": 3, "data": ""}, "plain file name"), ({"name": "p.csv", "data": 5}, "base64"),
    ({"name": "p.csv", "data": "!!!"}, "not valid base64"), ({"name": "p.csv"}, "base64"),
    ({"name": "p.csv", "data": "A" * 400_000}, "larger than"), ({"data": "", "x": 1}, "unknown field"),
])
def test_bad_upload_requests_are_one_line_400s(client, body, match):
    assert_error(client.post("/api/playground/upload", json=body), match=match)


def test_uploads_are_bounded():
    kept = uploads.Uploads(limit=2)
    keys = [kept.add(uploads.parse_upload({"name": f"u{i}.csv", "data": base64.b64encode(
        csv_bytes(20, seed=i)).decode()})).key for i in range(3)]
    assert len(kept) == 2 and kept.get(keys[2]).name == "u2.csv"
    with pytest.raises(ConfigError, match="upload the file again"):
        kept.get(keys[0])


# --- downloads ------------------------------------------------------------------------------------------
def test_the_model_file_is_neuronets_and_takes_raw_points(client, tmp_path):
    key = start(client, features=["x", "y", "xy"], hidden=[6])["id"]
    step(client, key, 4)
    response = client.get(f"/api/playground/{key}/model")
    assert response.status_code == 200 and response.mimetype == "application/octet-stream"
    assert 'filename="playground.npz"' in response.headers["Content-Disposition"]
    path = tmp_path / "playground.npz"
    path.write_bytes(response.data)
    loaded, info = nn.load(path), nn.modelfile.info(path)
    session = session_of(client, key)
    points = session.all_x
    np.testing.assert_array_equal(loaded.predict_proba(points), session.net.predict_proba(points))
    assert info["metadata"]["epochs"] == 4 and info["metadata"]["playground"]["features"] == ["x", "y", "xy"]
    assert loaded.class_names == ["0", "1"] and loaded.preprocessing == {"dataset": "moons"}


@pytest.mark.slow
@pytest.mark.parametrize("settings", [
    {"dataset": "spiral", "features": ["x", "y", "sinx", "siny"], "hidden": [8, 8], "dropout": 0.1,
     "l2": 0.0005},
    {"dataset": "plane", "hidden": [3], "optimizer": "sgd", "lr": 0.05, "test_fraction": 0},
], ids=["spiral", "plane"])
def test_the_script_ends_where_the_session_stands(client, tmp_path, settings):
    key = start(client, **settings)["id"]
    for epochs in (3, 7, 2):
        state = step(client, key, epochs)
    response = client.get(f"/api/playground/{key}/code")
    assert response.status_code == 200 and response.mimetype == "text/x-python"
    ast.parse(response.data.decode())
    result = printed(run_script(response.data.decode(), tmp_path))
    assert result["training"][0] == pytest.approx(state["loss"], abs=1e-6)
    if state["test_loss"] is not None:
        assert result["test"][0] == pytest.approx(state["test_loss"], abs=1e-6)
        assert result["test"][1] == pytest.approx(state["test_accuracy"], abs=1e-4)
    else:
        assert "test" not in result
    saved = nn.load(tmp_path / "playground.npz")
    for name, value in session_of(client, key).net.get_weights().items():
        np.testing.assert_array_equal(saved.get_weights()[name], value)


@pytest.mark.slow
def test_the_script_of_an_upload_reads_the_file_by_its_name(client, tmp_path):
    raw = csv_bytes(80, seed=4)
    answer = strict_json(upload(client, raw, "my ring (1).csv"))
    key = start(client, dataset="csv", upload=answer["upload"], hidden=[5])["id"]
    state = step(client, key, 6)
    (tmp_path / "my ring (1).csv").write_bytes(raw)
    text = client.get(f"/api/playground/{key}/code").data.decode()
    assert 'datasets.load_csv("my ring (1).csv")' in text
    result = printed(run_script(text, tmp_path))
    assert result["training"][0] == pytest.approx(state["loss"], abs=1e-6)


def test_downloads_of_unknown_sessions_are_one_line_400s(client):
    for what in ("model", "code"):
        assert_error(client.get(f"/api/playground/nothing/{what}"), match="Reset")
        assert_error(client.post(f"/api/playground/nothing/{what}", json={}), status=405)


# --- fuzzing the new requests -------------------------------------------------------------------------
new_values = {
    "features": st.lists(st.sampled_from([*nn.features.FEATURES, "z", ""]), max_size=8),
    "n_classes": st.integers(0, 10), "test_fraction": st.floats(-0.2, 1.2), "dropout": st.floats(-0.1, 1.0),
    "l2": st.floats(-0.1, 1.5), "dataset": st.sampled_from(["plane", "bumps", "csv", "spiral"]),
    "upload": st.one_of(st.just(""), st.text(max_size=20)), "hidden": st.lists(st.integers(0, 8), max_size=3),
}
new_bodies = st.fixed_dictionaries({"n_samples": st.just(40), "grid": st.just(4)}, optional={
    name: st.one_of(values, values, json_values) for name, values in new_values.items()})


@FUZZ
@given(body=new_bodies)
def test_fuzz_new_playground_settings(client, body):
    def session(body):   # what the route does with a body: its settings, its upload, a session
        settings = playground.parse_settings(body)
        uploads_ = client.application.extensions["neuronet_lab"]["uploads"]
        playground.Session(settings, uploads_.get(settings.upload) if settings.upload else None)

    data = fuzzed(client, "/api/playground", body, session)
    if data is not None:
        layers = len(playground.parse_settings(body).hidden)
        assert len(data["units"]) == layers + 2 and len(data["weights"]) == layers + 1


@FUZZ
@given(name=st.one_of(st.text(max_size=20), json_values),
       data=st.one_of(st.binary(max_size=200).map(lambda b: base64.b64encode(b).decode()),
                      st.text(max_size=50), json_values,
                      st.sampled_from([csv_bytes(20), b"x,y,l\n1,2,a\n" * 12,
                                       b"\xef\xbb\xbfa;b;c\n1,5;2;x\n" * 11])
                      .map(lambda b: base64.b64encode(b).decode())))
def test_fuzz_uploads(client, name, data):
    assert_answer(client.post("/api/playground/upload", json={"name": name, "data": data}))


@FUZZ
@given(what=st.sampled_from(["model", "code"]),
       key=st.one_of(st.text(min_size=1, max_size=30), st.just("KEY")))
def test_fuzz_downloads(client, what, key):
    from urllib.parse import quote

    real = start(client, n_samples=20, hidden=[2])["id"] if key == "KEY" else quote(key, safe="")
    response = client.get(f"/api/playground/{real}/{what}")
    if key == "KEY":
        assert response.status_code == 200
    else:
        assert_answer(response, ok=(400, 404))


@pytest.mark.parametrize("route", ["/api/playground/upload"])
def test_oversized_uploads_are_413(client, route):
    body = json.dumps({"name": "a.csv", "data": "A" * (3 * 1024 * 1024)})
    assert_answer(client.post(route, data=body, content_type="application/json"), ok=(413,))


def test_info_lists_the_new_choices(client):
    info = client.get("/api/info").get_json()["playground"]
    assert info["regression"] == ["plane", "bumps"] and info["features"]["x2"] == "x\u00b2"
    assert info["limits"]["unit_grid"] == 16 and info["upload_limits"]["classes"] == len(info["colours"])
    assert playground.parse_settings(info["defaults"]) == playground.Settings()


def test_a_hostile_file_name_stays_one_string_in_the_script():
    """Nothing from a request is ever run: the script's only inputs from the page are literals."""
    name = 'a"; import os; os.system("x"); "'
    text = playground.Settings(dataset="csv", upload="k").recipe(name).script(1, n_outputs=2)
    tree = ast.parse(text)
    loads = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and ast.unparse(node.func) ==
             "datasets.load_csv"]
    assert len(loads) == 1 and isinstance(loads[0].args[0], ast.Constant) and loads[0].args[0].value == name
    assert not any(isinstance(node, ast.Import) and node.names[0].name == "os" for node in ast.walk(tree))
