"""PyTorch weights: the safetensors file loads into the nn.Sequential that --print-torch prints, which
then gives neuronet's outputs to 1e-5; and such a state dict loads back into neuronet."""

import runpy

import numpy as np
import pytest

import neuronet as nn
from neuronet import datasets, torch_weights

safetensors_numpy = pytest.importorskip("safetensors.numpy")


@pytest.fixture(scope="module")
def digits():
    return datasets.load("digits")[1][0][:200]


def _image_first(net):
    return isinstance(net.layers[0], (nn.Conv2D, nn.MaxPool2D))


def _normalised():
    """BatchNorm per channel and per feature (also over a flattened image), an Activation layer and
    both average pools, with running statistics and γ, β that are not their initial values."""
    net = nn.Network([nn.Conv2D((8, 8, 1), 4, 3, padding="same"), nn.BatchNorm(input_shape=(8, 8, 4)),
                      nn.Activation("relu"), nn.AvgPool2D((8, 8, 4)), nn.BatchNorm(4 * 4 * 4),
                      nn.Conv2D((4, 4, 4), 3, 3, activation="tanh"), nn.GlobalAvgPool2D((2, 2, 3)),
                      nn.Dense(3, 8), nn.BatchNorm(8), nn.Activation("elu"), nn.Dense(8, 10, "softmax")],
                     seed=5)
    rng = np.random.default_rng(5)
    for layer in net.layers:
        if isinstance(layer, nn.BatchNorm):
            layer.params["gamma"] = rng.uniform(0.5, 2, layer.channels)
            layer.params["beta"] = rng.normal(size=layer.channels)
            layer.buffers["running_mean"][...] = rng.normal(size=layer.channels)
            layer.buffers["running_var"][...] = rng.uniform(0.5, 2, layer.channels)
    return net


NETWORKS = {
    "mlp, every activation": lambda: nn.Network(
        [nn.Dense(64, 20, "step"), nn.Dense(20, 20, "sigmoid"), nn.Dense(20, 20, "tanh"),
         nn.Dense(20, 20, "leaky_relu"), nn.Dense(20, 20, "elu"), nn.Dense(20, 20, "softplus"),
         nn.Dense(20, 20, "gelu"), nn.Dense(20, 20, "silu"), nn.Dense(20, 20, "relu"), nn.Dropout(0.5),
         nn.Dense(20, 10, "log_softmax")], loss="mse", seed=0),
    "logits": lambda: nn.Network([nn.Dense(64, 16, "relu"), nn.Dense(16, 10)], seed=1),
    "cnn builder": lambda: nn.cnn((8, 8), [4, 6], [16, 10], dropout=0.1, seed=2),
    # 3×3 kernel, stride 2, 'same' on 8×8: one pixel of padding, at the bottom/right only.
    "uneven padding": lambda: nn.Network(
        [nn.Conv2D((8, 8, 1), 3, 3, stride=2, padding="same", activation="tanh", use_bias=False),
         nn.Dense(48, 1, "sigmoid")], loss="binary_crossentropy", seed=3),
    "dense into conv": lambda: nn.Network(
        [nn.Dense(64, 36, "tanh"), nn.Dropout(0.1), nn.Conv2D((3, 3, 4), 5, 2, activation="elu"),
         nn.MaxPool2D((2, 2, 5), 2), nn.Dense(5, 10, "softmax")], seed=4),
    "batch norm, activation, average pools": _normalised,
}


@pytest.mark.torch
@pytest.mark.parametrize("make", NETWORKS.values(), ids=NETWORKS.keys())
def test_pytorch_twin_gives_neuronets_outputs(make, digits, tmp_path):
    import safetensors.torch
    import torch

    net = make()
    path = tmp_path / "model.safetensors"
    nn.export(net, path)
    # The printed source is saved and run as a user would run it (it is neuronet's own text).
    source = tmp_path / "twin.py"
    source.write_text(torch_weights.torch_source(net))
    model = runpy.run_path(str(source))["model"].eval()
    model.load_state_dict(safetensors.torch.load_file(path))      # strict: every key, every shape
    x = digits.reshape(-1, 8, 8, 1).transpose(0, 3, 1, 2).copy() if _image_first(net) else digits
    with torch.no_grad():
        out = model(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(out, net.outputs(digits), atol=1e-5, rtol=0)
    if net.logits:
        np.testing.assert_allclose(torch.softmax(torch.from_numpy(out), 1).numpy(), net.predict_proba(digits),
                                   atol=1e-5, rtol=0)


@pytest.mark.torch
def test_a_pytorch_state_dict_loads_into_neuronet(digits, tmp_path):
    import safetensors.torch
    import torch

    net = nn.cnn((8, 8), [3], [12, 10], batch_norm=True, seed=0)
    source = tmp_path / "twin.py"
    source.write_text(torch_weights.torch_source(net))
    torch.manual_seed(0)
    model = runpy.run_path(str(source))["model"]     # PyTorch's own initial weights, not neuronet's
    model.train()
    with torch.no_grad():                            # a few batches, so BatchNorm's statistics move
        for _ in range(3):
            model(torch.randn(16, 1, 8, 8))
    model.eval()
    path = tmp_path / "from_torch.safetensors"
    safetensors.torch.save_file(model.state_dict(), path)
    nn.import_weights(net, path)
    with torch.no_grad():
        expected = model(torch.from_numpy(digits.reshape(-1, 8, 8, 1).transpose(0, 3, 1, 2).copy())).numpy()
    np.testing.assert_allclose(net.outputs(digits), expected, atol=1e-5, rtol=0)


@pytest.mark.parametrize("make", NETWORKS.values(), ids=NETWORKS.keys())
def test_export_then_import_is_exact(make, digits, tmp_path):
    net, other = make(), make()
    for _, p, _ in other.parameters():
        p[...] = 0.5
    nn.export(net, tmp_path / "w.safetensors")
    nn.import_weights(other, tmp_path / "w.safetensors")
    for name, w in net.get_weights().items():
        np.testing.assert_array_equal(other.get_weights()[name], w)


def test_first_dense_after_conv_has_its_rows_permuted():
    net = nn.Network([nn.Conv2D((2, 2, 3), 3, 1), nn.Dense(12, 1)], loss="mse", seed=0)
    net.layers[1].W = np.arange(12, dtype=np.float32).reshape(12, 1)     # row = channels-last index
    weight = torch_weights.state_dict(net)["2.weight"]       # after nn.Flatten: (1, 12), (C, H, W) order
    # PyTorch's input (c, h, w) is neuronet's (h·W + w)·C + c.
    assert weight[0].tolist() == [(h * 2 + w) * 3 + c for c in range(3) for h in range(2) for w in range(2)]


def _saved(tmp_path, tensors):
    path = tmp_path / "bad.safetensors"
    safetensors_numpy.save_file(tensors, str(path))
    return path


@pytest.mark.parametrize("change, message", [
    (lambda t: t.pop("2.bias"), r"missing: \['2.bias'\]"),
    (lambda t: t.update({"9.weight": np.zeros(3, np.float32)}), r"unexpected: \['9.weight'\]"),
    (lambda t: t.update({"0.weight": np.zeros((8, 5), np.float32)}), r"0.weight has shape \(8, 5\)"),
    (lambda t: t.update({"0.bias": np.zeros(8, np.int32)}), "dtype int32"),
    (lambda t: t.update({"0.bias": np.full(8, np.nan, np.float32)}), "not finite"),
])
def test_a_file_that_does_not_fit_is_one_error_and_changes_nothing(change, message, tmp_path):
    net = nn.mlp([4, 8, 3], seed=0)
    before = net.get_weights()
    tensors = torch_weights.state_dict(net)
    change(tensors)
    with pytest.raises(nn.ModelFileError, match=message):
        nn.import_weights(net, _saved(tmp_path, tensors))
    for name, w in before.items():
        np.testing.assert_array_equal(net.get_weights()[name], w)


def test_not_a_safetensors_file(tmp_path):
    path = tmp_path / "junk.safetensors"
    path.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}      ")
    with pytest.raises(nn.ModelFileError, match="not a readable safetensors file"):
        nn.import_weights(nn.mlp([4, 3]), path)
    with pytest.raises(nn.ModelFileError, match="no such file"):
        nn.import_weights(nn.mlp([4, 3]), tmp_path / "absent.safetensors")


def test_printed_source_names_input_and_output():
    text = torch_weights.torch_source(nn.cnn((8, 8), [2], [10], seed=0))
    assert "images (batch, 1, 8, 8)" in text and "logits" not in text.split("model =")[0].split("Output")[0]
    assert "nn.Flatten()" in text and "nn.Softmax(dim=1)" in text
    logits = torch_weights.torch_source(nn.Network([nn.Dense(3, 2)], seed=0))
    assert "logits; predict_proba is their softmax" in logits
