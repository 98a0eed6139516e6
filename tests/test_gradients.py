"""Backpropagation checked against finite differences, for every layer × activation × loss pairing.

Combinations checked (all in float64, relative error < 1e-6):

* every activation as the hidden layer × every output configuration below;
* output configurations:
  - ``mse`` after every activation (a valid, differentiable cost on any output);
  - ``binary_crossentropy`` after sigmoid, fused (the network's fast path) and unfused (the same
    function through ``BinaryCrossEntropy.gradient`` and ``Sigmoid.backward``), and after softmax
    (outputs in (0, 1), so the unfused formula is meaningful);
  - ``categorical_crossentropy`` after softmax, fused and unfused (through ``Softmax.backward``), and
    after sigmoid (unfused; outputs in (0, 1)). Cross-entropy after ``log_softmax`` is *not* checked:
    the loss expects probabilities, and log-probabilities are negative.
* Dropout between the layers (gradcheck fixes its mask), and ``use_bias=False``.

ReLU-like activations have a kink at 0; every test asserts that no pre-activation lies within 1e-3 of
0, so a central difference with h = 1e-5 never straddles one.
"""

from __future__ import annotations

import numpy as np
import pytest

import neuronet as nn
from neuronet import activations, losses
from neuronet.gradcheck import gradcheck

ACTIVATIONS = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "gelu", "silu",
               "softmax", "log_softmax"]
KINKED = {"relu", "leaky_relu", "elu"}

# (output activation, loss, fused?) ; fused=None means "whatever the network picks".
OUTPUTS = ([(a, "mse", None) for a in ACTIVATIONS]
           + [("sigmoid", "binary_crossentropy", True), ("sigmoid", "binary_crossentropy", False),
              ("identity", "binary_crossentropy", None),          # logits
              ("softmax", "categorical_crossentropy", True),
              ("softmax", "categorical_crossentropy", False),
              ("identity", "categorical_crossentropy", None)])    # logits
# (softmax under binary and sigmoid under categorical cross-entropy are refused: tests/test_pairings.py)


def _targets(rng, loss: str, n: int, k: int) -> np.ndarray:
    if loss == "categorical_crossentropy":
        return np.eye(k)[rng.integers(0, k, n)]
    if loss == "binary_crossentropy":
        return rng.integers(0, 2, (n, k)).astype(np.float64)
    return rng.normal(size=(n, k))


def _min_abs_preactivation(net: nn.Network, X: np.ndarray) -> float:
    net.forward(X, training=True)
    return min(float(np.abs(layer._z).min()) for layer in net.layers if isinstance(layer, nn.Dense))


def _build(hidden, out_act, loss, fused, seed=0, use_bias=True, dropout=0.0, k=3):
    rng = np.random.default_rng(seed)
    stack = [nn.Dense(4, 5, hidden, use_bias=use_bias)]
    if dropout:
        stack.append(nn.Dropout(dropout))
    stack.append(nn.Dense(5, k, out_act, use_bias=use_bias))
    net = nn.Network(stack, loss=loss, seed=seed, dtype="float64")
    for layer in net.layers:                       # non-zero biases, so their gradients matter
        if isinstance(layer, nn.Dense) and layer.use_bias:
            layer.params["b"][...] = rng.normal(scale=0.3, size=layer.b.shape)
    if fused is not None:
        net._fused = fused
    X = rng.normal(size=(6, 4))
    T = _targets(rng, loss, 6, k)
    return net, X, T


@pytest.mark.parametrize("out_act,loss,fused", OUTPUTS,
                         ids=[f"{a}-{l}-{'fused' if f else 'unfused' if f is False else 'auto'}"
                              for a, l, f in OUTPUTS])
@pytest.mark.parametrize("hidden", ACTIVATIONS)
def test_gradcheck_every_combination(hidden, out_act, loss, fused):
    net, X, T = _build(hidden, out_act, loss, fused)
    if fused is not None:
        assert net._fused is fused
    if KINKED & {hidden, out_act}:
        assert _min_abs_preactivation(net, X) > 1e-3, "an input sits on a ReLU kink; change the seed"
    # gradcheck rebuilds the network from its config, so it uses the loss's own choice of path;
    # for the explicit unfused cases we check with our own central differences below instead.
    if fused is False:
        _assert_matches_central_differences(net, X, T)
    else:
        report = gradcheck(net, X, T)
        assert report.ok, str(report)
        assert report.max_error < 1e-6


def test_fused_and_unfused_paths_agree():
    """The fused softmax/CE gradient must equal the long way round through Softmax.backward."""
    for out_act, loss in (("softmax", "categorical_crossentropy"), ("sigmoid", "binary_crossentropy")):
        grads = []
        for fused in (True, False):
            net, X, T = _build("tanh", out_act, loss, fused, seed=3)
            out = net.forward(X, training=True)
            value, g = net.loss_and_gradient(out, T)
            net.backward(g)
            grads.append((value, {n: gr.copy() for n, _, gr in net.parameters()}))
        assert grads[0][0] == pytest.approx(grads[1][0], rel=1e-12)
        for name in grads[0][1]:
            np.testing.assert_allclose(grads[0][1][name], grads[1][1][name], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("hidden", ["tanh", "relu", "gelu"])
def test_gradcheck_dropout(hidden):
    net, X, T = _build(hidden, "softmax", "categorical_crossentropy", None, dropout=0.4, seed=1)
    report = gradcheck(net, X, T)
    assert report.ok, str(report)


@pytest.mark.parametrize("out_act,loss", [("softmax", "categorical_crossentropy"), ("identity", "mse"),
                                          ("sigmoid", "binary_crossentropy")])
def test_gradcheck_without_bias(out_act, loss):
    net, X, T = _build("sigmoid", out_act, loss, None, use_bias=False)
    assert all("b" not in layer.params for layer in net.layers)
    report = gradcheck(net, X, T)
    assert report.ok, str(report)
    assert set(report.errors) == {"0.W", "1.W"}


def test_gradcheck_three_layers_integer_labels():
    net = nn.mlp([4, 6, 5, 3], activation="tanh", seed=2, dtype="float64")
    X = np.random.default_rng(2).normal(size=(7, 4))
    y = np.array([0, 1, 2, 0, 1, 2, 2])
    assert gradcheck(net, X, y).ok


def test_gradcheck_detects_a_wrong_backward(monkeypatch):
    """gradcheck itself must be able to fail: break tanh's backward by a factor and it must say so."""
    net, X, T = _build("tanh", "softmax", "categorical_crossentropy", None)
    original = activations.Tanh.backward
    monkeypatch.setattr(activations.Tanh, "backward",
                        lambda self, grad, z, a: 1.01 * original(self, grad, z, a))
    report = gradcheck(net, X, T)
    assert not report.ok
    assert report.errors["0.W"] > 1e-3
    assert report.errors["1.W"] < 1e-6          # the output layer does not go through tanh
    assert "FAILED" in str(report)


def _assert_matches_central_differences(net, X, T, h=1e-5):
    """Our own check, independent of neuronet.gradcheck: L is computed with the loss's plain
    ``__call__`` on the network's output (never the fused form), perturbing one entry at a time."""
    out = net.forward(X, training=False)
    _, g = net.loss_and_gradient(out, T)
    net.backward(g)
    analytic = {name: grad.copy() for name, _, grad in net.parameters()}
    for name, p, _ in net.parameters():
        numeric = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            keep = p[idx]
            p[idx] = keep + h
            up = net.loss(net.forward(X), T)
            p[idx] = keep - h
            down = net.loss(net.forward(X), T)
            p[idx] = keep
            numeric[idx] = (up - down) / (2 * h)
        scale = np.maximum(np.maximum(np.abs(analytic[name]), np.abs(numeric)), 1e-4)
        rel = np.abs(analytic[name] - numeric) / scale
        assert rel.max() < 1e-6, f"{name}: relative error {rel.max():.2e}"


@pytest.mark.parametrize("hidden,out_act,loss", [
    ("sigmoid", "sigmoid", "mse"),                          # the classic network
    ("relu", "softmax", "categorical_crossentropy"),        # fused in the network
    ("tanh", "sigmoid", "binary_crossentropy"),             # fused in the network
    ("elu", "log_softmax", "mse"),
])
def test_independent_central_difference(hidden, out_act, loss):
    net, X, T = _build(hidden, out_act, loss, None, seed=5)
    if KINKED & {hidden, out_act}:
        assert _min_abs_preactivation(net, X) > 1e-3
    _assert_matches_central_differences(net, X, T)


# --- activations on their own -------------------------------------------------------------------

def _z(seed=0, shape=(5, 7)):
    z = np.random.default_rng(seed).normal(scale=2.0, size=shape)
    z[np.abs(z) < 1e-2] += 0.5          # keep clear of the kink at 0
    return z


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_derivative_matches_finite_differences(name):
    """derivative(z) elementwise; for softmax/log_softmax that is the Jacobian's diagonal
    ∂a_i/∂z_i, so only z_i is moved."""
    f = activations.get(name)
    z, h = _z(), 1e-6
    numeric = np.empty_like(z)
    for j in range(z.shape[1]):
        up, down = z.copy(), z.copy()
        up[:, j] += h
        down[:, j] -= h
        numeric[:, j] = (f(up)[:, j] - f(down)[:, j]) / (2 * h)
    np.testing.assert_allclose(f.derivative(z), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", [n for n in ACTIVATIONS if n not in ("softmax", "log_softmax")])
def test_elementwise_backward_is_grad_times_derivative(name):
    f = activations.get(name)
    z = _z(1)
    g = np.random.default_rng(2).normal(size=z.shape)
    np.testing.assert_allclose(f.backward(g, z, f(z)), g * f.derivative(z), rtol=1e-12, atol=1e-15)


def _numeric_jacobian(f, z, h=1e-6):
    """J[b, i, j] = ∂f(z)_bi / ∂z_bj, by central differences, one column at a time."""
    n, k = z.shape
    J = np.empty((n, k, k))
    for j in range(k):
        up, down = z.copy(), z.copy()
        up[:, j] += h
        down[:, j] -= h
        J[:, :, j] = (f(up) - f(down)) / (2 * h)
    return J


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_backward_against_full_jacobian(name):
    f = activations.get(name)
    z = _z(3, (4, 6))
    g = np.random.default_rng(4).normal(size=z.shape)
    J = _numeric_jacobian(f, z)
    expected = np.einsum("bi,bij->bj", g, J)          # gᵀ J per row
    np.testing.assert_allclose(f.backward(g, z, f(z)), expected, rtol=1e-7, atol=1e-9)
    # and the closed forms: diag(a) − a aᵀ for softmax, I − 1 softmax(z)ᵀ for log_softmax
    s = activations.get("softmax")(z)
    closed = (np.einsum("bi,ij->bij", s, np.eye(6)) - np.einsum("bi,bj->bij", s, s) if name == "softmax"
              else np.eye(6)[None] - s[:, None, :])
    np.testing.assert_allclose(J, closed, atol=1e-8)


def test_loss_gradients_against_finite_differences():
    rng = np.random.default_rng(7)
    a = rng.uniform(0.05, 0.95, size=(4, 3))
    cases = {"mse": rng.normal(size=(4, 3)),
             "binary_crossentropy": rng.integers(0, 2, (4, 3)).astype(float),
             "categorical_crossentropy": np.eye(3)[rng.integers(0, 3, 4)]}
    for name, y in cases.items():
        loss = losses.get(name)
        numeric = np.empty_like(a)
        for idx in np.ndindex(a.shape):
            up, down = a.copy(), a.copy()
            up[idx] += 1e-7
            down[idx] -= 1e-7
            numeric[idx] = (loss(up, y) - loss(down, y)) / 2e-7
        np.testing.assert_allclose(loss.gradient(a, y), numeric, rtol=1e-6, err_msg=name)


def test_loss_values_by_hand():
    a = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    y = np.array([[1.0, 0, 0], [0, 0, 1.0]])
    assert losses.get("cross_entropy")(a, y) == pytest.approx(-(np.log(0.7) + np.log(0.8)) / 2)
    assert losses.get("mse")(a, y) == pytest.approx((0.09 + 0.04 + 0.01 + 0.01 + 0.01 + 0.04) / 4)
    p, t = np.array([[0.9], [0.2]]), np.array([[1.0], [0.0]])
    assert losses.get("bce")(p, t) == pytest.approx(-(np.log(0.9) + np.log(0.8)) / 2)
    # fused forms give the same values from the logits
    z = np.log(a)                                    # softmax(log a) = a since rows sum to 1
    value, grad = losses.get("cross_entropy").fused(z, a, y)
    assert value == pytest.approx(-(np.log(0.7) + np.log(0.8)) / 2)
    np.testing.assert_allclose(grad, (a - y) / 2)
    zs = np.log(p / (1 - p))
    value, grad = losses.get("bce").fused(zs, p, t)
    assert value == pytest.approx(-(np.log(0.9) + np.log(0.8)) / 2)
    np.testing.assert_allclose(grad, (p - t) / 2)


def test_network_fuses_only_matching_pairs():
    def fused(out_act, loss):
        return nn.Network([nn.Dense(2, 3, out_act)], loss=loss, seed=0)._fused

    assert fused("softmax", "cross_entropy") and fused("sigmoid", "binary_crossentropy")
    assert not fused("softmax", "mse") and not fused("identity", "cross_entropy")   # logits: not fused
    for out_act, loss in (("sigmoid", "cross_entropy"), ("softmax", "binary_crossentropy"),
                          ("log_softmax", "cross_entropy")):
        with pytest.raises(nn.ConfigError, match="needs|takes independent"):
            fused(out_act, loss)


def test_gradcheck_of_a_float32_network_leaves_it_untouched():
    net = nn.mlp([4, 6, 3], activation="gelu", seed=4)            # float32
    before = net.get_weights()
    X = np.random.default_rng(4).normal(size=(5, 4)).astype(np.float32)
    report = gradcheck(net, X, [0, 1, 2, 1, 0])
    assert report.ok, str(report)
    assert set(report.errors) == {"0.W", "0.b", "1.W", "1.b"}
    for name, w in net.get_weights().items():
        assert w.dtype == np.float32
        np.testing.assert_array_equal(w, before[name])
