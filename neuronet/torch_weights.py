"""A network's weights as a PyTorch ``nn.Sequential`` state dict, in a ``.safetensors`` file, and back.

    nn.export(net, "model.safetensors")            # the weights, named and laid out as PyTorch's
    print(torch_weights.torch_source(net))          # the nn.Sequential they fit (``neuronet export
                                                    # MODEL --print-torch`` prints the same)
    model.load_state_dict(safetensors.torch.load_file("model.safetensors"))    # in PyTorch
    nn.import_weights(net, "model.safetensors")    # and back into a neuronet network of that shape

Each neuronet layer becomes one or two PyTorch modules, numbered as ``nn.Sequential`` numbers them,
and the parameters are stored under those numbers (``"0.weight"``, ``"0.bias"``):

    Dense(n_in, n_out, f)   nn.Linear(n_in, n_out) [+ f's module]   weight (n_out, n_in) = Wᵀ
    Conv2D(..., F, k, f)    nn.Conv2d(C, F, k) [+ f's module]       weight (F, C, kh, kw), W transposed
    MaxPool2D(p, s)         nn.MaxPool2d(p, s)
    Dropout(rate)           nn.Dropout(rate)

**Two orders of the same pixels.** neuronet keeps an image as one flat row in channels-last order,
index (h·W + w)·C + c; PyTorch's images are (C, H, W) and ``nn.Flatten`` reads them in that order,
index (c·H + h)·W + w. So where a Dense reads the output of an image layer, the PyTorch network has an
``nn.Flatten()`` and the rows of that Dense's W (its inputs) are permuted from the one order to the
other; where a Dense feeds an image layer, its columns (and bias) are permuted so that
``nn.Unflatten(1, (C, H, W))`` finds them where PyTorch looks. A network that starts with an image
layer takes PyTorch's (batch, C, H, W) images: ``x.reshape(-1, H, W, C).transpose(0, 3, 1, 2)``.

PyTorch's output is the last layer's output: for logits (an identity output under a cross-entropy),
``predict_proba`` is its softmax (or sigmoid). Loading reads tensors only (safetensors has no code in
it); a file that does not fit the network is one :class:`~neuronet.errors.ModelFileError`.
Needs ``pip install "neuronet[export]"`` (safetensors); PyTorch itself only to use the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .conv import AvgPool2D, Conv2D, GlobalAvgPool2D, MaxPool2D
from .errors import ConfigError, ModelFileError
from .layers import Activation, Dense, Dropout
from .normalization import BatchNorm

# neuronet activation -> the PyTorch module that computes it (settings filled in by _activation_module).
_MODULES = {"sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()", "relu": "nn.ReLU()", "softplus": "nn.Softplus()",
            "gelu": 'nn.GELU(approximate="tanh")', "silu": "nn.SiLU()", "softmax": "nn.Softmax(dim=1)",
            "log_softmax": "nn.LogSoftmax(dim=1)", "step": "Step()"}

_STEP_SOURCE = '''

class Step(nn.Module):
    """neuronet's "step" activation: 1 where x > 0, else 0 (PyTorch has no module for it)."""

    def forward(self, x):
        return (x > 0).to(x.dtype)
'''


@dataclass
class _Entry:
    """One neuronet parameter in the PyTorch state dict: its key, and how its array is laid out."""

    name: str                      # neuronet's, "0.W"
    key: str                       # PyTorch's, "0.weight"
    to_torch: object               # neuronet array -> PyTorch array
    from_torch: object             # and back
    torch_shape: tuple[int, ...]


@dataclass
class _Plan:
    modules: list[tuple[str, str]] = field(default_factory=list)   # (source text, comment)
    entries: list[_Entry] = field(default_factory=list)
    image_input: tuple[int, int, int] | None = None                # (H, W, C) when it takes images
    # PyTorch's BatchNorm also keeps a count of batches seen (num_batches_tracked, an int64 scalar)
    # that its momentum form never reads: written as 0, accepted and ignored on the way back.
    counters: list[str] = field(default_factory=list)


def _activation_module(activation, where: str) -> str | None:
    name = activation.name
    if name == "identity":
        return None
    if name == "leaky_relu":
        return f"nn.LeakyReLU({activation.slope!r})"
    if name == "elu":
        return f"nn.ELU({activation.alpha!r})"
    if name in _MODULES:
        return _MODULES[name]
    raise ConfigError(f"{where}: no PyTorch module for the activation {name!r}")


def _hwc_to_chw(shape) -> np.ndarray:
    """The permutation p with chw_row = hwc_row[p]: position (c, h, w) of PyTorch's flat order holds
    neuronet's channels-last index (h·W + w)·C + c."""
    H, W, C = shape
    return np.arange(H * W * C).reshape(H, W, C).transpose(2, 0, 1).ravel()


def _plan(net) -> _Plan:
    """The PyTorch modules of ``net`` and where each parameter goes (see the module docstring)."""
    plan = _Plan()
    layers = list(net.layers)
    # Where the value stands in PyTorch: None for flat rows, else (H, W, C) of its (C, H, W) images.
    image = None
    first = next((la for la in layers if not isinstance(la, Dropout)), None)
    if _takes_images(first):
        image = plan.image_input = first.input_shape

    def add(source: str, comment: str = "") -> int:
        plan.modules.append((source, comment))
        return len(plan.modules) - 1

    for i, layer in enumerate(layers):
        where = f"layer {i} ({type(layer).__name__})"
        if isinstance(layer, Dropout):
            add(f"nn.Dropout({layer.rate!r})", f"{i}: {layer!r}")
            continue
        if _takes_images(layer) and image is None:
            H, W, C = layer.input_shape
            add(f"nn.Unflatten(1, {(C, H, W)})",
                "the previous Dense's outputs, permuted to (C, H, W) order")
            image = layer.input_shape
        if isinstance(layer, Dense):
            rows = None
            if image is not None:
                add("nn.Flatten()", "(C, H, W) order: the next Linear's inputs are permuted to match")
                rows, image = _hwc_to_chw(image), None
            nxt = next((la for la in layers[i + 1:] if not isinstance(la, Dropout)), None)
            cols = _hwc_to_chw(nxt.input_shape) if _takes_images(nxt) else None
            k = add(f"nn.Linear({layer.n_in}, {layer.n_out}{'' if layer.use_bias else ', bias=False'})",
                    f"{i}: {layer!r}")
            plan.entries.append(_dense_weight(i, k, layer, rows, cols))
            if layer.use_bias:
                plan.entries.append(_bias(i, k, layer.n_out, cols))
        elif isinstance(layer, Conv2D):
            (top, bottom), (left, right) = layer._pad
            padding = ""
            if (top, left) == (bottom, right) and top + left > 0:
                padding = f", padding={(top, left)}"
            elif top + bottom + left + right > 0:      # uneven: PyTorch's Conv2d pads both sides alike
                add(f"nn.ZeroPad2d({(left, right, top, bottom)})", "the uneven 'same' padding")
            kh, kw = layer.kernel_size
            C, F = layer.input_shape[2], layer.filters
            k = add(f"nn.Conv2d({C}, {F}, {(kh, kw)}, stride={layer.stride}{padding}"
                    f"{'' if layer.use_bias else ', bias=False'})", f"{i}: {layer!r}")
            plan.entries.append(_Entry(f"{i}.W", f"{k}.weight", lambda w: w.transpose(3, 2, 0, 1),
                                       lambda w: w.transpose(2, 3, 1, 0), (F, C, kh, kw)))
            if layer.use_bias:
                plan.entries.append(_bias(i, k, F, None))
            image = layer.output_shape
            if layer.activation.name in ("softmax", "log_softmax"):
                raise ConfigError(f"{where}: a {layer.activation.name} over a Conv2D's whole output has "
                                  f"no PyTorch module (nn.Softmax works along one axis)")
        elif isinstance(layer, (MaxPool2D, GlobalAvgPool2D)):   # AvgPool2D is a MaxPool2D subclass
            source = ("nn.AdaptiveAvgPool2d(1)" if isinstance(layer, GlobalAvgPool2D) else
                      f"nn.{'AvgPool2d' if isinstance(layer, AvgPool2D) else 'MaxPool2d'}"
                      f"({layer.pool_size}, stride={layer.stride})")
            add(source, f"{i}: {layer!r}")
            image = layer.output_shape
            continue
        elif isinstance(layer, BatchNorm):
            image = _batch_norm(plan, add, layer, i, image)
            continue
        elif isinstance(layer, Activation):
            if image is not None and layer.activation.name in ("softmax", "log_softmax"):
                raise ConfigError(f"{where}: a {layer.activation.name} over an image's whole output has "
                                  f"no PyTorch module (nn.Softmax works along one axis)")
        else:
            raise ConfigError(f"{where}: no PyTorch equivalent")
        module = _activation_module(layer.activation, where)
        if module is not None:
            add(module)
    if image is not None:
        add("nn.Flatten()", "back to flat rows, in (C, H, W) order")
    return plan


def _dense_weight(i: int, k: int, layer, rows, cols) -> _Entry:
    n_in, n_out = layer.n_in, layer.n_out

    def to_torch(w):
        w = w if rows is None else w[rows]          # inputs in PyTorch's flat order
        w = w if cols is None else w[:, cols]       # outputs in the order the next image layer reads
        return w.T                                  # (n_out, n_in)

    def from_torch(w):
        w = w.T
        w = w if rows is None else w[np.argsort(rows)]
        return w if cols is None else w[:, np.argsort(cols)]

    return _Entry(f"{i}.W", f"{k}.weight", to_torch, from_torch, (n_out, n_in))


def _batch_norm(plan: _Plan, add, layer, i: int, image):
    """BatchNorm1d (per feature) or BatchNorm2d (per channel) and its four arrays; the image shape
    the value has after it (None once a per-feature norm flattened it)."""
    order = None
    if layer.input_shape is None and image is not None:   # per feature of a flattened image
        add("nn.Flatten()", "(C, H, W) order: the BatchNorm's features are permuted to match")
        order, image = _hwc_to_chw(image), None
    kind = "BatchNorm1d" if layer.input_shape is None else "BatchNorm2d"
    k = add(f"nn.{kind}({layer.channels}, eps={layer.eps!r}, momentum={layer.momentum!r})",
            f"{i}: {layer!r}")
    for ours, theirs in (("gamma", "weight"), ("beta", "bias"), ("running_mean", "running_mean"),
                         ("running_var", "running_var")):
        plan.entries.append(_permuted(f"{i}.{ours}", f"{k}.{theirs}", layer.channels, order))
    plan.counters.append(f"{k}.num_batches_tracked")
    return image


def _takes_images(layer) -> bool:
    """Does ``layer`` work on (C, H, W) images in PyTorch (a convolution, a pool, a per-channel norm)?"""
    return isinstance(layer, (Conv2D, MaxPool2D, GlobalAvgPool2D)) or (
        isinstance(layer, BatchNorm) and layer.input_shape is not None)


def _permuted(name: str, key: str, n: int, order) -> _Entry:
    """A vector moved as it is, or into PyTorch's (C, H, W) order by the permutation ``order``."""
    if order is None:
        return _Entry(name, key, lambda a: a, lambda a: a, (n,))
    return _Entry(name, key, lambda a: a[order], lambda a: a[np.argsort(order)], (n,))


def _bias(i: int, k: int, n: int, cols) -> _Entry:
    if cols is None:
        return _Entry(f"{i}.b", f"{k}.bias", lambda b: b, lambda b: b, (n,))
    return _Entry(f"{i}.b", f"{k}.bias", lambda b: b[cols], lambda b: b[np.argsort(cols)], (n,))


def state_dict(net) -> dict[str, np.ndarray]:
    """The weights of ``net`` as the PyTorch network of :func:`torch_source` names and shapes them
    (NumPy arrays, contiguous, in the network's dtype)."""
    weights, plan = net.get_weights(), _plan(net)
    tensors = {e.key: np.ascontiguousarray(e.to_torch(weights[e.name])) for e in plan.entries}
    return {**tensors, **{key: np.zeros((), dtype=np.int64) for key in plan.counters}}


def torch_source(net) -> str:
    """Python source text of the PyTorch ``nn.Sequential`` that :func:`state_dict` fits."""
    plan = _plan(net)
    needs_step = any(source == "Step()" for source, _ in plan.modules)
    if plan.image_input is not None:
        H, W, C = plan.image_input
        takes = (f"images (batch, {C}, {H}, {W}); from neuronet's flat rows: "
                 f"torch.from_numpy(x.reshape(-1, {H}, {W}, {C}).transpose(0, 3, 1, 2).copy())")
    else:
        takes = f"rows (batch, {net.n_in})"
    gives = (f"logits; predict_proba is their {net.loss.fuses_with}" if net.logits
             else "what predict_proba gives")
    lines = ['"""The PyTorch twin of a neuronet network (written by neuronet export --print-torch).',
             "",
             f"Input: {takes}.",
             f"Output: (batch, {net.n_out}), {gives}.",
             'Weights: model.load_state_dict(safetensors.torch.load_file("model.safetensors"))',
             '"""', "", "from torch import nn"]
    if needs_step:
        lines.insert(lines.index("from torch import nn"), "import torch  # noqa: F401")
        lines.append(_STEP_SOURCE.rstrip("\n") + "\n")
    lines += ["", "model = nn.Sequential("]
    width = max(len(source) for source, _ in plan.modules) + 3     # the source, its comma, two spaces
    for k, (source, comment) in enumerate(plan.modules):
        note = f"# {k}" + (f": {comment.split(': ', 1)[-1]}" if comment else "")
        lines.append(f"    {(source + ','):<{width}}{note}")
    lines.append(")")
    return "\n".join(lines) + "\n"


def _require_safetensors():
    try:
        import safetensors.numpy as st
    except ImportError:
        raise ConfigError('safetensors files need safetensors: pip install "neuronet[export]"') from None
    return st


def save(net, path) -> Path:
    """Write :func:`state_dict` of ``net`` to the ``.safetensors`` file ``path``; returns the path."""
    st = _require_safetensors()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # "format": "pt" is what safetensors.torch writes, and what tools that read the file look for.
    st.save_file(state_dict(net), str(path), metadata={"format": "pt", "producer": "neuronet"})
    return path


def import_weights(net, path) -> None:
    """Load the PyTorch state dict in the ``.safetensors`` file ``path`` into ``net`` in place.

    The file must hold exactly the keys :func:`state_dict` gives for this architecture, each of the
    shape PyTorch's module has and a floating-point dtype; anything else is one ModelFileError that
    says what differs, and no weight is changed.
    """
    st = _require_safetensors()
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"{path}: no such file")
    try:
        tensors = st.load_file(str(path))
    except Exception as exc:   # safetensors raises its own error types for a damaged file
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelFileError(f"{path}: not a readable safetensors file ({reason})") from None
    plan = _plan(net)
    expected = {e.key: e for e in plan.entries}
    missing = sorted(expected.keys() - tensors.keys())
    extra = sorted(tensors.keys() - expected.keys() - set(plan.counters))
    if missing or extra:
        raise ModelFileError(f"{path}: the weights do not fit this network (missing: {missing or 'none'}; "
                             f"unexpected: {extra or 'none'}); see `neuronet export MODEL --print-torch`")
    weights = {}
    for key, e in expected.items():
        t = tensors[key]
        if t.shape != e.torch_shape:
            raise ModelFileError(f"{path}: {key} has shape {t.shape}, this network needs {e.torch_shape}")
        if t.dtype.kind != "f":
            raise ModelFileError(f"{path}: {key} has dtype {t.dtype}, expected floating point")
        if not np.isfinite(t).all():
            raise ModelFileError(f"{path}: {key} holds values that are not finite")
        weights[e.name] = e.from_torch(t)
    net.set_weights(weights)
