"""Winograd's F(4×4, 3×3) (neuronet/winograd.py) and the Conv2D layers that use it: against the slow
loop reference of test_conv.py, against im2col on the same layer, finite differences and PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
from test_conv import naive_conv

import neuronet as nn
from neuronet import conv as conv_module
from neuronet import threads, winograd
from neuronet.gradcheck import gradcheck
from neuronet.layers import Scratch

# (H, W, C, filters, padding): outputs that are and are not whole 4×4 tiles, one tile, many
CASES = [(6, 6, 16, 16, "valid"),      # 4×4 out: exactly one tile
         (7, 9, 16, 17, "valid"),      # 5×7 out: tiles hanging over the bottom and right edges
         (3, 3, 16, 16, "valid"),      # 1×1 out
         (13, 13, 32, 64, "valid"),    # issue 15's second convolution
         (5, 8, 16, 20, "same"),       # 'same' pads first, then the valid correlation
         (6, 5, 2, 3, "valid")]        # few channels: im2col's case, which Winograd computes as well


def _layer(H, W, C, F, padding, dtype=np.float64, activation=None, seed=1):
    """A Conv2D computed by Winograd whatever its shapes (the layer would pick im2col for some of
    these edge cases; the algorithm itself must be right on all of them)."""
    layer = nn.Conv2D((H, W, C), F, 3, padding=padding, activation=activation, seed=seed, dtype=dtype)
    layer.algorithm = "winograd"
    layer.params["b"][...] = np.random.default_rng(seed).normal(size=F)
    return layer


def test_the_transform_matrices_are_lavin_and_grays_f4x4_3x3():
    """Aᵀ [(G g) ⊙ (Bᵀ d)] is the 1-D correlation of a 6-vector d with a 3-vector g: 4 outputs."""
    rng = np.random.default_rng(0)
    d, g = rng.normal(size=6), rng.normal(size=3)
    np.testing.assert_allclose(winograd.AT @ ((winograd.G @ g) * (winograd.BT @ d)),
                               [d[i:i + 3] @ g for i in range(4)], rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_winograd_forward_matches_naive_loops(case):
    H, W, C, F, padding = case
    layer = _layer(H, W, C, F, padding)
    x = np.random.default_rng(2).normal(size=(2, H, W, C))
    expected = naive_conv(x, layer.W, layer.b, 1, padding)
    np.testing.assert_allclose(layer.forward(x.reshape(2, -1)), expected.reshape(2, -1), rtol=1e-11,
                               atol=1e-11)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_winograd_and_im2col_give_the_same_gradients(case):
    """The same layer computed both ways: z, dL/dW, dL/db and dL/dx agree to float64 rounding, in
    training and after a forward outside training (which keeps nothing, so backward transforms x again)."""
    H, W, C, F, padding = case
    layer = _layer(H, W, C, F, padding, activation="tanh")
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, H * W * C))
    g = rng.normal(size=(3, layer.n_out))
    results = {}
    for algorithm in ("im2col", "winograd"):
        layer.algorithm = algorithm
        for training in (True, False):
            out = layer.forward(x, training=training)
            dx = layer.backward(g)
            results[algorithm, training] = (out, dx, layer.grads["W"].copy(), layer.grads["b"].copy())
    reference = results["im2col", True]
    for key, got in results.items():
        for a, b in zip(reference, got, strict=True):
            np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-11, err_msg=str(key))


def test_winograd_in_float32_stays_within_rounding_of_float64():
    layer64 = _layer(13, 13, 32, 64, "valid")
    layer32 = nn.Conv2D((13, 13, 32), 64, 3, seed=1, dtype=np.float32)
    layer32.params["W"] = layer64.W
    layer32.params["b"] = layer64.b
    x = np.random.default_rng(4).random((8, 13 * 13 * 32))
    want, got = layer64.forward(x), layer32.forward(x.astype(np.float32))
    assert got.dtype == np.float32
    assert np.abs(got - want).max() < 1e-5 * np.abs(want).max()


def test_the_first_layer_skips_dl_dx_and_gets_the_same_weight_gradients():
    layer = _layer(7, 9, 16, 17, "valid")
    rng = np.random.default_rng(5)
    x, g = rng.normal(size=(2, 7 * 9 * 16)), rng.normal(size=(2, layer.n_out))
    layer.forward(x, training=True)
    layer.backward(g)
    want = layer.grads["W"].copy()
    layer.grads["W"][...] = 0
    assert layer.backward(g, need_input_grad=False) is None
    np.testing.assert_array_equal(layer.grads["W"], want)


def test_winograd_input_gradient_by_finite_differences():
    layer = _layer(6, 7, 16, 16, "same")
    rng = np.random.default_rng(6)
    x = rng.normal(size=(1, 6 * 7 * 16))
    R = rng.normal(size=(1, layer.n_out))
    layer.forward(x)
    dx = layer.backward(R)
    h = 1e-6
    for idx in rng.choice(x.size, 40, replace=False):
        up, down = x.copy(), x.copy()
        up.flat[idx] += h
        down.flat[idx] -= h
        numeric = float(((layer.forward(up) - layer.forward(down)) * R).sum()) / (2 * h)
        assert dx.flat[idx] == pytest.approx(numeric, rel=1e-6, abs=1e-8)


def test_gradcheck_a_network_with_a_winograd_convolution(monkeypatch):
    monkeypatch.setattr(threads, "one_thread", lambda: True)     # so the shape-chosen Winograd runs
    net = nn.Network([nn.Conv2D((6, 6, 1), 16, 3, padding="same", activation="tanh"),
                      nn.Conv2D((6, 6, 16), 16, 3, activation="tanh"),
                      nn.MaxPool2D((4, 4, 16), 2),
                      nn.Dense(64, 3, activation="softmax")], seed=0, dtype="float64")
    assert [getattr(layer, "algorithm", None) for layer in net.layers[:2]] == ["im2col", "winograd"]
    rng = np.random.default_rng(7)
    report = gradcheck(net, rng.normal(size=(3, 36)), rng.integers(0, 3, 3))
    assert report.ok, str(report)
    assert net.layers[1]._used == "winograd"


def test_inference_in_slices_gives_the_whole_batchs_outputs(monkeypatch):
    layer = _layer(7, 9, 16, 17, "valid")
    x = np.random.default_rng(8).normal(size=(5, 7 * 9 * 16))
    whole = layer.forward(x, training=True)
    for examples in (1, 2, 5):
        monkeypatch.setattr(conv_module, "_SLICE_BYTES", examples * 5 * 7 * 9 * 16 * 8)
        np.testing.assert_allclose(layer.forward(x), whole, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("shape, stride, filters, padding, algorithm", [
    ((13, 13, 32), 1, 64, "valid", "winograd"), ((14, 14, 16), 1, 8, "same", "winograd"),
    ((28, 28, 1), 1, 32, "valid", "im2col"),     # one channel: the transforms outweigh the products
    ((28, 28, 8), 1, 16, "valid", "im2col"),
    ((14, 14, 16), 2, 32, "valid", "im2col"),    # stride 2
    ((7, 7, 64), 1, 64, "valid", "im2col"),      # 5×5 outputs in four 4×4 tiles: 39 % filled
    ((8, 8, 64), 1, 64, "same", "winograd")])    # 8×8 outputs: four tiles, full
def test_winograd_is_used_for_3x3_stride_1_with_16_channels_and_well_filled_tiles(shape, stride, filters,
                                                                                  padding, algorithm):
    assert nn.Conv2D(shape, filters, 3, stride=stride, padding=padding).algorithm == algorithm
    assert nn.Conv2D(shape, filters, (3, 2)).algorithm == "im2col"


def test_the_work_arrays_are_reused_and_the_outputs_are_new():
    layer = _layer(7, 9, 16, 17, "valid", dtype=np.float32)
    rng = np.random.default_rng(9)
    x1, x2 = (rng.random((4, 7 * 9 * 16), dtype=np.float32) for _ in range(2))
    a1 = layer.forward(x1, training=True)
    dx1 = layer.backward(np.ones_like(a1))
    kept, V1 = (a1.copy(), dx1.copy()), layer._V
    layer.forward(x2, training=True)
    layer.backward(np.ones_like(a1))
    assert np.shares_memory(layer._V, V1)                     # the same scratch memory
    np.testing.assert_array_equal(a1, kept[0])
    np.testing.assert_array_equal(dx1, kept[1])
    assert isinstance(layer.scratch, Scratch) and "wino_V" in layer.scratch._arrays


@pytest.mark.torch
def test_winograd_layers_match_pytorch():
    torch = pytest.importorskip("torch")
    layer = _layer(9, 8, 16, 24, "same", activation="relu")
    rng = np.random.default_rng(10)
    x = rng.normal(size=(2, 9, 8, 16))
    g = rng.normal(size=(2, 9, 8, 24))
    out = layer.forward(x.reshape(2, -1), training=True)
    dx = layer.backward(g.reshape(2, -1))
    xt = torch.tensor(np.moveaxis(x, -1, 1), requires_grad=True)
    wt = torch.tensor(layer.W.transpose(3, 2, 0, 1).copy(), requires_grad=True)
    bt = torch.tensor(layer.b.copy(), requires_grad=True)
    yt = torch.relu(torch.nn.functional.conv2d(xt, wt, bt, padding=1))
    yt.backward(torch.tensor(np.moveaxis(g, -1, 1)))
    close = {"rtol": 1e-10, "atol": 1e-11}
    np.testing.assert_allclose(out.reshape(2, 9, 8, 24), np.moveaxis(yt.detach().numpy(), 1, -1), **close)
    np.testing.assert_allclose(dx.reshape(x.shape), np.moveaxis(xt.grad.numpy(), 1, -1), **close)
    np.testing.assert_allclose(layer.grads["W"], wt.grad.numpy().transpose(2, 3, 1, 0), **close)
    np.testing.assert_allclose(layer.grads["b"], bt.grad.numpy(), **close)


@pytest.mark.parametrize("env, expected", [
    ({"OPENBLAS_NUM_THREADS": "1"}, True), ({"OMP_NUM_THREADS": "1"}, True),
    ({"OPENBLAS_NUM_THREADS": "2", "OMP_NUM_THREADS": "1"}, False), ({"MKL_NUM_THREADS": "4"}, False)])
def test_one_thread_reads_the_environment_blas_reads(monkeypatch, env, expected):
    for name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(threads, "_set", None)
    assert threads.one_thread() is expected
    monkeypatch.setattr(threads, "_set", 1)          # what set_threads(1) records wins
    assert threads.one_thread() is True
    monkeypatch.setattr(threads, "_set", 2)
    assert threads.one_thread() is False


@pytest.mark.parametrize("one", [True, False])
def test_winograd_runs_by_itself_only_where_blas_runs_one_thread(monkeypatch, one):
    """Several BLAS threads wait on each other over Winograd's many small products: there the layer
    computes by im2col unless it was told otherwise; forward and backward always agree."""
    monkeypatch.setattr(threads, "one_thread", lambda: one)
    x = np.random.default_rng(3).normal(size=(2, 13 * 13 * 32))
    layer = nn.Conv2D((13, 13, 32), 8, 3, seed=0, dtype=np.float64)
    assert layer.algorithm == "winograd"
    out = layer.forward(x, training=True)
    assert layer._used == ("winograd" if one else "im2col")
    dx = layer.backward(np.ones_like(out))
    told = nn.Conv2D((13, 13, 32), 8, 3, seed=0, dtype=np.float64)
    told.algorithm = "winograd"                      # told: Winograd whatever the threads
    np.testing.assert_allclose(told.forward(x, training=True), out, rtol=1e-10, atol=1e-10)
    assert told._used == "winograd"
    np.testing.assert_allclose(told.backward(np.ones_like(out)), dx, rtol=1e-10, atol=1e-10)
    with pytest.raises(nn.ConfigError, match="algorithm must be 'winograd' or 'im2col'"):
        told.algorithm = "fft"
    with pytest.raises(nn.ConfigError, match="needs a 3×3 kernel and stride 1"):
        nn.Conv2D((13, 13, 32), 8, 3, stride=2).algorithm = "winograd"
