"""BatchNorm: the formula, its backward against finite differences and PyTorch, running statistics as
PyTorch keeps them, inference without the batch, model files, checkpoints and bit-identical resume."""

import numpy as np
import pytest

import neuronet as nn
from neuronet import modelfile
from neuronet.errors import ConfigError


def _batch(shape=(16, 5), seed=0):
    return np.random.default_rng(seed).normal(loc=3.0, scale=2.0, size=shape)


def test_training_forward_normalises_each_feature_over_the_batch():
    layer = nn.BatchNorm(5, dtype=np.float64)
    x = _batch()
    y = layer.forward(x, training=True)
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=0), 1 / (1 + 1e-5 / x.var(axis=0)), rtol=1e-12)   # the ε
    layer.params["gamma"] = np.arange(1, 6)
    layer.params["beta"] = np.full(5, 0.5)
    y = layer.forward(x, training=True)
    np.testing.assert_allclose(y.mean(axis=0), 0.5, atol=1e-12)
    np.testing.assert_allclose(y.std(axis=0), np.arange(1, 6), rtol=1e-5)


def test_images_are_normalised_per_channel_over_batch_and_positions():
    layer = nn.BatchNorm(input_shape=(4, 3, 2), dtype=np.float64)
    x = _batch((6, 4 * 3 * 2))
    y = layer.forward(x, training=True).reshape(6, 4, 3, 2)
    np.testing.assert_allclose(y.mean(axis=(0, 1, 2)), 0, atol=1e-12)
    assert layer.params["gamma"].shape == (2,) and layer.n_in == 24


def test_running_statistics_follow_pytorchs_momentum_and_serve_inference():
    layer = nn.BatchNorm(5, momentum=0.2, dtype=np.float64)
    mean, var = np.zeros(5), np.ones(5)
    for seed in range(3):
        x = _batch(seed=seed)
        layer.forward(x, training=True)
        mean = 0.8 * mean + 0.2 * x.mean(axis=0)
        var = 0.8 * var + 0.2 * x.var(axis=0, ddof=1)
    np.testing.assert_allclose(layer.buffers["running_mean"], mean, rtol=1e-12)
    np.testing.assert_allclose(layer.buffers["running_var"], var, rtol=1e-12)
    one = _batch((1, 5), seed=9)
    np.testing.assert_allclose(layer.forward(one), (one - mean) / np.sqrt(var + 1e-5), rtol=1e-12)


@pytest.mark.parametrize("image", [False, True])
def test_batchnorm_in_a_network_passes_gradcheck(image):
    rng = np.random.default_rng(1)
    if image:
        layers = [nn.Conv2D((5, 5, 1), 3, 3, activation="tanh"), nn.BatchNorm(input_shape=(3, 3, 3)),
                  nn.Dense(27, 3, "softmax")]
        X = rng.normal(size=(6, 25))
    else:
        layers = [nn.Dense(4, 6, "tanh"), nn.BatchNorm(6), nn.Dense(6, 3, "softmax")]
        X = rng.normal(size=(6, 4))
    net = nn.Network(layers, seed=0)
    net.layers[1].params["gamma"] = rng.uniform(0.5, 2, net.layers[1].channels)
    net.layers[1].params["beta"] = rng.normal(size=net.layers[1].channels)
    report = nn.gradcheck(net, X, rng.integers(0, 3, 6))
    assert report.ok, str(report)
    assert {"1.gamma", "1.beta"} <= set(report.errors)


@pytest.mark.torch
@pytest.mark.parametrize("image", [False, True])
def test_batchnorm_matches_pytorch(image):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    shape = (4, 3, 2)
    layer = nn.BatchNorm(input_shape=shape, momentum=0.3, dtype=np.float64) if image else \
        nn.BatchNorm(2, momentum=0.3, dtype=np.float64)
    layer.params["gamma"] = rng.uniform(0.5, 2, 2)
    layer.params["beta"] = rng.normal(size=2)
    ref = (torch.nn.BatchNorm2d if image else torch.nn.BatchNorm1d)(2, momentum=0.3).double()
    with torch.no_grad():
        ref.weight.copy_(torch.tensor(layer.params["gamma"]))
        ref.bias.copy_(torch.tensor(layer.params["beta"]))
    for _ in range(3):
        x = rng.normal(loc=1.0, size=(5, *shape) if image else (5, 2))
        g = rng.normal(size=x.shape)
        flat = x.reshape(5, -1)
        y = layer.forward(flat, training=True)
        dx = layer.backward(g.reshape(5, -1))
        xt = torch.tensor(np.moveaxis(x, -1, 1) if image else x, requires_grad=True)   # NCHW for torch
        yt = ref(xt)
        yt.backward(torch.tensor(np.moveaxis(g, -1, 1) if image else g))
        back = (lambda t: np.moveaxis(t.detach().numpy(), 1, -1)) if image else (lambda t: t.detach().numpy())
        np.testing.assert_allclose(y.reshape(x.shape), back(yt), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(dx.reshape(x.shape), back(xt.grad), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(layer.grads["gamma"], ref.weight.grad.numpy(), rtol=1e-10)
        np.testing.assert_allclose(layer.grads["beta"], ref.bias.grad.numpy(), rtol=1e-10)
        ref.zero_grad()
    np.testing.assert_allclose(layer.buffers["running_mean"], ref.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(layer.buffers["running_var"], ref.running_var.numpy(), rtol=1e-12)
    ref.eval()
    x = rng.normal(size=(3, *shape) if image else (3, 2))
    xt = torch.tensor(np.moveaxis(x, -1, 1) if image else x)
    out = ref(xt).detach().numpy()
    np.testing.assert_allclose(layer.forward(x.reshape(3, -1)).reshape(x.shape),
                               np.moveaxis(out, 1, -1) if image else out, rtol=1e-10)


def _net(seed=0):
    return nn.Network([nn.Dense(4, 8), nn.BatchNorm(8), nn.Dense(8, 3, "relu"), nn.BatchNorm(3),
                       nn.Dense(3, 3, "softmax")], seed=seed)


def _data():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(120, 4)).astype(np.float32)
    return X, (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1)


def test_a_batchnorm_network_trains_and_its_running_statistics_are_saved(tmp_path):
    X, y = _data()
    net = _net()
    net.fit(X, y, epochs=10, batch_size=16, optimizer=nn.Adam(0.01))
    assert net.evaluate(X, y)[1] > 0.8
    assert not np.allclose(net.layers[1].buffers["running_mean"], 0)
    assert "1.running_mean" in net.get_weights() and "1.running_mean" not in dict(
        (n, p) for n, p, _ in net.parameters())                 # saved, never stepped
    net.save(tmp_path / "bn.npz")
    back = nn.load(tmp_path / "bn.npz")
    np.testing.assert_array_equal(back.layers[1].buffers["running_var"], net.layers[1].buffers["running_var"])
    np.testing.assert_array_equal(back.predict_proba(X), net.predict_proba(X))
    assert "BatchNorm(8)" in net.summary()


def test_a_batchnorm_run_resumes_bit_identically(tmp_path):
    X, y = _data()
    ref = _net()
    ref_history = ref.fit(X, y, epochs=6, batch_size=16, optimizer=nn.Adam(0.01), seed=4)
    ck = tmp_path / "ck.npz"
    _net().fit(X, y, epochs=3, batch_size=16, optimizer=nn.Adam(0.01), seed=4, checkpoint=ck)
    assert modelfile.load_checkpoint(ck)[2].epoch == 3
    net = _net()
    history = net.fit(X, y, epochs=6, batch_size=16, optimizer=nn.Adam(0.01), seed=4, resume=ck)
    for name, a in ref.get_weights().items():
        np.testing.assert_array_equal(net.get_weights()[name], a, err_msg=name)
    assert history["loss"] == ref_history["loss"]


@pytest.mark.parametrize("make, match", [
    (lambda: nn.BatchNorm(), "needs n_features .* or input_shape"),
    (lambda: nn.BatchNorm(4, input_shape=(2, 2, 1)), "not both"),
    (lambda: nn.BatchNorm(0), "n_features must be a positive integer"),
    (lambda: nn.BatchNorm(input_shape=(2, 2)), r"input_shape must be \[height, width, channels\]"),
    (lambda: nn.BatchNorm(4, momentum=1.5), r"momentum must be a number in \[0, 1\]"),
    (lambda: nn.BatchNorm(4, eps=0), "eps must be a positive number"),
    (lambda: nn.Network([nn.Dense(3, 4), nn.BatchNorm(5)]), "BatchNorm expects 5 inputs per example, got 4"),
])
def test_bad_settings_are_one_line(make, match):
    with pytest.raises((ConfigError, nn.ShapeError), match=match) as exc:
        make()
    assert "\n" not in str(exc.value)


def test_cnn_with_batch_norm_puts_it_between_convolution_and_activation():
    net = nn.cnn((8, 8), [4, 8], [10], batch_norm=True, seed=0)
    kinds = [type(layer).__name__ for layer in net.layers]
    assert kinds == ["Conv2D", "BatchNorm", "Activation", "MaxPool2D"] * 2 + ["Dense"]
    assert net.layers[0].activation.name == "identity" and net.layers[2].activation.name == "relu"
    (x, y), _ = nn.datasets.load("digits")
    history = net.fit(x[:400], y[:400], epochs=3, batch_size=32, optimizer=nn.Adam(0.01))
    assert history["accuracy"][-1] > 0.7
    report = nn.gradcheck(nn.cnn((6, 6), [2], [3], batch_norm=True, activation="tanh", seed=1),
                          np.random.default_rng(0).normal(size=(4, 36)), [0, 1, 2, 1])
    assert report.ok, str(report)


def test_the_activation_layer_is_its_own_formula_and_backward():
    layer = nn.Activation("tanh")
    x = np.random.default_rng(0).normal(size=(3, 4))
    np.testing.assert_allclose(layer.forward(x), np.tanh(x))
    g = np.ones_like(x)
    np.testing.assert_allclose(layer.backward(g), 1 - np.tanh(x) ** 2)
    net = nn.Network([nn.Dense(4, 3), nn.Activation("softmax")], seed=0)   # the loss sees the softmax
    assert not net.logits
    with pytest.raises(ConfigError, match="needs a softmax output layer"):
        nn.Network([nn.Dense(4, 3), nn.Activation("relu")])
