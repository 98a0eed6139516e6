"""neuronet: neural networks from one neuron to digit recognition, in readable, fast NumPy.

>>> import neuronet as nn
>>> net = nn.Network([nn.Dense(2, 8, "tanh"), nn.Dense(8, 2, "softmax")], seed=0)
>>> net.predict([[0.0, 1.0]]).shape
(1,)
"""

import sys

from . import activations, augment, callbacks, features, initializers, losses, metrics, optimizers, schedules
from .callbacks import Callback, EarlyStopping
from .conv import AvgPool2D, Conv2D, GlobalAvgPool2D, MaxPool2D
from .errors import (
    ConfigError,
    DataError,
    DatasetNotFoundError,
    DivergenceError,
    DownloadError,
    ModelFileError,
    NeuronetError,
    NotFittedError,
    ShapeError,
)
from .estimators import MLPClassifier, MLPRegressor
from .features import PlaneFeatures
from .gradcheck import gradcheck
from .layers import Activation, Dense, Dropout, Layer
from .network import Network, cnn, mlp
from .neuron import Neuron, Perceptron
from .normalization import BatchNorm
from .optimizers import SGD, Adam, AdamW, RMSprop
from .schedules import CosineDecay, ExponentialDecay, StepDecay
from .threads import get_threads, set_threads
from .training import History, TrainingInterrupted

Sequential = Network  # the name Keras and PyTorch users look for


def sweep(*args, **kwargs):
    """A hyper-parameter sweep on Dask: see :func:`neuronet.sweeps.sweep` (needs neuronet[sweep])."""
    from .sweeps import sweep as _sweep

    return _sweep(*args, **kwargs)


def load(path) -> Network:
    """Load a model saved with :meth:`Network.save` (never unpickles or executes anything)."""
    from .modelfile import load as _load

    return _load(path)


def export(net: Network, path) -> None:
    """Write ``net`` for use outside neuronet, in the format its suffix names (needs neuronet[export]):

    * ``.onnx``: the whole network as an ONNX graph giving ``predict_proba``'s outputs
      (:mod:`neuronet.onnx_export`);
    * ``.safetensors``: the weights as the state dict of the equivalent PyTorch ``nn.Sequential``
      (:mod:`neuronet.torch_weights`; ``torch_weights.torch_source(net)`` is that network's source).
    """
    from pathlib import Path

    suffix = Path(path).suffix.lower()
    if suffix not in (".onnx", ".safetensors"):
        raise ConfigError(f"cannot export to {Path(path).name!r}: name a .onnx or a .safetensors file")
    if not isinstance(net, Network):
        raise ConfigError(f"export needs a Network, got {type(net).__name__}")
    if suffix == ".onnx":
        from .onnx_export import save
    else:
        from .torch_weights import save
    save(net, path)


def import_weights(net: Network, path) -> None:
    """Load a PyTorch state dict saved as ``.safetensors`` (as :func:`export` writes it, or
    ``safetensors.torch.save_file(model.state_dict(), path)`` for the matching ``nn.Sequential``) into
    ``net`` in place; a file that does not fit the architecture is one ModelFileError."""
    from .torch_weights import import_weights as _import

    _import(net, path)


# Subpackages reached as attributes (nn.viz.plot_history) but imported only on first use, so
# `import neuronet` stays NumPy-only; matplotlib itself loads only when a figure is drawn.
_LAZY = ("datasets", "recipe", "report", "sweeps", "viz", "onnx_export", "torch_weights", "notebook")


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'neuronet' has no attribute {name!r}")


def _register_displays() -> None:
    """In Jupyter (a running IPython), show a Network as its table and diagram and a History as its
    curves (:mod:`neuronet.notebook`). The formatters are registered by class name and import the
    drawing code on first use, so the core classes never import it (and plain Python never does)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return
    html = shell.display_formatter.formatters["text/html"]
    for module, cls, draw in (("neuronet.network", "Network", "network_html"),
                              ("neuronet.history", "History", "history_html")):
        html.for_type_by_name(module, cls, _drawn_by(draw))


def _drawn_by(name: str):
    def show(obj):
        from . import notebook

        return getattr(notebook, name)(obj)

    return show


_register_displays()

__version__ = "0.1.0"
__all__ = [
    "Activation", "Adam", "AdamW", "AvgPool2D", "BatchNorm", "Callback", "ConfigError", "Conv2D",
    "CosineDecay", "DataError", "DatasetNotFoundError", "Dense", "DivergenceError", "DownloadError",
    "Dropout", "EarlyStopping", "ExponentialDecay", "GlobalAvgPool2D", "History", "Layer",
    "MLPClassifier", "MLPRegressor", "MaxPool2D", "ModelFileError", "Network", "Neuron", "NeuronetError",
    "NotFittedError", "Perceptron", "PlaneFeatures", "RMSprop", "SGD", "Sequential", "ShapeError",
    "StepDecay", "TrainingInterrupted", "activations", "augment", "callbacks", "cnn", "datasets",
    "export", "features", "get_threads", "gradcheck", "import_weights", "initializers", "load", "losses",
    "metrics", "mlp", "notebook", "onnx_export", "optimizers", "recipe", "report", "schedules",
    "set_threads", "sweep", "sweeps", "torch_weights", "viz",
]
