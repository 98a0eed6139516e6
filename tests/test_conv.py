"""Conv2D and MaxPool2D: against slow loop references, finite differences, PyTorch, model files, data.

The references below follow the definitions in the docstrings of ``neuronet/conv.py`` one output
value at a time, with plain Python loops, so that they are easy to check by eye. Layouts are
channels-last: an image is (H, W, C), a kernel (kh, kw, C, F).
"""

from __future__ import annotations

import doctest
import time

import numpy as np
import pytest
from modelfile_bytes import edit_doc

import neuronet as nn
from neuronet import modelfile
from neuronet.errors import ConfigError, ModelFileError, ShapeError
from neuronet.gradcheck import gradcheck


# --- slow, obviously correct references -----------------------------------------------------------
def same_padding(size: int, k: int, s: int) -> tuple[int, int]:
    """Zeros before and after for 'same': output ⌈size/s⌉, odd pixel after (the TensorFlow rule)."""
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


def naive_conv(x, W, b, stride, padding):
    """z[n, i, j, f] = b[f] + Σ_{u, v, c} x[n, i·s + u − top, j·s + v − left, c] · W[u, v, c, f],
    with x taken as 0 outside the image."""
    n, H, Wd, C = x.shape
    kh, kw, _, F = W.shape
    if padding == "same":
        (top, bottom), (left, right) = same_padding(H, kh, stride), same_padding(Wd, kw, stride)
    else:
        top = bottom = left = right = 0
    out_h = (H + top + bottom - kh) // stride + 1
    out_w = (Wd + left + right - kw) // stride + 1
    z = np.zeros((n, out_h, out_w, F))
    for e in range(n):
        for i in range(out_h):
            for j in range(out_w):
                for f in range(F):
                    total = 0.0 if b is None else b[f]
                    for u in range(kh):
                        for v in range(kw):
                            r, c = i * stride + u - top, j * stride + v - left
                            if 0 <= r < H and 0 <= c < Wd:
                                total += float(np.dot(x[e, r, c, :], W[u, v, :, f]))
                    z[e, i, j, f] = total
    return z


def naive_maxpool(x, p, s, grad=None):
    """(max over each p×p window, and dL/dx for dL/dy = grad: all of it to the window's first max)."""
    n, H, W, C = x.shape
    out_h, out_w = (H - p) // s + 1, (W - p) // s + 1
    y = np.zeros((n, out_h, out_w, C))
    dx = np.zeros_like(x)
    for e in range(n):
        for i in range(out_h):
            for j in range(out_w):
                for c in range(C):
                    best, where = -np.inf, None
                    for u in range(p):
                        for v in range(p):
                            value = x[e, i * s + u, j * s + v, c]
                            if value > best:          # strict: the first maximum wins ties
                                best, where = value, (i * s + u, j * s + v)
                    y[e, i, j, c] = best
                    if grad is not None:
                        dx[e, where[0], where[1], c] += grad[e, i, j, c]
    return y, dx


# --- forward and backward against the references ------------------------------------------------------
CONV_CASES = [  # (H, W, C, filters, kernel, stride, padding, use_bias)
    (6, 6, 1, 2, 3, 1, "valid", True),
    (7, 5, 3, 4, 3, 2, "valid", True),
    (6, 7, 2, 3, 3, 1, "same", True),       # odd kernel: symmetric zeros
    (6, 6, 2, 3, 2, 1, "same", True),       # even kernel: the extra zero goes after
    (7, 8, 3, 2, 4, 2, "same", False),      # even kernel, stride 2, odd height, no bias
    (5, 6, 2, 2, (2, 3), 3, "valid", True),  # rectangular kernel, leftover columns dropped
    (4, 4, 1, 1, 1, 2, "same", True),       # 1×1 kernel needs no padding at all
]


@pytest.mark.parametrize("case", CONV_CASES, ids=str)
def test_conv_forward_matches_naive_loops(case):
    H, W, C, F, k, s, padding, use_bias = case
    rng = np.random.default_rng(0)
    layer = nn.Conv2D((H, W, C), F, k, stride=s, padding=padding, use_bias=use_bias, seed=1,
                      dtype=np.float64)
    if use_bias:
        layer.params["b"][...] = rng.normal(size=F)
    x = rng.normal(size=(3, H, W, C))
    expected = naive_conv(x, layer.W, layer.b, s, padding)
    if padding == "same":
        assert expected.shape[1:3] == (-(-H // s), -(-W // s))
    assert layer.output_shape == expected.shape[1:]
    out = layer.forward(x.reshape(3, -1))
    assert out.shape == (3, expected[0].size)
    np.testing.assert_allclose(out, expected.reshape(3, -1), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CONV_CASES, ids=str)
def test_conv_input_gradient_by_finite_differences(case):
    """dL/dx for L = Σ z · R (R fixed), the path a conv layer takes when it is not the first layer."""
    H, W, C, F, k, s, padding, use_bias = case
    rng = np.random.default_rng(2)
    layer = nn.Conv2D((H, W, C), F, k, stride=s, padding=padding, use_bias=use_bias, seed=3,
                      dtype=np.float64)
    x = rng.normal(size=(2, H * W * C))
    R = rng.normal(size=(2, layer.n_out))
    layer.forward(x)
    dx = layer.backward(R, need_input_grad=True)
    numeric = np.zeros_like(x)
    h = 1e-6
    for idx in np.ndindex(*x.shape):
        old = x[idx]
        x[idx] = old + h
        up = float((layer.forward(x) * R).sum())
        x[idx] = old - h
        down = float((layer.forward(x) * R).sum())
        x[idx] = old
        numeric[idx] = (up - down) / (2 * h)
    np.testing.assert_allclose(dx, numeric, rtol=1e-6, atol=1e-8)


MAXPOOL_CASES = [  # (H, W, C, pool, stride)
    (4, 4, 2, 2, None),      # the usual halving
    (7, 5, 3, 2, None),      # leftover bottom row and right column are dropped
    (7, 7, 1, 3, 2),         # overlapping windows: stride < pool
    (8, 7, 2, 2, 3),         # gaps between windows: stride > pool
]


@pytest.mark.parametrize("case", MAXPOOL_CASES, ids=str)
def test_maxpool_forward_and_backward_match_naive_loops(case):
    H, W, C, p, s = case
    rng = np.random.default_rng(4)
    layer = nn.MaxPool2D((H, W, C), pool_size=p, stride=s)
    x = rng.normal(size=(3, H, W, C))
    out = layer.forward(x.reshape(3, -1))
    g = rng.normal(size=out.shape)
    expected, expected_dx = naive_maxpool(x, p, s or p, g.reshape(3, *layer.output_shape))
    assert layer.output_shape == expected.shape[1:]
    np.testing.assert_array_equal(out, expected.reshape(3, -1))
    np.testing.assert_allclose(layer.backward(g), expected_dx.reshape(3, -1), rtol=1e-15)


def test_maxpool_gives_a_tied_window_gradient_to_its_first_maximum():
    layer = nn.MaxPool2D((2, 2, 1), pool_size=2)
    layer.forward(np.ones((1, 4)))
    np.testing.assert_array_equal(layer.backward(np.array([[5.0]])), [[5.0, 0.0, 0.0, 0.0]])


# --- gradients of whole networks, by central finite differences ----------------------------------------
def _assert_no_ties(net: nn.Network, X: np.ndarray, gap: float = 1e-3) -> None:
    """A max-pool window whose two largest values are within ``gap`` would make the finite
    difference (h = 1e-5) straddle a switch of the maximum; make sure the data has none."""
    x = X
    for layer in net.layers:
        if isinstance(layer, nn.MaxPool2D):
            p, s = layer.pool_size, layer.stride
            images = x.reshape(len(x), *layer.input_shape)
            out_h, out_w, _ = layer.output_shape
            for i in range(out_h):
                for j in range(out_w):
                    window = images[:, i * s:i * s + p, j * s:j * s + p, :].reshape(len(x), p * p, -1)
                    top2 = np.sort(window, axis=1)[:, -2:, :]
                    assert (top2[:, 1] - top2[:, 0]).min() > gap
        x = layer.forward(x)


def _checked(net: nn.Network, X, y):
    _assert_no_ties(net, X)
    report = gradcheck(net, X, y)
    assert report.ok, str(report)
    return report


def test_gradcheck_conv_maxpool_dense():
    rng = np.random.default_rng(5)
    net = nn.Network([nn.Conv2D((6, 6, 2), 3, 3, padding="same", activation="tanh"),
                      nn.MaxPool2D((6, 6, 3), pool_size=2),
                      nn.Dense(27, 4, activation="softmax")], seed=0, dtype="float64")
    net.layers[0].params["b"][...] = rng.normal(scale=0.3, size=3)
    report = _checked(net, rng.normal(size=(5, 72)), rng.integers(0, 4, 5))
    assert set(report.errors) == {"0.W", "0.b", "2.W", "2.b"}


def test_gradcheck_conv_after_conv_checks_the_input_gradient():
    """The first conv layer's gradients reach it through the second one's dL/dx (need_input_grad)."""
    rng = np.random.default_rng(6)
    net = nn.Network([nn.Conv2D((7, 7, 2), 3, 3, activation="tanh"),
                      nn.Conv2D((5, 5, 3), 4, 2, stride=2, padding="same", activation="sigmoid"),
                      nn.Dropout(0.3),
                      nn.Dense(36, 3, activation="softmax")], seed=0, dtype="float64")
    for layer in net.layers[:2]:
        layer.params["b"][...] = rng.normal(scale=0.3, size=layer.b.shape)
    report = _checked(net, rng.normal(size=(4, 98)), rng.integers(0, 3, 4))
    assert {"0.W", "0.b", "1.W", "1.b"} <= set(report.errors)


@pytest.mark.parametrize("fused", [True, False])
def test_gradcheck_conv_as_the_softmax_output_layer(fused):
    """A valid 3×3 convolution of a 3×3 image is a classifier with one output per filter; with
    cross-entropy the network fuses the loss into it, like a Dense output layer."""
    rng = np.random.default_rng(7)
    net = nn.Network([nn.Conv2D((5, 5, 1), 2, 3, activation="tanh"),
                      nn.Conv2D((3, 3, 2), 4, 3, activation="softmax")], seed=0, dtype="float64")
    assert net._fused and net.n_out == 4
    net._fused = fused
    _checked(net, rng.normal(size=(6, 25)), rng.integers(0, 4, 6))


# --- PyTorch as an independent oracle -------------------------------------------------------------------
@pytest.mark.torch
@pytest.mark.parametrize("padding,stride,kernel", [("valid", 1, 3), ("valid", 2, 3), ("same", 1, 3),
                                                   ("same", 2, 3), ("same", 2, 4), ("same", 1, 2)])
def test_conv_matches_torch(padding, stride, kernel):
    torch = pytest.importorskip("torch")
    F_ = torch.nn.functional
    rng = np.random.default_rng(8)
    H, W, C, F = 9, 8, 3, 5
    layer = nn.Conv2D((H, W, C), F, kernel, stride=stride, padding=padding, seed=0, dtype=np.float64)
    layer.params["b"][...] = rng.normal(size=F)
    x = rng.normal(size=(4, H, W, C))
    out = layer.forward(x.reshape(4, -1))
    R = rng.normal(size=out.shape)
    dx = layer.backward(R)

    # Torch is NCHW with weights (F, C, kh, kw); 'same' zeros are added explicitly (odd one after).
    tx = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
    tW = torch.tensor(layer.W.transpose(3, 2, 0, 1).copy(), requires_grad=True)
    tb = torch.tensor(layer.b.copy(), requires_grad=True)
    padded = tx
    if padding == "same":
        (top, bottom), (left, right) = same_padding(H, kernel, stride), same_padding(W, kernel, stride)
        padded = F_.pad(tx, (left, right, top, bottom))
    tz = F_.conv2d(padded, tW, tb, stride=stride)                        # (n, F, H', W')
    expected = tz.detach().numpy().transpose(0, 2, 3, 1).reshape(4, -1)
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-12)
    (tz * torch.tensor(R.reshape(4, *layer.output_shape).transpose(0, 3, 1, 2))).sum().backward()
    np.testing.assert_allclose(layer.grads["W"], tW.grad.numpy().transpose(2, 3, 1, 0), rtol=1e-10)
    np.testing.assert_allclose(layer.grads["b"], tb.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(dx, tx.grad.numpy().transpose(0, 2, 3, 1).reshape(4, -1), rtol=1e-10,
                               atol=1e-12)


@pytest.mark.torch
def test_maxpool_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(9)
    layer = nn.MaxPool2D((9, 8, 3), pool_size=3, stride=2)
    x = rng.normal(size=(2, 9, 8, 3))
    out = layer.forward(x.reshape(2, -1))
    tx = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
    ty = torch.nn.functional.max_pool2d(tx, 3, stride=2)
    np.testing.assert_array_equal(out, ty.detach().numpy().transpose(0, 2, 3, 1).reshape(2, -1))
    g = rng.normal(size=out.shape)
    (ty * torch.tensor(g.reshape(2, *layer.output_shape).transpose(0, 3, 1, 2))).sum().backward()
    np.testing.assert_allclose(layer.backward(g), tx.grad.numpy().transpose(0, 2, 3, 1).reshape(2, -1))


def test_docstring_examples_run():
    assert doctest.testmod(nn.conv, raise_on_error=True).attempted > 0


# --- mistakes a user can make ------------------------------------------------------------------------------
def _one_line(exc_info) -> str:
    message = str(exc_info.value)
    assert message and "\n" not in message
    return message


@pytest.mark.parametrize("make,error,match", [
    (lambda: nn.Conv2D((8, 8), 4), ConfigError, r"input_shape must be \[height, width, channels\]"),
    (lambda: nn.Conv2D(64, 4), ConfigError, "input_shape must be"),
    (lambda: nn.Conv2D((8, 0, 1), 4), ConfigError, "input_shape entry must be a positive integer"),
    (lambda: nn.Conv2D((8, 8, 1), 0), ConfigError, "filters must be a positive integer, got 0"),
    (lambda: nn.Conv2D((8, 8, 1), 4, (3, 3, 3)), ConfigError, "kernel_size must be a positive integer or"),
    (lambda: nn.Conv2D((8, 8, 1), 4, 3, stride=0), ConfigError, "stride must be a positive integer"),
    (lambda: nn.Conv2D((8, 8, 1), 4, 3, padding="full"), ConfigError, "padding must be 'valid' or 'same'"),
    (lambda: nn.Conv2D((8, 8, 1), 4, 9), ShapeError, "kernel 9×9 is larger than the 8×8 input"),
    (lambda: nn.Conv2D((8, 8, 1), 4, 3, activation="nope"), ConfigError, "nope"),
    (lambda: nn.MaxPool2D((3, 3, 1), pool_size=4), ShapeError, "pool 4×4 is larger than the 3×3 input"),
    (lambda: nn.MaxPool2D((4, 4, 1), pool_size=2, stride=0), ConfigError, "stride must be a positive"),
    (lambda: nn.Network([nn.Conv2D((8, 8, 1), 4, 3), nn.Dense(100, 10, "softmax")]), ShapeError,
     "Dense expects 100 inputs per example, got 144"),
    (lambda: nn.Network([nn.Conv2D((8, 8, 1), 4, 3), nn.MaxPool2D((8, 8, 4))]), ShapeError,
     r"MaxPool2D expects 8×8×4 = 256 inputs per example, got 144"),
])
def test_configuration_errors_say_what_is_wrong(make, error, match):
    with pytest.raises(error, match=match) as exc:
        make()
    _one_line(exc)


def test_wrong_input_width_is_a_shape_error():
    layer = nn.Conv2D((8, 8, 1), 2, 3)
    with pytest.raises(ShapeError, match=r"expects input of shape \(batch, 64\) \(8×8×1 images\)") as exc:
        layer.forward(np.zeros((2, 63), np.float32))
    _one_line(exc)
    net = nn.Network([layer, nn.Dense(72, 3, "softmax")], seed=0)
    with pytest.raises(ShapeError, match=r"must have shape \(n, 64\)") as exc:
        net.predict(np.zeros((2, 65)))
    _one_line(exc)
    # Images may come as (n, 8, 8) or (n, 8, 8, 1): the same values in the same order.
    x = np.random.default_rng(0).random((2, 8, 8, 1))
    np.testing.assert_array_equal(net.predict_proba(x), net.predict_proba(x.reshape(2, 64)))
    np.testing.assert_array_equal(net.predict_proba(x[..., 0]), net.predict_proba(x.reshape(2, 64)))


# --- model files -------------------------------------------------------------------------------------------
def conv_net(dtype="float32") -> nn.Network:
    return nn.Network([nn.Conv2D((8, 8, 1), 4, 3, padding="same", activation="relu"),
                       nn.MaxPool2D((8, 8, 4), pool_size=2),
                       nn.Dropout(0.25),
                       nn.Conv2D((4, 4, 4), 3, (2, 3), stride=2, use_bias=False, activation="tanh"),
                       nn.Dense(6, 10, activation="softmax")], seed=0, dtype=dtype,
                      class_names=[str(d) for d in range(10)])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_model_file_round_trip_gives_identical_predictions(tmp_path, dtype):
    net = conv_net(dtype)
    rng = np.random.default_rng(10)
    net.fit(rng.random((40, 64)), rng.integers(0, 10, 40), epochs=1, optimizer="adam", verbose=0)
    path = tmp_path / "conv.npz"
    net.save(path)
    again = nn.load(path)
    assert again.get_config() == net.get_config()
    assert [repr(layer) for layer in again.layers] == [repr(layer) for layer in net.layers]
    X = rng.random((7, 64))
    np.testing.assert_array_equal(again.predict_proba(X), net.predict_proba(X))
    assert modelfile.info(path)["n_params"] == net.n_params == 4 * 9 + 4 + 2 * 3 * 4 * 3 + 6 * 10 + 10



def _set(layer: int, **fields):
    return lambda doc: doc["network"]["layers"][layer].update(fields)


@pytest.mark.parametrize("change,message", [
    # More filters than the stored kernel holds: the header shape no longer fits the architecture.
    (_set(0, filters=5), "weights/0.W is listed with shape [3, 3, 1, 4], but the architecture needs "
                         "[3, 3, 1, 5]"),
    (_set(0, kernel_size=[3, 2]), "but the architecture needs [3, 2, 1, 4]"),
    (_set(0, kernel_size=2), "but the architecture needs [2, 2, 1, 4]"),
    (_set(0, input_shape=[8, 8, 2]), "but the architecture needs [3, 3, 2, 4]"),
    (_set(3, use_bias=True), "array weights/3.b is missing from the description"),
    (_set(0, use_bias=False), "unexpected array 'weights/0.b' for this architecture"),
    (lambda d: d["arrays"]["weights/3.W"].update(shape=[2, 3, 4, 4]),
     "weights/3.W is listed with shape [2, 3, 4, 4], but the architecture needs [2, 3, 4, 3]"),
    (_set(0, filters=True), "filters must be a positive integer, got True"),
    (_set(0, filters=-1), "filters must be a positive integer, got -1"),
    (_set(0, input_shape=[8, 8]), "input_shape must be [height, width, channels]"),
    (_set(0, input_shape="8x8x1"), "input_shape must be [height, width, channels]"),
    (_set(0, kernel_size=[3, "3"]), "kernel_size must be a positive integer or [height, width]"),
    (_set(0, kernel_size=None), "kernel_size must be a positive integer or [height, width]"),
    # Shapes that fit the arrays but not each other are refused when the network is built.
    (_set(1, input_shape=[8, 8, 5]), "MaxPool2D expects 8×8×5 = 320 inputs per example, got 256"),
    (_set(1, pool_size=20), "pool 20×20 is larger than the 8×8 input"),
    (_set(0, padding="full"), "padding must be 'valid' or 'same'"),
])
def test_tampered_conv_model_files_are_refused(tmp_path, change, message):
    path = tmp_path / "conv.npz"
    conv_net().save(path)
    edit_doc(path, change)
    with pytest.raises(ModelFileError) as exc:
        nn.load(path)
    text = _one_line(exc)
    assert str(path) in text and message in text


def test_conv_header_shape_must_match_the_architecture(tmp_path):
    """Description and architecture edited to agree on 5 filters: the stored kernel's own .npy header
    still says 4, and that is refused before its data is read."""
    path = tmp_path / "conv.npz"
    conv_net().save(path)

    def five_filters(doc):
        doc["network"]["layers"][0]["filters"] = 5
        doc["network"]["layers"][1]["input_shape"] = [8, 8, 5]
        doc["arrays"]["weights/0.W"]["shape"] = [3, 3, 1, 5]
    edit_doc(path, five_filters)
    with pytest.raises(ModelFileError, match=r"weights/0.W has shape \(3, 3, 1, 4\) in its header, but the "
                                             r"architecture needs \(3, 3, 1, 5\)") as exc:
        nn.load(path)
    _one_line(exc)


# --- training ----------------------------------------------------------------------------------------------
def test_conv_layers_work_with_every_optimiser_and_float64():
    rng = np.random.default_rng(11)
    X, y = rng.random((64, 36)), rng.integers(0, 3, 64)
    for optimizer in (nn.SGD(0.1), nn.SGD(0.05, momentum=0.9), nn.RMSprop(1e-2), nn.Adam(1e-2),
                      nn.AdamW(1e-2)):
        net = nn.Network([nn.Conv2D((6, 6, 1), 3, 3, activation="relu"), nn.MaxPool2D((4, 4, 3)),
                          nn.Dense(12, 3, activation="softmax")], seed=0, dtype="float64")
        before = net.evaluate(X, y)[0]
        net.fit(X, y, epochs=5, batch_size=16, optimizer=optimizer, verbose=0)
        assert net.layers[0].W.dtype == np.float64
        assert net.evaluate(X, y)[0] < before, optimizer


def test_a_small_conv_net_learns_the_8x8_digits():
    pytest.importorskip("sklearn")
    (X_train, y_train), (X_test, y_test) = nn.datasets.load("digits")
    net = nn.Network([nn.Conv2D((8, 8, 1), 8, 3, padding="same", activation="relu"),
                      nn.MaxPool2D((8, 8, 8), pool_size=2),
                      nn.Dense(128, 10, activation="softmax")], seed=0)
    start = time.perf_counter()
    net.fit(X_train, y_train, epochs=15, batch_size=32, optimizer=nn.Adam(3e-3), seed=0, verbose=0)
    seconds = time.perf_counter() - start
    accuracy = net.evaluate(X_test, y_test)[1]
    assert accuracy > 0.93, accuracy        # chance is 10%
    assert seconds < 20, seconds


@pytest.mark.parametrize("figure", ["plot_network", "plot_weights"])
def test_dense_only_figures_refuse_conv_networks(figure):
    """These figures draw the first Dense layer's inputs as the network's inputs: wrong after a conv."""
    pytest.importorskip("matplotlib")
    from neuronet import viz

    with pytest.raises(ConfigError, match=rf"^{figure} draws networks of Dense layers only; this one has "
                                          r"a Conv2D layer$"):
        getattr(viz, figure)(conv_net())


def test_summary_and_cli_info_describe_conv_networks(tmp_path, capsys):
    from neuronet.cli import main

    net = conv_net()
    path = tmp_path / "conv.npz"
    net.save(path)
    assert main(["info", str(path)]) == 0
    printed = capsys.readouterr().out
    for line in ["Conv2D(8×8×1, 4 filters 3×3, stride 1, same, activation='relu')", "(batch, 8×8×4)",
                 "MaxPool2D(8×8×4, pool 2, stride 2)", "(batch, 4×4×4)",
                 "Conv2D(4×4×4, 3 filters 2×3, stride 2, valid, activation='tanh')",
                 f"total parameters: {net.n_params:,}"]:
        assert line in printed and line in net.summary(), line
    rows = {r.split()[0]: r.split()[-1] for r in net.summary().splitlines()[2:7]}
    assert rows == {"0": "40", "1": "0", "2": "0", "3": "72", "4": "70"}


def test_training_resumed_from_a_checkpoint_matches_uninterrupted_training(tmp_path):
    """Conv kernels and Adam's moments for them survive a checkpoint exactly (dropout included)."""
    from neuronet import modelfile

    rng = np.random.default_rng(12)
    X, y = rng.random((48, 64)), rng.integers(0, 10, 48)
    straight = conv_net()
    straight.fit(X, y, epochs=4, batch_size=16, optimizer=nn.Adam(1e-2), seed=3)
    path = tmp_path / "ck.npz"
    first = conv_net()
    first.fit(X, y, epochs=2, batch_size=16, optimizer=nn.Adam(1e-2), seed=3, checkpoint=path)
    resumed, _, _ = modelfile.load_checkpoint(path)
    resumed.fit(X, y, epochs=4, batch_size=16, seed=3, resume=path)
    for (name, p, _), (_, q, _) in zip(straight.parameters(), resumed.parameters(), strict=True):
        np.testing.assert_array_equal(p, q, err_msg=name)
