"""Losses (neuronet/losses.py): values by hand, gradients by central finite differences in float64 and
against PyTorch, the fused forms from the logits, and property tests (hypothesis) that the fused forms
stay finite and warning-free for logits up to |z| = 1e4 in float32 and float64.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numerics_helper import SETTINGS, arrays, strict

from neuronet import activations, losses
from neuronet.errors import ConfigError

LOSSES = losses.names()
FUSED = {name: losses.get(name).fuses_with for name in LOSSES if losses.get(name).fuses_with}


def _case(name, seed=7, n=4, k=3):
    """Outputs in (0, 1) (meaningful for every loss) and targets of the kind the loss expects."""
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.05, 0.95, size=(n, k))
    y = {"mse": rng.normal(size=(n, k)),
         "binary_crossentropy": rng.integers(0, 2, (n, k)).astype(float),
         "categorical_crossentropy": np.eye(k)[rng.integers(0, k, n)]}[name]
    return a, y


def test_every_loss_is_covered():
    assert set(LOSSES) == {"mse", "binary_crossentropy", "categorical_crossentropy"}
    assert FUSED == {"binary_crossentropy": "sigmoid", "categorical_crossentropy": "softmax"}


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


@pytest.mark.parametrize("name", sorted(FUSED))
def test_fused_gradient_is_the_derivative_in_z_of_the_loss_after_its_activation(name):
    """fused(z, a, y) gives dL/dz for L = loss(activation(z), y): checked by moving one logit at a
    time, through the plain (unfused) loss."""
    loss, act = losses.get(name), activations.get(FUSED[name])
    rng = np.random.default_rng(11)
    z = rng.normal(scale=2.0, size=(5, 4))
    _, y = _case(name, n=5, k=4)
    value, grad = loss.fused(z, act(z), y)
    assert value == pytest.approx(loss(act(z), y), rel=1e-12)
    numeric = np.empty_like(z)
    for idx in np.ndindex(z.shape):
        up, down = z.copy(), z.copy()
        up[idx] += 1e-6
        down[idx] -= 1e-6
        numeric[idx] = (loss(act(up), y) - loss(act(down), y)) / 2e-6
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("name", LOSSES)
def test_value_and_gradient_together_equal_them_apart(name):
    loss = losses.get(name)
    a, y = _case(name, seed=3)
    value, grad = loss.value_and_gradient(a.copy(), y)
    assert value == pytest.approx(loss(a, y), rel=1e-14)
    np.testing.assert_allclose(grad, loss.gradient(a, y), rtol=1e-14)


@pytest.mark.parametrize("name", LOSSES)
def test_float32_in_float32_out(name):
    loss = losses.get(name)
    a, y = (v.astype(np.float32) for v in _case(name))
    assert isinstance(loss(a, y), float)
    assert loss.gradient(a, y).dtype == np.float32
    assert loss.value_and_gradient(a, y)[1].dtype == np.float32


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


def test_a_probability_of_zero_gives_a_large_finite_loss():
    y = np.array([[0.0, 1.0]])
    assert np.isfinite(losses.get("cross_entropy")(np.array([[1.0, 0.0]]), y))
    assert np.isfinite(losses.get("bce")(np.array([[1.0, 0.0]]), y))
    assert np.isfinite(losses.get("bce").gradient(np.array([[1.0, 0.0]]), y)).all()


# --- PyTorch ---------------------------------------------------------------------------------------

@pytest.mark.torch
@pytest.mark.parametrize("name", LOSSES)
def test_value_and_gradient_match_torch(name):
    import torch_twin

    loss = losses.get(name)
    a, y = _case(name, seed=5, n=6, k=4)
    ta = torch_twin.tensor(a, grad=True)
    value = torch_twin.LOSSES[name](ta, torch_twin.tensor(y))
    value.backward()
    assert loss(a, y) == pytest.approx(value.item(), rel=1e-12)
    np.testing.assert_allclose(loss.gradient(a, y), ta.grad.numpy(), rtol=1e-10, atol=1e-14)


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(FUSED))
def test_fused_value_and_logit_gradient_match_torch(name):
    import torch_twin

    loss, act = losses.get(name), activations.get(FUSED[name])
    z = np.random.default_rng(9).normal(scale=3.0, size=(6, 4))
    _, y = _case(name, seed=9, n=6, k=4)
    tz = torch_twin.tensor(z, grad=True)
    value = torch_twin.FUSED[name](tz, torch_twin.tensor(y))
    value.backward()
    ours, grad = loss.fused(z, act(z), y)
    assert ours == pytest.approx(value.item(), rel=1e-12)
    np.testing.assert_allclose(grad, tz.grad.numpy(), rtol=1e-10, atol=1e-14)


# --- by name ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("alias,name", [
    ("quadratic", "mse"), ("mean_squared_error", "mse"), ("l2", "mse"), ("bce", "binary_crossentropy"),
    ("binary_cross_entropy", "binary_crossentropy"), ("cross_entropy", "categorical_crossentropy"),
    ("ce", "categorical_crossentropy"), ("Softmax-Cross-Entropy", "categorical_crossentropy")])
def test_aliases(alias, name):
    assert losses.get(alias).name == name
    assert losses.get(losses.get(alias).get_config()).name == name


def test_unfusable_loss_says_so_and_bad_names_are_config_errors():
    with pytest.raises(NotImplementedError, match="mse has no fused form"):
        losses.get("mse").fused(np.zeros((1, 1)), np.zeros((1, 1)), np.zeros((1, 1)))
    with pytest.raises(ConfigError, match="unknown loss 'hinge'; choose one of: mse, "):
        losses.get("hinge")


# --- numerics (hypothesis) -------------------------------------------------------------------------



@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@SETTINGS
@given(data=st.data())
def test_fused_cross_entropy_finite_for_extreme_logits(dtype, data):
    z = data.draw(arrays(dtype))
    k = z.shape[1]
    y = np.eye(k, dtype=dtype)[data.draw(st.lists(st.integers(0, k - 1), min_size=len(z), max_size=len(z)))]
    a = strict(activations.get("softmax"), z)
    value, grad = strict(losses.get("cross_entropy").fused, z, a, y)
    assert np.isfinite(value) and value >= 0
    assert grad.dtype == dtype and np.isfinite(grad).all()
    # the unfused loss on the same output is finite too (log of a clipped probability)
    assert np.isfinite(strict(losses.get("cross_entropy"), a, y))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@SETTINGS
@given(data=st.data())
def test_fused_binary_cross_entropy_finite_for_extreme_logits(dtype, data):
    z = data.draw(arrays(dtype))
    y = data.draw(hnp.arrays(dtype, z.shape, elements=st.sampled_from([0.0, 1.0])))
    a = strict(activations.get("sigmoid"), z)
    value, grad = strict(losses.get("binary_crossentropy").fused, z, a, y)
    assert np.isfinite(value) and value >= 0
    assert grad.dtype == dtype and np.isfinite(grad).all()
    assert np.isfinite(strict(losses.get("binary_crossentropy"), a, y))
    # fused value agrees with the textbook formula where that is computable
    z64 = z.astype(np.float64)
    safe = np.abs(z64) < 30
    if safe.any():
        p = 1 / (1 + np.exp(-z64[safe]))
        per = -(y[safe] * np.log(p) + (1 - y[safe]) * np.log(1 - p))
        fused_per = np.maximum(z64, 0) - y * z64 + np.log1p(np.exp(-np.abs(z64)))
        np.testing.assert_allclose(fused_per[safe], per, rtol=1e-5, atol=1e-6)


def test_fused_cross_entropy_value_for_huge_logits():
    z = np.array([[1e4, 0.0, -1e4]], dtype=np.float32)
    a = activations.get("softmax")(z)
    value, _ = losses.get("cross_entropy").fused(z, a, np.array([[0, 1, 0]], dtype=np.float32))
    assert value == pytest.approx(1e4, rel=1e-6)      # −log softmax(z)_1 = 1e4 + log(1 + e^−1e4 + …)
    value, _ = losses.get("bce").fused(np.array([[-1e4]], np.float32), np.zeros((1, 1), np.float32),
                                       np.ones((1, 1), np.float32))
    assert value == pytest.approx(1e4, rel=1e-6)
