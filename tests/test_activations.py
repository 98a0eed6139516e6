"""Activations (neuronet/activations.py): values, derivatives and backward, each checked two ways
(central finite differences in float64, and PyTorch where it is installed), plus property tests
(hypothesis) that every activation stays finite and warning-free for |z| up to 1e4 in float32 and float64.

Floating-point *underflow* (e^(−1e4) rounding to 0) is the correct answer, not an error, so the strict
error state raises on overflow, invalid operations and division by zero, and ignores underflow.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numerics_helper import SETTINGS, STRICT, arrays, strict

from neuronet import activations
from neuronet.errors import ConfigError

ACTIVATIONS = activations.names()           # every registered activation, so a new one is tested too
ROW_WISE = {"softmax", "log_softmax"}       # the rest act elementwise


def test_the_list_holds_every_activation_the_docs_promise():
    assert set(ACTIVATIONS) >= {"identity", "step", "sigmoid", "tanh", "relu", "leaky_relu", "elu",
                                "softplus", "gelu", "silu", "softmax", "log_softmax"}


# --- finite differences ----------------------------------------------------------------------------

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


@pytest.mark.parametrize("name", [n for n in ACTIVATIONS if n not in ROW_WISE])
def test_elementwise_backward_is_grad_times_derivative(name):
    f = activations.get(name)
    z = _z(1)
    g = np.random.default_rng(2).normal(size=z.shape)
    np.testing.assert_allclose(f.backward(g, z, f(z)), g * f.derivative(z), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_backward_matches_finite_differences(name):
    """backward(g, z, a) is the gradient of the scalar L = Σ g ⊙ f(z); moving one z at a time checks it
    whole, for the elementwise and the row-wise activations alike."""
    f = activations.get(name)
    z, h = _z(5, (4, 6)), 1e-6
    g = np.random.default_rng(6).normal(size=z.shape)
    numeric = np.empty_like(z)
    for idx in np.ndindex(z.shape):
        up, down = z.copy(), z.copy()
        up[idx] += h
        down[idx] -= h
        numeric[idx] = (np.vdot(g, f(up)) - np.vdot(g, f(down))) / (2 * h)
    np.testing.assert_allclose(f.backward(g, z, f(z)), numeric, rtol=1e-6, atol=1e-8)


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


@pytest.mark.parametrize("name", sorted(ROW_WISE))
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


# --- PyTorch ---------------------------------------------------------------------------------------

@pytest.mark.torch
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_value_and_backward_match_torch(name):
    import torch_twin

    f = activations.get(name)
    z = _z(7, (6, 5))
    g = np.random.default_rng(8).normal(size=z.shape)
    tz = torch_twin.tensor(z, grad=True)
    ta = torch_twin.ACTIVATIONS[name](tz)
    np.testing.assert_allclose(f(z), ta.detach().numpy(), rtol=1e-12, atol=1e-14)
    if name == "step":          # torch has no gradient for heaviside; neuronet's is 0 everywhere
        np.testing.assert_array_equal(f.backward(g, z, f(z)), 0.0)
        return
    ta.backward(torch_twin.tensor(g))
    np.testing.assert_allclose(f.backward(g, z, f(z)), tz.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.torch
def test_every_activation_has_a_torch_twin():
    import torch_twin

    assert set(torch_twin.ACTIVATIONS) == set(ACTIVATIONS)


# --- by name ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("alias,name", [("linear", "identity"), ("none", "identity"), ("logistic", "sigmoid"),
                                        ("heaviside", "step"), ("swish", "silu"), ("LeakyReLU", "leaky_relu"),
                                        ("Leaky-ReLU", "leaky_relu"), ("TANH", "tanh")])
def test_aliases(alias, name):
    assert activations.get(alias).name == name


def test_none_is_the_identity_and_an_activation_is_returned_as_it_is():
    assert activations.get(None).name == "identity"
    relu = activations.get("relu")
    assert activations.get(relu) is relu


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_config_round_trip(name):
    f = activations.get(name)
    again = activations.get(f.get_config())
    assert type(again) is type(f) and again.get_config() == f.get_config()


def test_settings_are_kept_and_used():
    leaky = activations.get("leaky_relu", slope=0.2)
    assert leaky.get_config() == {"name": "leaky_relu", "slope": 0.2}
    assert repr(leaky) == "LeakyReLU(slope=0.2)"
    np.testing.assert_allclose(leaky(np.array([-1.0, 2.0])), [-0.2, 2.0])
    elu = activations.get({"name": "elu", "alpha": 0.5})
    np.testing.assert_allclose(elu(np.array([-np.inf, 1.0])), [-0.5, 1.0])


def test_bad_names_and_settings_are_one_line_config_errors():
    with pytest.raises(ConfigError, match="unknown activation 'relu6'; choose one of: identity, "):
        activations.get("relu6")
    with pytest.raises(ConfigError, match="bad settings for activation 'relu'"):
        activations.get("relu", slope=0.1)
    with pytest.raises(ConfigError, match="an activation must be a name or Activation object, not int"):
        activations.get(3)


def test_step_is_one_above_zero_and_its_derivative_vanishes():
    z = np.array([-2.0, 0.0, 1e-30, 3.0])
    np.testing.assert_array_equal(activations.get("step")(z), [0, 0, 1, 1])
    np.testing.assert_array_equal(activations.get("step").derivative(z), 0.0)


# --- numerics (hypothesis) -------------------------------------------------------------------------



@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@SETTINGS
@given(data=st.data())
def test_softmax_rows_sum_to_one(dtype, data):
    z = data.draw(arrays(dtype))
    a = strict(activations.get("softmax"), z)
    assert a.dtype == dtype
    assert np.isfinite(a).all()
    assert ((a >= 0) & (a <= 1)).all()
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=0, atol=1e-5 if dtype == np.float32 else 1e-12)
    # shifting a row by a constant does not change it
    b = strict(activations.get("softmax"), z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(a, b, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@SETTINGS
@given(data=st.data())
def test_log_softmax_finite_and_consistent(dtype, data):
    z = data.draw(arrays(dtype))
    la = strict(activations.get("log_softmax"), z)
    assert la.dtype == dtype
    assert np.isfinite(la).all()
    assert (la <= 0).all()
    # log-sum-exp of the result is 0: the probabilities sum to one
    np.testing.assert_allclose(np.exp(la.astype(np.float64)).sum(axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@SETTINGS
@given(data=st.data())
def test_every_activation_finite_without_warnings(name, dtype, data):
    f = activations.get(name)
    z = data.draw(arrays(dtype))
    a = strict(f, z)
    d = strict(f.derivative, z)
    g = strict(f.backward, np.ones_like(z), z, a)
    for arr in (a, d, g):
        assert arr.dtype == dtype, f"{name} changed the dtype to {arr.dtype}"
        assert np.isfinite(arr).all()


@pytest.mark.parametrize("name", ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus",
                                  "gelu", "silu"])
def test_activations_known_values(name):
    z = np.array([-1e4, -2.0, 0.5, 3.0, 1e4], dtype=np.float32)
    sig = 1 / (1 + np.exp(-z.astype(np.float64)[1:4]))
    cdf = 0.5 * (1 + np.tanh(np.sqrt(2 / np.pi) * (z[1:4] + 0.044715 * z[1:4] ** 3)))
    expected = {
        "identity": z, "relu": [0, 0, 0.5, 3, 1e4], "leaky_relu": [-100, -0.02, 0.5, 3, 1e4],
        "sigmoid": [0, *sig, 1], "tanh": [-1, *np.tanh(z[1:4]), 1],
        "elu": [-1, np.expm1(-2.0), 0.5, 3, 1e4], "softplus": [0, *np.log1p(np.exp(z[1:4])), 1e4],
        "gelu": [0, *(z[1:4] * cdf), 1e4], "silu": [0, *(z[1:4] * sig), 1e4],
    }[name]
    with np.errstate(**STRICT):
        np.testing.assert_allclose(activations.get(name)(z), np.asarray(expected, np.float64), rtol=2e-6,
                                   atol=1e-6)
