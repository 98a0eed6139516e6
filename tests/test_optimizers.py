"""Optimisers (neuronet/optimizers.py), tested by what they do to parameters, never by how they store
their state: the update rules written out from the papers, step by step, and whole trajectories against
PyTorch (same initial weights, same data, same hyper-parameters, several full-batch steps in float64).

neuronet's weight decay applies to weights only (ndim > 1), so the torch side puts the biases in a
parameter group with weight_decay=0. neuronet's RMSprop ``rho`` is torch's ``alpha``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import neuronet as nn
from neuronet import optimizers
from neuronet.errors import ConfigError

STEPS = 8


# --- the update rules, by hand -----------------------------------------------------------------------

def _trajectory(opt, grads, p0):
    """Apply ``opt`` to one weight matrix with the given sequence of gradients; every iterate."""
    p = p0.copy()
    out = []
    for g in grads:
        opt.step([("0.W", p, g.copy())])
        out.append(p.copy())
    return out


def _grads(seed=0, n=5, shape=(3, 2)):
    rng = np.random.default_rng(seed)
    return rng.normal(size=shape), [rng.normal(size=shape) for _ in range(n)]


def test_sgd_steps_against_the_gradient():
    p0, gs = _grads()
    expected = p0.copy()
    for g, p in zip(gs, _trajectory(nn.SGD(0.1), gs, p0), strict=True):
        expected = expected - 0.1 * g
        np.testing.assert_allclose(p, expected, rtol=1e-14)


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_accumulates_a_velocity(nesterov):
    p0, gs = _grads(1)
    lr, mu = 0.1, 0.9
    w, v = p0.copy(), np.zeros_like(p0)
    for g, p in zip(gs, _trajectory(nn.SGD(lr, momentum=mu, nesterov=nesterov), gs, p0), strict=True):
        v = mu * v + g                                  # v ← μ v + g
        w = w - lr * (g + mu * v if nesterov else v)    # Nesterov looks one velocity ahead
        np.testing.assert_allclose(p, w, rtol=1e-13)


def test_rmsprop_divides_by_a_running_root_mean_square():
    p0, gs = _grads(2)
    lr, rho, eps = 0.01, 0.8, 1e-8
    w, s = p0.copy(), np.zeros_like(p0)
    for g, p in zip(gs, _trajectory(nn.RMSprop(lr, rho=rho, eps=eps), gs, p0), strict=True):
        s = rho * s + (1 - rho) * g * g
        w = w - lr * g / (np.sqrt(s) + eps)
        np.testing.assert_allclose(p, w, rtol=1e-12)


def _adam_by_the_paper(p0, gs, lr, b1, b2, eps, decoupled_decay=0.0):
    """Kingma & Ba, Algorithm 1: m, v, their bias-corrected m̂, v̂, and the step (AdamW: decay first)."""
    w, m, v, out = p0.copy(), np.zeros_like(p0), np.zeros_like(p0), []
    for t, g in enumerate(gs, start=1):
        w = w * (1 - lr * decoupled_decay)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
        out.append(w)
    return out


@pytest.mark.parametrize("b1,b2,eps", [(0.9, 0.999, 1e-8), (0.5, 0.9, 1e-3), (0.0, 0.99, 1e-8)])
def test_adam_is_the_papers_algorithm(b1, b2, eps):
    p0, gs = _grads(3, n=12)
    ours = _trajectory(nn.Adam(0.01, beta1=b1, beta2=b2, eps=eps), gs, p0)
    for t, (p, w) in enumerate(zip(ours, _adam_by_the_paper(p0, gs, 0.01, b1, b2, eps), strict=True)):
        np.testing.assert_allclose(p, w, rtol=1e-12, atol=1e-15, err_msg=f"step {t + 1}")


def test_adam_first_step_is_lr_times_the_sign_of_the_gradient():
    """m̂₁ = g and v̂₁ = g², so the first step is η g / (|g| + ε): about η in every coordinate."""
    p0, gs = _grads(4, n=1)
    (p,) = _trajectory(nn.Adam(0.01), gs, p0)
    np.testing.assert_allclose(p0 - p, 0.01 * np.sign(gs[0]), rtol=1e-6)


def test_adamw_decays_the_weights_before_the_adam_step():
    p0, gs = _grads(5)
    ours = _trajectory(nn.AdamW(0.01, weight_decay=0.2), gs, p0)
    for p, w in zip(ours, _adam_by_the_paper(p0, gs, 0.01, 0.9, 0.999, 1e-8, 0.2), strict=True):
        np.testing.assert_allclose(p, w, rtol=1e-12)


@pytest.mark.parametrize("kind", [nn.SGD, nn.Adam, nn.AdamW, nn.RMSprop])
def test_weight_decay_pulls_weights_to_zero_and_leaves_biases_alone(kind):
    w, b = np.full((2, 2), 3.0), np.full(2, 3.0)
    opt = kind(0.1, weight_decay=0.5)
    for _ in range(5):
        opt.step([("0.W", w, np.zeros_like(w)), ("0.b", b, np.zeros_like(b))])
    assert (np.abs(w) < 3.0).all()
    np.testing.assert_array_equal(b, 3.0)


def test_coupled_l2_adds_decay_times_weight_to_the_gradient():
    p0, gs = _grads(6)
    ours = _trajectory(nn.SGD(0.1, weight_decay=0.3), gs, p0)
    w = p0.copy()
    for g, p in zip(gs, ours, strict=True):
        w = w - 0.1 * (g + 0.3 * w)
        np.testing.assert_allclose(p, w, rtol=1e-13)


def test_clipvalue_clips_each_entry_and_clipnorm_the_whole_gradient():
    g1, g2 = np.array([[3.0, -0.5]]), np.array([4.0])
    p1, p2 = np.zeros((1, 2)), np.zeros(1)
    nn.SGD(1.0, clipvalue=1.0).step([("0.W", p1, g1.copy()), ("0.b", p2, g2.copy())])
    np.testing.assert_allclose(p1, [[-1.0, 0.5]])
    np.testing.assert_allclose(p2, [-1.0])
    p1, p2 = np.zeros((1, 2)), np.zeros(1)
    norm = math.sqrt(9 + 0.25 + 16)
    nn.SGD(1.0, clipnorm=1.0).step([("0.W", p1, g1.copy()), ("0.b", p2, g2.copy())])
    np.testing.assert_allclose(np.concatenate([p1.ravel(), p2]), -np.array([3.0, -0.5, 4.0]) / norm)
    p = np.zeros(1)
    nn.SGD(1.0, clipnorm=10.0).step([("0.b", p, np.array([4.0]))])      # below the norm: untouched
    np.testing.assert_allclose(p, [-4.0])


def test_a_schedule_moves_the_learning_rate_with_the_epoch():
    opt = nn.SGD(nn.StepDecay(0.5, step_size=2, gamma=0.1))
    assert opt.lr == 0.5
    opt.set_epoch(2)
    assert opt.lr == pytest.approx(0.05)
    p = np.ones(1)
    opt.step([("0.b", p, np.ones(1))])
    np.testing.assert_allclose(p, [0.95])
    fixed = nn.SGD(0.3)
    fixed.set_epoch(10)
    assert fixed.lr == 0.3


@pytest.mark.parametrize("make", [lambda: nn.SGD(0.1, momentum=0.9), lambda: nn.RMSprop(0.01),
                                  lambda: nn.Adam(0.01), lambda: nn.AdamW(0.01, weight_decay=0.1)])
def test_saved_state_continues_the_same_trajectory(make):
    """Whatever an optimiser keeps, state_arrays + load_state carry it into a fresh one."""
    p0, gs = _grads(7, n=6)
    straight = _trajectory(make(), gs, p0)[-1]
    first = make()
    p = p0.copy()
    for g in gs[:3]:
        first.step([("0.W", p, g.copy())])
    second = make()
    second.load_state(first.iterations, first.state_arrays())
    for g in gs[3:]:
        second.step([("0.W", p, g.copy())])
    np.testing.assert_allclose(p, straight, rtol=1e-14)


def test_unknown_saved_state_is_refused():
    with pytest.raises(ConfigError, match="no optimizer state called"):
        nn.Adam().load_state(1, {"nonsense/0.W": np.zeros(2)})


@pytest.mark.parametrize("opt", [nn.SGD(0.2, momentum=0.5, nesterov=True, clipnorm=1.0),
                                 nn.RMSprop(0.01, rho=0.8), nn.Adam(0.002, beta1=0.8, weight_decay=0.1),
                                 nn.AdamW(0.01, weight_decay=0.3), nn.Adam(nn.CosineDecay(0.1, epochs=5))],
                         ids=repr)
def test_config_round_trip(opt):
    again = optimizers.get(opt.get_config())
    assert type(again) is type(opt) and again.get_config() == opt.get_config()


def test_names_and_lookup():
    assert set(optimizers.names()) >= {"sgd", "rmsprop", "adam", "adamw"}
    assert isinstance(optimizers.get("adam", lr=1e-3), nn.Adam)
    opt = nn.SGD()
    assert optimizers.get(opt) is opt


@pytest.mark.parametrize("make,match", [
    (lambda: nn.SGD(0.0), "learning rate|lr"), (lambda: nn.Adam(-1.0), "learning rate|lr"),
    (lambda: nn.SGD(0.1, momentum=1.0), "momentum"), (lambda: nn.SGD(0.1, nesterov=True), "nesterov"),
    (lambda: nn.RMSprop(0.1, rho=1.0), "rho"), (lambda: nn.Adam(0.1, beta1=1.0), "beta1"),
    (lambda: nn.Adam(0.1, beta2=-0.1), "beta2"), (lambda: nn.SGD(0.1, weight_decay=-1.0), "weight_decay"),
    (lambda: nn.SGD(0.1, clipnorm=float("nan")), "clipnorm"), (lambda: optimizers.get("lbfgs"), "lbfgs"),
])
def test_bad_settings_are_one_line_config_errors(make, match):
    with pytest.raises(ConfigError, match=match) as err:
        make()
    assert "\n" not in str(err.value)


# --- trajectories against PyTorch ------------------------------------------------------------------

def _data(seed=0, n=16, d=5, k=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.integers(0, k, n)


def _pair(hidden="tanh", loss="cross_entropy", out="softmax", seed=0):
    import torch

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
    import torch

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
    "sgd": (lambda: nn.SGD(0.5), lambda torch, m: torch.optim.SGD(m.parameters(), lr=0.5)),
    "momentum+wd": (lambda: nn.SGD(0.2, momentum=0.9, weight_decay=0.05),
                    lambda torch, m: torch.optim.SGD(_groups(m, 0.05), lr=0.2, momentum=0.9)),
    "nesterov": (lambda: nn.SGD(0.2, momentum=0.8, nesterov=True),
                 lambda torch, m: torch.optim.SGD(m.parameters(), lr=0.2, momentum=0.8, nesterov=True)),
    "rmsprop+wd": (lambda: nn.RMSprop(0.01, rho=0.9, eps=1e-8, weight_decay=0.1),
                   lambda torch, m: torch.optim.RMSprop(_groups(m, 0.1), lr=0.01, alpha=0.9, eps=1e-8)),
    "adam": (lambda: nn.Adam(0.01, beta1=0.8, beta2=0.99, eps=1e-8),
             lambda torch, m: torch.optim.Adam(m.parameters(), lr=0.01, betas=(0.8, 0.99), eps=1e-8)),
    "adam+wd": (lambda: nn.Adam(0.01, weight_decay=0.1),
                lambda torch, m: torch.optim.Adam(_groups(m, 0.1), lr=0.01)),
    "adamw": (lambda: nn.AdamW(0.01, weight_decay=0.2),
              lambda torch, m: torch.optim.AdamW(_groups(m, 0.2), lr=0.01)),
}


@pytest.mark.torch
@pytest.mark.parametrize("name", CASES)
def test_trajectory_matches_torch(name):
    import torch

    make_ours, make_theirs = CASES[name]
    net, model = _pair()
    _run(net, model, make_ours(), make_theirs(torch, model))


@pytest.mark.torch
def test_quadratic_cost_sigmoid_network_matches_torch():
    import torch

    net, model = _pair(hidden="sigmoid", loss="mse", out="sigmoid")
    _run(net, model, nn.SGD(3.0), torch.optim.SGD(model.parameters(), lr=3.0), loss="mse")


@pytest.mark.torch
def test_relu_network_with_clipvalue_matches_torch():
    import torch

    net, model = _pair(hidden="relu")
    _run(net, model, nn.SGD(0.5, momentum=0.9, clipvalue=0.05),
         torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9),
         clip=lambda ps: torch.nn.utils.clip_grad_value_(ps, 0.05))


@pytest.mark.torch
def test_clipnorm_matches_torch():
    # torch divides by (norm + 1e-6), neuronet by the exact norm: equal to about 1e-6 relative.
    import torch

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
