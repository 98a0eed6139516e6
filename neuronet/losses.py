"""Loss functions: one number that says how wrong the network's outputs are.

Each loss takes the network's output ``a`` and the targets ``y`` (both ``(batch, k)``; integer class
labels are turned into one-hot rows by the network) and gives

* ``__call__(a, y)``  the loss, averaged over the batch;
* ``gradient(a, y)``  dL/da, the signal that backpropagation starts from.

Cross-entropy is normally paired with the activation it was made for (softmax for categorical,
sigmoid for binary). Then the network asks for ``fused(z, a, y)`` instead, which returns the loss and
dL/dz directly: the awkward derivatives of the log and of the activation cancel and what is left is
``(a − y) / batch``. It is both faster and immune to log(0).

**Logits.** A last layer with no activation (identity) paired with a cross-entropy is read as giving
*logits*, the z that the loss's own activation turns into probabilities, as PyTorch's
``CrossEntropyLoss`` / ``BCEWithLogitsLoss`` and Keras' ``from_logits=True`` do: the loss applies softmax
(or sigmoid) inside, with the same fused gradient, and ``predict_proba`` applies it to the outputs.
Every other pairing that cannot be right (a ReLU or sigmoid output under categorical cross-entropy, a
softmax under binary cross-entropy) is refused when the network is built (:meth:`Loss.output_mode`).
"""

from __future__ import annotations

import numpy as np

from .errors import ConfigError
from .registry import Registry


class Loss:
    name = "loss"
    # The output activation this loss can be fused with, if any.
    fuses_with: str | None = None

    def __call__(self, a: np.ndarray, y: np.ndarray) -> float:
        raise NotImplementedError

    def gradient(self, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def value_and_gradient(self, a: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """``(loss, dL/da)`` together; subclasses override it when both share intermediate work."""
        return self(a, y), self.gradient(a, y)

    def fused(self, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        raise NotImplementedError(f"{self.name} has no fused form")

    def output_mode(self, activation: str, n_out: int) -> str:
        """How this loss reads a last layer with ``activation`` and ``n_out`` outputs: ``"outputs"``
        (as they are) or ``"logits"`` (an identity output under a loss with ``fuses_with``). A pairing
        that cannot give a right result is a ConfigError that names the fix."""
        if self.fuses_with is None or activation == self.fuses_with:
            return "outputs"
        if activation == "identity":
            return "logits"
        raise ConfigError(self._bad_output(activation))

    def _bad_output(self, activation: str) -> str:
        return (f"loss {self.name!r} needs {self.fuses_with} outputs (or no output activation, taken as "
                f"logits); the output layer has {activation!r}")

    def get_config(self) -> dict:
        return {"name": self.name}

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


LOSSES = Registry("loss", Loss)


@LOSSES.register(aliases=("quadratic", "mean_squared_error", "l2"))
class MeanSquaredError(Loss):
    """The quadratic cost C = 1/(2n) Σ_x ‖y(x) − a(x)‖², as in Nielsen's book; dC/da = (a − y)/n.

    The ½ only tidies the derivative. (Keras' ``mse`` also averages over the k outputs and has no ½;
    that is the same function scaled by 2/k.)
    """

    name = "mse"

    def __call__(self, a, y):
        d = a - y
        return float(0.5 * np.vdot(d, d) / a.shape[0])

    def gradient(self, a, y):
        return (a - y) / a.dtype.type(a.shape[0])

    def value_and_gradient(self, a, y):
        # One difference a − y serves both: with batches of 10, fewer NumPy calls is the speed.
        d = a - y
        n = a.shape[0]
        loss = float(0.5 * np.vdot(d, d) / n)
        d /= a.dtype.type(n)
        return loss, d


@LOSSES.register(aliases=("binary_cross_entropy", "bce"))
class BinaryCrossEntropy(Loss):
    """C = −1/n Σ [y log a + (1 − y) log(1 − a)], for sigmoid outputs in (0, 1) and targets in {0, 1}.

    Fused with a sigmoid output: log a = −softplus(−z) and log(1 − a) = −softplus(z), computed without
    overflow, and dC/dz = (a − y)/n.
    """

    name = "binary_crossentropy"
    fuses_with = "sigmoid"

    def _bad_output(self, activation):
        if activation == "softmax":
            return ("loss 'binary_crossentropy' takes independent yes/no outputs, but softmax outputs are "
                    "one distribution over classes: use loss='cross_entropy' with the softmax, or "
                    "activation='sigmoid' for yes/no outputs")
        return super()._bad_output(activation) + ", whose values are not probabilities: use " \
                                                 "activation='sigmoid' (or none, for logits)"

    def __call__(self, a, y):
        eps = np.finfo(a.dtype).eps
        a = np.clip(a, eps, 1 - eps)
        return float(-(y * np.log(a) + (1 - y) * np.log1p(-a)).sum() / a.shape[0])

    def gradient(self, a, y):
        eps = np.finfo(a.dtype).eps
        a = np.clip(a, eps, 1 - eps)
        return (a - y) / (a * (1 - a)) / a.dtype.type(a.shape[0])

    def fused(self, z, a, y):
        n = z.shape[0]
        # y·softplus(−z) + (1−y)·softplus(z) = softplus(z) − y·z, with softplus(z) = max(z,0) + log1p(e^−|z|)
        loss = np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))
        return float(loss.sum() / n), (a - y) / a.dtype.type(n)


@LOSSES.register(aliases=("cross_entropy", "crossentropy", "categorical_cross_entropy", "ce",
                          "softmax_cross_entropy"))
class CategoricalCrossEntropy(Loss):
    """C = −1/n Σ_x Σ_j y_j log a_j, for softmax outputs and one-hot targets.

    Fused with softmax: log a_j = z_j − max − log Σ e^(z − max) never takes log of 0, and
    dC/dz = (a − y)/n.
    """

    name = "categorical_crossentropy"
    fuses_with = "softmax"

    def output_mode(self, activation, n_out):
        if n_out < 2:
            raise ConfigError("loss 'categorical_crossentropy' needs one output per class (2 or more); "
                              "for a single yes/no output use loss='binary_crossentropy' with a sigmoid "
                              "output")
        return super().output_mode(activation, n_out)

    def _bad_output(self, activation):
        fix = ("use activation='softmax' (one class per example), or loss='binary_crossentropy' for "
               "independent yes/no outputs" if activation == "sigmoid" else "use activation='softmax'")
        return (f"loss 'categorical_crossentropy' needs a softmax output layer, or no output activation "
                f"(logits, as in PyTorch's CrossEntropyLoss); the output layer has {activation!r}: {fix}")

    def __call__(self, a, y):
        tiny = np.finfo(a.dtype).tiny
        return float(-(y * np.log(np.maximum(a, tiny))).sum() / a.shape[0])

    def gradient(self, a, y):
        tiny = np.finfo(a.dtype).tiny
        return -y / np.maximum(a, tiny) / a.dtype.type(a.shape[0])

    def fused(self, z, a, y):
        n = z.shape[0]
        shifted = z - z.max(axis=1, keepdims=True)                     # (batch, k)
        log_norm = np.log(np.exp(shifted).sum(axis=1))                 # (batch,)
        # −Σ_j y_j (shifted_j − log_norm) = log_norm − Σ_j y_j shifted_j, as rows of y sum to 1.
        loss = log_norm.sum() - np.vdot(y, shifted)
        return float(loss / n), (a - y) / a.dtype.type(n)

names = LOSSES.names
get = LOSSES.get   # get("cross_entropy"), get({"name": "mse"}), or a Loss as it is
