"""Whole networks against PyTorch: the same weights and data give the same loss and the same gradient
for every parameter, for every hidden activation × output configuration, fused or not (float64).

Each network is rebuilt in PyTorch from torch_twin.py's activations and losses with the weights in
neuronet's own layout (``z = x W + b``, W of shape (n_in, n_out)), so no transposes get in the way.
The optimisers' trajectories against torch are in test_optimizers.py, Conv2D's in test_conv.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import neuronet as nn
from neuronet import activations

pytestmark = pytest.mark.torch

HIDDEN = [n for n in activations.names() if n != "step"]     # step has no gradient to compare
OUTPUTS = ([(a, "mse") for a in HIDDEN]
           + [("sigmoid", "binary_crossentropy"), ("identity", "binary_crossentropy"),      # logits
              ("softmax", "categorical_crossentropy"), ("identity", "categorical_crossentropy")])
# (softmax under binary and sigmoid under categorical cross-entropy are refused when built:
# tests/test_pairings.py)


def _targets(rng, loss, n, k):
    if loss == "categorical_crossentropy":
        return np.eye(k)[rng.integers(0, k, n)]
    if loss == "binary_crossentropy":
        return rng.integers(0, 2, (n, k)).astype(np.float64)
    return rng.normal(size=(n, k))


def _network(sizes, acts, loss, seed):
    rng = np.random.default_rng(seed)
    stack = [nn.Dense(a, b, act) for a, b, act in zip(sizes[:-1], sizes[1:], acts, strict=True)]
    net = nn.Network(stack, loss=loss, seed=seed, dtype="float64")
    for layer in net.layers:
        layer.params["b"][...] = rng.normal(scale=0.3, size=layer.b.shape)
    X = rng.normal(size=(8, sizes[0]))
    return net, X, _targets(rng, loss, 8, sizes[-1])


def _compare(net, X, T):
    import torch_twin

    value, g = net.loss_and_gradient(net.forward(X, training=True), T)
    net.backward(g)
    params = {name: torch_twin.tensor(p, grad=True) for name, p, _ in net.parameters()}
    a = torch_twin.tensor(X)
    for i, layer in enumerate(net.layers):
        a = torch_twin.ACTIVATIONS[layer.activation.name](a @ params[f"{i}.W"] + params[f"{i}.b"])
    # An identity output under a cross-entropy is logits: PyTorch's from-logits losses take it as it is.
    loss = torch_twin.FUSED[net.loss.name] if net.logits else torch_twin.LOSSES[net.loss.name]
    theirs = loss(a, torch_twin.tensor(T))
    theirs.backward()
    assert value == pytest.approx(theirs.item(), rel=1e-10)
    for name, _, grad in net.parameters():
        np.testing.assert_allclose(grad, params[name].grad.numpy(), rtol=1e-8, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("out_act,loss", OUTPUTS, ids=[f"{a}-{l}" for a, l in OUTPUTS])
@pytest.mark.parametrize("hidden", HIDDEN)
def test_loss_and_every_gradient_match_torch(hidden, out_act, loss):
    net, X, T = _network([4, 6, 3], [hidden, out_act], loss, seed=0)
    _compare(net, X, T)


@pytest.mark.parametrize("fused", [True, False])
@pytest.mark.parametrize("out_act,loss", [("softmax", "categorical_crossentropy"),
                                          ("sigmoid", "binary_crossentropy")])
def test_fused_and_unfused_paths_both_match_torch(out_act, loss, fused):
    net, X, T = _network([5, 4, 3], ["tanh", out_act], loss, seed=1)
    net._fused = fused
    _compare(net, X, T)


def test_a_deeper_network_with_a_single_sigmoid_output_matches_torch():
    net, X, T = _network([3, 8, 8, 6, 1], ["gelu", "elu", "silu", "sigmoid"], "binary_crossentropy", seed=2)
    _compare(net, X, T)
