"""Network (neuronet/network.py): which output layers are fused with their loss, the parameter list the
optimisers see, configs, weights and the errors a user can cause. (Training is in test_training.py,
whole-network gradients in test_gradients.py and test_torch_oracle.py.)"""

from __future__ import annotations

import numpy as np
import pytest

import neuronet as nn
from neuronet.errors import ConfigError, ShapeError


def test_network_fuses_only_matching_pairs():
    def fused(out_act, loss):
        return nn.Network([nn.Dense(2, 3, out_act)], loss=loss, seed=0)._fused

    assert fused("softmax", "cross_entropy") and fused("sigmoid", "binary_crossentropy")
    assert not fused("softmax", "mse") and not fused("identity", "cross_entropy")   # logits: not fused
    for out_act, loss in (("sigmoid", "cross_entropy"), ("softmax", "binary_crossentropy"),
                          ("log_softmax", "cross_entropy")):
        with pytest.raises(nn.ConfigError, match="needs|takes independent"):
            fused(out_act, loss)


def _net(dtype="float64", seed=0):
    return nn.Network([nn.Dense(4, 6, "relu"), nn.Dropout(0.2), nn.Dense(6, 3, "softmax")],
                      loss="cross_entropy", seed=seed, dtype=dtype)


def test_forward_is_the_layers_one_after_another():
    net = _net()
    X = np.random.default_rng(0).normal(size=(5, 4))
    by_hand = net.layers[2].forward(net.layers[0].forward(X))       # dropout is the identity here
    np.testing.assert_allclose(net.forward(X), by_hand, rtol=1e-12)
    assert net.n_in == 4 and net.n_out == 3


def test_parameters_are_named_by_layer_and_sit_beside_their_gradients():
    net = _net()
    names = [name for name, _, _ in net.parameters()]
    assert names == ["0.W", "0.b", "2.W", "2.b"]
    for name, p, g in net.parameters():
        layer, key = net.layers[int(name[0])], name[2:]
        assert p is layer.params[key] and g is layer.grads[key]
    assert net.n_params == 4 * 6 + 6 + 6 * 3 + 3


def test_same_seed_same_weights_and_the_dtype_is_everywhere():
    a, b = _net("float32", seed=3), _net("float32", seed=3)
    for (name, p, g), (_, q, _) in zip(a.parameters(), b.parameters(), strict=True):
        np.testing.assert_array_equal(p, q, err_msg=name)
        assert p.dtype == g.dtype == np.float32
    assert not np.array_equal(a.layers[0].W, _net("float32", seed=4).layers[0].W)


def test_config_round_trip_rebuilds_the_architecture():
    net = _net()
    net.preprocessing = {"scale": 255}
    again = nn.Network.from_config(net.get_config())
    assert again.get_config() == net.get_config()
    again.set_weights(net.get_weights())
    X = np.random.default_rng(1).normal(size=(3, 4))
    np.testing.assert_array_equal(again.forward(X), net.forward(X))


def test_set_weights_checks_names_shapes_and_dtypes():
    net = _net()
    weights = net.get_weights()
    with pytest.raises(ShapeError, match=r"missing: \['2.b'\]"):
        net.set_weights({k: v for k, v in weights.items() if k != "2.b"})
    with pytest.raises(ShapeError, match=r"weight 0.W has shape \(6, 4\), expected \(4, 6\)"):
        net.set_weights({**weights, "0.W": weights["0.W"].T})
    with pytest.raises(ShapeError, match="weight 0.b has dtype int64, expected floating point"):
        net.set_weights({**weights, "0.b": np.zeros(6, dtype=np.int64)})


@pytest.mark.parametrize("make,match", [
    (lambda: nn.Network([]), "at least one layer"),
    (lambda: nn.Network([nn.Dropout(0.1)]), "fixed input size"),
    (lambda: nn.Network([nn.Dense(2, 1, "softmax")]), "softmax over a single output"),
    (lambda: nn.Network([nn.Dense(2, 3)], dtype="float16"), "dtype must be float32 or float64"),
    (lambda: nn.Network([nn.Dense(2, 3)], class_names=["a", "b"]), "2 class names for 3 outputs"),
    (lambda: nn.Network([nn.Dense(2, 3), nn.Dense(4, 1)]), "Dense expects 4 inputs per example, got 3"),
    (lambda: nn.mlp([3]), "at least an input and an output size"),
])
def test_configuration_errors_are_one_line(make, match):
    with pytest.raises((ConfigError, ShapeError), match=match) as err:
        make()
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("sizes,loss,out_act,loss_name", [
    ([4, 3], None, "softmax", "categorical_crossentropy"),
    ([4, 1], None, "sigmoid", "binary_crossentropy"),
    ([4, 5, 3], "mse", "sigmoid", "mse"),
])
def test_mlp_picks_a_matching_output_and_loss(sizes, loss, out_act, loss_name):
    net = nn.mlp(sizes, activation="tanh", loss=loss)
    assert net.layers[-1].activation.name == out_act and net.loss.name == loss_name
    assert all(layer.activation.name == "tanh" for layer in net.layers[:-1])


def test_check_examples_gives_labels_and_target_rows():
    net = _net("float32")
    data = net.check_examples(np.zeros((3, 4)), [2, 0, 1])
    assert data.X.dtype == np.float32 and data.targets.tolist() == [[0, 0, 1], [1, 0, 0], [0, 1, 0]]
    assert data.labels.tolist() == [2, 0, 1]


def test_predict_gives_classes_and_a_single_sigmoid_output_is_thresholded():
    net = _net()
    X = np.random.default_rng(2).normal(size=(7, 4))
    np.testing.assert_array_equal(net.predict(X, batch_size=3), net.forward(X).argmax(axis=1))
    np.testing.assert_allclose(net.predict_proba(X, batch_size=3), net.forward(X), rtol=1e-12)
    binary = nn.mlp([4, 1], seed=0, dtype="float64")
    np.testing.assert_array_equal(binary.predict(X), (binary.forward(X)[:, 0] > 0.5).astype(int))


def test_stages_group_per_unit_layers_with_the_layer_before_them():
    net = nn.cnn((8, 8), [4], [6, 3], batch_norm=True, dropout=0.1)
    kinds = [type(layer).__name__ for layer in net.layers]
    assert kinds == ["Conv2D", "BatchNorm", "Activation", "MaxPool2D", "Dense", "Dropout", "Dense"]
    assert net.stages() == [(0, 2), (3, 3), (4, 5), (6, 6)]
    assert [net.stage_activation(*s) for s in net.stages()] == ["relu", None, "relu", "softmax"]
    # A network that begins with a per-unit layer: that layer is a stage of its own.
    lone = nn.Network([nn.layers.Dropout(0.5), nn.layers.Dense(3, 2, activation="tanh")], loss="mse")
    assert lone.stages() == [(0, 0), (1, 1)] and lone.stage_activation(0, 0) is None
    assert lone.stage_activation(1, 1) == "tanh"


def test_mlp_with_batch_norm_puts_it_between_each_hidden_layer_and_its_activation():
    net = nn.mlp([4, 8, 6, 2], activation="tanh", batch_norm=True, seed=0)
    kinds = [(type(layer).__name__, getattr(getattr(layer, "activation", None), "name", None))
             for layer in net.layers]
    assert kinds == [("Dense", "identity"), ("BatchNorm", None), ("Activation", "tanh"),
                     ("Dense", "identity"), ("BatchNorm", None), ("Activation", "tanh"),
                     ("Dense", "softmax")]
    with pytest.raises(nn.ConfigError, match="mlp: batch_norm"):
        nn.mlp([4, 2], batch_norm="yes")
