"""MLPRegressor: identity outputs trained with the quadratic cost."""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError, ShapeError
from ..network import Network
from . import persistence, validation
from .base import _MLPBase


class MLPRegressor(_MLPBase):
    """A multilayer perceptron regressor with a scikit-learn interface.

    ``y`` may be (n_samples,) or (n_samples, n_targets); :meth:`predict` answers in the same shape,
    as float64. The outputs are identity units trained with the quadratic cost
    ``C = ½ · mean((ŷ − y)²)``. Targets far from unit scale train better standardised (e.g.
    TransformedTargetRegressor).

    Parameters: see :class:`~neuronet.estimators.base._MLPBase` (``hidden_layers=(100,)``,
    ``activation="relu"``, ``optimizer="adam"``, ``lr=1e-3``, ``epochs=200``, ``batch_size=200``,
    ``seed=0`` ...).
    """

    _estimator_type = "regressor"
    _output_activation = "identity"
    _loss = "mse"

    def _targets(self, y, n: int, classes, first: bool, partial: bool):
        """(target rows (n, n_targets), n_targets, ``{"_y_1d": whether predict answers (n,)}``).

        Not scanned for NaN here: the network's check_examples does that, with X.
        """
        if classes is not None:
            raise ConfigError("MLPRegressor.partial_fit takes no classes")
        y = validation.target_array(y, n, type(self).__name__)
        if y.ndim not in (1, 2) or (y.ndim == 2 and y.shape[1] == 0):
            raise ShapeError(f"y must have shape ({n},) or ({n}, n_targets), got {y.shape}")
        y = validation.numeric(y, "y")
        rows = y.reshape(n, -1)                                    # (n, n_targets)
        if not first and rows.shape[1] != self.network_.n_out:
            raise ShapeError(f"y has {rows.shape[1]} target(s) per example, but this "
                             f"MLPRegressor was fitted with {self.network_.n_out}")
        # The shape predict answers in is set by the first fit, not by a later partial_fit's y.
        one_d = y.ndim == 1 if first else self._y_1d
        return rows, rows.shape[1], {"_y_1d": one_d}

    def predict(self, X) -> np.ndarray:
        """Predicted targets as float64, shape (n_samples,) or (n_samples, n_targets) like ``y``."""
        out = self._outputs(X)
        return out[:, 0] if self._y_1d else out

    def score(self, X, y, sample_weight=None) -> float:
        """R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)², averaged over the targets (1 is perfect; a constant
        prediction of the mean scores 0)."""
        pred = self._outputs(X)                                    # (n, n_targets)
        y = validation.numeric(validation.target_array(y, len(pred), type(self).__name__), "y")
        if y.ndim > 2:
            raise ShapeError(f"y must have shape (n,) or (n, n_targets), got {y.shape}")
        y = y.reshape(len(pred), -1)
        if y.shape != pred.shape:
            raise ShapeError(f"y has {y.shape[1]} target(s) per example, the model predicts "
                             f"{pred.shape[1]}")
        w = validation.sample_weight(sample_weight, len(y))
        w = (np.ones(len(y)) if w is None else w).reshape(-1, 1)  # (n, 1)
        residual = (w * (y - pred) ** 2).sum(axis=0)
        total = (w * (y - np.average(y, axis=0, weights=w[:, 0])) ** 2).sum(axis=0)
        # A constant target has no variance to explain: perfect predictions score 1, others 0.
        with np.errstate(divide="ignore", invalid="ignore"):
            r2 = np.where(total > 0, 1 - residual / total, np.where(residual == 0, 1.0, 0.0))
        return float(r2.mean())

    def _saved_fields(self) -> dict:
        return {"targets_1d": bool(self._y_1d)}

    def _loaded_fields(self, record: dict, net: Network, fail) -> dict:
        return {"_y_1d": persistence.loaded_targets_1d(record, net.n_out, fail)}
