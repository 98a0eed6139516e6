"""The lab's "A neuron" tab (neuronet/lab/neuron.py): its answers against the formulas and the
library, its limits, and fuzzing with test_lab's helpers."""

from __future__ import annotations

import json
import math

import fuzzcount
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("flask")

from test_lab import FUZZ, assert_error, fuzzed, json_values, strict_json  # noqa: E402

import neuronet as nn  # noqa: E402
from neuronet.lab import neuron  # noqa: E402


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


def test_the_default_perceptron_sits_just_below_its_threshold_and_a_nudge_flips_it(client):
    answer = strict_json(client.post("/api/neuron", json={}))
    assert answer["kind"] == "perceptron" and answer["w"] == [0.67, 0.93, 0.02]
    assert answer["x"] == [1.0, 0.0, 1.0] and answer["threshold"] == 0.7 and "b" not in answer
    assert answer["products"] == pytest.approx([0.67, 0.0, 0.02], abs=1e-15)
    assert answer["sum"] == pytest.approx(0.69) and answer["z"] == pytest.approx(-0.01)
    assert answer["output"] == 0 and answer["derivative"] == 0.0
    nudge = answer["nudge"]   # x₁ + 0.1: 0.757 > 0.7
    assert nudge == {"input": 0, "dx": 0.1, "x": 1.1, "output": 1, "change": 1, "flips": True,
                     "flip_at": pytest.approx(0.01 / 0.67)}
    p = nn.Perceptron(3, weights=[0.67, 0.93, 0.02], threshold=0.7)
    assert p.predict([1.1, 0, 1]) == 1 and p.predict([1 + 0.01 / 0.67 - 1e-9, 0, 1]) == 0
    # The curve is the step function, with the current z inside it.
    curve = answer["curve"]
    assert len(curve["z"]) == neuron.CURVE_POINTS and curve["z"][0] == -6 and curve["z"][-1] == 6
    assert curve["a"] == [float(z > 0) for z in curve["z"]] and set(curve["da"]) == {0.0}


@pytest.mark.parametrize("kind", [k for k in neuron.KINDS if k != "perceptron"])
def test_a_smooth_neuron_is_neuronets_neuron_and_a_nudge_moves_it_a_little(client, kind):
    body = {"kind": kind, "x": [0.5, -1.2, 2.0], "w": [1.5, 0.4, -0.3], "b": 0.25, "input": 1, "dx": 0.05}
    answer = strict_json(client.post("/api/neuron", json=body))
    z = 1.5 * 0.5 + 0.4 * -1.2 - 0.3 * 2.0 + 0.25
    f = nn.activations.get(kind)
    value = lambda t: float(f(np.array([t]))[0])   # noqa: E731 - the library's own activation
    assert answer["z"] == pytest.approx(z, rel=1e-12) and answer["sum"] == pytest.approx(z - 0.25)
    assert answer["output"] == pytest.approx(value(z), rel=1e-12)
    assert answer["output"] == nn.Neuron([1.5, 0.4, -0.3], 0.25, kind)([0.5, -1.2, 2.0])
    assert answer["derivative"] == pytest.approx(float(f.derivative(np.array([z]))[0]), rel=1e-12)
    nudge = answer["nudge"]
    after = value(z + 0.4 * 0.05)
    assert nudge["x"] == pytest.approx(-1.15) and nudge["output"] == pytest.approx(after, rel=1e-12)
    assert nudge["change"] == pytest.approx(after - value(z), abs=1e-15)
    assert nudge["estimate"] == pytest.approx(answer["derivative"] * 0.4 * 0.05, rel=1e-12)
    assert "flips" not in nudge and "threshold" not in answer
    # Small: a smooth neuron moves by about f'(z) wᵢ Δx, never by a jump.
    assert abs(nudge["change"] - nudge["estimate"]) < 0.01 * 0.05
    zs = np.array(answer["curve"]["z"])
    np.testing.assert_allclose(answer["curve"]["a"], f(zs), rtol=1e-12)
    np.testing.assert_allclose(answer["curve"]["da"], f.derivative(zs), rtol=1e-12)


def test_the_sigmoid_neuron_is_the_perceptron_made_smooth(client):
    """The same weights, b = −t: the sigmoid's output is on the perceptron's side of ½, and where the
    nudge flips the perceptron it moves the sigmoid by about σ'(z) w₁ Δx."""
    perceptron = strict_json(client.post("/api/neuron", json={"kind": "perceptron"}))
    smooth = strict_json(client.post("/api/neuron", json={"kind": "sigmoid", "b": -0.7}))
    assert smooth["z"] == perceptron["z"] and smooth["output"] == pytest.approx(sigmoid(-0.01))
    assert perceptron["nudge"]["change"] == 1
    assert smooth["nudge"]["change"] == pytest.approx(sigmoid(-0.01 + 0.067) - sigmoid(-0.01))
    assert abs(smooth["nudge"]["change"]) < 0.02


def test_the_curve_widens_to_hold_z(client):
    answer = strict_json(client.post("/api/neuron", json={"kind": "tanh", "x": [2, 2, 2], "w": [2, 2, 2],
                                                          "b": 3}))
    assert answer["z"] == 15 and answer["curve"]["z"][-1] == 16 and answer["curve"]["z"][0] == -16


def test_the_flip_point_is_null_without_a_weight_on_that_input(client):
    answer = strict_json(client.post("/api/neuron", json={"w": [0.67, 0.93, 0], "input": 2, "dx": 1}))
    assert answer["nudge"]["flip_at"] is None and answer["nudge"]["flips"] is False


def test_softmax_is_neuronets_and_sums_to_one(client):
    answer = strict_json(client.post("/api/neuron/softmax", json={"z": [3, -1.5, 0, 10]}))
    z = np.array([3, -1.5, 0, 10.0])
    assert answer["z"] == z.tolist() and answer["exp"] == pytest.approx(np.exp(z).tolist(), rel=1e-15)
    assert answer["sum"] == pytest.approx(np.exp(z).sum())
    np.testing.assert_allclose(answer["a"], np.exp(z) / np.exp(z).sum(), rtol=1e-12)
    np.testing.assert_allclose(answer["a"], nn.activations.get("softmax")(z[None])[0], rtol=0, atol=0)
    assert strict_json(client.post("/api/neuron/softmax", json={}))["z"] == neuron.DEFAULTS["z"]


def test_the_info_lists_the_neuron_tab_and_every_elementwise_activation(client):
    info = client.get("/api/info").get_json()["neuron"]
    assert info["kinds"][0] == "perceptron"
    assert set(info["kinds"][1:]) == set(nn.activations.names()) - {"step", "softmax", "log_softmax"}
    assert info["defaults"]["w"] == [0.67, 0.93, 0.02]
    settings = {k: v for k, v in info["defaults"].items() if k != "z"}   # z: the softmax's
    assert strict_json(client.post("/api/neuron", json=settings))["output"] == 0


@pytest.mark.parametrize("route, body, match", [
    ("", {"kind": "softmax"}, "kind must be one of"),
    ("", {"kind": "step"}, "kind must be one of"),
    ("", {"kind": "sigmoid", "threshold": 1}, "has a b, not a threshold"),
    ("", {"kind": "perceptron", "b": 1}, "has a threshold, not a b"),
    ("", {"x": [1, 2]}, "x must be a list of 3 numbers"),
    ("", {"x": [1, 2, 3]}, "x[2] must be a number from -2 to 2"),
    ("", {"w": [1, True, 0]}, "w[1]"),
    ("", {"threshold": 3.5}, "threshold must be a number from -3 to 3"),
    ("", {"threshold": "0.5"}, "threshold"),
    ("", {"input": 3}, "input must be a whole number from 0 to 2"),
    ("", {"dx": 2}, "dx must be a number from -1 to 1"),
    ("", {"dx": 10**400}, "dx"),
    ("", {"weights": [1, 2, 3]}, "unknown field(s): 'weights'"),
    ("/softmax", {"z": [1]}, "2 to 6 numbers"),
    ("/softmax", {"z": [1] * 7}, "2 to 6 numbers"),
    ("/softmax", {"z": [1, 11]}, "z[1] must be a number from -10 to 10"),
    ("/softmax", {"z": "1,2"}, "z must be a list"),
    ("/softmax", {"a": [1, 2]}, "unknown field"),
])
def test_bad_neuron_requests_are_one_line_400s(client, route, body, match):
    assert_error(client.post(f"/api/neuron{route}", json=body), match=match)


def test_nan_and_infinity_are_refused(client):
    for text in ('{"x": [NaN, 0, 0]}', '{"dx": Infinity}', '{"kind": "tanh", "b": -Infinity}'):
        assert_error(client.post("/api/neuron", data=text, content_type="application/json"), match="number")
    assert_error(client.post("/api/neuron/softmax", data='{"z": [1, NaN]}', content_type="application/json"),
                 match="z[1]")


# --- fuzzing ------------------------------------------------------------------------------------
# Mostly values a slider could send, some just outside its range, a few of anything at all.
numbers_near = st.one_of(st.floats(-2, 2), st.floats(-2, 2), st.integers(-2, 2), st.floats(-3.5, 3.5),
                         st.sampled_from([10**400, True, "1", None]))
rarely_anything = st.sampled_from([0, 0, 0, 0, 1]).flatmap(lambda odd: json_values if odd else st.nothing())


def near(values):
    return st.one_of(values, rarely_anything)


@st.composite
def neuron_bodies(draw):
    """A request as the page could send it, with the right word for the bias most of the time."""
    kind = draw(near(st.sampled_from([*neuron.KINDS, *neuron.KINDS, "step", "softmax", "Sigmoid"])))
    right, wrong = ("threshold", "b") if kind == "perceptron" else ("b", "threshold")
    fields = {"kind": st.just(kind), "x": near(st.lists(numbers_near, min_size=3, max_size=3)
                                                | st.lists(numbers_near, max_size=4)),
              "w": near(st.lists(numbers_near, min_size=3, max_size=3)), right: near(numbers_near),
              "input": near(st.integers(-1, 3)), "dx": near(st.floats(-1.2, 1.2))}
    body = draw(st.fixed_dictionaries({}, optional=fields))
    if draw(st.integers(0, 9)) == 0:
        body[wrong] = draw(numbers_near)
    return body


@FUZZ
@given(body=neuron_bodies())
def test_fuzz_neuron(client, body):
    data = fuzzed(client, "/api/neuron", body, neuron.describe)
    if data is not None:   # accepted exactly when valid, and the same answer as the function's
        assert data == json.loads(json.dumps(neuron.describe(body), allow_nan=False))
        assert data["output"] in (0, 1) if data["kind"] == "perceptron" else math.isfinite(data["output"])
        fuzzcount.record("lab neuron answers checked")


@FUZZ
@given(z=st.one_of(st.lists(st.one_of(st.floats(-12, 12), st.integers(-11, 11)), max_size=8), json_values))
def test_fuzz_softmax(client, z):
    data = fuzzed(client, "/api/neuron/softmax", {"z": z}, neuron.softmax)
    if data is not None:
        assert abs(sum(data["a"]) - 1) < 1e-12 and all(0 <= a <= 1 for a in data["a"])
