"""MLPClassifier: a softmax over one output per class, trained with cross-entropy."""

from __future__ import annotations

import numpy as np

from ..checks import shown
from ..errors import ConfigError, ShapeError
from ..network import Network
from . import persistence, validation
from .base import _MLPBase
from .labels import class_labels, encode, unique


class MLPClassifier(_MLPBase):
    """A multilayer perceptron classifier with a scikit-learn interface.

    Labels may be anything :func:`numpy.unique` can sort: integers, strings, booleans, whole-number
    floats. ``classes_`` holds them sorted, and :meth:`predict` answers with them (same dtype). The
    output layer is a softmax with one unit per class (two for a binary problem), trained with
    cross-entropy: ``P(class k | x) = softmax(z)_k``.

    Parameters: see :class:`~neuronet.estimators.base._MLPBase` (``hidden_layers=(100,)``,
    ``activation="relu"``, ``optimizer="adam"``, ``lr=1e-3``, ``epochs=200``, ``batch_size=200``,
    ``seed=0`` ...).

    Extra attribute after ``fit``: ``classes_``, shape (n_classes,).

    >>> clf = MLPClassifier(hidden_layers=(32,), epochs=50).fit(X_train, y_train)  # doctest: +SKIP
    >>> clf.score(X_test, y_test)                                                  # doctest: +SKIP
    """

    _estimator_type = "classifier"
    _output_activation = "softmax"
    _loss = "cross_entropy"

    def _targets(self, y, n: int, classes, first: bool, partial: bool):
        """(class indices (n,) int64, the number of classes, ``{"classes_": sorted labels}``).

        ``fit`` takes the classes from ``y``; the first ``partial_fit`` from ``classes=`` (a later
        batch may hold labels this one lacks); later calls keep those of the first.
        """
        y = class_labels(validation.target_array(y, n, type(self).__name__))
        if classes is not None:
            classes = unique(class_labels(np.atleast_1d(np.asarray(classes)), "classes"), "classes")
            if not first and not np.array_equal(classes, self.classes_):
                raise ConfigError(f"classes {classes.tolist()} differ from the classes of the first "
                                  f"partial_fit, {self.classes_.tolist()}")
        elif first and partial:
            raise ConfigError("the first call of partial_fit needs classes=, the list of all class "
                              "labels (a later batch may hold some that this one lacks)")
        if not first:
            classes = self.classes_
        if classes is None:   # fit: the classes are those of y
            classes, index = unique(y, "y", inverse=True)
        else:
            index = encode(y, classes)
        if len(classes) < 2:
            raise ShapeError(f"y holds only one class ({shown(classes[0])}); "
                             f"a classifier needs at least 2")
        return index.astype(np.int64), len(classes), {"classes_": classes}

    def predict_proba(self, X) -> np.ndarray:
        """Probability of each class, shape (n_samples, n_classes), columns in the order of
        ``classes_``; float64."""
        return self._outputs(X)

    def predict(self, X) -> np.ndarray:
        """The most probable class of each example, shape (n_samples,), as labels from ``classes_``."""
        index = self._outputs(X).argmax(axis=1)
        return self.classes_[index]

    def score(self, X, y, sample_weight=None) -> float:
        """Accuracy: the (weighted) fraction of examples whose class is predicted correctly."""
        predicted = self.predict(X)
        y = validation.target_array(y, len(predicted), type(self).__name__)
        if y.ndim == 2 and y.shape[1] == 1:   # a column of labels is still one label per example
            y = y.reshape(-1)
        y = class_labels(y)   # anything but 1-D would broadcast against the predictions
        correct = (predicted == y).astype(np.float64)
        return float(np.average(correct, weights=validation.sample_weight(sample_weight, len(y))))

    def _set_fitted(self, net, fitted, history, seed):
        # Class names go into the network too: `neuronet info` and `neuronet predict` show them.
        net.class_names = [str(c) for c in fitted["classes_"]]
        super()._set_fitted(net, fitted, history, seed)

    def _saved_fields(self) -> dict:
        return persistence.saved_classes(self.classes_)

    def _loaded_fields(self, record: dict, net: Network, fail) -> dict:
        return {"classes_": persistence.loaded_classes(record, net.n_out, fail)}
