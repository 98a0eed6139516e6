"""The targets people really have: 1-D regression targets for a one-output mse network are values,
as scikit-learn and Keras take them; class labels stay labels."""

import numpy as np
import pytest

import neuronet as nn


def test_one_dimensional_regression_targets_train_an_mse_network():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = X @ np.array([0.5, -1.0, 2.0]) + 0.3                      # shape (300,), not whole numbers
    net = nn.Network([nn.Dense(3, 1)], loss="mse", seed=0)
    history = net.fit(X, y, epochs=60, batch_size=30, optimizer=nn.Adam(0.05))
    assert np.isnan(history["accuracy"][-1])                        # values, not classes
    assert history["loss"][-1] < 0.01
    loss_1d, _ = net.evaluate(X, y)
    loss_2d, _ = net.evaluate(X, y[:, None])
    assert loss_1d == loss_2d


def test_labels_stay_labels_where_they_are_classes():
    net = nn.Network([nn.Dense(3, 1, "sigmoid")], loss="mse", seed=0)
    X = np.ones((4, 3))
    assert not np.isnan(net.evaluate(X, np.array([0, 1, 1, 0]))[1])   # whole 0/1: accuracy counted
    with pytest.raises(nn.ShapeError, match="whole-number class labels"):
        nn.Network([nn.Dense(3, 1, "sigmoid")], loss="binary_crossentropy").fit(X, [0.5, 1, 0, 1])
    with pytest.raises(nn.ShapeError, match="whole-number class labels"):   # several outputs: labels
        nn.Network([nn.Dense(3, 2)], loss="mse").fit(X, [0.5, 1, 0, 1])
