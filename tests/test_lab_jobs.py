"""The digit tab's training jobs: a fit in a background thread, watched, stopped, capped, and then the
network the digit pad draws on."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("flask")
pytest.importorskip("sklearn")

from test_lab import (  # noqa: E402
    FUZZ,
    assert_answer,
    assert_error,
    data_url,
    json_values,
    picture_model,
    seven,
    strict_json,
)

import neuronet as nn  # noqa: E402
from neuronet.errors import ConfigError  # noqa: E402
from neuronet.imaging import preprocess_digit  # noqa: E402
from neuronet.lab import create_app, jobs  # noqa: E402

QUICK = {"dataset": "digits", "hidden": [16], "epochs": 3, "examples": 400, "batch_size": 50}
# Long enough to be caught running: a few thousand small batches.
LONG = {"dataset": "digits", "hidden": [8], "epochs": 50, "examples": 1000, "batch_size": 1}


@pytest.fixture()
def client():
    app = create_app(picture_model(784))
    yield app.test_client()
    for key in list(app.extensions["neuronet_lab"]["jobs"]._items):   # no job outlives its test
        job = app.extensions["neuronet_lab"]["jobs"].get(key)
        job.stop()
        job.thread.join(timeout=30)


def wait(client, key: str, timeout: float = 60) -> dict:
    """Poll the job until it has ended, as the page does; its last report."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report = strict_json(client.get(f"/api/digit/jobs/{key}"))
        if report["status"] not in ("loading", "running"):
            return report
        time.sleep(0.05)
    raise AssertionError(f"job {key} still {report['status']} after {timeout} s")


def until(client, key: str, ready, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report = strict_json(client.get(f"/api/digit/jobs/{key}"))
        if ready(report):
            return report
        time.sleep(0.02)
    raise AssertionError(f"job {key}: {report}")


def test_the_machines_picture_sets_come_from_datasets_discovery(monkeypatch, tmp_path):
    digits = next(s for s in jobs.available() if s["name"] == "digits")
    assert digits == {"name": "digits", "side": 8, "n_train": 1437, "classes": [str(d) for d in range(10)],
                      "origin": "scikit-learn"}
    for folder in (None, tmp_path):   # as the machine has them, then with an empty NEURONET_DATA
        if folder is not None:
            monkeypatch.setenv("NEURONET_DATA", str(folder))
        found = {name: status for status in nn.datasets.available()
                 for name in [status.name] if status.found and nn.datasets.info(name).kind != "synthetic"}
        offered = {s["name"]: s for s in jobs.available()}
        assert set(offered) == set(found)
        assert all(offered[n]["origin"] == found[n].origin and offered[n]["side"] in (8, 28) for n in found)
    if "fashion-mnist" in found:   # only where it comes from somewhere other than NEURONET_DATA
        assert found["fashion-mnist"].origin != "NEURONET_DATA"


def test_a_job_trains_the_network_the_page_watches(client):
    report = strict_json(client.post("/api/digit/jobs", json={**QUICK, "epochs": 12, "examples": 1437,
                                                               "batch_size": 32}))
    assert report["status"] in ("loading", "running", "done") and report["epochs"] == 12
    final = wait(client, report["id"])
    assert final["status"] == "done" and final["reason"] is None and final["error"] is None
    history = final["history"]
    assert [len(v) for v in history.values()] == [12] * 4
    assert history["loss"][-1] < 0.5 * history["loss"][0] and history["val_accuracy"][-1] > 0.8
    job = client.application.extensions["neuronet_lab"]["jobs"].get(report["id"])
    net = job.trained()
    # The curves are fit's own history; the test examples the first 2000 (here all 360) of the test set.
    (_, _), (x_test, y_test) = nn.datasets.load("digits")
    assert history["val_accuracy"][-1] == net.evaluate(x_test, y_test)[1]
    # The first layer's weights, one 8x8 picture per unit, as the network holds them.
    weights = final["weights"]
    assert weights["side"] == 8 and weights["units"] == 16 and np.shape(weights["values"]) == (16, 64)
    np.testing.assert_allclose(weights["values"], net.layers[0].W.T, atol=1e-3)
    assert weights["scale"] == pytest.approx(np.abs(net.layers[0].W).max(), abs=1e-6)
    assert net.preprocessing == {"dataset": "digits", "image_shape": [8, 8], "framing": "digit"}
    assert final["summary"] == net.summary()


def test_the_job_is_the_fit_it_says(client):
    """Its network ends bit for bit where the same fit, run here, does: the callbacks only watch."""
    key = strict_json(client.post("/api/digit/jobs", json={**QUICK, "seed": 5}))["id"]
    assert wait(client, key)["status"] == "done"
    (x, y), (x_test, y_test) = nn.datasets.load("digits")
    rows = np.sort(np.random.default_rng(5).choice(len(x), size=400, replace=False))
    net = nn.mlp([64, 16, 10], activation="relu", seed=5)
    net.fit(x[rows], y[rows], epochs=3, batch_size=50, optimizer=nn.Adam(0.003), seed=5)
    trained = client.application.extensions["neuronet_lab"]["jobs"].get(key).trained()
    for name, value in net.get_weights().items():
        np.testing.assert_array_equal(trained.get_weights()[name], value)


def test_stop_ends_the_run_after_its_epoch_and_keeps_what_it_learnt(client):
    key = strict_json(client.post("/api/digit/jobs", json=LONG))["id"]
    until(client, key, lambda r: r["status"] == "running" and r["batch"] > 10)
    # Not yet trained: the pad cannot use it, nor can it be downloaded.
    assert_error(client.post("/api/digit/model", json={"job": key}), match="still training")
    assert_error(client.get(f"/api/digit/jobs/{key}/model"), match="still training")
    stopped = strict_json(client.post(f"/api/digit/jobs/{key}/stop", json={}))
    assert stopped["id"] == key
    final = wait(client, key)
    assert final["status"] == "stopped" and final["reason"] == "stopped from the page"
    assert 1 <= len(final["history"]["loss"]) < 50
    assert strict_json(client.post("/api/digit/model", json={"job": key}))["model"]["trained_here"]


def test_at_most_two_jobs_train_at_once(client):
    keys = [strict_json(client.post("/api/digit/jobs", json=LONG))["id"] for _ in range(2)]
    assert_error(client.post("/api/digit/jobs", json=QUICK), match="2 trainings are running")
    for key in keys:
        client.post(f"/api/digit/jobs/{key}/stop", json={})
    for key in keys:
        wait(client, key)
    # Once they have stopped, a new job starts (and may, being quick, have finished already).
    again = strict_json(client.post("/api/digit/jobs", json=QUICK))
    assert wait(client, again["id"])["status"] == "done"


def test_a_job_stops_itself_at_its_time_limit(client, monkeypatch):
    monkeypatch.setitem(jobs.LIMITS, "seconds", 0)
    final = wait(client, strict_json(client.post("/api/digit/jobs", json=QUICK))["id"])
    assert final["status"] == "stopped" and "time limit (0 s)" in final["reason"]
    assert len(final["history"]["loss"]) == 1


def test_the_pad_draws_on_the_trained_network_and_can_go_back(client):
    original = client.get("/api/info").get_json()["model"]
    assert original["side"] == 28 and not original["trained_here"]
    key = strict_json(client.post("/api/digit/jobs", json=QUICK))["id"]
    wait(client, key)
    model = strict_json(client.post("/api/digit/model", json={"job": key}))["model"]
    assert model["side"] == 8 and model["trained_here"]
    assert "trained here on digits (3 epochs" in model["note"]
    assert client.get("/api/info").get_json()["model"] == model
    answer = strict_json(client.post("/api/digit", json={"image": data_url(seven())}))
    net = client.application.extensions["neuronet_lab"]["jobs"].get(key).trained()
    picture = preprocess_digit(np.asarray(seven()), size=8, box=8, centre="box")
    np.testing.assert_allclose(answer["input"], picture, atol=1e-4)
    expected = net.predict_proba(picture.reshape(1, -1))[0]
    np.testing.assert_allclose(answer["probabilities"], expected, atol=1e-4)
    back = strict_json(client.post("/api/digit/model", json={"job": None}))["model"]
    assert back == original
    assert len(strict_json(client.post("/api/digit", json={"image": data_url(seven())}))["input"]) == 28


def test_the_trained_network_downloads_as_a_model_file(client, tmp_path):
    key = strict_json(client.post("/api/digit/jobs", json=QUICK))["id"]
    wait(client, key)
    response = client.get(f"/api/digit/jobs/{key}/model")
    assert response.status_code == 200 and 'filename="digits.npz"' in response.headers["Content-Disposition"]
    (tmp_path / "d.npz").write_bytes(response.data)
    loaded = nn.load(tmp_path / "d.npz")
    net = client.application.extensions["neuronet_lab"]["jobs"].get(key).trained()
    x = np.random.default_rng(0).uniform(size=(5, 64))
    np.testing.assert_array_equal(loaded.predict_proba(x), net.predict_proba(x))
    assert nn.modelfile.info(tmp_path / "d.npz")["metadata"]["lab_job"]["hidden"] == [16]


def test_a_failed_job_says_why_in_one_line(client):
    final = wait(client, strict_json(client.post("/api/digit/jobs", json={
        **QUICK, "optimizer": "sgd", "lr": 10, "activation": "relu", "hidden": [128]}))["id"])
    if final["status"] == "failed":   # sgd at 10 usually diverges on the digits
        assert "diverged" in final["error"] and "\n" not in final["error"]
        assert_error(client.post("/api/digit/model", json={"job": final["id"]}), match="no trained network")
    else:
        assert final["status"] == "done"


@pytest.mark.parametrize("body, match", [
    ({"dataset": "cifar"}, "dataset must be one of"), ({"hidden": [129]}, "hidden"),
    ({"hidden": [8, 8, 8]}, "hidden"), ({"hidden": "8"}, "hidden"), ({"epochs": 51}, "epochs"),
    ({"epochs": 0}, "epochs"), ({"examples": 99}, "examples"), ({"examples": 1438}, "from 100 to 1437"),
    ({"lr": 0}, "lr"), ({"lr": "0.1"}, "lr"), ({"batch_size": 0}, "batch_size"),
    ({"activation": "softmax"}, "activation"), ({"optimizer": "lbfgs"}, "optimizer"), ({"seed": -1}, "seed"),
    ({"x": 1}, "unknown setting"),
])
def test_bad_job_requests_are_one_line_400s(client, body, match):
    assert_error(client.post("/api/digit/jobs", json=body), match=match)


def test_job_settings_are_capped_against_the_set_asked_for():
    fashion = [{"name": "fashion-mnist", "n_train": 60000}]
    with pytest.raises(ConfigError, match="are 1000000 steps; at most 100000"):
        jobs.parse_job({"dataset": "fashion-mnist", "epochs": 50, "examples": 20000, "batch_size": 1},
                       fashion)
    with pytest.raises(ConfigError, match="examples must be a whole number from 100 to 20000"):
        jobs.parse_job({"dataset": "fashion-mnist", "examples": 20001}, fashion)
    assert jobs.parse_job({"dataset": "fashion-mnist"}, fashion).examples == 5000
    assert jobs.parse_job({}, [{"name": "digits", "n_train": 1437}]).examples == 1437
    with pytest.raises(ConfigError, match="no picture set"):
        jobs.parse_job({}, [])


def test_bad_job_ids_and_model_requests_are_one_line_400s(client):
    assert_error(client.get("/api/digit/jobs/nothing"), match="no training job")
    assert_error(client.post("/api/digit/jobs/nothing/stop", json={}), match="no training job")
    assert_error(client.get("/api/digit/jobs/nothing/model"), match="no training job")
    for body, match in (({}, 'send {"job"'), ({"job": 3}, "no training job"),
                        ({"job": "x", "y": 1}, "unknown"), ({"job": ["x"]}, "no training job")):
        assert_error(client.post("/api/digit/model", json=body), match=match)


def test_a_job_on_fashion_mnist_frames_its_drawings_like_fashion(client):
    if "fashion-mnist" not in {s["name"] for s in jobs.available()}:
        pytest.skip("Fashion-MNIST is not on this machine (set NEURONET_DATA)")
    key = strict_json(client.post("/api/digit/jobs", json={"dataset": "fashion-mnist", "hidden": [8],
                                                            "epochs": 1, "examples": 500}))["id"]
    final = wait(client, key, timeout=120)
    assert final["status"] == "done" and final["weights"]["side"] == 28
    model = strict_json(client.post("/api/digit/model", json={"job": key}))["model"]
    assert model["classes"][0] == "T-shirt/top"
    net = client.application.extensions["neuronet_lab"]["jobs"].get(key).trained()
    assert net.preprocessing["framing"] == "fill"


def test_finished_jobs_make_room_for_new_ones(monkeypatch):
    monkeypatch.setitem(jobs.LIMITS, "kept", 2)
    kept = jobs.Jobs()
    started = [kept.start(jobs.parse_job(QUICK)) for _ in range(2)]
    for job in started:
        job.thread.join(timeout=60)
    third = kept.start(jobs.parse_job(QUICK))
    third.thread.join(timeout=60)
    assert len(kept) == 2 and kept.get(third.key) is third
    with pytest.raises(ConfigError, match="no training job"):
        kept.get(started[0].key)


# --- fuzzing the new requests -------------------------------------------------------------------------
job_values = {
    "dataset": st.sampled_from(["digits", "Digits", "mnist", "cifar"]),
    "hidden": st.lists(st.integers(-1, 140), max_size=3),
    "activation": st.sampled_from([*jobs.ACTIVATIONS, "x"]),
    "optimizer": st.sampled_from([*jobs.OPTIMIZERS, "x"]), "lr": st.floats(-1, 11),
    "epochs": st.integers(-1, 60), "batch_size": st.integers(-1, 1100), "examples": st.integers(0, 1500),
    "seed": st.integers(-2, 2**33),
}
job_bodies = st.fixed_dictionaries({}, optional={
    name: st.one_of(values, values, json_values) for name, values in job_values.items()})


@FUZZ
@given(body=job_bodies)
def test_fuzz_job_settings(body):
    """Checked without starting anything: a body the parser accepts is exactly a valid job."""
    sets = [{"name": "digits", "n_train": 1437}]
    try:
        settings = jobs.parse_job(body, sets)
    except ConfigError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 300
        return
    assert 1 <= settings.epochs <= 50 and 100 <= settings.examples <= 1437 and len(settings.hidden) <= 2


@FUZZ
@given(route=st.sampled_from(["/api/digit/jobs", "/api/digit/jobs/KEY/stop", "/api/digit/model"]),
       body=json_values)
def test_fuzz_job_routes_with_any_json(route, body):
    app = create_app(picture_model(64))
    client = app.test_client()
    if isinstance(body, dict) and route == "/api/digit/jobs":
        body = {**body, "epochs": 1, "examples": 100}   # whatever starts, ends at once
    response = client.post(route.replace("KEY", "x"), data=json.dumps(body), content_type="application/json")
    assert_answer(response, ok=(200, 400))
    for job in list(app.extensions["neuronet_lab"]["jobs"]._items.values()):
        job.stop()
        job.thread.join(timeout=30)


@FUZZ
@given(what=st.sampled_from(["", "/model"]), key=st.text(min_size=1, max_size=40))
def test_fuzz_job_ids_in_get_routes(what, key):
    from urllib.parse import quote

    client = create_app(picture_model(64)).test_client()
    assert_answer(client.get(f"/api/digit/jobs/{quote(key, safe='')}{what}"), ok=(400, 404))
