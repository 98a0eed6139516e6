"""neuronet's activations and losses written in PyTorch, for the oracle tests.

Imported by ``@pytest.mark.torch`` tests only; every function takes ``torch`` tensors. Where neuronet
and PyTorch name or scale a thing differently, the difference is written out here, once:

* ``gelu`` is the tanh approximation (``approximate="tanh"``), as in neuronet;
* ``mse`` is the quadratic cost ½‖a − y‖² summed over the outputs and averaged over the batch, where
  ``torch.nn.functional.mse_loss`` averages over every entry and has no ½;
* ``binary_crossentropy`` sums over the outputs and averages over the batch (``reduction="sum"`` / n).
"""

from __future__ import annotations

import torch

F = torch.nn.functional

ACTIVATIONS = {
    "identity": lambda z: z,
    "step": lambda z: torch.heaviside(z, torch.zeros_like(z)),    # no gradient anywhere: value only
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": F.relu,
    "leaky_relu": lambda z: F.leaky_relu(z, 0.01),
    "elu": lambda z: F.elu(z, 1.0),
    "softplus": F.softplus,
    "gelu": lambda z: F.gelu(z, approximate="tanh"),
    "silu": F.silu,
    "softmax": lambda z: torch.softmax(z, dim=-1),
    "log_softmax": lambda z: torch.log_softmax(z, dim=-1),
}

LOSSES = {
    "mse": lambda a, y: 0.5 * ((a - y) ** 2).sum() / len(a),
    "binary_crossentropy": lambda a, y: F.binary_cross_entropy(a, y, reduction="sum") / len(a),
    "categorical_crossentropy": lambda a, y: -(y * torch.log(a)).sum() / len(a),
}

# A loss fused with its output activation, from the logits z.
FUSED = {
    "binary_crossentropy": lambda z, y: F.binary_cross_entropy_with_logits(z, y, reduction="sum") / len(z),
    "categorical_crossentropy": lambda z, y: F.cross_entropy(z, y),      # y: rows of probabilities
}


def tensor(a, grad: bool = False) -> torch.Tensor:
    """A float64 tensor holding a copy of ``a``."""
    return torch.tensor(a, dtype=torch.float64, requires_grad=grad)
