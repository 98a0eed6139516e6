"""A network as an ONNX graph, for any runtime that reads ONNX (onnxruntime, browsers, phones, C++).

    import neuronet as nn
    nn.export(net, "model.onnx")                   # or onnx_export.to_onnx(net) for the ModelProto
    import onnxruntime as ort
    session = ort.InferenceSession("model.onnx")
    session.run(None, {"input": x_test})[0]         # == net.predict_proba(x_test), to float32 rounding

The graph takes what :meth:`~neuronet.network.Network.predict_proba` takes, float32 rows ``(batch,
n_in)`` (images flattened channels-last, as neuronet keeps them), and gives what it gives: for logits
(an identity output under a cross-entropy) the loss's softmax or sigmoid is part of the graph, and the
raw logits are a second output. One node or two per layer, built with ``onnx.helper``:

    Dense      Gemm(x, W, b)  (MatMul without a bias), then the activation
    Dropout    Identity (dropout is off outside training)
    Conv2D     Conv on NCHW with W transposed (kh, kw, C, F) -> (F, C, kh, kw); 'same' padding as the
               explicit pads neuronet uses (an odd pixel goes at the bottom/right)
    MaxPool2D  MaxPool, no padding (floor: rows left over are dropped, as in neuronet)

ONNX's Conv and MaxPool want NCHW images, neuronet keeps flat channels-last rows, so the graph changes
layout only where it must: flat -> Reshape (N, H, W, C) -> Transpose to NCHW before the first image
layer, and NCHW -> Transpose to NHWC -> Reshape (N, H·W·C) before a Dense (or a softmax), so that the
Dense sees its inputs in the order its weights were trained on.

The class names, the preprocessing, the loss and what the output means are in the model's
``metadata_props`` (strings; lists and dicts as JSON). Needs ``pip install "neuronet[export]"``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .conv import AvgPool2D, Conv2D, GlobalAvgPool2D, MaxPool2D
from .errors import ConfigError
from .layers import Activation, Dense, Dropout
from .normalization import BatchNorm

OPSET = 20          # Gelu with approximate="tanh" (neuronet's GELU) is an ONNX operator from opset 20
INPUT, OUTPUT, LOGITS = "input", "probabilities", "logits"


def _require_onnx():
    try:
        import onnx
    except ImportError:
        raise ConfigError('exporting to ONNX needs onnx: pip install "neuronet[export]"') from None
    return onnx


class _Graph:
    """The nodes and weights of the graph being built, with fresh names for every value."""

    def __init__(self, onnx):
        self.onnx, self.helper = onnx, onnx.helper
        self.nodes: list = []
        self.initializers: list = []
        self._count = 0

    def name(self, stem: str) -> str:
        self._count += 1
        return f"{stem}_{self._count}"

    def const(self, stem: str, array: np.ndarray) -> str:
        name = self.name(stem)
        self.initializers.append(self.onnx.numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(self, op: str, inputs: list[str], stem: str | None = None, **attributes) -> str:
        out = self.name(stem or op.lower())
        self.nodes.append(self.helper.make_node(op, inputs, [out], name=out, **attributes))
        return out


# The activations that ONNX has as one operator, with their attributes from neuronet's settings.
_ONE_OP = {"sigmoid": ("Sigmoid", {}), "tanh": ("Tanh", {}), "relu": ("Relu", {}),
           "softplus": ("Softplus", {}), "softmax": ("Softmax", {"axis": -1}),
           "log_softmax": ("LogSoftmax", {"axis": -1})}


def _activation(g: _Graph, activation, x: str) -> str:
    """The nodes of one activation applied to ``x`` (elementwise ones in any layout)."""
    name = activation.name
    if name == "identity":
        return x
    if name in _ONE_OP:
        op, attributes = _ONE_OP[name]
        return g.node(op, [x], name, **attributes)
    if name == "leaky_relu":
        return g.node("LeakyRelu", [x], name, alpha=activation.slope)
    if name == "elu":
        return g.node("Elu", [x], name, alpha=activation.alpha)
    if name == "gelu":
        return g.node("Gelu", [x], name, approximate="tanh")
    if name == "silu":               # z·σ(z): ONNX has no SiLU operator before opset 22's Swish
        return g.node("Mul", [x, g.node("Sigmoid", [x], "silu_sigmoid")], name)
    if name == "step":               # 1 where z > 0, else 0
        above = g.node("Greater", [x, g.const("zero", np.zeros((), np.float32))], "step_above")
        return g.node("Cast", [above], name, to=g.onnx.TensorProto.FLOAT)
    raise ConfigError(f"no ONNX form for the activation {name!r}")


class _Layout:
    """Where the value flowing through the graph stands: flat channels-last rows (batch, H·W·C), or
    NCHW images of (H, W, C) = ``image``; the graph converts between them only where a layer needs it."""

    def __init__(self, g: _Graph, x: str):
        self.g, self.x, self.image = g, x, None     # image: (H, W, C) when the value is NCHW

    def flat(self) -> str:
        if self.image is not None:
            nhwc = self.g.node("Transpose", [self.x], "to_nhwc", perm=[0, 2, 3, 1])
            width = np.array([-1, int(np.prod(self.image))], np.int64)
            self.x = self.g.node("Reshape", [nhwc, self.g.const("flat_shape", width)], "flatten")
            self.image = None
        return self.x

    def nchw(self, shape: tuple[int, int, int]) -> str:
        if self.image is None:
            dims = self.g.const("image_shape", np.array([-1, *shape], np.int64))
            nhwc = self.g.node("Reshape", [self.x, dims], "to_image")
            self.x = self.g.node("Transpose", [nhwc], "to_nchw", perm=[0, 3, 1, 2])
            self.image = tuple(shape)
        return self.x


def _layer(g: _Graph, layout: _Layout, layer, i: int) -> None:
    """Add the nodes of layer ``i`` to the graph, moving ``layout`` on to its output."""
    if isinstance(layer, Dense):
        x = layout.flat()
        W = g.const(f"dense{i}_W", layer.W.astype(np.float32))                  # (n_in, n_out)
        if layer.use_bias:
            z = g.node("Gemm", [x, W, g.const(f"dense{i}_b", layer.b.astype(np.float32))], f"dense{i}")
        else:
            z = g.node("MatMul", [x, W], f"dense{i}")
        layout.x = _activation(g, layer.activation, z)
    elif isinstance(layer, Conv2D):
        x = layout.nchw(layer.input_shape)
        W = g.const(f"conv{i}_W", layer.W.transpose(3, 2, 0, 1).astype(np.float32))   # (F, C, kh, kw)
        inputs = [x, W] + ([g.const(f"conv{i}_b", layer.b.astype(np.float32))] if layer.use_bias else [])
        (top, bottom), (left, right) = layer._pad
        z = g.node("Conv", inputs, f"conv{i}", kernel_shape=list(layer.kernel_size),
                   strides=[layer.stride] * 2, pads=[top, left, bottom, right])
        layout.image = layer.output_shape
        if layer.activation.name in ("softmax", "log_softmax"):   # over the whole flat row, as neuronet
            layout.x = z
            z = layout.flat()
        layout.x = _activation(g, layer.activation, z)
    elif isinstance(layer, AvgPool2D):          # before MaxPool2D, whose subclass it is
        x = layout.nchw(layer.input_shape)
        layout.x = g.node("AveragePool", [x], f"avgpool{i}", kernel_shape=[layer.pool_size] * 2,
                          strides=[layer.stride] * 2)
        layout.image = layer.output_shape
    elif isinstance(layer, GlobalAvgPool2D):
        x = layout.nchw(layer.input_shape)
        layout.x = g.node("GlobalAveragePool", [x], f"globalavgpool{i}")     # (batch, C, 1, 1)
        layout.image = layer.output_shape
    elif isinstance(layer, BatchNorm):
        # Inference form: the running statistics, as predict_proba uses them. A Dense layer's
        # (batch, F) rows and NCHW images are both what BatchNormalization takes (features on axis 1).
        x = layout.flat() if layer.input_shape is None else layout.nchw(layer.input_shape)
        stats = [g.const(f"bn{i}_{k}", a.astype(np.float32)) for k, a in
                 (("gamma", layer.params["gamma"]), ("beta", layer.params["beta"]),
                  ("mean", layer.buffers["running_mean"]), ("var", layer.buffers["running_var"]))]
        layout.x = g.node("BatchNormalization", [x, *stats], f"batchnorm{i}", epsilon=layer.eps)
    elif isinstance(layer, Activation):
        if layer.activation.name in ("softmax", "log_softmax"):   # over the whole flat row, as neuronet
            layout.flat()
        layout.x = _activation(g, layer.activation, layout.x)
    elif isinstance(layer, MaxPool2D):
        x = layout.nchw(layer.input_shape)
        layout.x = g.node("MaxPool", [x], f"maxpool{i}", kernel_shape=[layer.pool_size] * 2,
                          strides=[layer.stride] * 2)
        layout.image = layer.output_shape
    elif isinstance(layer, Dropout):
        layout.x = g.node("Identity", [layout.x], f"dropout{i}")
    else:
        raise ConfigError(f"no ONNX form for layer {i} ({type(layer).__name__})")


def _output_meaning(net) -> str:
    if net.logits:
        how = "softmax" if net.loss.fuses_with == "softmax" else "sigmoid"
        return (f"'{OUTPUT}': predict_proba, the {how} of the network's logits (its last layer has no "
                f"activation under {net.loss.name}); '{LOGITS}': the logits themselves")
    return f"'{OUTPUT}': predict_proba, the last layer's outputs as they are"


def to_onnx(net):
    """``net`` as an ``onnx.ModelProto`` (opset :data:`OPSET`), checked by ``onnx.checker``.

    Input ``"input"``: float32 (batch, n_in); output ``"probabilities"``: what ``predict_proba`` gives,
    (batch, n_out), and for logits networks a second output ``"logits"``.
    """
    onnx = _require_onnx()
    helper = onnx.helper
    g = _Graph(onnx)
    layout = _Layout(g, INPUT)
    for i, layer in enumerate(net.layers):
        _layer(g, layout, layer, i)
    last = layout.flat()
    outputs = []
    if net.logits:
        g.nodes.append(helper.make_node("Identity", [last], [LOGITS], name=LOGITS))
        probabilities = _activation(g, net._probabilities, LOGITS)
        outputs.append(helper.make_tensor_value_info(LOGITS, onnx.TensorProto.FLOAT, ["batch", net.n_out]))
    else:
        probabilities = last
    g.nodes.append(helper.make_node("Identity", [probabilities], [OUTPUT], name=OUTPUT))
    outputs.insert(0, helper.make_tensor_value_info(OUTPUT, onnx.TensorProto.FLOAT, ["batch", net.n_out]))
    inputs = [helper.make_tensor_value_info(INPUT, onnx.TensorProto.FLOAT, ["batch", net.n_in])]
    graph = helper.make_graph(
        g.nodes, "neuronet", inputs, outputs, initializer=g.initializers,
        doc_string=f"{net!r}; input: float32 rows (batch, {net.n_in}), images flattened channels-last")
    from . import __version__

    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="neuronet", producer_version=__version__,
                              doc_string=_output_meaning(net))
    # Runtimes read the IR version too: keep it to what the opset needs, not the newest onnx knows.
    model.ir_version = 9
    helper.set_model_props(model, metadata(net))
    onnx.checker.check_model(model, full_check=True)
    return model


def metadata(net) -> dict[str, str]:
    """What the ONNX file says about the network besides its graph (``metadata_props``)."""
    props = {"neuronet.output": _output_meaning(net), "neuronet.loss": net.loss.name,
             "neuronet.input": f"float32 (batch, {net.n_in}), images flattened channels-last (H, W, C)",
             "neuronet.config": json.dumps(net.get_config())}
    if net.class_names is not None:
        props["class_names"] = json.dumps(net.class_names)
    if net.preprocessing:
        props["preprocessing"] = json.dumps(net.preprocessing)
    return props


def save(net, path) -> Path:
    """Write ``net`` as an ONNX file at ``path``; returns the path."""
    onnx = _require_onnx()
    model = to_onnx(net)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save_model(model, str(path))
    return path
