"""Training end to end: XOR, determinism, optimisers and schedules, early stopping, the API boundary,
and the classic 64-30-10 sigmoid / quadratic-cost / SGD(3.0) network on scikit-learn's 8×8 digits."""

from __future__ import annotations

import math

import numpy as np
import pytest

import neuronet as nn

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_Y = np.array([0, 1, 1, 0])


def _blobs(n=150, k=3, d=4, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=2.0, size=(k, d))
    y = rng.integers(0, k, n)
    return (centres[y] + rng.normal(size=(n, d))).astype(np.float32), y


def _history_without_time(h):
    return {k: v for k, v in h.items() if k != "seconds"}


def _same_history(h1, h2):
    a, b = _history_without_time(h1), _history_without_time(h2)
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(np.array(a[k], float), np.array(b[k], float), err_msg=k)


# --- XOR needs a hidden layer ----------------------------------------------------------------------

@pytest.mark.parametrize("hidden", ["sigmoid", "tanh"])
def test_xor_two_layer_sigmoid_output(hidden):
    net = nn.Network([nn.Dense(2, 4, hidden), nn.Dense(4, 1, "sigmoid")], loss="binary_crossentropy", seed=1)
    history = net.fit(XOR_X, XOR_Y, epochs=500, batch_size=4, optimizer=nn.Adam(0.05))
    assert net.predict(XOR_X).tolist() == [0, 1, 1, 0]
    assert history["loss"][-1] < 0.05
    assert history["accuracy"][-1] == 1.0
    p = net.predict_proba(XOR_X)[:, 0]
    assert (p[[1, 2]] > 0.9).all() and (p[[0, 3]] < 0.1).all()


def test_xor_softmax_two_outputs():
    net = nn.mlp([2, 8, 2], activation="tanh", seed=0)
    assert net.layers[-1].activation.name == "softmax" and net.loss.name == "categorical_crossentropy"
    net.fit(XOR_X, XOR_Y, epochs=300, batch_size=4, optimizer=nn.Adam(0.05))
    assert net.predict(XOR_X).tolist() == [0, 1, 1, 0]
    np.testing.assert_allclose(net.predict_proba(XOR_X).sum(axis=1), 1.0, rtol=1e-6)


def test_xor_plain_sgd():
    net = nn.Network([nn.Dense(2, 4, "sigmoid"), nn.Dense(4, 1, "sigmoid")], loss="bce", seed=1)
    net.fit(XOR_X, XOR_Y, epochs=2000, batch_size=4, optimizer=nn.SGD(2.0))
    assert net.predict(XOR_X).tolist() == [0, 1, 1, 0]


# --- determinism and dtypes ----------------------------------------------------------------------

def _train_once(seed=7, dtype="float32"):
    X, y = _blobs()
    net = nn.mlp([4, 16, 3], activation="relu", dropout=0.3, seed=seed, dtype=dtype)
    initial = net.get_weights()
    history = net.fit(X, y, epochs=3, batch_size=16, optimizer=nn.Adam(1e-2))
    return initial, net.get_weights(), history


def test_same_seed_is_bit_identical():
    init1, final1, h1 = _train_once()
    init2, final2, h2 = _train_once()
    for name in init1:
        np.testing.assert_array_equal(init1[name], init2[name])
        np.testing.assert_array_equal(final1[name], final2[name])
        assert not np.array_equal(init1[name], final1[name])       # training did move it
    _same_history(h1, h2)


def test_different_seed_differs():
    init1, final1, _ = _train_once(seed=1)
    init2, final2, _ = _train_once(seed=2)
    assert not np.array_equal(init1["0.W"], init2["0.W"])
    assert not np.array_equal(final1["0.W"], final2["0.W"])


def test_float64_end_to_end():
    X, y = _blobs()
    net = nn.mlp([4, 16, 3], activation="tanh", seed=0, dtype="float64")
    assert all(p.dtype == np.float64 for _, p, _ in net.parameters())
    net.fit(X, y, epochs=2, batch_size=32, optimizer=nn.Adam(1e-2))
    assert all(p.dtype == np.float64 and g.dtype == np.float64 for _, p, g in net.parameters())
    assert all(arr.dtype == np.float64 for st in net.optimizer.slots.values() for arr in st.values())
    assert net.predict_proba(X).dtype == np.float64
    assert net.layers[0]._z.dtype == np.float64


def test_float32_by_default():
    X, y = _blobs()
    net = nn.mlp([4, 8, 3], seed=0)
    net.fit(X.astype(np.float64), y, epochs=1, optimizer=nn.SGD(0.1))
    assert all(p.dtype == np.float32 for _, p, _ in net.parameters())
    assert net.predict_proba(X.astype(np.float64)).dtype == np.float32


# --- optimisers and schedules ------------------------------------------------------------------

OPTIMISERS = {
    "sgd": lambda: nn.SGD(0.1),
    "momentum": lambda: nn.SGD(0.05, momentum=0.9),
    "nesterov": lambda: nn.SGD(0.05, momentum=0.9, nesterov=True),
    "rmsprop": lambda: nn.RMSprop(0.01),
    "adam": lambda: nn.Adam(0.01),
    "adamw": lambda: nn.AdamW(0.01, weight_decay=0.01),
    "sgd+weight_decay": lambda: nn.SGD(0.1, weight_decay=1e-3),
    "adam+weight_decay": lambda: nn.Adam(0.01, weight_decay=1e-3),
    "adam+clipnorm": lambda: nn.Adam(0.01, clipnorm=0.5),
    "sgd+clipvalue": lambda: nn.SGD(0.1, clipvalue=0.05),
    "adam+step": lambda: nn.Adam(nn.StepDecay(0.01, step_size=3, gamma=0.5)),
    "sgd+exponential": lambda: nn.SGD(nn.ExponentialDecay(0.1, gamma=0.9)),
    "rmsprop+cosine": lambda: nn.RMSprop(nn.CosineDecay(0.01, epochs=8)),
}


@pytest.mark.parametrize("name", OPTIMISERS)
def test_every_optimiser_reduces_the_loss(name):
    X, y = _blobs()
    net = nn.mlp([4, 16, 3], activation="tanh", seed=0)
    before, acc_before = net.evaluate(X, y)
    history = net.fit(X, y, epochs=8, batch_size=16, optimizer=OPTIMISERS[name]())
    after, acc_after = net.evaluate(X, y)
    assert after < 0.6 * before, f"{name}: loss {before:.3f} -> {after:.3f}"
    assert history["loss"][-1] < history["loss"][0]
    assert acc_after > 0.8


def test_schedules_documented_values():
    step = nn.StepDecay(0.1, step_size=10, gamma=0.5)
    assert [step(e) for e in (0, 9, 10, 25)] == pytest.approx([0.1, 0.1, 0.05, 0.025])
    exp = nn.ExponentialDecay(0.1, gamma=0.9)
    assert [exp(e) for e in (0, 1, 3)] == pytest.approx([0.1, 0.09, 0.0729])
    cos = nn.CosineDecay(1.0, epochs=10)
    assert [cos(e) for e in (0, 5, 10, 20)] == pytest.approx([1.0, 0.5, 0.0, 0.0], abs=1e-12)
    assert cos(2) == pytest.approx(0.5 * (1 + math.cos(math.pi * 0.2)))
    cos_min = nn.CosineDecay(1.0, epochs=10, min_lr=0.1)
    assert [cos_min(e) for e in (0, 5, 10, 30)] == pytest.approx([1.0, 0.55, 0.1, 0.1])


def test_schedule_drives_the_learning_rate_during_fit():
    X, y = _blobs(40)
    net = nn.mlp([4, 4, 3], seed=0)
    history = net.fit(X, y, epochs=5, batch_size=8, optimizer=nn.SGD(nn.StepDecay(0.4, 2, 0.5)))
    assert history["lr"] == pytest.approx([0.4, 0.4, 0.2, 0.2, 0.1])


def test_sgd_weight_decay_shrinks_weights_not_biases():
    W, b = np.full((2, 2), 2.0), np.full(2, 2.0)
    opt = nn.SGD(0.1, weight_decay=0.5)
    opt.step([("0.W", W, np.zeros_like(W)), ("0.b", b, np.zeros_like(b))])
    np.testing.assert_allclose(W, 2.0 * (1 - 0.1 * 0.5))
    np.testing.assert_array_equal(b, 2.0)


def test_adamw_decouples_decay_and_adam_couples_it():
    W = np.array([[2.0, -3.0]])
    opt = nn.AdamW(0.1, weight_decay=0.5)
    opt.step([("0.W", W, np.zeros_like(W))])
    np.testing.assert_allclose(W, [[2.0 * 0.95, -3.0 * 0.95]])      # w ← w(1 − ηλ), no Adam move
    W = np.array([[2.0, -3.0]])
    nn.Adam(0.1, weight_decay=0.5).step([("0.W", W, np.zeros_like(W))])
    # coupled L2 is a gradient λw, and Adam's first step moves each weight by ≈ η·sign(g)
    np.testing.assert_allclose(W, [[1.9, -2.9]], atol=1e-6)


def test_clipvalue_and_clipnorm():
    p = np.zeros(2)
    nn.SGD(1.0, clipvalue=0.1).step([("p", p, np.array([5.0, -0.05]))])
    np.testing.assert_allclose(p, [-0.1, 0.05])
    p, q = np.zeros(2), np.zeros((1, 1))
    nn.SGD(1.0, clipnorm=1.0).step([("p", p, np.array([3.0, 0.0])), ("q", q, np.array([[4.0]]))])
    np.testing.assert_allclose(p, [-0.6, 0.0])                       # global norm 5 → scaled by 1/5
    np.testing.assert_allclose(q, [[-0.8]])
    p = np.zeros(2)
    nn.SGD(1.0, clipnorm=10.0).step([("p", p, np.array([3.0, 4.0]))])   # under the limit: untouched
    np.testing.assert_allclose(p, [-3.0, -4.0])


def _quadratic_grad(p):
    """Gradient of a fixed convex bowl Σ c·(p − 1)² with unequal curvatures."""
    c = np.linspace(0.5, 3.0, p.size).reshape(p.shape)
    return 2 * c * (p - 1.0)


def _reference_run(kind, steps, lr, wd=0.0, **h):
    """The optimisers written straight from their papers' formulas (not neuronet's rearranged forms)."""
    W, b = np.array([[0.3, -0.2], [0.1, 0.5]]), np.array([0.2, -0.4])
    state = {}
    for t in range(1, steps + 1):
        for name, p in (("W", W), ("b", b)):
            g = _quadratic_grad(p)
            if wd and p.ndim > 1 and kind != "adamw":
                g = g + wd * p
            s = state.setdefault(name, {"v": np.zeros_like(p), "m": np.zeros_like(p)})
            if kind == "sgd":
                s["v"] = h.get("momentum", 0) * s["v"] + g
                step = g + h["momentum"] * s["v"] if h.get("nesterov") else s["v"]
                p -= lr * step
            elif kind == "rmsprop":
                s["v"] = h["rho"] * s["v"] + (1 - h["rho"]) * g ** 2
                p -= lr * g / (np.sqrt(s["v"]) + h["eps"])
            else:
                if kind == "adamw" and p.ndim > 1:
                    p -= lr * wd * p
                s["m"] = h["beta1"] * s["m"] + (1 - h["beta1"]) * g
                s["v"] = h["beta2"] * s["v"] + (1 - h["beta2"]) * g ** 2
                m_hat = s["m"] / (1 - h["beta1"] ** t)
                v_hat = s["v"] / (1 - h["beta2"] ** t)
                p -= lr * m_hat / (np.sqrt(v_hat) + h["eps"])
    return W, b


@pytest.mark.parametrize("kind,opt,hyper", [
    ("sgd", lambda: nn.SGD(0.1, momentum=0.8), {"momentum": 0.8}),
    ("sgd", lambda: nn.SGD(0.1, momentum=0.8, nesterov=True, weight_decay=0.1),
     {"momentum": 0.8, "nesterov": True, "wd": 0.1}),
    ("rmsprop", lambda: nn.RMSprop(0.05, weight_decay=0.2), {"rho": 0.9, "eps": 1e-8, "wd": 0.2}),
    ("adam", lambda: nn.Adam(0.05, weight_decay=0.1), {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "wd": 0.1}),
    ("adamw", lambda: nn.AdamW(0.05, weight_decay=0.3), {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
                                                        "wd": 0.3}),
])
def test_optimiser_trajectory_matches_the_textbook_formulas(kind, opt, hyper):
    optimizer = opt()
    W, b = np.array([[0.3, -0.2], [0.1, 0.5]]), np.array([0.2, -0.4])
    for _ in range(12):
        optimizer.step([("0.W", W, _quadratic_grad(W)), ("0.b", b, _quadratic_grad(b))])
    wd = hyper.pop("wd", 0.0)
    W_ref, b_ref = _reference_run(kind, 12, optimizer.lr, wd, **hyper)
    np.testing.assert_allclose(W, W_ref, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(b, b_ref, rtol=1e-12, atol=1e-14)


# --- early stopping ---------------------------------------------------------------------------

class _Recorder(nn.Callback):
    def __init__(self):
        self.weights, self.logs = [], []

    def on_epoch_end(self, network, epoch, logs):
        self.weights.append(network.get_weights())
        self.logs.append(dict(logs))


def test_early_stopping_stops_after_patience_and_restores_the_first_best():
    X, y = _blobs()
    net = nn.mlp([4, 8, 3], seed=0)
    rec = _Recorder()
    stop = nn.EarlyStopping(monitor="val_loss", patience=2, min_delta=1e9)   # nothing can improve enough
    history = net.fit(X, y, epochs=20, optimizer=nn.SGD(0.1), validation_data=(X, y), callbacks=[rec, stop])
    # epoch 0 is the best; epochs 1 and 2 do not improve: "not improved for 2 epochs" → stop after epoch 2
    assert stop.best_epoch == 0 and stop.stopped_epoch == 2 and history.epochs == 3
    for name, w in net.get_weights().items():
        np.testing.assert_array_equal(w, rec.weights[0][name])
        assert not np.array_equal(w, rec.weights[-1][name])


def test_early_stopping_restores_the_best_validation_epoch():
    # Few noisy examples and a big network: validation loss falls, then turns up (non-monotonically).
    rng = np.random.default_rng(4)

    def make(n):
        X = rng.normal(size=(n, 10)).astype(np.float32)
        return X, (X[:, 0] + X[:, 1] + rng.normal(size=n) > 0).astype(int) + (X[:, 2] > 1)

    (X, y), (Xv, yv) = make(40), make(200)
    net = nn.mlp([10, 64, 3], activation="relu", seed=0)
    rec = _Recorder()
    stop = nn.EarlyStopping(monitor="val_loss", patience=4)
    history = net.fit(X, y, epochs=200, batch_size=8, optimizer=nn.Adam(0.01), validation_data=(Xv, yv),
                      callbacks=[rec, stop])
    best = int(np.argmin(history["val_loss"]))
    assert best >= 3, "the validation loss should improve for a few epochs first"
    assert stop.best_epoch == best and history.epochs == best + 4 + 1
    for name, w in net.get_weights().items():
        np.testing.assert_array_equal(w, rec.weights[best][name])
    assert net.evaluate(Xv, yv)[0] == pytest.approx(history["val_loss"][best], rel=1e-6)


def test_early_stopping_on_accuracy_maximises():
    stop = nn.EarlyStopping(monitor="val_accuracy", patience=0, restore_best_weights=False)
    stop.on_train_begin(None, None)
    assert not stop.on_epoch_end(None, 0, {"val_accuracy": 0.5})
    assert not stop.on_epoch_end(None, 1, {"val_accuracy": 0.6})
    assert stop.on_epoch_end(None, 2, {"val_accuracy": 0.55})
    assert stop.best_epoch == 1


def test_early_stopping_without_validation_data_says_so():
    X, y = _blobs(20)
    with pytest.raises(nn.ConfigError, match="val_loss"):
        nn.mlp([4, 3], seed=0).fit(X, y, epochs=2, callbacks=[nn.EarlyStopping()])


# --- labels, shapes and errors at the API boundary ---------------------------------------------

def test_integer_and_one_hot_labels_train_identically():
    X, y = _blobs()
    runs = []
    for labels in (y, np.eye(3, dtype=np.float32)[y], y.astype(np.float64), y.reshape(-1, 1)):
        net = nn.mlp([4, 8, 3], dropout=0.2, seed=3)
        history = net.fit(X, labels, epochs=3, batch_size=16, optimizer=nn.Adam(0.01))
        runs.append((net.get_weights(), history, net.evaluate(X, labels)))
    for weights, history, evaluation in runs[1:]:
        for name in weights:
            np.testing.assert_array_equal(weights[name], runs[0][0][name])
        _same_history(history, runs[0][1])
        assert evaluation == runs[0][2]


def test_validation_history_keys():
    X, y = _blobs()
    net = nn.mlp([4, 8, 3], seed=0)
    history = net.fit(X, y, epochs=3, optimizer=nn.SGD(0.1), validation_data=(X[:30], y[:30]))
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy", "lr", "seconds"}
    assert all(len(v) == 3 for v in history.values())
    assert all(math.isfinite(v) for v in history["val_loss"] + history["val_accuracy"])
    assert history["val_loss"][-1] == pytest.approx(net.evaluate(X[:30], y[:30])[0], rel=1e-6)
    plain = nn.mlp([4, 8, 3], seed=0).fit(X, y, epochs=2, optimizer=nn.SGD(0.1))
    assert all(math.isnan(v) for v in plain["val_loss"])


def test_predict_shapes():
    X, y = _blobs(25)
    net = nn.mlp([4, 8, 3], seed=0)
    assert net.predict_proba(X).shape == (25, 3)
    assert net.predict(X).shape == (25,) and net.predict(X).dtype.kind == "i"
    assert net.predict(X[0]).shape == (1,)
    np.testing.assert_array_equal(net.predict(X), net.predict_proba(X).argmax(axis=1))
    np.testing.assert_array_equal(net.predict_proba(X, batch_size=7), net.predict_proba(X))
    loss, acc = net.evaluate(X, y, batch_size=7)
    assert isinstance(loss, float) and 0.0 <= acc <= 1.0
    assert loss == pytest.approx(net.evaluate(X, y)[0], rel=1e-6)
    assert acc == np.mean(net.predict(X) == y)
    binary = nn.mlp([4, 5, 1], seed=0)
    assert binary.predict_proba(X).shape == (25, 1)
    assert set(binary.predict(X).tolist()) <= {0, 1}


def test_summary_counts_parameters():
    net = nn.mlp([784, 30, 10])
    assert net.n_params == 23_860
    text = net.summary()
    assert "23,860" in text and "23,550" in text and "310" in text


@pytest.mark.parametrize("call,match", [
    (lambda net, X, y: net.predict(np.zeros((3, 5))), r"shape \(n, 4\)"),
    (lambda net, X, y: net.fit(X[:, :3], y), r"shape \(n, 4\)"),
    (lambda net, X, y: net.fit(X, y[:-1]), "149 labels for 150 examples"),
    (lambda net, X, y: net.fit(X, np.where(y == 0, 3, y)), "labels must be 0..2"),
    (lambda net, X, y: net.fit(X, -y), "labels must be 0..2"),
    (lambda net, X, y: net.fit(X, y + 0.5), "whole-number"),
    (lambda net, X, y: net.fit(X, np.eye(4)[y]), r"\(150, 3\)"),
    (lambda net, X, y: net.evaluate(X, y[:10]), "10 labels for 150 examples"),
    (lambda net, X, y: net.fit(X, y, validation_data=(X[:5], y[:4])), "y_val has 4 labels"),
])
def test_shape_errors(call, match):
    X, y = _blobs()
    with pytest.raises(nn.ShapeError, match=match):
        call(nn.mlp([4, 8, 3], seed=0), X, y)


def test_nan_in_input_is_reported_with_its_position():
    X, y = _blobs()
    X[7, 2] = np.nan
    net = nn.mlp([4, 8, 3], seed=0)
    for call in (lambda: net.fit(X, y), lambda: net.predict(X)):
        with pytest.raises(nn.ShapeError, match="NaN or infinity.*row 7, column 2") as info:
            call()
        assert "\n" not in str(info.value)


# --- the classic configuration ---------------------------------------------------------------------

def test_classic_sigmoid_quadratic_sgd_learns_digits():
    """Nielsen's network (sigmoid layers, quadratic cost, SGD lr 3.0, mini-batches of 10) on the 8×8
    digits that ship with scikit-learn: 64-30-10."""
    datasets = pytest.importorskip("sklearn.datasets")
    digits = datasets.load_digits()
    X, y = digits.data.astype(np.float32) / 16.0, digits.target
    order = np.random.default_rng(0).permutation(len(X))
    X, y = X[order], y[order]
    net = nn.mlp([64, 30, 10], activation="sigmoid", output_activation="sigmoid", loss="mse", seed=0)
    assert net.loss.name == "mse" and net.layers[-1].activation.name == "sigmoid"
    net.fit(X[:1300], y[:1300], epochs=5, batch_size=10, optimizer=nn.SGD(lr=3.0))
    _, accuracy = net.evaluate(X[1300:], y[1300:])
    assert accuracy > 0.9


def test_single_output_column_targets_report_accuracy():
    """(n, 1) float targets of 0/1 for a one-output network count as labels for accuracy."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([[0.0], [1.0], [1.0], [1.0]])
    net = nn.Network([nn.Dense(2, 1, "sigmoid")], loss="binary_crossentropy", seed=0)
    history = net.fit(X, y, epochs=3, batch_size=4, optimizer=nn.SGD(lr=0.5))
    assert not np.isnan(history["accuracy"][-1])
    assert net.evaluate(X, y)[1] == net.evaluate(X, y.ravel().astype(int))[1]


def test_adam_checkpoint_state_holds_only_the_moments():
    X = np.random.default_rng(0).normal(size=(16, 3)).astype(np.float32)
    net = nn.Network([nn.Dense(3, 2, "softmax")], seed=0)
    opt = nn.Adam()
    net.fit(X, np.arange(16) % 2, epochs=1, batch_size=8, optimizer=opt)
    assert {key.split("/")[0] for key in opt.state_arrays()} == {"grad_sum", "sq_grad_sum"}


def test_adam_keeps_weighted_sums_that_are_the_papers_moments_rescaled():
    rng = np.random.default_rng(1)
    p = np.zeros(4)
    opt = nn.Adam(lr=0.01, beta1=0.8, beta2=0.95)
    m = v = np.zeros(4)
    for _ in range(3):
        g = rng.normal(size=4)
        opt.step([("p", p, g)])
        m, v = 0.8 * m + 0.2 * g, 0.95 * v + 0.05 * g ** 2
    state = opt.slots["p"]
    np.testing.assert_allclose(0.2 * state["grad_sum"], m, rtol=1e-12)
    np.testing.assert_allclose(0.05 * state["sq_grad_sum"], v, rtol=1e-12)


def test_optimizer_state_under_an_unknown_name_is_refused():
    with pytest.raises(nn.ConfigError, match="adam: no optimizer state called 'm'.*grad_sum"):
        nn.Adam().load_state(1, {"m/0.W": np.zeros((2, 2))})


def test_a_single_softmax_output_is_refused_with_a_hint():
    with pytest.raises(nn.ConfigError, match="single output.*sigmoid"):
        nn.Network([nn.Dense(2, 1, "softmax")])


def test_mlp_quadratic_cost_gets_sigmoid_outputs():
    assert nn.mlp([64, 30, 10], activation="sigmoid", loss="mse").layers[-1].activation.name == "sigmoid"
    assert nn.mlp([64, 30, 10]).layers[-1].activation.name == "softmax"


def test_validation_split_holds_out_the_last_examples_as_keras_does():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(100, 4)), rng.integers(0, 3, 100)
    split = nn.mlp([4, 8, 3], seed=0).fit(X, y, epochs=3, optimizer=nn.SGD(0.1), validation_split=0.2)
    given = nn.mlp([4, 8, 3], seed=0).fit(X[:80], y[:80], epochs=3, optimizer=nn.SGD(0.1),
                                         validation_data=(X[80:], y[80:]))
    assert split["val_loss"] == given["val_loss"] and split["loss"] == given["loss"]
    with pytest.raises(nn.ConfigError, match="validation_data or validation_split, not both"):
        nn.mlp([4, 3]).fit(X, y, validation_split=0.2, validation_data=(X, y))
    for bad in (1.0, -0.1, "0.2"):
        with pytest.raises(nn.ConfigError, match="validation_split must be a number in"):
            nn.mlp([4, 3]).fit(X, y, validation_split=bad)
    with pytest.raises(nn.ConfigError, match="leaves no training examples"):
        nn.mlp([4, 3]).fit(X[:1], y[:1], validation_split=0.5)


def test_numpy_integers_and_no_callbacks_are_accepted():
    X, y = np.ones((8, 4)), np.arange(8) % 3
    history = nn.mlp([4, 3], seed=0).fit(X, y, epochs=np.int64(2), batch_size=np.int32(4), callbacks=None)
    assert history.epochs == 2
    with pytest.raises(nn.ConfigError, match="callback 'x' has no on_epoch_end method"):
        nn.mlp([4, 3]).fit(X, y, callbacks=["x"])
    with pytest.raises(nn.ConfigError, match="seed must be a non-negative integer, got -1"):
        nn.mlp([4, 3]).fit(X, y, seed=-1)
