"""neuronet.gradcheck: the finite-difference checker itself. It must pass correct gradients, fail wrong
ones, and leave the network it checks untouched. (The networks it checks are in test_gradients.py.)"""

from __future__ import annotations

import numpy as np

import neuronet as nn
from neuronet import activations
from neuronet.gradcheck import gradcheck


def _build(seed=0):
    rng = np.random.default_rng(seed)
    net = nn.Network([nn.Dense(4, 5, "tanh"), nn.Dense(5, 3, "softmax")], loss="categorical_crossentropy",
                     seed=seed, dtype="float64")
    for layer in net.layers:                       # non-zero biases, so their gradients matter
        layer.params["b"][...] = rng.normal(scale=0.3, size=layer.b.shape)
    return net, rng.normal(size=(6, 4)), np.eye(3)[rng.integers(0, 3, 6)]


def test_gradcheck_detects_a_wrong_backward(monkeypatch):
    """gradcheck itself must be able to fail: break tanh's backward by a factor and it must say so."""
    net, X, T = _build()
    original = activations.Tanh.backward
    monkeypatch.setattr(activations.Tanh, "backward",
                        lambda self, grad, z, a: 1.01 * original(self, grad, z, a))
    report = gradcheck(net, X, T)
    assert not report.ok
    assert report.errors["0.W"] > 1e-3
    assert report.errors["1.W"] < 1e-6          # the output layer does not go through tanh
    assert "FAILED" in str(report)


def test_gradcheck_of_a_float32_network_leaves_it_untouched():
    net = nn.mlp([4, 6, 3], activation="gelu", seed=4)            # float32
    before = net.get_weights()
    X = np.random.default_rng(4).normal(size=(5, 4)).astype(np.float32)
    report = gradcheck(net, X, [0, 1, 2, 1, 0])
    assert report.ok, str(report)
    assert set(report.errors) == {"0.W", "0.b", "1.W", "1.b"}
    for name, w in net.get_weights().items():
        assert w.dtype == np.float32
        np.testing.assert_array_equal(w, before[name])


def test_report_counts_entries_and_checks_a_sample_of_large_parameters():
    net, X, T = _build(1)
    report = gradcheck(net, X, T, max_entries=7)
    assert report.checked == {"0.W": 7, "0.b": 5, "1.W": 7, "1.b": 3}
    text = str(report)
    assert text.splitlines()[0].split() == ["parameter", "entries", "max", "rel.", "error"]
    assert text.splitlines()[-1].startswith("OK: largest relative error")
    assert report.max_error == max(report.errors.values())


def test_the_tolerance_decides_the_verdict():
    net, X, T = _build(2)
    report = gradcheck(net, X, T)
    assert report.ok
    strict = gradcheck(net, X, T, tolerance=report.max_error / 2)
    assert not strict.ok and "<-- too large" in str(strict)
