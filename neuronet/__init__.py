"""neuronet: neural networks from one neuron to digit recognition, in readable, fast NumPy.

>>> import neuronet as nn
>>> net = nn.Network([nn.Dense(2, 8, "tanh"), nn.Dense(8, 2, "softmax")], seed=0)
>>> net.predict([[0.0, 1.0]]).shape
(1,)
"""

from . import activations, callbacks, initializers, losses, metrics, optimizers, schedules
from .callbacks import Callback, EarlyStopping
from .conv import Conv2D, MaxPool2D
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
from .gradcheck import gradcheck
from .layers import Dense, Dropout, Layer
from .network import Network, cnn, mlp
from .neuron import Neuron, Perceptron
from .optimizers import SGD, Adam, AdamW, RMSprop
from .schedules import CosineDecay, ExponentialDecay, StepDecay
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


# Subpackages reached as attributes (nn.viz.plot_history) but imported only on first use, so
# `import neuronet` stays NumPy-only; matplotlib itself loads only when a figure is drawn.
_LAZY = ("datasets", "report", "sweeps", "viz")


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'neuronet' has no attribute {name!r}")


__version__ = "0.1.0"
__all__ = [
    "SGD", "Adam", "AdamW", "Callback", "ConfigError", "Conv2D", "CosineDecay", "DataError",
    "DatasetNotFoundError", "Dense", "DivergenceError", "DownloadError", "Dropout", "EarlyStopping",
    "ExponentialDecay", "History", "Layer", "MLPClassifier", "MLPRegressor", "MaxPool2D",
    "ModelFileError", "Network", "Neuron", "NeuronetError", "NotFittedError", "Perceptron", "RMSprop",
    "Sequential", "ShapeError", "StepDecay", "TrainingInterrupted",
    "activations", "callbacks", "cnn", "datasets", "gradcheck", "initializers", "load", "losses", "metrics",
    "mlp", "optimizers", "report", "schedules", "sweep", "sweeps", "viz",
]
