"""Losses and output layers: an identity output under a cross-entropy is read as logits (softmax or
sigmoid inside the loss, as PyTorch's CrossEntropyLoss and Keras' from_logits=True), and every pairing
that cannot give a right result is refused when the network is built, in one line naming the fix."""

import numpy as np
import pytest

import neuronet as nn
from neuronet import datasets
from neuronet.errors import ConfigError


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.fixture(scope="module")
def digits():
    (x, y), (x_test, y_test) = datasets.load("digits")
    return x[:600], y[:600], x_test[:300], y_test[:300]


def test_a_pytorch_style_network_with_logits_learns(digits):
    x, y, x_test, y_test = digits
    net = nn.Network([nn.Dense(64, 32, activation="relu"), nn.Dense(32, 10)], loss="cross_entropy", seed=0)
    assert net.logits
    net.fit(x, y, epochs=15, batch_size=32, optimizer=nn.Adam(1e-2))
    assert net.evaluate(x_test, y_test)[1] > 0.85          # it trained to chance before
    proba = net.predict_proba(x_test)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_allclose(proba, softmax(net.outputs(x_test).astype(np.float64)), rtol=1e-4, atol=1e-6)
    assert (net.predict(x_test) == proba.argmax(axis=1)).all()


def test_logits_and_softmax_outputs_give_the_same_loss_and_gradient():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(16, 5)), rng.integers(0, 3, 16)
    soft = nn.Network([nn.Dense(5, 3, activation="softmax")], dtype="float64", seed=1)
    raw = nn.Network([nn.Dense(5, 3)], dtype="float64", seed=1)
    raw.set_weights(soft.get_weights())
    for net in (soft, raw):
        targets, _ = net.check_targets(y, len(X))
        net.loss_value, grad = net.loss_and_gradient(net.forward(X, training=True), targets)
        net.backward(grad)
    assert raw.loss_value == pytest.approx(soft.loss_value, rel=1e-12)
    np.testing.assert_allclose(raw.layers[0].grads["W"], soft.layers[0].grads["W"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(raw.predict_proba(X), soft.predict_proba(X), rtol=1e-12)


@pytest.mark.parametrize("loss, n_out", [("cross_entropy", 4), ("binary_crossentropy", 1),
                                         ("binary_crossentropy", 3)])
def test_logits_gradients_pass_gradcheck(loss, n_out):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(8, 4))
    y = rng.integers(0, max(n_out, 2), 8) if n_out != 3 else rng.integers(0, 2, (8, 3))
    net = nn.Network([nn.Dense(4, 6, activation="tanh"), nn.Dense(6, n_out)], loss=loss, seed=2)
    assert net.logits
    report = nn.gradcheck(net, X, y)
    assert report.ok, str(report)


def test_logits_match_pytorch_cross_entropy():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(10, 4)), rng.integers(0, 3, 10)
    net = nn.Network([nn.Dense(4, 3)], dtype="float64", seed=0)
    targets, _ = net.check_targets(y, len(X))
    loss, grad = net.loss_and_gradient(net.forward(X, training=True), targets)
    z = torch.tensor(X @ net.layers[0].W + net.layers[0].b, requires_grad=True)
    ref = torch.nn.functional.cross_entropy(z, torch.tensor(y))
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-12)
    np.testing.assert_allclose(grad, z.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_binary_logits_threshold_at_zero():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(200, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    net = nn.Network([nn.Dense(2, 1)], loss="binary_crossentropy", seed=0)
    net.fit(X, y, epochs=30, batch_size=20, optimizer=nn.Adam(0.05))
    out = net.outputs(X)[:, 0]
    assert ((out > 0).astype(int) == net.predict(X)).all()
    assert ((net.predict_proba(X)[:, 0] > 0.5) == (out > 0)).all()
    assert net.evaluate(X, y)[1] > 0.95
    history = net.fit(X, y, epochs=1, optimizer=nn.Adam(0.01))
    assert history["accuracy"][0] > 0.95                  # the loop's accuracy thresholds at 0 too


@pytest.mark.parametrize("activation, loss, n_out, match", [
    ("relu", "cross_entropy", 10, "needs a softmax output layer.*'relu'.*activation='softmax'"),
    ("sigmoid", "cross_entropy", 10, "'sigmoid'.*loss='binary_crossentropy' for independent"),
    ("tanh", "cross_entropy", 3, "'tanh'"),
    ("log_softmax", "cross_entropy", 3, "'log_softmax'"),
    ("sigmoid", "cross_entropy", 1, "one output per class"),
    (None, "cross_entropy", 1, "one output per class"),
    ("softmax", "binary_crossentropy", 3, "use loss='cross_entropy'"),
    ("relu", "binary_crossentropy", 1, "'relu', whose values are not probabilities"),
    ("tanh", "binary_crossentropy", 2, "activation='sigmoid'"),
])
def test_pairings_that_cannot_be_right_are_refused_at_build(activation, loss, n_out, match):
    with pytest.raises(ConfigError, match=match) as exc:
        nn.Network([nn.Dense(4, n_out, activation=activation)], loss=loss)
    assert "\n" not in str(exc.value)
    with pytest.raises(ConfigError, match=match):    # mlp and model configs obey the same rule
        nn.mlp([4, n_out], loss=loss, output_activation=activation or "identity")


@pytest.mark.parametrize("activation", ["identity", "sigmoid", "relu", "tanh", "softmax"])
def test_mse_takes_any_output(activation):
    nn.Network([nn.Dense(4, 2, activation=activation)], loss="mse")


def test_logits_survive_a_model_file(tmp_path):
    net = nn.Network([nn.Dense(3, 4)], loss="cross_entropy", seed=0)
    net.save(tmp_path / "m.npz")
    back = nn.load(tmp_path / "m.npz")
    X = np.random.default_rng(0).normal(size=(5, 3))
    assert back.logits
    np.testing.assert_array_equal(back.predict_proba(X), net.predict_proba(X))


def test_cli_refuses_a_relu_output_under_cross_entropy(capsys, tmp_path):
    from neuronet.cli import main

    code = main(["train", "--dataset", "digits", "--epochs", "1", "--output-activation", "relu",
                 "-o", str(tmp_path / "m.npz")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "needs a softmax output layer" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "m.npz").exists()


def test_the_labs_digit_tab_shows_probabilities_for_a_logits_model():
    pytest.importorskip("PIL")
    from neuronet.lab import digit

    x, y, _, _ = datasets.load("digits")[0] + datasets.load("digits")[1]
    net = nn.Network([nn.Dense(64, 16, "relu"), nn.Dense(16, 10)], seed=0)
    net.fit(x, y, epochs=5, optimizer=nn.Adam(1e-2))
    net.preprocessing = {"image_shape": [8, 8]}
    pixels = (x[0].reshape(8, 8) * 255).astype(np.uint8)
    shown = digit.describe(net, pixels)
    probs = np.array(shown["probabilities"], dtype=float)
    assert abs(probs.sum() - 1) < 1e-3 and (probs >= 0).all()     # not the raw logits
