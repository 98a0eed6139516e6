"""MLPClassifier and MLPRegressor: labels of any kind, scikit-learn's tools and its estimator checks,
partial_fit, model files, input errors and reproducibility."""

from __future__ import annotations

import copy
import pickle
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from modelfile_bytes import edit_doc

import neuronet as nn
from neuronet import modelfile

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"hidden_layers": (16,), "epochs": 60, "lr": 1e-2}


def _blobs(n=240, k=3, d=4, seed=0):
    """k well-separated clusters in d dimensions: labels 0..k-1."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=3.0, size=(k, d))
    y = rng.integers(0, k, n)
    return centres[y] + rng.normal(size=(n, d)), y


def _regression(n=300, k=1, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, size=(n, 3))
    Y = np.stack([np.sin(X[:, 0]) + 0.5 * X[:, 1] * X[:, 2], X[:, 0] - X[:, 1] ** 2 / 2][:k], axis=1)
    return X, Y


# --- classification with labels of any kind --------------------------------------------------------

@pytest.mark.parametrize("labels", [np.array([3, 7, 11]), np.array(["cat", "dog", "emu"]),
                                    np.array([-1.0, 0.0, 2.0])], ids=["int", "str", "float"])
def test_multiclass_labels_come_back_as_given(labels):
    X, idx = _blobs()
    y = labels[idx]
    clf = nn.MLPClassifier(**SMALL).fit(X, y)
    np.testing.assert_array_equal(clf.classes_, labels)
    assert clf.classes_.dtype == labels.dtype
    pred = clf.predict(X)
    assert pred.dtype == labels.dtype and pred.shape == (len(X),)
    assert set(pred) <= set(labels)
    assert clf.score(X, y) > 0.95
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 3) and proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    # predict is the class of the largest probability, in the order of classes_
    np.testing.assert_array_equal(pred, clf.classes_[proba.argmax(axis=1)])


def test_binary_bool_labels_use_two_softmax_outputs():
    X, idx = _blobs(k=2)
    y = idx == 1
    clf = nn.MLPClassifier(**SMALL).fit(X, y)
    assert clf.classes_.tolist() == [False, True] and clf.classes_.dtype == bool
    assert clf.network_.n_out == 2 and clf.network_.layers[-1].activation.name == "softmax"
    assert clf.predict(X).dtype == bool
    assert clf.score(X, y) > 0.95


def test_string_labels_given_as_a_list_and_classes_not_in_index_order():
    X, idx = _blobs(k=2)
    y = [["zebra", "apple"][i] for i in idx]   # "zebra" is class index 1 after sorting
    clf = nn.MLPClassifier(**SMALL).fit(X.tolist(), y)
    assert clf.classes_.tolist() == ["apple", "zebra"]
    assert clf.score(X, y) > 0.95
    assert np.mean(clf.predict(X.tolist()) == np.array(y)) == clf.score(X, y)


def test_continuous_or_single_class_labels_are_refused():
    X, _ = _blobs()
    with pytest.raises(nn.ShapeError, match="Unknown label type.*continuous"):
        nn.MLPClassifier(epochs=1).fit(X, np.linspace(0, 1, len(X)))
    with pytest.raises(nn.ShapeError, match="only one class"):
        nn.MLPClassifier(epochs=1).fit(X, np.zeros(len(X)))
    with pytest.raises(nn.ShapeError, match="1-D class labels"):
        nn.MLPClassifier(epochs=1).fit(X, np.zeros((len(X), 3)))


def test_column_of_labels_is_flattened_with_a_warning():
    X, y = _blobs()
    with pytest.warns(nn.errors.DataConversionWarning, match="column-vector y"):
        clf = nn.MLPClassifier(epochs=2).fit(X, y[:, None])
    assert clf.predict(X).shape == (len(X),)


# --- regression ------------------------------------------------------------------------------------

def test_regression_one_target_predicts_shape_n():
    X, Y = _regression()
    reg = nn.MLPRegressor(hidden_layers=(32,), epochs=150, lr=1e-2, batch_size=32).fit(X, Y[:, 0])
    pred = reg.predict(X)
    assert pred.shape == (len(X),) and pred.dtype == np.float64
    assert reg.score(X, Y[:, 0]) > 0.95
    assert reg.network_.layers[-1].activation.name == "identity" and reg.network_.loss.name == "mse"


def test_regression_several_targets_and_column_shapes_are_kept():
    X, Y = _regression(k=2)
    reg = nn.MLPRegressor(hidden_layers=(32,), epochs=150, lr=1e-2, batch_size=32).fit(X, Y)
    assert reg.predict(X).shape == (len(X), 2)
    assert reg.score(X, Y) > 0.95
    column = nn.MLPRegressor(epochs=2).fit(X, Y[:, :1])
    assert column.predict(X).shape == (len(X), 1)
    # a later partial_fit's y does not change the shape predict answers in
    assert column.partial_fit(X, Y[:, 0]).predict(X).shape == (len(X), 1)
    flat = nn.MLPRegressor(epochs=2).fit(X, Y[:, 0])
    assert flat.partial_fit(X, Y[:, :1]).predict(X).shape == (len(X),)
    with pytest.raises(nn.ShapeError, match=r"y must have shape \(n,\) or \(n, n_targets\)"):
        flat.score(X, Y[:, :1, None])


def test_r2_score_matches_its_definition():
    X, Y = _regression(k=2)
    reg = nn.MLPRegressor(hidden_layers=(4,), epochs=3).fit(X, Y)
    pred = reg.predict(X)
    r2 = [1 - ((Y[:, j] - pred[:, j]) ** 2).sum() / ((Y[:, j] - Y[:, j].mean()) ** 2).sum()
          for j in range(2)]
    assert reg.score(X, Y) == pytest.approx(np.mean(r2), rel=1e-12)
    skm = pytest.importorskip("sklearn.metrics")
    assert reg.score(X, Y) == pytest.approx(skm.r2_score(Y, pred), rel=1e-12)
    w = np.linspace(0.5, 2, len(X))
    assert reg.score(X, Y, sample_weight=w) == pytest.approx(skm.r2_score(Y, pred, sample_weight=w))


# --- parameters ------------------------------------------------------------------------------------

def test_constructor_stores_arguments_and_does_not_validate():
    clf = nn.MLPClassifier(hidden_layers="nonsense", epochs=-3, optimizer=42)
    assert clf.hidden_layers == "nonsense" and clf.epochs == -3 and clf.optimizer == 42
    X, y = _blobs(n=20)
    with pytest.raises(nn.ConfigError, match="hidden_layers must be a tuple of positive integers"):
        clf.fit(X, y)
    with pytest.raises(nn.ConfigError, match="optimizer must be one of sgd, rmsprop, adam, adamw"):
        clf.set_params(hidden_layers=(4,)).fit(X, y)
    with pytest.raises(nn.ConfigError, match="epochs must be an integer >= 1, got -3"):
        clf.set_params(optimizer="sgd").fit(X, y)
    with pytest.raises(nn.ConfigError, match="unknown activation 'wiggle'"):
        nn.MLPClassifier(activation="wiggle").fit(X, y)


BAD_PARAMS = [("hidden_layers", (0,)), ("hidden_layers", (2.5,)), ("activation", "wiggle"),
              ("activation", 3), ("optimizer", "adamm"), ("lr", "fast"), ("lr", -1.0), ("lr", 0),
              ("epochs", 0), ("epochs", 2.0), ("epochs", True), ("batch_size", None),
              ("weight_decay", "none"), ("weight_decay", -0.1), ("dropout", 1.0), ("dropout", "x"),
              ("patience", 0), ("seed", -1), ("seed", "abc"), ("dtype", "float16"),
              ("validation_fraction", 0.0)]


@pytest.mark.parametrize(("name", "value"), BAD_PARAMS, ids=[f"{n}={v!r}" for n, v in BAD_PARAMS])
def test_every_bad_setting_is_a_one_line_config_error(name, value):
    X, y = _blobs(n=20)
    for Estimator in (nn.MLPClassifier, nn.MLPRegressor):
        est = Estimator(epochs=1, early_stopping=True).set_params(**{name: value})
        with pytest.raises(nn.ConfigError) as info:
            est.fit(X, y)
        assert "\n" not in str(info.value)
        assert not hasattr(est, "network_")


def test_get_params_follows_the_signature_and_set_params_refuses_unknown_names():
    reg = nn.MLPRegressor(lr=0.5, seed=3)
    params = reg.get_params()
    assert list(params)[:3] == ["hidden_layers", "activation", "optimizer"]
    assert params["lr"] == 0.5 and params["seed"] == 3 and params["epochs"] == 200
    assert reg.set_params(epochs=7, dropout=0.1) is reg and reg.epochs == 7 and reg.dropout == 0.1
    with pytest.raises(nn.ConfigError, match="no parameter 'learning_rate'; valid parameters: "
                                             "hidden_layers, activation, .*, verbose"):
        reg.set_params(learning_rate=0.1)
    assert repr(reg) == "MLPRegressor(lr=0.5, epochs=7, dropout=0.1, seed=3)"
    assert repr(nn.MLPClassifier()) == "MLPClassifier()"


def test_not_fitted_error_is_neuronet_value_and_attribute_error():
    clf = nn.MLPClassifier()
    for method in (clf.predict, clf.predict_proba):
        with pytest.raises(nn.NotFittedError, match="not fitted yet; call fit") as info:
            method([[1.0, 2.0]])
        # all three at once (a tuple in isinstance would pass with any one of them)
        for base in (nn.NeuronetError, ValueError, AttributeError):
            assert isinstance(info.value, base)
        assert "\n" not in str(info.value)
    with pytest.raises(nn.NotFittedError):   # before any complaint about the input itself
        clf.predict([1.0, 2.0])
    with pytest.raises(nn.NotFittedError):
        nn.MLPRegressor().save("never.npz")
    assert not hasattr(clf, "network_") and not hasattr(clf, "classes_")


# --- input checks ------------------------------------------------------------------------------------

def test_input_errors_are_one_clear_line():
    X, y = _blobs(n=30)
    clf = nn.MLPClassifier(epochs=1)
    cases = [
        (X[:, 0], y, nn.ShapeError, r"2-D array .* got shape \(30,\)"),
        (X[None], y, nn.ShapeError, r"2-D array .* got shape \(1, 30, 4\)"),
        (X, y[:-1], nn.ShapeError, "y has 29 values for the 30 examples of X"),
        (X, None, nn.ShapeError, "requires y to be passed"),
        (np.where(np.arange(120).reshape(30, 4) == 9, np.nan, X), y, nn.ShapeError,
         r"X contains NaN or infinity \(first at row 2, column 1\)"),
        (np.full((30, 4), "a"), y, nn.ShapeError, "X must be numeric"),
        (X + 1j, y, nn.ShapeError, "Complex data not supported"),
        (np.empty((0, 4)), [], nn.ShapeError, "0 sample"),
    ]
    for Xb, yb, error, message in cases:
        with pytest.raises(error, match=message) as info:
            clf.fit(Xb, yb)
        assert "\n" not in str(info.value)
    clf.fit(X, y)
    with pytest.raises(nn.ShapeError, match="X has 3 features, but MLPClassifier is expecting 4"):
        clf.predict(X[:, :3])
    with pytest.raises(nn.ShapeError, match="Reshape your data"):
        clf.predict(X[0])
    with pytest.raises(nn.ShapeError, match="X contains NaN or infinity"):
        clf.predict(np.full((2, 4), np.inf))


@pytest.mark.parametrize("weights, message", [
    ([1.0, 2.0], r"sample_weight must have shape \(30,\), got \(2,\)"),
    (np.ones((30, 2)), r"sample_weight must have shape \(30,\), got \(30, 2\)"),
    (["a"] * 30, "sample_weight must be numeric"),
    (np.full(30, np.nan), "sample_weight must be finite and >= 0"),
    (-np.ones(30), "sample_weight must be finite and >= 0"),
    (np.zeros(30), "sample_weight sums to 0"),
])
def test_bad_sample_weights_in_score_are_one_line_errors(weights, message):
    X, y = _blobs(n=30)
    for est in (nn.MLPClassifier(epochs=1).fit(X, y), nn.MLPRegressor(epochs=1).fit(X, y)):
        with pytest.raises(nn.ShapeError, match=message) as info:
            est.score(X, y, sample_weight=weights)
        assert "\n" not in str(info.value)


def test_classifier_score_wants_one_label_per_example():
    X, y = _blobs(n=30)
    clf = nn.MLPClassifier(epochs=1).fit(X, y)
    assert clf.score(X, y[:, None]) == clf.score(X, y)   # a column of labels is still one per example
    for bad in (np.zeros((30, 2)), np.zeros((30, 1, 1))):   # (30, 1, 1) used to broadcast to 30³
        with pytest.raises(nn.ShapeError, match=r"y must be 1-D class labels .* got shape") as info:
            clf.score(X, bad)
        assert "\n" not in str(info.value)


def test_values_beyond_float32_are_named_as_such_not_as_infinity():
    X, y = _blobs(n=30)
    X[3, 2] = 1e300
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # no RuntimeWarning about the overflowing cast either
        for est in (nn.MLPClassifier(epochs=1), nn.MLPRegressor(epochs=1)):
            with pytest.raises(nn.ShapeError, match=r"X\[3, 2\] = 1e\+300 is beyond float32's range "
                                                    r".*dtype='float64'") as info:
                est.fit(X, y)
            assert "\n" not in str(info.value)
        with pytest.raises(nn.ShapeError, match=r"y\[0, 0\] = -1e\+300 is beyond float32's range"):
            nn.MLPRegressor(epochs=1).fit(X[:, :2], np.r_[-1e300, np.zeros(29)])
    # in float64 they are ordinary numbers
    assert nn.mlp([4, 2], dtype="float64").check_inputs(X)[3, 2] == 1e300


def test_lists_and_integer_inputs_give_the_same_model_as_floats():
    X, y = _blobs(n=60)
    Xi = np.round(X).astype(np.int64)
    a = nn.MLPClassifier(hidden_layers=(8,), epochs=5).fit(Xi, y)
    b = nn.MLPClassifier(hidden_layers=(8,), epochs=5).fit(Xi.astype(float).tolist(), y.tolist())
    np.testing.assert_array_equal(a.predict_proba(Xi), b.predict_proba(Xi.tolist()))



def test_data_is_scanned_for_nan_once_per_fit(monkeypatch):
    """X is cast and scanned once per fit, where it enters (Network.check_examples): not again by the
    network, nor by the training loop, nor for the early-stopping hold-out, which is taken from the
    checked examples. A regressor's y is scanned once beside it; a classifier's labels are indices."""
    from neuronet import checks

    scanned = []
    finite_rows = checks.finite_rows

    def counted(values, source, name):
        scanned.append((name, values.shape))
        return finite_rows(values, source, name)

    monkeypatch.setattr(checks, "finite_rows", counted)
    X, y = _blobs(n=50)
    for early_stopping in (False, True):
        settings = {"hidden_layers": (4,), "epochs": 2, "early_stopping": early_stopping}
        scanned.clear()
        clf = nn.MLPClassifier(**settings).fit(X, y)
        assert scanned == [("X", (50, 4))]
        scanned.clear()
        reg = nn.MLPRegressor(**settings).fit(X, y.astype(float))
        assert scanned == [("X", (50, 4)), ("y", (50, 1))]
        # with early stopping, the hold-out was evaluated every epoch all the same
        assert np.isnan(reg.history_["val_loss"]).all() != early_stopping
        assert np.isnan(clf.history_["val_loss"]).all() != early_stopping
    scanned.clear()
    clf.partial_fit(X, y)
    assert scanned == [("X", (50, 4))]
    scanned.clear()
    clf.predict(X)
    assert scanned == [("X", (50, 4))]


# --- reproducibility and partial_fit -----------------------------------------------------------------

def test_same_seed_same_model_and_other_seed_another():
    X, y = _blobs()
    settings = {"hidden_layers": (8,), "epochs": 5, "dropout": 0.2, "early_stopping": True}
    a = nn.MLPClassifier(**settings, seed=4).fit(X, y).predict_proba(X)
    b = nn.MLPClassifier(**settings, seed=4).fit(X, y).predict_proba(X)
    c = nn.MLPClassifier(**settings, seed=5).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    # seed=None draws a fresh seed per fit
    d = nn.MLPClassifier(**{**settings, "seed": None}).fit(X, y).predict_proba(X)
    e = nn.MLPClassifier(**{**settings, "seed": None}).fit(X, y).predict_proba(X)
    assert not np.array_equal(d, e)


@pytest.mark.parametrize("Estimator", [nn.MLPClassifier, nn.MLPRegressor])
def test_partial_fit_k_times_equals_fit_with_k_epochs(Estimator):
    X, y = _blobs() if Estimator is nn.MLPClassifier else _regression()
    settings = {"hidden_layers": (8,), "batch_size": 16, "dropout": 0.1, "lr": 3e-3}
    whole = Estimator(**settings, epochs=4).fit(X, y)
    part = Estimator(**settings)
    extra = {"classes": np.unique(y)} if Estimator is nn.MLPClassifier else {}
    for _ in range(4):
        part.partial_fit(X, y, **extra)
    assert part.n_iter_ == whole.n_iter_ == 4
    assert part.loss_curve_ == whole.loss_curve_
    np.testing.assert_array_equal(part.predict(X), whole.predict(X))
    # and going on goes on: more epochs of the same optimiser keep lowering the loss
    for _ in range(6):
        part.partial_fit(X, y)
    assert part.n_iter_ == 10 and part.loss_curve_[-1] < part.loss_curve_[3] < part.loss_curve_[0]


def test_partial_fit_continues_after_fit_and_checks_its_arguments():
    X, y = _blobs()
    clf = nn.MLPClassifier(hidden_layers=(8,), epochs=3).fit(X, y)
    optimizer = clf.network_.optimizer
    steps = optimizer.iterations
    clf.partial_fit(X[:100], y[:100])
    assert clf.network_.optimizer is optimizer and optimizer.iterations == steps + 1
    assert clf.n_iter_ == 4 and len(clf.history_["loss"]) == 4
    with pytest.raises(nn.ShapeError, match="label 9, which is not one of the classes"):
        clf.partial_fit(X[:3], [0, 1, 9])
    with pytest.raises(nn.ConfigError, match="differ from the classes of the first"):
        clf.partial_fit(X, y, classes=[0, 1, 2, 3])
    with pytest.raises(nn.ShapeError, match="X has 2 features"):
        clf.partial_fit(X[:, :2], y)
    with pytest.raises(nn.ConfigError, match="first call of partial_fit needs classes="):
        nn.MLPClassifier().partial_fit(X, y)
    # a first batch may lack classes that later ones have
    fresh = nn.MLPClassifier(hidden_layers=(8,)).partial_fit(X[y == 0], y[y == 0], classes=[0, 1, 2])
    assert fresh.classes_.tolist() == [0, 1, 2] and fresh.predict_proba(X).shape == (len(X), 3)


def test_early_stopping_stops_and_keeps_the_best_weights():
    X, y = _blobs(n=300)
    clf = nn.MLPClassifier(hidden_layers=(32,), lr=0.05, epochs=200, batch_size=16, patience=3,
                           early_stopping=True).fit(X, y)
    assert clf.n_iter_ < 200
    val = clf.history_["val_loss"]
    assert len(val) == clf.n_iter_ and not np.isnan(val).any()
    assert np.argmin(val) == clf.n_iter_ - 4   # the best, then `patience` epochs without progress
    # the network ends with the weights of that best epoch: its loss on the held-out 10 % is the minimum
    _, held_out = clf._hold_out(clf.network_.check_examples(X, y), clf.seed)
    X_val, y_val = held_out.X, held_out.labels
    assert len(X_val) == 30
    # held out class by class, each in its share of the training set (largest remainders round up)
    assert np.abs(np.bincount(y_val, minlength=3) - np.bincount(y) * 0.1).max() < 1
    assert clf.network_.evaluate(X_val, y_val)[0] == pytest.approx(min(val), rel=1e-6)
    with pytest.raises(nn.ConfigError, match="early_stopping with validation_fraction=0.1: .*1..4 for 5"):
        nn.MLPClassifier(early_stopping=True).fit(X[:5], np.arange(5) % 2)
    with pytest.raises(nn.ConfigError, match="validation_fraction must be between 0 and 1"):
        nn.MLPClassifier(early_stopping=True, validation_fraction=1.5).fit(X, y)


# --- files, pickling ---------------------------------------------------------------------------------

@pytest.mark.parametrize("labels", [np.array([10, 20, 30]), np.array(["a", "bb", "ccc"]),
                                    np.array([False, True]), np.array([0.5, 2.0, 4.0]) * 2,
                                    np.array(["x", "y"], dtype=object),
                                    np.array([-1, 0, 7], dtype=np.float16),
                                    np.array([3, 200], dtype=np.uint8)],
                         ids=["int", "str", "bool", "float", "object", "float16", "uint8"])
def test_classifier_file_round_trip(tmp_path, labels):
    X, idx = _blobs(k=len(labels))
    clf = nn.MLPClassifier(hidden_layers=(8, 4), epochs=3, activation="tanh").fit(X, labels[idx])
    path = tmp_path / "clf.npz"
    clf.save(path, note="hello")
    back = nn.MLPClassifier.load(path)
    assert back.get_params() == clf.get_params()
    np.testing.assert_array_equal(back.classes_, clf.classes_)
    assert back.classes_.dtype == clf.classes_.dtype
    np.testing.assert_array_equal(back.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(back.predict(X), clf.predict(X))
    assert back.n_iter_ == 3 and back.loss_curve_ == clf.loss_curve_
    # an ordinary model file: neuronet.load and the description read it too
    net = nn.load(path)
    np.testing.assert_array_equal(net.predict(X), clf.network_.predict(X))
    meta = modelfile.info(path)["metadata"]
    assert meta["note"] == "hello" and meta["estimator"]["class"] == "MLPClassifier"
    assert net.class_names == [str(c) for c in labels]


def test_regressor_file_round_trip_keeps_the_target_shape(tmp_path):
    X, Y = _regression(k=2)
    for y in (Y[:, 0], Y):
        reg = nn.MLPRegressor(hidden_layers=(8,), epochs=3, dtype="float64").fit(X, y)
        reg.save(tmp_path / "reg.npz")
        back = nn.MLPRegressor.load(tmp_path / "reg.npz")
        assert back.predict(X).shape == y.shape
        np.testing.assert_array_equal(back.predict(X), reg.predict(X))
        assert back.network_.dtype == np.float64


def test_files_refuse_what_they_cannot_hold(tmp_path):
    X, idx = _blobs(k=2)
    clf = nn.MLPClassifier(epochs=1).fit(X, np.array([b"no", b"yes"])[idx])
    with pytest.raises(nn.ConfigError, match="classes_ has dtype |S3"):
        clf.save(tmp_path / "bytes.npz")
    if np.dtype(np.longdouble).itemsize > 8:   # long double labels: JSON has no such number
        clf = nn.MLPClassifier(epochs=1).fit(X, idx.astype(np.longdouble))
        with pytest.raises(nn.ConfigError, match=r"\[.classes.\]: longdouble value .* cannot be stored"):
            clf.save(tmp_path / "long.npz")
    clf = nn.MLPClassifier(epochs=1, lr=nn.schedules.StepDecay(0.01, 2)).fit(X, idx)
    with pytest.raises(nn.ConfigError, match="cannot be stored in a model file"):
        clf.save(tmp_path / "schedule.npz")
    assert not list(tmp_path.iterdir())
    clf = nn.MLPClassifier(epochs=1).fit(X, idx)
    with pytest.raises(nn.ConfigError, match="reserved"):
        clf.save(tmp_path / "m.npz", history=[1])
    clf.save(tmp_path / "clf.npz")
    with pytest.raises(nn.ModelFileError, match="holds a 'MLPClassifier', not a MLPRegressor"):
        nn.MLPRegressor.load(tmp_path / "clf.npz")
    clf.network_.save(tmp_path / "plain.npz")
    with pytest.raises(nn.ModelFileError, match="holds no estimator.*neuronet.load"):
        nn.MLPClassifier.load(tmp_path / "plain.npz")



def _estimator(doc):
    return doc["metadata"]["estimator"]


TAMPERED = {
    # parameters that fit no estimator, or not the network stored beside them
    "hidden_layers text": (lambda d: _estimator(d)["params"].update(hidden_layers="abc"),
                           "hidden_layers must be a tuple of positive integers"),
    "lr text": (lambda d: _estimator(d)["params"].update(lr="__import__('os')"),
                "lr must be a positive number"),
    "params left out": (lambda d: _estimator(d).update(params={}),
                        "not the one estimator.params describe"),
    "other hidden_layers": (lambda d: _estimator(d)["params"].update(hidden_layers=[5]),
                            "not the one estimator.params describe"),
    "other dtype": (lambda d: _estimator(d)["params"].update(dtype="float64"),
                    "not the one estimator.params describe"),
    "bad dtype": (lambda d: _estimator(d)["params"].update(dtype="float16"),
                  "dtype must be float32 or float64"),
    "identity output": (lambda d: d["network"]["layers"][-1]["activation"].update(name="identity"),
                        "not the one estimator.params describe"),
    # a history that is not per-epoch numbers
    "history of text": (lambda d: d["metadata"]["history"].update(loss="abc"),
                        "history.loss must be a list of numbers"),
    "history of objects": (lambda d: d["metadata"]["history"].update(loss=[{"a": 1}]),
                           "history.loss must be a list of numbers"),
    "history key": (lambda d: d["metadata"].update(history={"foo": [1.0]}),
                    "history has an unknown key 'foo'"),
    "history lengths": (lambda d: d["metadata"]["history"]["lr"].append(0.1),
                        "history lists must all have one entry per epoch"),
    # classes that np.unique could not have made
    "classes unsorted": (lambda d: _estimator(d).update(classes=["c", "b", "a"]),
                         "estimator.classes must be distinct and sorted"),
    "classes repeated": (lambda d: _estimator(d).update(classes=["a", "a", "b"]),
                         "estimator.classes must be distinct and sorted"),
    "classes cut by dtype": (lambda d: _estimator(d).update(classes=[1.5, 2.5, 3.5], classes_dtype="<i8"),
                             "estimator.classes do not fit dtype <i8"),
    "classes mixed": (lambda d: _estimator(d).update(classes=["a", 1, "b"], classes_dtype="object"),
                      "estimator.classes must be distinct and sorted"),
}


@pytest.mark.parametrize("name", list(TAMPERED))
def test_tampered_estimator_metadata_is_one_model_file_error(tmp_path, name):
    """Whatever the estimator block says, load either gives an estimator that is what was saved or
    refuses the file with one line: never a loaded estimator that fails (or lies) later."""
    change, message = TAMPERED[name]
    X = np.random.default_rng(0).normal(size=(40, 3))
    path = tmp_path / "clf.npz"
    nn.MLPClassifier(hidden_layers=(4,), epochs=2).fit(X, np.array(["a", "b", "c", "a"] * 10)).save(path)
    edit_doc(path, change)
    with pytest.raises(nn.ModelFileError) as info:
        nn.MLPClassifier.load(path)
    text = str(info.value)
    assert text.startswith(f"model file {path}: ") and message in text and "\n" not in text


def test_pickle_and_deepcopy_work_like_any_python_object():
    X, y = _blobs(n=60)
    clf = nn.MLPClassifier(hidden_layers=(8,), epochs=2).fit(X, np.array(["a", "b", "c"])[y])
    for other in (pickle.loads(pickle.dumps(clf)), copy.deepcopy(clf)):
        np.testing.assert_array_equal(other.predict_proba(X), clf.predict_proba(X))
        assert other.predict(X).tolist() == clf.predict(X).tolist()


def test_cli_reads_an_estimators_file(tmp_path, capsys):
    from neuronet import cli

    X, y = _blobs(n=60)
    nn.MLPClassifier(hidden_layers=(8,), epochs=2).fit(X, np.array(["ant", "bee", "cow"])[y]) \
        .save(tmp_path / "clf.npz")
    assert cli.main(["info", str(tmp_path / "clf.npz")]) == 0
    assert "classes: ant, bee, cow" in capsys.readouterr().out


def test_importing_neuronet_does_not_import_sklearn():
    code = "\n".join([
        "import sys, numpy as np, neuronet as nn",
        "c = nn.MLPClassifier(epochs=1).fit(np.eye(4), [0, 1, 0, 1])",
        "c.predict(np.eye(4))",
        "try:",
        "    nn.MLPRegressor().predict([[1.0]])",
        "except nn.NotFittedError:",
        "    pass",
        "assert 'sklearn' not in sys.modules, 'sklearn was imported'"])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          timeout=60)
    assert done.returncode == 0, done.stderr


# --- scikit-learn's tools ------------------------------------------------------------------------------

def test_clone_and_estimator_type():
    base = pytest.importorskip("sklearn.base")
    clf = nn.MLPClassifier(hidden_layers=(8,), lr=0.01)
    twin = base.clone(clf)
    assert twin is not clf and twin.get_params() == clf.get_params()
    assert base.is_classifier(clf) and not base.is_regressor(clf)
    assert base.is_regressor(nn.MLPRegressor()) and not base.is_classifier(nn.MLPRegressor())
    X, y = _blobs(n=60)
    fitted = clf.set_params(epochs=2).fit(X, y)
    assert not hasattr(base.clone(fitted), "network_")
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(fitted)
    with pytest.raises(NotFittedError):
        check_is_fitted(nn.MLPClassifier())
    with pytest.raises(NotFittedError):   # scikit-learn's own class catches ours, once it is loaded
        nn.MLPClassifier().predict(X)


def test_pipeline_grid_search_and_cross_validation():
    pytest.importorskip("sklearn")
    from sklearn.model_selection import GridSearchCV, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = _blobs(n=150)
    X = X * 50 + 100   # badly scaled: the scaler earns its place
    pipe = make_pipeline(StandardScaler(), nn.MLPClassifier(hidden_layers=(8,), epochs=40, lr=1e-2))
    scores = cross_val_score(pipe, X, np.array(["r", "g", "b"])[y], cv=3)
    assert scores.shape == (3,) and scores.min() > 0.9
    search = GridSearchCV(pipe, {"mlpclassifier__hidden_layers": [(2,), (16,)],
                                 "mlpclassifier__lr": [1e-2]}, cv=3)
    search.fit(X, y)
    assert search.best_params_["mlpclassifier__hidden_layers"] == (16,)
    assert search.score(X, y) > 0.9

    Xr, yr = _regression(n=150)
    reg = make_pipeline(StandardScaler(), nn.MLPRegressor(hidden_layers=(16,), epochs=60, lr=1e-2))
    assert cross_val_score(reg, Xr, yr[:, 0], cv=3).mean() > 0.8


def _check_estimator(estimator, expected_failed_checks=None):
    pytest.importorskip("sklearn", minversion="1.6")   # expected_failed_checks and tags came in 1.6
    checks = pytest.importorskip("sklearn.utils.estimator_checks")
    from sklearn.exceptions import SkipTestWarning

    with warnings.catch_warnings():
        # "does not inherit from BaseEstimator": by design, neuronet does not depend on scikit-learn
        warnings.filterwarnings("ignore", message=".*does not inherit from", category=UserWarning)
        # checks that need pandas or SCIPY_ARRAY_API say so and are reported as "skipped"
        warnings.filterwarnings("ignore", category=SkipTestWarning)
        results = checks.check_estimator(estimator, expected_failed_checks=expected_failed_checks)
    return {r["check_name"]: r["status"] for r in results}


# float32 products give slightly different roundings for a row depending on how many rows are
# multiplied with it (BLAS picks other kernels), about 1e-7 relative; this check wants 1e-7 absolute.
FLOAT32_ROUNDING = {"check_methods_subset_invariance":
                    "float32 matrix products round a row differently (~1e-7) with other batch sizes"}


@pytest.mark.parametrize("Estimator", [nn.MLPClassifier, nn.MLPRegressor])
def test_scikit_learn_estimator_checks(Estimator):
    status = _check_estimator(Estimator(), FLOAT32_ROUNDING)
    assert status["check_methods_subset_invariance"] == "xfail"
    assert status["check_fit_idempotent"] == "passed" and status["check_estimators_unfitted"] == "passed"
    # in float64 the same check passes too: nothing else differs between subsets
    status = _check_estimator(Estimator(hidden_layers=(16,), epochs=50, lr=1e-2, dtype="float64"))
    assert all(s in ("passed", "skipped") for s in status.values())


# --- learning something real ---------------------------------------------------------------------------

def test_digits_accuracy():
    pytest.importorskip("sklearn")
    (X_train, y_train), (X_test, y_test) = nn.datasets.load("digits")
    clf = nn.MLPClassifier(hidden_layers=(64,), epochs=30, batch_size=32, lr=3e-3).fit(X_train, y_train)
    assert clf.score(X_test, y_test) > 0.93
    assert clf.loss_curve_[-1] < 0.1 * clf.loss_curve_[0]
