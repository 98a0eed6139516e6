"""nn.cnn: the convolutional network `neuronet train --conv` builds, as a library function."""

from __future__ import annotations

import numpy as np
import pytest

import neuronet as nn
from neuronet import cli
from neuronet.conv import Conv2D, MaxPool2D
from neuronet.errors import ConfigError
from neuronet.layers import Dense, Dropout
from neuronet.network import Network, cnn, max_conv_blocks, mlp


def _built_as_the_cli_did(image, filters, hidden, n_out, seed, activation="relu", dropout=0.0):
    """The network the command line built before cnn existed: blocks, an mlp, both joined again."""
    blocks, shape = [], image
    for f in filters:
        conv = Conv2D(shape, filters=f, kernel_size=3, padding="same", activation=activation)
        pool = MaxPool2D(conv.output_shape, pool_size=2)
        blocks += [conv, pool]
        shape = pool.output_shape
    dense = mlp([blocks[-1].n_out, *hidden, n_out], activation=activation, dropout=dropout, seed=seed)
    return Network([*blocks, *dense.layers], loss=dense.loss, seed=seed)


def test_the_mnist_architecture_of_the_readme():
    net = nn.cnn((28, 28, 1), [16, 32], [128, 10])
    assert [type(layer) for layer in net.layers] == [Conv2D, MaxPool2D, Conv2D, MaxPool2D, Dense, Dense]
    c1, p1, c2, p2, d1, d2 = net.layers
    assert (c1.input_shape, c1.output_shape, p1.output_shape) == ((28, 28, 1), (28, 28, 16), (14, 14, 16))
    assert (c2.output_shape, p2.output_shape) == ((14, 14, 32), (7, 7, 32))
    assert (c1.kernel_size, c1.padding, p1.pool_size) == ((3, 3), "same", 2)
    assert (d1.W.shape, d2.W.shape) == ((7 * 7 * 32, 128), (128, 10))
    assert c1.activation.name == c2.activation.name == d1.activation.name == "relu"
    assert d2.activation.name == "softmax" and net.loss.name == "categorical_crossentropy"
    n_params = sum(p.size for _, p, _ in net.parameters())
    assert n_params == (9 * 16 + 16) + (9 * 16 * 32 + 32) + (1568 * 128 + 128) + (128 * 10 + 10) == 206_922
    assert (net.n_in, net.n_out) == (784, 10)


@pytest.mark.parametrize("dropout", [0.0, 0.25])
def test_same_network_and_weights_as_the_command_line_built(dropout):
    ours = cnn((8, 8, 1), [8, 16], [32, 10], seed=3, dropout=dropout)
    before = _built_as_the_cli_did((8, 8, 1), [8, 16], [32], 10, seed=3, dropout=dropout)
    assert [layer.get_config() for layer in ours.layers] == [layer.get_config() for layer in before.layers]
    a, b = ours.get_weights(), before.get_weights()
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_weights_come_from_the_seed():
    a, b, c = (cnn((12, 12), [4], [6, 3], seed=s).get_weights() for s in (5, 5, 6))
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not all(np.array_equal(a[k], c[k]) for k in a)


def test_grey_pictures_colour_pictures_and_dropout():
    assert cnn((8, 8), [4], [10]).layers[0].input_shape == (8, 8, 1)
    colour = cnn((8, 6, 3), [4], [10])
    assert colour.n_in == 8 * 6 * 3 and colour.layers[1].output_shape == (4, 3, 4)
    kinds = [type(layer) for layer in cnn((8, 8), [4], [16, 8, 10], dropout=0.5).layers]
    assert kinds == [Conv2D, MaxPool2D, Dense, Dropout, Dense, Dropout, Dense]   # after dense hidden only
    binary = cnn((8, 8), [4], [1])
    assert binary.layers[-1].activation.name == "sigmoid" and binary.loss.name == "binary_crossentropy"
    assert cnn((8, 8), [4], [10], dtype="float64").layers[0].W.dtype == np.float64


@pytest.mark.parametrize("args, match", [
    (((8,), [4], [10]), "input_shape must be"),
    ((8, [4], [10]), "input_shape must be"),
    (((8, 0), [4], [10]), r"input_shape\[1\] must be a positive integer"),
    (((8, 8), [], [10]), "list of filter counts"),
    (((8, 8), [4, 0], [10]), r"filters\[1\] must be a positive integer"),
    (((8, 8), [4], []), "dense layer sizes"),
    (((8, 8), [4, 4, 4], [10]), "3 blocks are too many for 8x8 images .*8x8 -> 4x4 -> 2x2 -> 1x1.* 2$"),
])
def test_bad_settings_are_one_line_config_errors(args, match):
    with pytest.raises(ConfigError, match=match):
        cnn(*args)


def test_max_conv_blocks():
    assert [max_conv_blocks(s, s) for s in (2, 3, 5, 6, 8, 12, 28)] == [0, 1, 1, 2, 2, 3, 4]
    assert max_conv_blocks(60, 7) == 2   # the shorter side decides


def test_the_command_line_trains_from_cnn_built_once(tmp_path, monkeypatch):
    """`train --conv` builds one network (not three) and fits exactly the weights cnn draws."""
    pytest.importorskip("sklearn")   # the 8x8 digits
    built, initial = [], {}
    init, fit = Network.__init__, Network.fit

    def counting_init(self, *args, **kwargs):
        built.append(self)
        init(self, *args, **kwargs)

    def recording_fit(self, *args, **kwargs):
        initial.update(self.get_weights())
        return fit(self, *args, **kwargs)

    monkeypatch.setattr(Network, "__init__", counting_init)
    monkeypatch.setattr(Network, "fit", recording_fit)
    out = tmp_path / "m.npz"
    assert cli.main(["train", "--dataset", "digits", "--conv", "4", "--layers", "8", "--epochs", "1",
                     "--seed", "7", "--no-progress", "--output", str(out)]) == 0
    assert len(built) == 1
    monkeypatch.undo()
    expected = cnn((8, 8, 1), [4], [8, 10], seed=7).get_weights()
    assert initial.keys() == expected.keys()
    assert all(np.array_equal(initial[k], expected[k]) for k in expected)
