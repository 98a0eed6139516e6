"""Step-for-step comparison with PyTorch (skipped when torch is not installed).

Same initial weights, same data, same hyper-parameters, several full-batch steps in float64: the
parameters must agree. neuronet's weight decay applies to weights only (ndim > 1), so the torch side
puts the biases in a parameter group with weight_decay=0. neuronet's RMSprop ``rho`` is torch's
``alpha``.
"""

from __future__ import annotations

import numpy as np
import pytest

import neuronet as nn

torch = pytest.importorskip("torch")

STEPS = 8


def _data(seed=0, n=16, d=5, k=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.integers(0, k, n)


def _pair(hidden="tanh", loss="cross_entropy", out="softmax", seed=0):
    net = nn.Network([nn.Dense(5, 7, hidden), nn.Dense(7, 3, out)], loss=loss, seed=seed, dtype="float64")
    act = {"tanh": torch.nn.Tanh(), "sigmoid": torch.nn.Sigmoid(), "relu": torch.nn.ReLU()}[hidden]
    model = torch.nn.Sequential(torch.nn.Linear(5, 7), act, torch.nn.Linear(7, 3)).double()
    rng = np.random.default_rng(seed + 1)
    with torch.no_grad():
        for i, lin in ((0, model[0]), (1, model[2])):
            layer = net.layers[i]
            layer.params["b"][...] = rng.normal(scale=0.1, size=layer.b.shape)
            lin.weight.copy_(torch.from_numpy(layer.W.T.copy()))   # torch stores (out, in)
            lin.bias.copy_(torch.from_numpy(layer.b.copy()))
    return net, model


def _groups(model, wd):
    weights = [p for p in model.parameters() if p.ndim > 1]
    biases = [p for p in model.parameters() if p.ndim == 1]
    return [{"params": weights, "weight_decay": wd}, {"params": biases, "weight_decay": 0.0}]


def _run(net, model, ours, theirs, loss="cross_entropy", clip=None):
    X, y = _data()
    targets, _ = net.check_targets(y, len(X))
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    Tt = torch.from_numpy(targets)
    for _ in range(STEPS):
        out = net.forward(X, training=True)
        _, g = net.loss_and_gradient(out, targets)
        net.backward(g)
        ours.step(net.parameters())

        theirs.zero_grad()
        logits = model(Xt)
        if loss == "cross_entropy":
            value = torch.nn.functional.cross_entropy(logits, yt)
        else:   # quadratic cost ½‖a − y‖² averaged over the batch, sigmoid outputs
            value = 0.5 * ((torch.sigmoid(logits) - Tt) ** 2).sum() / len(X)
        value.backward()
        if clip is not None:
            clip(model.parameters())
        theirs.step()
    for i, lin in ((0, model[0]), (1, model[2])):
        np.testing.assert_allclose(net.layers[i].W, lin.weight.detach().numpy().T, rtol=1e-9, atol=1e-11)
        np.testing.assert_allclose(net.layers[i].b, lin.bias.detach().numpy(), rtol=1e-9, atol=1e-11)


CASES = {
    "sgd": (lambda: nn.SGD(0.5), lambda m: torch.optim.SGD(m.parameters(), lr=0.5)),
    "momentum+wd": (lambda: nn.SGD(0.2, momentum=0.9, weight_decay=0.05),
                    lambda m: torch.optim.SGD(_groups(m, 0.05), lr=0.2, momentum=0.9)),
    "nesterov": (lambda: nn.SGD(0.2, momentum=0.8, nesterov=True),
                 lambda m: torch.optim.SGD(m.parameters(), lr=0.2, momentum=0.8, nesterov=True)),
    "rmsprop+wd": (lambda: nn.RMSprop(0.01, rho=0.9, eps=1e-8, weight_decay=0.1),
                   lambda m: torch.optim.RMSprop(_groups(m, 0.1), lr=0.01, alpha=0.9, eps=1e-8)),
    "adam": (lambda: nn.Adam(0.01, beta1=0.8, beta2=0.99, eps=1e-8),
             lambda m: torch.optim.Adam(m.parameters(), lr=0.01, betas=(0.8, 0.99), eps=1e-8)),
    "adam+wd": (lambda: nn.Adam(0.01, weight_decay=0.1),
                lambda m: torch.optim.Adam(_groups(m, 0.1), lr=0.01)),
    "adamw": (lambda: nn.AdamW(0.01, weight_decay=0.2),
              lambda m: torch.optim.AdamW(_groups(m, 0.2), lr=0.01)),
}


@pytest.mark.parametrize("name", CASES)
def test_trajectory_matches_torch(name):
    make_ours, make_theirs = CASES[name]
    net, model = _pair()
    _run(net, model, make_ours(), make_theirs(model))


def test_quadratic_cost_sigmoid_network_matches_torch():
    net, model = _pair(hidden="sigmoid", loss="mse", out="sigmoid")
    _run(net, model, nn.SGD(3.0), torch.optim.SGD(model.parameters(), lr=3.0), loss="mse")


def test_relu_network_with_clipvalue_matches_torch():
    net, model = _pair(hidden="relu")
    _run(net, model, nn.SGD(0.5, momentum=0.9, clipvalue=0.05),
         torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9),
         clip=lambda ps: torch.nn.utils.clip_grad_value_(ps, 0.05))


def test_clipnorm_matches_torch():
    # torch divides by (norm + 1e-6), neuronet by the exact norm: equal to about 1e-6 relative.
    net, model = _pair()
    ours = nn.Adam(0.01, clipnorm=0.1)
    theirs = torch.optim.Adam(model.parameters(), lr=0.01)
    X, y = _data()
    targets, _ = net.check_targets(y, len(X))
    for _ in range(STEPS):
        _, g = net.loss_and_gradient(net.forward(X, training=True), targets)
        net.backward(g)
        ours.step(net.parameters())
        theirs.zero_grad()
        torch.nn.functional.cross_entropy(model(torch.from_numpy(X)), torch.from_numpy(y)).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
        theirs.step()
    np.testing.assert_allclose(net.layers[0].W, model[0].weight.detach().numpy().T, rtol=1e-5, atol=1e-7)


def test_schedules_match_torch():
    model = torch.nn.Linear(1, 1)
    cases = [(nn.StepDecay(0.1, step_size=3, gamma=0.5),
              lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
             (nn.ExponentialDecay(0.1, gamma=0.9),
              lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)),
             (nn.CosineDecay(0.1, epochs=10, min_lr=0.01),
              lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.01))]
    for ours, make in cases:
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        sched = make(opt)
        for epoch in range(10):
            assert ours(epoch) == pytest.approx(sched.get_last_lr()[0], rel=1e-9), (ours, epoch)
            opt.step()
            sched.step()
