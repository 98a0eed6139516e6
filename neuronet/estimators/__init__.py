"""scikit-learn-style estimators: :class:`MLPClassifier` and :class:`MLPRegressor`.

Thin wrappers around :func:`~neuronet.network.mlp` and the training loop with the interface
scikit-learn's tools expect (``fit`` returns the estimator, settings live in
``get_params``/``set_params``, results in attributes ending in ``_``), so that ``clone``,
``Pipeline``, ``GridSearchCV`` and ``cross_val_score`` work on them. scikit-learn itself is *not*
needed: it is imported only inside ``__sklearn_tags__``, which only scikit-learn calls.

    >>> import numpy as np, neuronet as nn
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 10, dtype=float)
    >>> clf = nn.MLPClassifier(hidden_layers=(8,), lr=0.05, epochs=100, batch_size=4)
    >>> clf.fit(X, ["no", "yes", "yes", "no"] * 10).predict([[1, 0], [1, 1]]).tolist()
    ['yes', 'no']

The classifier ends in a softmax over one output per class (two for a binary problem) trained with
cross-entropy; the regressor ends in identity outputs trained with the quadratic cost (``"mse"``,
½·mean squared error). Both train with mini-batches and, by default, Adam.

One concept per module:

- :mod:`.base`: the parameters and settings both share, ``fit`` and ``partial_fit``;
- :mod:`.classifier`, :mod:`.regressor`: what each makes of ``y`` and how it scores;
- :mod:`.labels`: class labels of any kind and the class indices the network trains on;
- :mod:`.validation`: what scikit-learn's conventions ask of ``X``, ``y`` and ``sample_weight``;
- :mod:`.persistence`: estimator files, and the checks of the block they keep beside the network.
"""

from .classifier import MLPClassifier
from .regressor import MLPRegressor

__all__ = ["MLPClassifier", "MLPRegressor"]
