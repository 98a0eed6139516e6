"""Check backpropagation against the definition of a derivative.

For every parameter θ the central difference

    ∂L/∂θ ≈ (L(θ + h) − L(θ − h)) / 2h

has an error of order h², so in float64 it agrees with a correct backprop gradient to about 1e-8 or
better. :func:`gradcheck` computes both for a copy of the network in float64 and reports, for each
parameter, the largest relative error

    |analytic − numeric| / max(|analytic|, |numeric|, floor)

where ``floor`` (1e-4 by default) keeps gradients that are almost exactly zero from turning rounding
noise into a large ratio: such entries are compared in absolute terms instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import checks
from .errors import ConfigError
from .layers import Dropout
from .network import Network


@dataclass
class GradcheckReport:
    """Largest relative error per parameter (``"0.W"`` is layer 0's weights) and the verdict."""

    errors: dict[str, float]
    checked: dict[str, int]
    tolerance: float

    @property
    def max_error(self) -> float:
        return max(self.errors.values(), default=0.0)

    @property
    def ok(self) -> bool:
        return self.max_error < self.tolerance

    def __str__(self) -> str:
        lines = [f"{'parameter':<10} {'entries':>8} {'max rel. error':>15}"]
        for name, err in self.errors.items():
            flag = "" if err < self.tolerance else "   <-- too large"
            lines.append(f"{name:<10} {self.checked[name]:>8} {err:>15.3e}{flag}")
        verdict = "OK" if self.ok else "FAILED"
        lines.append(f"{verdict}: largest relative error {self.max_error:.3e} "
                     f"(tolerance {self.tolerance:g})")
        return "\n".join(lines)


def gradcheck(network: Network, X, y, h: float = 1e-5, max_entries: int = 200,
              tolerance: float = 1e-6, floor: float = 1e-4, seed: int = 0) -> GradcheckReport:
    """Compare backprop gradients with central finite differences, in float64.

    Works on a float64 copy, so ``network`` itself is not changed. Up to ``max_entries`` entries of
    each parameter are checked (a seeded random subset of larger ones). Dropout layers keep one fixed
    mask for the whole check, so their backward pass is checked too.
    """
    if not isinstance(network, Network):
        raise ConfigError(f"gradcheck checks a Network, got {checks.shown(network)}")
    h = checks.positive(h, "gradcheck: h")
    max_entries = checks.positive_int(max_entries, "gradcheck: max_entries")
    tolerance = checks.positive(tolerance, "gradcheck: tolerance")
    floor = checks.positive(floor, "gradcheck: floor")
    seed = checks.non_negative_int(seed, "gradcheck: seed")
    net = Network.from_config({**network.get_config(), "dtype": "float64"})
    net.set_weights(network.get_weights())
    X = net.check_inputs(X)
    targets, _ = net.check_targets(y, len(X))
    dropouts = [layer for layer in net.layers if isinstance(layer, Dropout)]

    def loss_at() -> tuple[float, np.ndarray]:
        for i, layer in enumerate(dropouts):           # same mask every time
            layer.rng = np.random.default_rng([seed, i])
        out = net.forward(X, training=True)
        return net.loss_and_gradient(out, targets)

    _, grad = loss_at()
    net.backward(grad)
    rng = np.random.default_rng(seed)
    errors, checked = {}, {}
    for name, p, g in net.parameters():
        analytic = g.copy()
        flat = p.reshape(-1)
        idx = (np.arange(flat.size) if flat.size <= max_entries
               else rng.choice(flat.size, max_entries, replace=False))
        worst = 0.0
        for i in idx:
            original = flat[i]
            flat[i] = original + h
            up, _ = loss_at()
            flat[i] = original - h
            down, _ = loss_at()
            flat[i] = original
            numeric = (up - down) / (2 * h)
            a = analytic.reshape(-1)[i]
            worst = max(worst, abs(a - numeric) / max(abs(a), abs(numeric), floor))
        errors[name], checked[name] = float(worst), len(idx)
    return GradcheckReport(errors, checked, tolerance)
