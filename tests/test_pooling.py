"""AvgPool2D and GlobalAvgPool2D: against a loop over windows written from the formula, finite
differences and PyTorch; model files keep them."""

import numpy as np
import pytest

import neuronet as nn


def _loop_avg(images, p, s):
    batch, H, W, C = images.shape
    out = np.zeros((batch, (H - p) // s + 1, (W - p) // s + 1, C))
    for i in range(out.shape[1]):
        for j in range(out.shape[2]):
            out[:, i, j, :] = images[:, i * s:i * s + p, j * s:j * s + p, :].mean(axis=(1, 2))
    return out


@pytest.mark.parametrize("shape, p, s", [((6, 6, 2), 2, None), ((7, 5, 3), 3, 2), ((5, 5, 1), 2, 1)])
def test_avg_pool_is_the_mean_of_each_window(shape, p, s):
    layer = nn.AvgPool2D(shape, pool_size=p, stride=s)
    x = np.random.default_rng(0).normal(size=(3, int(np.prod(shape))))
    got = layer.forward(x).reshape(3, *layer.output_shape)
    np.testing.assert_allclose(got, _loop_avg(x.reshape(3, *shape), p, s or p), rtol=1e-12)


def test_global_avg_pool_is_the_mean_per_channel():
    layer = nn.GlobalAvgPool2D((4, 3, 5))
    x = np.random.default_rng(1).normal(size=(2, 60))
    np.testing.assert_allclose(layer.forward(x), x.reshape(2, 4, 3, 5).mean(axis=(1, 2)), rtol=1e-12)
    assert layer.n_out == 5


@pytest.mark.parametrize("pool", ["avg", "global", "avg_overlap"])
def test_pools_in_a_network_pass_gradcheck(pool):
    conv = nn.Conv2D((6, 6, 1), 3, 3, activation="tanh")                 # (4, 4, 3)
    layer = {"avg": nn.AvgPool2D((4, 4, 3)), "global": nn.GlobalAvgPool2D((4, 4, 3)),
             "avg_overlap": nn.AvgPool2D((4, 4, 3), pool_size=2, stride=1)}[pool]
    net = nn.Network([conv, layer, nn.Dense(layer.n_out, 3, "softmax")], seed=0)
    rng = np.random.default_rng(2)
    report = nn.gradcheck(net, rng.normal(size=(4, 36)), rng.integers(0, 3, 4))
    assert report.ok, str(report)


@pytest.mark.torch
def test_avg_pools_match_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 6, 7, 3))
    g = rng.normal(size=(2, 3, 3, 3))
    layer = nn.AvgPool2D((6, 7, 3), pool_size=2)
    out = layer.forward(x.reshape(2, -1))
    dx = layer.backward(g.reshape(2, -1))
    xt = torch.tensor(np.moveaxis(x, -1, 1), requires_grad=True)       # NCHW
    yt = torch.nn.functional.avg_pool2d(xt, 2)
    yt.backward(torch.tensor(np.moveaxis(g, -1, 1)))
    np.testing.assert_allclose(out.reshape(2, 3, 3, 3), np.moveaxis(yt.detach().numpy(), 1, -1), rtol=1e-12)
    np.testing.assert_allclose(dx.reshape(x.shape), np.moveaxis(xt.grad.numpy(), 1, -1), rtol=1e-12)
    glob = nn.GlobalAvgPool2D((6, 7, 3))
    xt.grad = None
    ref = torch.nn.functional.adaptive_avg_pool2d(xt, 1).flatten(1)
    gg = rng.normal(size=(2, 3))
    ref.backward(torch.tensor(gg))
    np.testing.assert_allclose(glob.forward(x.reshape(2, -1)), ref.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(glob.backward(gg).reshape(x.shape), np.moveaxis(xt.grad.numpy(), 1, -1),
                               rtol=1e-12)


def test_pools_survive_a_model_file(tmp_path):
    net = nn.Network([nn.Conv2D((8, 8, 1), 4, 3, padding="same", activation="relu"),
                      nn.AvgPool2D((8, 8, 4)), nn.GlobalAvgPool2D((4, 4, 4)), nn.Dense(4, 3, "softmax")],
                     seed=0)
    net.save(tmp_path / "m.npz")
    x = np.random.default_rng(4).normal(size=(5, 64))
    np.testing.assert_array_equal(nn.load(tmp_path / "m.npz").predict_proba(x), net.predict_proba(x))
    with pytest.raises(nn.ShapeError, match="AvgPool2D: pool 9×9 is larger than the 8×8 input"):
        nn.AvgPool2D((8, 8, 1), pool_size=9)
    with pytest.raises(nn.ConfigError, match="GlobalAvgPool2D: input_shape must be"):
        nn.GlobalAvgPool2D(64)
