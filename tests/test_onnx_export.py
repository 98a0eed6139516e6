"""ONNX export: the file passes onnx's checker, and onnx's reference evaluator and onnxruntime both give
predict_proba's answers on the 8×8 digits, to 1e-5, for every layer type and activation."""

import json

import numpy as np
import pytest

import neuronet as nn
from neuronet import datasets, onnx_export

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from onnx.reference import ReferenceEvaluator  # noqa: E402

ACTIVATIONS = ["identity", "step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "gelu",
               "silu", "softmax", "log_softmax"]


@pytest.fixture(scope="module")
def digits():
    return datasets.load("digits")[1][0][:200]          # (200, 64) test images in [0, 1]


def _check(net, x, tmp_path, tol=1e-5):
    """Write, check and run ``net``'s ONNX file both ways; the largest difference from predict_proba."""
    path = tmp_path / "model.onnx"
    nn.export(net, path)
    model = onnx.load(str(path))
    onnx.checker.check_model(model, full_check=True)
    assert model.opset_import[0].version >= 17
    expected = net.predict_proba(x)
    feed = {"input": x.astype(np.float32)}
    by_ort = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, feed)
    by_reference = ReferenceEvaluator(model).run(None, feed)
    worst = 0.0
    for got in (by_ort, by_reference):
        assert got[0].shape == expected.shape
        worst = max(worst, float(np.abs(got[0] - expected).max()))
        if net.logits:
            np.testing.assert_allclose(got[1], net.outputs(x), atol=tol, rtol=0)
    assert worst <= tol, worst
    return model


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_dense_with_each_hidden_activation(activation, digits, tmp_path):
    # Big enough weights that every activation's curved part (and the step's edge) is reached.
    net = nn.Network([nn.Dense(64, 24, activation, init="he_normal"), nn.Dropout(0.3),
                      nn.Dense(24, 10, "softmax")], seed=3)
    net.layers[0].W = net.layers[0].W * 3
    _check(net, digits, tmp_path)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "softmax", "log_softmax", "relu"])
def test_output_activations_under_mse(activation, digits, tmp_path):
    net = nn.Network([nn.Dense(64, 16, "relu"), nn.Dense(16, 10, activation)], loss="mse", seed=0)
    _check(net, digits, tmp_path)


@pytest.mark.parametrize("loss, n_out", [("cross_entropy", 10), ("binary_crossentropy", 1)])
def test_logits_get_the_loss_activation_and_say_so(loss, n_out, digits, tmp_path):
    net = nn.Network([nn.Dense(64, 16, "tanh"), nn.Dense(16, n_out)], loss=loss, seed=0)
    assert net.logits
    model = _check(net, digits, tmp_path)
    assert [o.name for o in model.graph.output] == ["probabilities", "logits"]
    props = {p.key: p.value for p in model.metadata_props}
    assert ("softmax" if n_out > 1 else "sigmoid") in props["neuronet.output"]
    # The probabilities are not the logits: the activation really is in the graph.
    got = ort.InferenceSession(model.SerializeToString()).run(None, {"input": digits})
    assert np.abs(got[0] - got[1]).max() > 0.1


@pytest.mark.parametrize("padding, stride, kernel", [("valid", 1, 3), ("same", 1, 3), ("same", 2, 3),
                                                     ("valid", 2, 2), ("same", 2, 4)])
def test_conv_and_pool_in_channels_last_order(padding, stride, kernel, digits, tmp_path):
    conv = nn.Conv2D((8, 8, 1), filters=4, kernel_size=kernel, stride=stride, padding=padding,
                     activation="relu")
    pool = nn.MaxPool2D(conv.output_shape, pool_size=2, stride=1)
    second = nn.Conv2D(pool.output_shape, filters=3, kernel_size=2, padding="same", activation="elu")
    net = nn.Network([conv, pool, second, nn.Dropout(0.2), nn.Dense(second.n_out, 10)], seed=1)
    _check(net, digits, tmp_path)


def test_dense_into_conv_and_conv_softmax(digits, tmp_path):
    # A Dense feeding an image layer, and a softmax over a whole convolution's output (one flat row).
    conv = nn.Conv2D((3, 3, 4), filters=2, kernel_size=2, activation="softmax", use_bias=False)
    net = nn.Network([nn.Dense(64, 36, "tanh"), conv, nn.Dense(conv.n_out, 10, "softmax")], seed=0)
    _check(net, digits, tmp_path)


def test_the_cnn_builder_on_digits_after_training(digits, tmp_path):
    (x, y), _ = datasets.load("digits")
    net = nn.cnn((8, 8), [4], [16, 10], seed=0)
    net.fit(x[:300], y[:300], epochs=1, batch_size=32, optimizer="adam")
    _check(net, digits, tmp_path)


def test_class_names_and_preprocessing_in_the_metadata(tmp_path):
    net = nn.Network([nn.Dense(4, 3, "softmax")], seed=0, class_names=["a", "b", "c"])
    net.preprocessing = {"dataset": "iris-like", "image_shape": [2, 2]}
    props = {p.key: p.value for p in onnx_export.to_onnx(net).metadata_props}
    assert json.loads(props["class_names"]) == ["a", "b", "c"]
    assert json.loads(props["preprocessing"]) == net.preprocessing
    assert nn.Network.from_config(json.loads(props["neuronet.config"])).get_config() == net.get_config()


def test_float64_networks_export_as_float32(digits, tmp_path):
    net = nn.mlp([64, 16, 10], activation="gelu", dtype="float64", seed=0)
    _check(net, digits, tmp_path)


def test_an_unknown_suffix_is_one_config_error(tmp_path):
    with pytest.raises(nn.ConfigError, match=r"\.onnx or a \.safetensors"):
        nn.export(nn.mlp([2, 2]), tmp_path / "model.pt")


def test_batch_norm_activation_and_average_pools(digits, tmp_path):
    """BatchNorm (dense and per channel, with trained running statistics), the Activation layer and
    both average pools, after real training so that the statistics are not the initial 0 and 1."""
    (x, y), _ = datasets.load("digits")
    net = nn.Network([nn.Conv2D((8, 8, 1), 4, 3, padding="same"), nn.BatchNorm(input_shape=(8, 8, 4)),
                      nn.Activation("relu"), nn.AvgPool2D((8, 8, 4)), nn.GlobalAvgPool2D((4, 4, 4)),
                      nn.Dense(4, 8), nn.BatchNorm(8), nn.Activation("tanh"), nn.Dense(8, 10, "softmax")],
                     seed=0)
    net.fit(x[:300], y[:300], epochs=2, batch_size=32, optimizer="adam")
    assert not np.allclose(net.layers[1].buffers["running_var"], 1)
    _check(net, digits, tmp_path)
    cnn = nn.cnn((8, 8), [4], [10], batch_norm=True, seed=1)
    cnn.fit(x[:300], y[:300], epochs=1, batch_size=32, optimizer="adam")
    _check(cnn, digits, tmp_path)
