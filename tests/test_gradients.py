"""Backpropagation through whole networks checked against finite differences, for every layer ×
activation × loss pairing. (Each activation, loss and layer on its own is checked in test_activations.py,
test_losses.py and test_layers.py; neuronet.gradcheck itself in test_gradcheck.py; the same networks
against PyTorch in test_torch_oracle.py.)

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

ReLU-like activations have a kink at 0 (the step function a jump); every test asserts that no
pre-activation of such a layer lies within 1e-3 of 0, so a central difference with h = 1e-5 never
straddles one.
"""

from __future__ import annotations

import numpy as np
import pytest

import neuronet as nn
from neuronet import activations
from neuronet.gradcheck import gradcheck

ACTIVATIONS = activations.names()       # every registered activation, the step function included
KINKED = {"relu", "leaky_relu", "elu", "step"}

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
    # only layers whose activation has a kink: a smooth activation does not care where z sits
    return min(float(np.abs(layer._z).min()) for layer in net.layers
               if isinstance(layer, nn.Dense) and layer.activation.name in KINKED)


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
    # seed 0 puts one of the step network's outputs within 2e-4 of a ReLU kink
    net, X, T = _build(hidden, out_act, loss, fused, seed=1 if hidden == "step" else 0)
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
