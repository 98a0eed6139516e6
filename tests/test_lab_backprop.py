"""The lab's "Backpropagation" tab (neuronet/lab/backprop.py): every number against backpropagation
written out in NumPy and against the library's own Network.forward/backward, gradcheck and SGD; its
limits, and fuzzing."""

from __future__ import annotations

import fuzzcount
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_lab import FUZZ, assert_error, fuzzed, json_values, strict_json

pytest.importorskip("flask")

import neuronet as nn  # noqa: E402
from neuronet.lab import backprop  # noqa: E402


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_every_number_is_backpropagation_by_hand(client):
    """2-3-2, sigmoid hidden layer, softmax + cross-entropy: the chain rule written out here."""
    answer = strict_json(client.post("/api/backprop", json={"x": [0.8, -0.4], "target": [0, 1], "lr": 0.3}))
    (W1, b1), (W2, b2) = [(np.array(layer["W"]), np.array(layer["b"])) for layer in answer["layers"]]
    x, y = np.array([0.8, -0.4]), np.array([0.0, 1.0])
    z1 = x @ W1 + b1
    a1 = sigmoid(z1)
    z2 = a1 @ W2 + b2
    a2 = np.exp(z2) / np.exp(z2).sum()
    loss = -np.log(a2[1])
    dz2 = a2 - y                        # softmax with cross-entropy: the fused gradient
    da2 = -y / a2                       # what the loss alone gives
    da1 = dz2 @ W2.T
    dz1 = da1 * a1 * (1 - a1)
    expected = [{"z": z1, "a": a1, "dL_da": da1, "dL_dz": dz1, "dL_dW": np.outer(x, dz1), "dL_db": dz1,
                 "new_W": W1 - 0.3 * np.outer(x, dz1), "new_b": b1 - 0.3 * dz1},
                {"z": z2, "a": a2, "dL_da": da2, "dL_dz": dz2, "dL_dW": np.outer(a1, dz2), "dL_db": dz2,
                 "new_W": W2 - 0.3 * np.outer(a1, dz2), "new_b": b2 - 0.3 * dz2}]
    for shown, wanted in zip(answer["layers"], expected, strict=True):
        for name, value in wanted.items():
            np.testing.assert_allclose(shown[name], value, rtol=1e-12, atol=1e-15, err_msg=name)
    assert answer["loss"] == pytest.approx(loss, rel=1e-12) and answer["fused"]
    a1_after = sigmoid(x @ expected[0]["new_W"] + expected[0]["new_b"])
    z2_after = a1_after @ expected[1]["new_W"] + expected[1]["new_b"]
    assert answer["loss_after"] == pytest.approx(np.log(np.exp(z2_after).sum()) - z2_after[1], rel=1e-12)
    assert answer["loss_after"] < answer["loss"]
    # The weights are mlp's from seed 0, in float64.
    net = nn.mlp([2, 3, 2], activation="sigmoid", seed=0, dtype="float64")
    np.testing.assert_array_equal(W1, net.layers[0].W)
    np.testing.assert_array_equal(b2, net.layers[1].b)


@pytest.mark.parametrize("output", backprop.OUTPUTS)
@pytest.mark.parametrize("activation", ["tanh", "relu", "gelu", "identity"])
def test_the_numbers_are_the_librarys_own(client, output, activation):
    sizes = [3, 4, 2, 2] if output == "softmax_ce" else [3, 4, 2, 1]
    target = [0.0, 1.0] if output == "softmax_ce" else [0.7]
    body = {"sizes": sizes, "activation": activation, "output": output, "x": [1.5, -0.5, 0.25],
            "target": target, "lr": 0.1, "seed": 7}
    answer = strict_json(client.post("/api/backprop", json=body))
    out_activation, loss_name, _ = backprop.OUTPUTS[output]
    net = nn.mlp(sizes, activation=activation, output_activation=out_activation, loss=loss_name, seed=7,
                 dtype="float64")
    x, y = np.array([body["x"]]), np.array([target])
    out = net.forward(x, training=True)
    loss, grad = net.loss_and_gradient(out, y)
    report = nn.gradcheck(net, x, y)
    net.backward(grad)                 # the library's own backward, not the lab's layer-by-layer loop
    assert answer["loss"] == pytest.approx(loss, rel=1e-12)
    for layer, shown in zip(net.layers, answer["layers"], strict=True):
        assert shown["activation"] == layer.activation.name
        np.testing.assert_allclose(shown["z"], layer._z[0], rtol=1e-12)
        np.testing.assert_allclose(shown["a"], layer._a[0], rtol=1e-12)
        np.testing.assert_allclose(shown["dL_dW"], layer.grads["W"], rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(shown["dL_db"], layer.grads["b"], rtol=1e-12, atol=1e-300)
        # With one example, dL/db is dL/dz and dL/dW is (input) ⊗ dL/dz.
        np.testing.assert_allclose(shown["dL_dz"], layer.grads["b"], rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(shown["new_W"], layer.W - 0.1 * layer.grads["W"], rtol=1e-12)
    for i, shown in enumerate(answer["layers"]):
        assert shown["gradcheck"] == {"W": report.errors[f"{i}.W"], "b": report.errors[f"{i}.b"]}
        if i + 1 < len(net.layers):    # dL/da of a layer is what the layer above passed down
            below = np.array(answer["layers"][i + 1]["dL_dz"]) @ net.layers[i + 1].W.T
            np.testing.assert_allclose(shown["dL_da"], below, rtol=1e-12, atol=1e-300)
    assert answer["gradcheck"] == {"max_error": report.max_error, "tolerance": report.tolerance,
                                   "ok": report.ok} and report.ok
    assert answer["fused"] == (output in ("softmax_ce", "sigmoid_bce"))
    # dL/da of the output layer is the loss's own gradient, fused or not.
    np.testing.assert_allclose(answer["layers"][-1]["dL_da"], net.loss.gradient(out, y)[0], rtol=1e-12)


def test_sending_the_new_weights_back_takes_the_next_step(client):
    body = {"sizes": [2, 4, 1], "output": "sigmoid_bce", "activation": "tanh", "x": [1, -1], "target": [1],
            "lr": 1.0}
    losses = []
    for _ in range(5):
        answer = strict_json(client.post("/api/backprop", json=body))
        if losses:
            assert [layer["W"] for layer in answer["layers"]] == [w["W"] for w in body["weights"]]
            assert answer["loss"] == pytest.approx(losses[-1][1], rel=1e-12)   # the last loss_after
        losses.append((answer["loss"], answer["loss_after"]))
        body["weights"] = [{"W": layer["new_W"], "b": layer["new_b"]} for layer in answer["layers"]]
    assert all(after < before for before, after in losses)


def test_info_lists_the_backprop_tab(client):
    info = client.get("/api/info").get_json()["backprop"]
    assert [o["name"] for o in info["outputs"]] == list(backprop.OUTPUTS)
    assert "sigmoid" in info["activations"] and "step" not in info["activations"]
    assert info["limits"]["layers"] == 4 and info["limits"]["units"] == 6
    assert strict_json(client.post("/api/backprop", json=info["defaults"]))["gradcheck"]["ok"]


def test_the_largest_network_is_quick_and_its_gradients_check(client):
    body = {"sizes": [6] * 5, "activation": "silu", "output": "softmax_ce", "x": [1, -2, 3, -4, 5, -6],
            "target": [0, 0, 0, 0, 0, 1]}
    answer = strict_json(client.post("/api/backprop", json=body))
    assert len(answer["layers"]) == 4 and answer["gradcheck"]["ok"]


@pytest.mark.parametrize("body, match", [
    ({"sizes": [2]}, "sizes must be a list of 2 to 5"),
    ({"sizes": [2] * 6}, "sizes must be a list of 2 to 5"),
    ({"sizes": [2, 7, 2]}, "sizes[1] must be a whole number from 1 to 6"),
    ({"sizes": [2, 0, 2]}, "sizes[1]"),
    ({"sizes": "2,3,2"}, "sizes must be a list"),
    ({"sizes": [2, 3, 1]}, "a softmax needs 2 or more outputs"),
    ({"activation": "softmax"}, "activation must be one of"),
    ({"activation": "step"}, "activation must be one of"),
    ({"output": "softmax_mse"}, "output must be one of"),
    ({"x": [1]}, "x must be a list of 2 numbers"),
    ({"x": [1, 11]}, "x[1] must be a number from -10 to 10"),
    ({"target": [0.5, 0.4]}, "summing to 1"),
    ({"target": [2, -1]}, "target[0] must be a number from 0 to 1"),
    ({"output": "sigmoid_bce", "target": [1, 1.5]}, "target[1] must be a number from 0 to 1"),
    ({"output": "identity_mse", "target": [1, 11]}, "target[1] must be a number from -10 to 10"),
    ({"lr": 0}, "lr must be a number"), ({"lr": 11}, "lr"),
    ({"seed": -1}, "seed"), ({"seed": 2**32}, "seed"),
    ({"weights": []}, "weights must be a list of 2 layers"),
    ({"weights": [{"W": [[0] * 3] * 2, "b": [0] * 3}, {"W": [[0] * 2] * 3}]}, "weights[1].b must be a list"),
    ({"weights": [{"W": [[0] * 3] * 2, "b": [0] * 3}, {"W": [[0] * 2] * 2, "b": [0] * 2}]},
     "weights[1].W must be 3 rows"),
    ({"weights": [{"W": [[0] * 3] * 2, "b": [0] * 3, "c": 1}, {"W": [[0] * 2] * 3, "b": [0] * 2}]},
     "unknown field of weights[0]"),
    ({"weights": [{"W": [[0, 0, 11], [0] * 3], "b": [0] * 3}, {"W": [[0] * 2] * 3, "b": [0] * 2}]},
     "weights[0].W[0][2] must be a number from -10 to 10"),
    ({"loss": "mse"}, "unknown field(s): 'loss'"),
])
def test_bad_backprop_requests_are_one_line_400s(client, body, match):
    assert_error(client.post("/api/backprop", json=body), match=match)


# --- fuzzing ------------------------------------------------------------------------------------
def mostly(good, bad):
    """``good`` nine times in ten, ``bad`` the tenth."""
    return st.integers(0, 9).flatmap(lambda k: bad if k == 0 else good)


@st.composite
def backprop_bodies(draw):
    """Mostly what the page sends: sizes in range and x, target and weights that fit them."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.fixed_dictionaries({}, optional={k: json_values for k in backprop.FIELDS}))
    sizes = draw(mostly(st.lists(st.integers(1, 6), min_size=2, max_size=5),
                        st.lists(st.integers(-1, 8), max_size=6)))
    output = draw(mostly(st.sampled_from(list(backprop.OUTPUTS)), st.just("softmax_mse")))
    n_in, n_out = (max(1, sizes[0]), max(1, sizes[-1])) if sizes else (1, 1)
    body = {"sizes": sizes, "output": output,
            "activation": draw(mostly(st.sampled_from(backprop.HIDDEN), st.just("softmax"))),
            "x": draw(st.lists(mostly(st.floats(-10, 10), st.sampled_from([11, None])), min_size=n_in,
                               max_size=n_in)),
            "lr": draw(mostly(st.floats(1e-3, 10), st.sampled_from([0, 11, "0.1"]))),
            "seed": draw(st.integers(0, 50))}
    onehot = [0.0] * n_out
    onehot[draw(st.integers(0, max(0, n_out - 1)))] = 1.0
    body["target"] = onehot if output == "softmax_ce" else draw(
        st.lists(st.floats(0, 1), min_size=n_out, max_size=n_out))
    if draw(st.booleans()) and len(sizes) >= 2 and all(isinstance(s, int) and s > 0 for s in sizes):
        body["weights"] = [{"W": draw(st.lists(st.lists(st.floats(-3, 3), min_size=m, max_size=m),
                                               min_size=n, max_size=n)),
                            "b": draw(st.lists(st.floats(-3, 3), min_size=m, max_size=m))}
                           for n, m in zip(sizes[:-1], sizes[1:], strict=True)]
    return body


@FUZZ
@given(body=backprop_bodies())
def test_fuzz_backprop(client, body):
    data = fuzzed(client, "/api/backprop", body, backprop.step)
    if data is not None:
        assert len(data["layers"]) == len(data["sizes"]) - 1 and data["loss"] is not None
        for layer, n_out in zip(data["layers"], data["sizes"][1:], strict=True):
            assert len(layer["dL_db"]) == n_out and layer["gradcheck"]["W"] >= 0
        fuzzcount.record("lab backprop answers checked")
