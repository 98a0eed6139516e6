"""Layers (neuronet/layers.py): Dense checked against its four backward equations by central finite
differences in float64 and against PyTorch, Dropout's mask and scaling, configs and errors.
Conv2D and MaxPool2D have their own files (test_conv.py, test_conv_edges.py).
"""

from __future__ import annotations

import numpy as np
import pytest

import neuronet as nn
from neuronet import activations, layers
from neuronet.errors import ConfigError, ShapeError

SMOOTH = [n for n in activations.names() if n not in ("relu", "leaky_relu", "elu", "step")]


def _dense(activation="tanh", use_bias=True, seed=0):
    layer = nn.Dense(4, 3, activation, use_bias=use_bias, seed=seed, dtype=np.float64)
    if use_bias:
        layer.params["b"][...] = np.random.default_rng(seed + 1).normal(scale=0.3, size=3)
    return layer


def _central(f, x, h=1e-6):
    """∂f/∂x for a scalar f of an array x, one entry at a time."""
    out = np.empty_like(x)
    for idx in np.ndindex(x.shape):
        keep = x[idx]
        x[idx] = keep + h
        up = f()
        x[idx] = keep - h
        down = f()
        x[idx] = keep
        out[idx] = (up - down) / (2 * h)
    return out


def test_forward_is_x_w_plus_b_through_the_activation():
    layer = _dense("sigmoid")
    x = np.random.default_rng(2).normal(size=(5, 4))
    z = x @ layer.W + layer.b
    np.testing.assert_allclose(layer.forward(x), 1 / (1 + np.exp(-z)), rtol=1e-12)
    assert layer(x).shape == (5, 3)


@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize("activation", SMOOTH)
def test_dense_backward_matches_finite_differences(activation, use_bias):
    """L = Σ g ⊙ layer(x): backward(g) must give dL/dW, dL/db and dL/dx."""
    layer = _dense(activation, use_bias)
    rng = np.random.default_rng(3)
    x, g = rng.normal(size=(5, 4)), rng.normal(size=(5, 3))

    def loss():
        return float(np.vdot(g, layer.forward(x)))

    layer.forward(x)
    dx = layer.backward(g)
    for name, p in layer.params.items():
        np.testing.assert_allclose(layer.grads[name], _central(loss, p), rtol=1e-6, atol=1e-9, err_msg=name)
    np.testing.assert_allclose(dx, _central(loss, x), rtol=1e-6, atol=1e-9)
    assert set(layer.grads) == ({"W", "b"} if use_bias else {"W"})


def test_pre_activation_backward_takes_dl_dz_and_the_first_layer_skips_dl_dx():
    layer = _dense("softmax")
    rng = np.random.default_rng(4)
    x, dz = rng.normal(size=(5, 4)), rng.normal(size=(5, 3))
    layer.forward(x)
    dx = layer.backward(dz, pre_activation=True)
    np.testing.assert_allclose(layer.grads["W"], x.T @ dz, rtol=1e-12)
    np.testing.assert_allclose(layer.grads["b"], dz.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(dx, dz @ layer.W.T, rtol=1e-12)
    assert layer.backward(dz, need_input_grad=False, pre_activation=True) is None


@pytest.mark.torch
@pytest.mark.parametrize("activation", SMOOTH + ["relu", "leaky_relu", "elu"])
def test_dense_matches_torch(activation):
    import torch
    import torch_twin

    layer = _dense(activation, seed=5)
    rng = np.random.default_rng(6)
    x, g = rng.normal(size=(5, 4)), rng.normal(size=(5, 3))
    tx, tW, tb = (torch_twin.tensor(v, grad=True) for v in (x, layer.W, layer.b))
    out = torch_twin.ACTIVATIONS[activation](tx @ tW + tb)         # the same layout: W is (n_in, n_out)
    out.backward(torch.from_numpy(g))
    np.testing.assert_allclose(layer.forward(x), out.detach().numpy(), rtol=1e-12, atol=1e-14)
    dx = layer.backward(g)
    np.testing.assert_allclose(layer.grads["W"], tW.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.grads["b"], tb.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("activation,init", [("relu", "he_normal"), ("gelu", "he_normal"),
                                             ("tanh", "glorot_uniform"), ("softmax", "glorot_uniform")])
def test_default_initialiser_follows_the_activation(activation, init):
    assert nn.Dense(3, 2, activation).init == init


def test_init_by_alias_is_recorded_by_its_name_and_the_seed_decides_the_weights():
    a, b = nn.Dense(30, 20, init="kaiming", seed=1), nn.Dense(30, 20, init="he_normal", seed=1)
    assert a.init == b.init == "he_normal"
    np.testing.assert_array_equal(a.W, b.W)
    assert a.W.dtype == np.float32 and not a.b.any()
    assert not np.array_equal(a.W, nn.Dense(30, 20, init="kaiming", seed=2).W)


@pytest.mark.parametrize("n_in,n_out", [(0, 3), (3, -1), (2.5, 3), (True, 3), ("4", 3)])
def test_dense_sizes_must_be_positive_integers(n_in, n_out):
    with pytest.raises(ConfigError, match=r"Dense: n_(in|out) must be a positive integer"):
        nn.Dense(n_in, n_out)


def test_dense_errors():
    with pytest.raises(ConfigError, match="before forward"):
        nn.Dense(2, 3).backward(np.zeros((1, 3)))
    with pytest.raises(ShapeError, match="Dense expects 4 inputs per example, got 5"):
        nn.Dense(4, 3).output_dim(5)
    with pytest.raises(ConfigError, match="unknown initializer"):
        nn.Dense(4, 3, init="orthogonal")


# --- Dropout ---------------------------------------------------------------------------------------

def test_dropout_is_the_identity_outside_training():
    x = np.random.default_rng(0).normal(size=(20, 30)).astype(np.float32)
    layer = nn.Dropout(0.5, seed=0)
    assert layer.forward(x) is x
    np.testing.assert_array_equal(layer.backward(x), x)


def test_dropout_zeroes_about_rate_and_scales_the_rest():
    n = 200 * 50
    x = np.ones((200, 50), dtype=np.float32)
    out = nn.Dropout(0.3, seed=1).forward(x, training=True)
    assert out.dtype == np.float32
    np.testing.assert_allclose(np.unique(out), [0.0, 1 / 0.7], rtol=1e-6)
    dropped = (out == 0).mean()
    assert abs(dropped - 0.3) < 5 * np.sqrt(0.3 * 0.7 / n)    # five binomial standard errors


def test_dropout_backward_uses_the_same_mask():
    layer = nn.Dropout(0.5, seed=2)
    x = np.random.default_rng(3).normal(size=(6, 7))
    out = layer.forward(x, training=True)
    g = np.random.default_rng(4).normal(size=x.shape)
    scale = np.divide(out, x)                    # 0 or 2, entry by entry
    np.testing.assert_allclose(layer.backward(g), g * scale)


def test_dropout_masks_repeat_with_the_seed():
    x = np.ones((4, 9))
    first = nn.Dropout(0.5, seed=5).forward(x, training=True)
    np.testing.assert_array_equal(first, nn.Dropout(0.5, seed=5).forward(x, training=True))
    assert not np.array_equal(first, nn.Dropout(0.5, seed=6).forward(x, training=True))


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5])
def test_dropout_rate_must_be_in_zero_one(rate):
    with pytest.raises(ConfigError, match=r"Dropout: rate must be in \[0, 1\)"):
        nn.Dropout(rate)


# --- configs ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("layer", [nn.Dense(4, 3, "leaky_relu", init="he_uniform", use_bias=False),
                                   nn.Dense(2, 5), nn.Dropout(0.25)], ids=repr)
def test_config_round_trip(layer):
    again = layers.from_config(layer.get_config())
    assert type(again) is type(layer)
    assert again.get_config() == layer.get_config()


def test_unknown_layer_type_and_bad_settings():
    with pytest.raises(ConfigError, match="unknown layer type 'dense'"):
        layers.from_config({"type": "dense", "n_in": 2, "n_out": 3})
    with pytest.raises(ConfigError, match="bad settings for layer type 'Dense'"):
        layers.from_config({"type": "Dense", "n_in": 2, "units": 3})


def test_a_plain_layer_passes_its_input_through_and_has_no_parameters():
    layer = layers.Layer()
    x = np.arange(6.0).reshape(2, 3)
    assert layer.forward(x) is x and layer.backward(x) is x
    assert layer.n_params == 0 and layer.output_dim(3) == 3 and not layer.trainable


def test_a_networks_weights_are_drawn_once(monkeypatch):
    """Layers draw their weights when first used; a Network with a seed draws them all itself, so
    building mlp or cnn draws each layer's weights exactly once (not once in the layer, then again)."""
    from neuronet import initializers

    drawn = []
    for name in ("glorot_uniform", "he_normal"):
        original = initializers.INITIALIZERS.entry(name)

        def counting(rng, shape, dtype, _original=original):
            drawn.append(shape)
            return _original(rng, shape, dtype)

        monkeypatch.setitem(initializers.INITIALIZERS._entries, name, counting)
    nn.cnn((8, 8), [4, 8], [16, 10], seed=0)
    assert drawn == [(3, 3, 1, 4), (3, 3, 4, 8), (32, 16), (16, 10)]
    drawn.clear()
    layer = nn.Dense(3, 2, seed=1)
    assert drawn == []                                   # nothing yet
    first = layer.W.copy()
    assert drawn == [(3, 2)] and np.array_equal(first, nn.Dense(3, 2, seed=1).W)


def test_scratch_reuses_an_array_by_name_and_size_and_a_copy_starts_empty():
    import copy
    import pickle

    scratch = layers.Scratch()
    a = scratch.array("cols", (4, 3), np.float32)
    assert a.shape == (4, 3) and a.flags.c_contiguous
    assert np.shares_memory(scratch.array("cols", (4, 3), np.float32), a)
    # Fewer elements (a smaller last batch, in any shape) reuse the same memory; more, or another
    # dtype, get new memory, which replaces the old.
    assert np.shares_memory(scratch.array("cols", (2, 3), np.float32), a)
    assert scratch.array("cols", (3, 2, 2), np.float32).shape == (3, 2, 2)
    assert not np.shares_memory(scratch.array("cols", (4, 5), np.float32), a)
    assert scratch.array("cols", (4, 5), np.float64).dtype == np.float64
    assert scratch.array("other", (2,), np.float64).shape == (2,)
    assert len(scratch._arrays) == 2
    layer = nn.Dense(3, 2)
    layer.scratch.array("work", (100, 100), np.float32)
    for twin in (copy.deepcopy(layer), pickle.loads(pickle.dumps(layer))):
        assert twin.scratch._arrays == {}
    layer.scratch.clear()
    assert layer.scratch._arrays == {}


def test_relu_may_write_its_output_over_z_because_its_backward_reads_only_a():
    relu = activations.get("relu")
    z = np.array([[-1.0, 0.0, 2.0]])
    a = relu(z, out=z)
    assert a is z and z.tolist() == [[0.0, 0.0, 2.0]]
    assert relu.in_place and not activations.get("sigmoid").in_place
    np.testing.assert_array_equal(relu.backward(np.ones((1, 3)), None, a), [[0.0, 0.0, 1.0]])
