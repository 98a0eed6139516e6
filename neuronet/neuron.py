"""Single neurons, as the ideas are first taught.

A **perceptron** outputs 1 when the weighted sum of its inputs passes a threshold and 0 otherwise:

    output = 1 if w·x > threshold else 0,   which is   1 if w·x + b > 0 with b = −threshold.

Rosenblatt's learning rule nudges the weights towards each example it gets wrong,
w ← w + η (y − ŷ) x and b ← b + η (y − ŷ); if a line (hyperplane) separates the two classes it is
guaranteed to find one. If none exists, as for XOR, it would cycle for ever, so :meth:`Perceptron.fit`
stops at an epoch limit and says so. :meth:`Perceptron.steps` gives the same rule one example at a time,
for a page or a figure to show each update as it happens.

A **sigmoid neuron** replaces the hard threshold with a smooth one: output = σ(w·x + b). A small
change in w now makes a small change in the output, which is what lets gradient descent learn.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from . import activations, checks
from .errors import ShapeError


def _as_inputs(x, n: int, name: str = "x") -> tuple[np.ndarray, bool]:
    """x as a finite (batch, n) float64 array, and whether it was a single example: the door of
    every method that takes inputs."""
    x = checks.numeric_array(x, name)
    if x.ndim not in (1, 2) or x.shape[-1] != n:
        raise ShapeError(f"expected {n} inputs per example, got an array of shape {x.shape}")
    return checks.inputs(x, n, np.float64, name), x.ndim == 1


def _weights(weights, name: str) -> np.ndarray:
    """Weights as a finite, non-empty 1-D float64 array (a copy)."""
    w = checks.numeric_array(weights, name).reshape(-1)
    if w.size == 0:
        raise ShapeError(f"{name} is empty; a neuron needs at least one weight")
    return checks.cast_finite(w, np.float64, name)


@dataclass(frozen=True)
class PerceptronStep:
    """One example seen by the perceptron rule: what the perceptron predicted for it, and its weights
    and bias after the update (unchanged when the prediction was right).

    ``epoch`` and ``index`` count from 0; ``x`` (n_inputs,) is the example, ``target`` its label.
    """

    epoch: int
    index: int
    x: np.ndarray
    target: int
    predicted: int
    weights: np.ndarray
    bias: float

    @property
    def error(self) -> int:
        """y − ŷ: +1 (should have fired), −1 (should not have), 0 (right; no update)."""
        return self.target - self.predicted

    @property
    def updated(self) -> bool:
        return self.error != 0


@dataclass
class PerceptronHistory:
    """What :meth:`Perceptron.fit` did: mistakes per epoch and every (weights, bias) it tried."""

    errors: list[int] = field(default_factory=list)
    steps: list[tuple[np.ndarray, float]] = field(default_factory=list)
    converged: bool = False
    message: str = ""


class Perceptron:
    """A perceptron with ``n_inputs`` weights and a threshold.

    >>> p = Perceptron(2, weights=[1, 1], threshold=1.5)   # AND
    >>> p.predict([[0, 0], [0, 1], [1, 0], [1, 1]]).tolist()
    [0, 0, 0, 1]
    """

    def __init__(self, n_inputs: int, weights=None, threshold: float = 0.0, lr: float = 1.0):
        n_inputs = checks.positive_int(n_inputs, "Perceptron: n_inputs")
        checks.allocatable((n_inputs,), "Perceptron: the weights")
        self.n_inputs = n_inputs
        self.weights = np.zeros(n_inputs) if weights is None else _weights(weights, "Perceptron: weights")
        if self.weights.shape != (n_inputs,):
            raise ShapeError(f"expected {n_inputs} weights, got {self.weights.size}")
        self.bias = -checks.number(threshold, "Perceptron: threshold")
        self.lr = checks.positive(lr, "Perceptron: lr")

    @property
    def threshold(self) -> float:
        """The value the weighted sum must exceed; the bias is its negative."""
        return 0.0 - self.bias   # not -self.bias, which turns a zero bias into "-0"

    def weighted_sum(self, x) -> np.ndarray | float:
        """w·x + b for one example (a number) or a batch (shape (batch,))."""
        x2, single = _as_inputs(x, self.n_inputs)
        z = x2 @ self.weights + self.bias
        return float(z[0]) if single else z

    def predict(self, x) -> np.ndarray | int:
        """1 where w·x + b > 0 (the sum is above the threshold), else 0."""
        z = self.weighted_sum(x)
        return int(z > 0) if np.isscalar(z) else (z > 0).astype(np.int64)

    def steps(self, X, y, epochs: int = 100) -> Iterator[PerceptronStep]:
        """The perceptron rule, one example at a time: a :class:`PerceptronStep` per example seen,
        updating this perceptron as it goes (w ← w + η (y − ŷ) x, b ← b + η (y − ŷ) on a mistake).

        The examples are taken in order, epoch after epoch; it ends after the first epoch without a
        mistake, or after ``epochs`` epochs. ``X`` (n, n_inputs), ``y`` (n,) of 0s and 1s, both
        checked here, when it is called, not when the first step is asked for.

        >>> p = Perceptron(2)
        >>> [(s.epoch, s.index, s.error) for s in p.steps([[0, 1], [1, 1]], [0, 1])][:3]
        [(0, 0, 0), (0, 1, 1), (1, 0, -1)]
        """
        X2, _ = _as_inputs(X, self.n_inputs, "X")
        y = checks.numeric_array(y, "y").reshape(-1)
        epochs = checks.positive_int(epochs, "Perceptron: epochs")
        if y.shape[0] != X2.shape[0]:
            raise ShapeError(f"{y.shape[0]} labels for {X2.shape[0]} examples")
        if not np.isin(y, (0, 1)).all():
            raise ShapeError("perceptron labels must be 0 or 1")
        return self._steps(X2, y.astype(np.int64), epochs)

    def _steps(self, X: np.ndarray, y: np.ndarray, epochs: int) -> Iterator[PerceptronStep]:
        # One example at a time is the rule itself: each update changes the next prediction.
        for epoch in range(epochs):
            mistakes = 0
            for i, (xi, yi) in enumerate(zip(X, y, strict=True)):
                predicted = int(xi @ self.weights + self.bias > 0)
                error = int(yi) - predicted
                if error:
                    self.weights += self.lr * error * xi     # w ← w + η (y − ŷ) x
                    self.bias += self.lr * error             # b ← b + η (y − ŷ)
                    mistakes += 1
                yield PerceptronStep(epoch, i, xi.copy(), int(yi), predicted, self.weights.copy(), self.bias)
            if mistakes == 0:
                return

    def fit(self, X, y, epochs: int = 100) -> PerceptronHistory:
        """Apply the perceptron rule (:meth:`steps`) until an epoch makes no mistake.

        Stops after ``epochs`` epochs at most; then ``history.converged`` is False and
        ``history.message`` says the data does not look linearly separable.
        """
        history = PerceptronHistory(steps=[(self.weights.copy(), self.bias)])
        for step in self.steps(X, y, epochs):
            if step.index == 0:
                history.errors.append(0)
            if step.updated:
                history.errors[-1] += 1
                history.steps.append((step.weights, step.bias))
        if history.errors[-1] == 0:
            history.converged = True
            history.message = f"converged after {len(history.errors)} epoch(s)"
            return history
        history.message = (f"no separating line found in {epochs} epochs: the data is probably not "
                           f"linearly separable (as XOR is not), so a single perceptron cannot learn it")
        return history

    def __repr__(self):
        return f"Perceptron(weights={_numbers(self.weights)}, threshold={self.threshold:.4g})"


class Neuron:
    """One neuron with a smooth activation: output = f(w·x + b), by default the sigmoid σ.

    >>> n = Neuron(weights=[2.0, -1.0], bias=0.5)
    >>> round(n([1.0, 1.0]), 4)        # σ(2 − 1 + 0.5) = σ(1.5)
    0.8176
    """

    def __init__(self, weights, bias: float = 0.0, activation="sigmoid"):
        self.weights = _weights(weights, "Neuron: weights")
        self.bias = checks.number(bias, "Neuron: bias")
        self.activation = activations.get(activation)

    @property
    def n_inputs(self) -> int:
        return self.weights.size

    def weighted_sum(self, x) -> np.ndarray | float:
        """z = w·x + b, for one example or a batch."""
        x2, single = _as_inputs(x, self.n_inputs)
        z = x2 @ self.weights + self.bias
        return float(z[0]) if single else z

    def __call__(self, x) -> np.ndarray | float:
        """f(w·x + b): a number for one example, shape (batch,) for a batch."""
        z = self.weighted_sum(x)
        a = self.activation(np.atleast_1d(np.asarray(z, dtype=np.float64)))
        return float(a[0]) if np.isscalar(z) else a

    def __repr__(self):
        return (f"Neuron(weights={_numbers(self.weights)}, bias={self.bias:.4g}, "
                f"activation={self.activation.name!r})")


def _numbers(values: np.ndarray) -> str:
    """A short list of numbers for printing: four significant digits each."""
    return "[" + ", ".join(f"{float(v):.4g}" for v in values) + "]"
