"""Input features of points in the plane: the PlaneFeatures layer, expand, and mlp(features=...)."""

import numpy as np
import pytest

import neuronet as nn
from neuronet.errors import ConfigError, ShapeError
from neuronet.features import FEATURES, PlaneFeatures, check_names, expand

POINTS = np.array([[0.5, -2.0], [3.0, 0.25], [-1.5, 1.0]])   # (3, 2)


def test_each_feature_is_its_formula():
    x, y = POINTS[:, 0], POINTS[:, 1]
    expected = {"x": x, "y": y, "x2": x**2, "y2": y**2, "xy": x * y, "sinx": np.sin(x), "siny": np.sin(y)}
    assert list(FEATURES) == list(expected)
    out = PlaneFeatures(list(FEATURES)).forward(POINTS)
    assert out.shape == (3, 7) and out.dtype == np.float64
    for k, name in enumerate(FEATURES):
        np.testing.assert_allclose(out[:, k], expected[name], rtol=1e-15, err_msg=name)
    # Columns in the order given, the labels as a page writes them.
    layer = PlaneFeatures(["siny", "x"])
    np.testing.assert_array_equal(layer.forward(POINTS), np.column_stack([np.sin(y), x]))
    assert layer.labels == ["sin y", "x"] and layer.output_dim(2) == 2


def test_backward_matches_central_differences():
    """dL/dx = Σ_k g_k ∂f_k/∂x: against central differences of L = Σ g · f(p) in float64."""
    rng = np.random.default_rng(0)
    layer = PlaneFeatures(list(FEATURES))
    p = rng.normal(size=(5, 2))
    g = rng.normal(size=(5, 7))
    layer.forward(p)
    analytic = layer.backward(g)
    h, numeric = 1e-6, np.zeros_like(p)
    for i in range(5):
        for j in range(2):
            up, down = p.copy(), p.copy()
            up[i, j] += h
            down[i, j] -= h
            numeric[i, j] = ((g * layer.forward(up)).sum() - (g * layer.forward(down)).sum()) / (2 * h)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)
    assert layer.backward(g, need_input_grad=False) is None


def test_float32_stays_float32_and_expand_checks_its_points():
    out = expand(POINTS.astype(np.float32), ["x2", "xy"])
    assert out.dtype == np.float32 and out.shape == (3, 2)
    assert expand(POINTS, ["x"]).dtype == np.float64
    assert expand(POINTS.astype(np.int64), ["x"]).dtype == np.float32   # other numbers: float32
    with pytest.raises(ShapeError, match=r"points must have shape \(n, 2\)"):
        expand(np.ones((3, 3)), ["x"])
    with pytest.raises(ShapeError, match="NaN"):
        expand([[np.nan, 0.0]], ["x"])


@pytest.mark.parametrize("names, match", [
    ([], "non-empty list"), ("x", "non-empty list"), (None, "non-empty list"),
    (["x", "z"], "unknown feature 'z'"), (["x", "x"], "once"), ([3], "unknown feature 3"),
    (["X"], "unknown feature 'X'"),
])
def test_bad_feature_lists_are_one_line_errors(names, match):
    with pytest.raises(ConfigError, match=match) as caught:
        check_names(names)
    assert "\n" not in str(caught.value)
    with pytest.raises(ConfigError):
        PlaneFeatures(names)


def test_mlp_with_features_takes_raw_points_and_its_model_file_too(tmp_path):
    net = nn.mlp([2, 8, 3], activation="tanh", features=["x", "y", "x2", "y2"], seed=1)
    assert [type(layer).__name__ for layer in net.layers] == ["PlaneFeatures", "Dense", "Dense"]
    assert net.n_in == 2 and net.layers[1].n_in == 4
    # The same weights as the plain network on the expanded inputs: the layer has no parameters, so
    # the seed draws the Dense weights exactly as mlp([4, 8, 3]) does.
    plain = nn.mlp([4, 8, 3], activation="tanh", seed=1)
    np.testing.assert_array_equal(net.layers[1].W, plain.layers[0].W)
    np.testing.assert_allclose(net.predict_proba(POINTS),
                               plain.predict_proba(expand(POINTS, ["x", "y", "x2", "y2"])), rtol=1e-6)
    net.save(tmp_path / "m.npz")
    loaded = nn.load(tmp_path / "m.npz")
    assert loaded.layers[0].features == ["x", "y", "x2", "y2"]
    np.testing.assert_array_equal(loaded.predict_proba(POINTS), net.predict_proba(POINTS))


def test_features_help_a_linear_model_where_it_needs_them():
    """With x² and y², a network without hidden layers separates the circles; with x and y it cannot."""
    (x, y), (x_test, y_test) = nn.datasets.load("circles", n_samples=400, noise=0.05, n_classes=2)
    scores = {}
    for features in (["x", "y"], ["x", "y", "x2", "y2"]):
        net = nn.mlp([2, 2], features=features, seed=0)
        net.fit(x, y, epochs=60, batch_size=16, optimizer=nn.Adam(0.05), seed=0)
        scores[len(features)] = net.evaluate(x_test, y_test)[1]
    assert scores[2] < 0.75 and scores[4] > 0.95, scores


def test_misplaced_or_misfed_features_are_refused():
    with pytest.raises(ConfigError, match=r"sizes\[0\] must be 2"):
        nn.mlp([3, 4, 2], features=["x"])
    with pytest.raises(ShapeError, match="2 coordinates, not 4"):
        nn.Network([nn.Dense(3, 4), PlaneFeatures(["x"]), nn.Dense(1, 2, "softmax")])
    with pytest.raises(ConfigError, match="before forward"):
        PlaneFeatures().backward(np.ones((1, 2)))
    with pytest.raises(ShapeError, match=r"points \(batch, 2\)"):
        PlaneFeatures().forward(np.ones((2, 3)))
