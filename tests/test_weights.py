"""Setting weights as learners do: layer.W = ..., params["W"] = ..., get_weights/set_weights, and a
network's layers fixed once it is built. Every wrong value is one clear error, never a file that
saves and cannot be loaded back."""

import numpy as np
import pytest

import neuronet as nn
from neuronet.errors import ConfigError, ShapeError


def test_assigning_W_copies_into_the_same_array_in_the_layers_dtype(tmp_path):
    net = nn.Network([nn.Dense(3, 2, "softmax")], seed=0)
    layer = net.layers[0]
    W = layer.W
    layer.W = np.arange(6, dtype=np.float64).reshape(3, 2) / 10   # float64 into a float32 network
    assert layer.W is W and W.dtype == np.float32
    np.testing.assert_allclose(W, np.arange(6).reshape(3, 2) / 10, rtol=1e-6)
    layer.b = [1, 2]
    assert layer.b.dtype == np.float32 and list(layer.b) == [1, 2]
    net.save(tmp_path / "m.npz")
    np.testing.assert_array_equal(nn.load(tmp_path / "m.npz").layers[0].W, W)


@pytest.mark.parametrize("values, error, match", [
    (np.zeros((2, 3)), ShapeError, r"parameter W has shape \(3, 2\); got values of shape \(2, 3\)"),
    (np.full((3, 2), np.nan), ShapeError, r"parameter W contains NaN or infinity \(first at \[0, 0\]\)"),
    (np.full((3, 2), 1e300), ShapeError, r"parameter W\[0, 0\] = 1e\+300 is beyond float32's range"),
    ([["a", "b"]] * 3, ShapeError, "parameter W must be numeric"),
])
def test_bad_weights_are_refused_in_one_line(values, error, match):
    layer = nn.Network([nn.Dense(3, 2, "softmax")], seed=0).layers[0]
    before = layer.W.copy()
    for assign in (lambda: setattr(layer, "W", values), lambda: layer.params.__setitem__("W", values)):
        with pytest.raises(error, match=match) as exc:
            assign()
        assert "\n" not in str(exc.value)
    np.testing.assert_array_equal(layer.W, before)


def test_params_refuse_new_names_and_a_bias_that_is_not_there():
    layer = nn.Dense(3, 2, use_bias=False)
    with pytest.raises(ConfigError, match="no parameter 'b'; this layer has W"):
        layer.params["b"] = np.zeros(2)
    with pytest.raises(ConfigError, match="no bias"):
        layer.b = np.zeros(2)


def test_get_and_set_weights_round_trip_and_cast():
    net = nn.mlp([4, 5, 3], seed=0)
    other = nn.mlp([4, 5, 3], seed=1)
    other.set_weights({k: v.astype(np.float64) for k, v in net.get_weights().items()})
    X = np.random.default_rng(0).normal(size=(6, 4))
    np.testing.assert_array_equal(other.predict_proba(X), net.predict_proba(X))
    assert all(p.dtype == np.float32 for _, p, _ in other.parameters())


def test_set_weights_changes_nothing_when_one_weight_is_bad():
    net = nn.mlp([4, 5, 3], seed=0)
    before = net.get_weights()
    bad = {**before, "1.b": np.array([0, np.inf, 0])}
    with pytest.raises(ShapeError, match=r"weight 1.b contains NaN or infinity \(first at \[1\]\)"):
        net.set_weights(bad)
    assert all(np.array_equal(net.get_weights()[k], before[k]) for k in before)


@pytest.mark.parametrize("change", [
    lambda net: net.layers.append(nn.Dense(3, 3)),
    lambda net: net.layers.insert(0, nn.Dense(4, 4)),
    lambda net: net.layers.pop(),
    lambda net: setattr(net, "layers", [nn.Dense(4, 3, "softmax")]),
    lambda net: net.layers.__setitem__(0, nn.Dense(4, 5)),
])
def test_a_networks_layers_are_fixed_once_built(change):
    net = nn.mlp([4, 5, 3], seed=0)
    with pytest.raises(ConfigError, match="layers are fixed when it is built; make a new Network"):
        change(net)
    assert len(net.layers) == 2 and net.n_out == 3
    bigger = nn.Network([*net.layers[:1], nn.Dense(5, 2, "softmax")], seed=0)   # the way out works
    assert bigger.n_out == 2


def test_one_optimizer_on_two_networks_is_refused_and_its_own_network_goes_on():
    X = np.random.default_rng(0).normal(size=(20, 4))
    y = np.arange(20) % 3
    opt = nn.Adam(0.01)
    first = nn.mlp([4, 5, 3], seed=0)
    first.fit(X, y, epochs=1, optimizer=opt)
    first.fit(X, y, epochs=1, optimizer=opt)            # the same network: its state carries on
    with pytest.raises(ConfigError, match=r"this Adam already trains another network .* Adam\(lr=0.01\)"):
        nn.mlp([4, 5, 3], seed=1).fit(X, y, epochs=1, optimizer=opt)
    del first
    with pytest.raises(ConfigError, match="already trains another network"):   # gone, but its state stays
        nn.mlp([4, 5, 3], seed=1).fit(X, y, epochs=1, optimizer=opt)
    fresh = nn.Adam(0.01)
    nn.mlp([4, 5, 3], seed=1).fit(X, y, epochs=1, optimizer=fresh)
