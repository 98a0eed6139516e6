"""Single neurons: the perceptron learning logic gates (and failing on XOR), the sigmoid neuron."""

from __future__ import annotations

import math

import numpy as np
import pytest

import neuronet as nn

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
GATES = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0]}


@pytest.mark.parametrize("gate", GATES)
def test_perceptron_learns_linearly_separable_gates(gate):
    y = GATES[gate]
    p = nn.Perceptron(2)
    history = p.fit(X, y, epochs=100)
    assert history.converged
    assert history.errors[-1] == 0
    assert "converged" in history.message
    assert p.predict(X).tolist() == y
    # single examples give plain ints
    assert [p.predict(x) for x in X] == y


def test_perceptron_xor_stops_at_the_epoch_limit():
    p = nn.Perceptron(2)
    history = p.fit(X, [0, 1, 1, 0], epochs=25)
    assert not history.converged
    assert len(history.errors) == 25
    assert min(history.errors) > 0             # never a clean epoch
    assert "not linearly separable" in history.message
    assert p.predict(X).tolist() != [0, 1, 1, 0]


def test_perceptron_threshold_is_minus_bias():
    p = nn.Perceptron(2, weights=[1, 1], threshold=1.5)
    assert p.bias == -1.5 and p.threshold == 1.5
    assert p.predict(X).tolist() == [0, 0, 0, 1]
    assert p.weighted_sum([1, 1]) == pytest.approx(0.5)


def test_perceptron_rule_single_update():
    p = nn.Perceptron(2, lr=0.5)
    p.fit(np.array([[1.0, 2.0]]), [1], epochs=1)   # z = 0 → predicts 0, error +1
    np.testing.assert_allclose(p.weights, [0.5, 1.0])
    assert p.bias == 0.5


def test_perceptron_bad_input():
    with pytest.raises(nn.ShapeError, match="2 inputs"):
        nn.Perceptron(2).predict([[1, 2, 3]])
    with pytest.raises(nn.ShapeError, match="0 or 1"):
        nn.Perceptron(2).fit(X, [0, 1, 2, 0])


def test_neuron_single_and_batch():
    w, b = np.array([2.0, -1.0, 0.5]), 0.25
    n = nn.Neuron(weights=w, bias=b)
    x = np.array([0.3, 0.8, -1.2])
    z = float(w @ x + b)
    assert n(x) == pytest.approx(1 / (1 + math.exp(-z)), rel=1e-12)
    assert isinstance(n(x), float)
    batch = np.array([x, [1.0, 1.0, 1.0], [0.0, 0.0, 0.0]])
    out = n(batch)
    assert out.shape == (3,)
    np.testing.assert_allclose(out, 1 / (1 + np.exp(-(batch @ w + b))), rtol=1e-12)
    assert out[2] == pytest.approx(1 / (1 + math.exp(-b)))


def test_neuron_other_activation():
    n = nn.Neuron([1.0, 1.0], bias=-3.0, activation="relu")
    assert n([1.0, 1.0]) == 0.0
    assert n([2.0, 2.5]) == pytest.approx(1.5)
