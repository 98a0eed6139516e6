"""Figures for every idea in neuronet, drawn from the real objects (needs matplotlib).

Every function returns a :class:`matplotlib.figure.Figure` and, given ``path=``, also saves it; the
file's suffix picks the format (.png, .svg or .pdf). Figures are made without ``pyplot``, so nothing
global changes and no display is needed.

>>> from neuronet import viz
>>> viz.plot_activations(path="activations.png")            # doctest: +SKIP
>>> viz.plot_decision_regions(net, X, y, path="regions.svg")  # doctest: +SKIP
"""

from ..surfaces import optimizer_path
from ._base import CLASS_COLOURS, check_path, pixels
from .activations import plot_activation, plot_activations
from .classification import plot_confusion, plot_mistakes
from .conv import plot_filters
from .losses import loss_curves, plot_losses
from .network import plot_network
from .neuron import plot_neuron
from .optimizers import optimizer_label, plot_optimizer_paths
from .perceptron import animate_perceptron, plot_perceptron_steps
from .regions import plot_decision_regions, plot_hidden_units
from .training import GradientNormRecorder, plot_gradient_norms, plot_history
from .weights import dead_fraction, plot_activation_histograms, plot_weights

__all__ = [
    "CLASS_COLOURS", "GradientNormRecorder", "animate_perceptron", "check_path", "dead_fraction",
    "loss_curves", "optimizer_label", "optimizer_path", "pixels", "plot_activation",
    "plot_activation_histograms", "plot_activations", "plot_confusion", "plot_decision_regions",
    "plot_filters", "plot_gradient_norms", "plot_hidden_units", "plot_history", "plot_losses",
    "plot_mistakes", "plot_network", "plot_neuron", "plot_optimizer_paths", "plot_perceptron_steps",
    "plot_weights",
]
