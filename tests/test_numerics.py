"""Property-based tests (hypothesis): activations and fused losses stay finite and warning-free for
inputs up to |z| = 1e4 in float32 and float64.

Floating-point *underflow* (e.g. e^(−1e4) rounding to 0) is the correct answer, not an error, so the
error state raises on overflow, invalid operations and division by zero, and ignores underflow.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from neuronet import activations, losses

ACTIVATIONS = ["identity", "step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "gelu",
               "silu", "softmax", "log_softmax"]
STRICT = {"over": "raise", "invalid": "raise", "divide": "raise", "under": "ignore"}


def _arrays(dtype, bound=1e4):
    return hnp.arrays(dtype, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=8),
                      elements=st.floats(-bound, bound, width=np.dtype(dtype).itemsize * 8))


def _strict(fn, *args):
    with warnings.catch_warnings(), np.errstate(**STRICT):
        warnings.simplefilter("error")
        return fn(*args)


SETTINGS = settings(max_examples=60, deadline=None)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@SETTINGS
@given(data=st.data())
def test_softmax_rows_sum_to_one(dtype, data):
    z = data.draw(_arrays(dtype))
    a = _strict(activations.get("softmax"), z)
    assert a.dtype == dtype
    assert np.isfinite(a).all()
    assert ((a >= 0) & (a <= 1)).all()
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=0, atol=1e-5 if dtype == np.float32 else 1e-12)
    # shifting a row by a constant does not change it
    b = _strict(activations.get("softmax"), z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(a, b, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@SETTINGS
@given(data=st.data())
def test_log_softmax_finite_and_consistent(dtype, data):
    z = data.draw(_arrays(dtype))
    la = _strict(activations.get("log_softmax"), z)
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
    z = data.draw(_arrays(dtype))
    a = _strict(f, z)
    d = _strict(f.derivative, z)
    g = _strict(f.backward, np.ones_like(z), z, a)
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


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@SETTINGS
@given(data=st.data())
def test_fused_cross_entropy_finite_for_extreme_logits(dtype, data):
    z = data.draw(_arrays(dtype))
    k = z.shape[1]
    y = np.eye(k, dtype=dtype)[data.draw(st.lists(st.integers(0, k - 1), min_size=len(z), max_size=len(z)))]
    a = _strict(activations.get("softmax"), z)
    value, grad = _strict(losses.get("cross_entropy").fused, z, a, y)
    assert np.isfinite(value) and value >= 0
    assert grad.dtype == dtype and np.isfinite(grad).all()
    # the unfused loss on the same output is finite too (log of a clipped probability)
    assert np.isfinite(_strict(losses.get("cross_entropy"), a, y))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@SETTINGS
@given(data=st.data())
def test_fused_binary_cross_entropy_finite_for_extreme_logits(dtype, data):
    z = data.draw(_arrays(dtype))
    y = data.draw(hnp.arrays(dtype, z.shape, elements=st.sampled_from([0.0, 1.0])))
    a = _strict(activations.get("sigmoid"), z)
    value, grad = _strict(losses.get("binary_crossentropy").fused, z, a, y)
    assert np.isfinite(value) and value >= 0
    assert grad.dtype == dtype and np.isfinite(grad).all()
    assert np.isfinite(_strict(losses.get("binary_crossentropy"), a, y))
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
