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


def rule_by_hand(X, y, lr: float, epochs: int):
    """Rosenblatt's rule written out here, independently of neuron.py: every example seen, as
    (epoch, index, prediction, weights after, bias after), stopping after a clean epoch."""
    w, b, seen = np.zeros(X.shape[1]), 0.0, []
    for epoch in range(epochs):
        mistakes = 0
        for i, (xi, yi) in enumerate(zip(X, y, strict=True)):
            guess = 1 if float(np.dot(w, xi)) + b > 0 else 0
            if guess != yi:
                w, b, mistakes = w + lr * (yi - guess) * xi, b + lr * (yi - guess), mistakes + 1
            seen.append((epoch, i, guess, w.tolist(), b))
        if mistakes == 0:
            break
    return seen


@pytest.mark.parametrize("labels", [*GATES.values(), [0, 1, 1, 0]])
@pytest.mark.parametrize("lr", [1.0, 0.3])
def test_perceptron_steps_are_the_rule_one_example_at_a_time(labels, lr):
    p = nn.Perceptron(2, lr=lr)
    steps = list(p.steps(X, labels, epochs=12))
    expected = rule_by_hand(X.astype(float), labels, lr, 12)
    assert [(s.epoch, s.index, s.predicted) for s in steps] == [e[:3] for e in expected]
    for step, (_, i, _, w, b) in zip(steps, expected, strict=True):
        np.testing.assert_allclose(step.weights, w, rtol=1e-12)
        assert step.bias == pytest.approx(b, rel=1e-12)
        assert step.target == labels[i] and step.x.tolist() == X[i].tolist()
        assert step.error == step.target - step.predicted and step.updated == (step.error != 0)
    # The perceptron is left where the last step says, and fit tells the same story in its own terms.
    np.testing.assert_array_equal(p.weights, steps[-1].weights)
    again = nn.Perceptron(2, lr=lr)
    history = again.fit(X, labels, epochs=12)
    updates = [s for s in steps if s.updated]
    assert len(history.steps) == 1 + len(updates)
    for (w, b), s in zip(history.steps[1:], updates, strict=True):
        assert np.array_equal(w, s.weights) and b == s.bias
    epochs = range(steps[-1].epoch + 1)
    assert history.errors == [sum(s.updated for s in steps if s.epoch == e) for e in epochs]
    assert history.converged == (labels != [0, 1, 1, 0])


def test_perceptron_steps_check_at_the_call_and_keep_copies():
    p = nn.Perceptron(2)
    with pytest.raises(nn.ShapeError, match="0 or 1"):
        p.steps(X, [0, 1, 2, 0])              # raised here, before any step is asked for
    with pytest.raises(nn.ConfigError, match="epochs"):
        p.steps(X, [0, 1, 1, 0], epochs=0)
    first = next(p.steps(X, [1, 1, 1, 1]))
    before = first.weights.copy()
    p.weights += 5                            # the step's arrays are its own, not the perceptron's
    np.testing.assert_array_equal(first.weights, before)


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
