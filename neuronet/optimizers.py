"""Optimisers: how parameters move, given their gradients.

Every optimiser owns its state (momentum buffers, moment estimates), keyed by the parameter's name
in the network (``"0.W"`` is layer 0's weights), and updates the parameters *in place*:

    opt = Adam(lr=1e-3)
    opt.step(network.parameters())   # [(name, param, grad), ...]

Shared options:

* ``lr``: a number or a :mod:`~neuronet.schedules` schedule;
* ``weight_decay``: L2 regularisation, adding ``weight_decay · w`` to each weight's gradient
  (AdamW instead shrinks the weights directly; see there). Biases are not decayed. Nielsen's
  λ/n in "w → (1 − ηλ/n) w − η∇C" is ``weight_decay = λ/n``;
* ``clipnorm``: rescale all gradients together when their global L2 norm exceeds this;
* ``clipvalue``: clip each gradient element to ``[−clipvalue, clipvalue]``.

The update rules follow PyTorch's formulation, so trajectories can be compared step for step.
"""

from __future__ import annotations

import math

import numpy as np

from . import schedules
from .errors import ConfigError
from .registry import Registry

Param = tuple[str, np.ndarray, np.ndarray]  # (name, parameter, gradient)


class Optimizer:
    name = "optimizer"
    slot_names: tuple[str, ...] = ()   # the state it keeps per parameter (saved in checkpoints)

    def __init__(self, lr=0.01, weight_decay: float = 0.0, clipnorm: float | None = None,
                 clipvalue: float | None = None):
        if isinstance(lr, dict):   # a schedule's get_config(), as checkpoints store it
            lr = schedules.get(lr)
        if not isinstance(lr, schedules.Schedule):
            lr = float(lr)
            if not (lr > 0 and math.isfinite(lr)):
                raise ConfigError(f"{self.name}: learning rate must be a positive number, got {lr}")
        for label, v in (("weight_decay", weight_decay), ("clipnorm", clipnorm),
                         ("clipvalue", clipvalue)):
            if v is not None and not (v >= 0 and math.isfinite(v)):
                raise ConfigError(f"{self.name}: {label} must be a non-negative number, got {v}")
        self.schedule = lr if isinstance(lr, schedules.Schedule) else None
        self.lr = self.schedule(0) if self.schedule else lr
        self.weight_decay = float(weight_decay)
        self.clipnorm, self.clipvalue = clipnorm, clipvalue
        self.iterations = 0
        self.slots: dict[str, dict[str, np.ndarray]] = {}   # {param name: {slot name: array}}
        self._buffers: dict[str, np.ndarray] = {}

    def set_epoch(self, epoch: int) -> None:
        """Move the learning rate along its schedule (a fixed rate stays as it is)."""
        if self.schedule is not None:
            self.lr = self.schedule(epoch)

    def step(self, params: list[Param]) -> None:
        """Update every parameter in place from its gradient."""
        if self.clipvalue is not None:
            for _, _, g in params:
                np.clip(g, -self.clipvalue, self.clipvalue, out=g)
        if self.clipnorm is not None:
            norm = math.sqrt(sum(float(np.vdot(g, g)) for _, _, g in params))
            if norm > self.clipnorm:
                for _, _, g in params:
                    g *= g.dtype.type(self.clipnorm / norm)
        self.iterations += 1
        for name, p, g in params:
            if self.weight_decay and p.ndim > 1 and self._couples_decay:
                g = g + p.dtype.type(self.weight_decay) * p
            self._update(name, p, g)

    _couples_decay = True  # L2 goes into the gradient; AdamW overrides

    def _update(self, name: str, p: np.ndarray, g: np.ndarray) -> None:
        raise NotImplementedError

    def _work_buffer(self, name: str, p: np.ndarray) -> np.ndarray:
        """A reusable array shaped like ``p`` for intermediate results: not state, never saved."""
        buf = self._buffers.get(name)
        if buf is None or buf.shape != p.shape or buf.dtype != p.dtype:
            buf = self._buffers[name] = np.empty_like(p)
        return buf

    def _slot(self, name: str, p: np.ndarray, *keys: str) -> list[np.ndarray]:
        state = self.slots.get(name)
        if state is None:
            state = self.slots[name] = {k: np.zeros_like(p) for k in keys}
        return [state[k] for k in keys]

    # --- state for checkpoints -------------------------------------------------------------------
    def get_config(self) -> dict:
        config = {"name": self.name, "lr": self.schedule.get_config() if self.schedule else self.lr,
                  "weight_decay": self.weight_decay, "clipnorm": self.clipnorm,
                  "clipvalue": self.clipvalue}
        config.update(self._hyper())
        return config

    def _hyper(self) -> dict:
        return {}

    def state_arrays(self) -> dict[str, np.ndarray]:
        """The optimiser's buffers, flattened to ``"slotname/param"`` keys (for saving)."""
        return {f"{k}/{name}": arr for name, st in self.slots.items() for k, arr in st.items()}

    def load_state(self, iterations: int, arrays: dict[str, np.ndarray]) -> None:
        self.iterations = int(iterations)
        self.slots = {}
        for key, arr in arrays.items():
            slot, name = key.split("/", 1)
            if slot not in self.slot_names:
                known = ", ".join(self.slot_names) or "none"
                raise ConfigError(f"{self.name}: no optimizer state called {slot!r} (it keeps: {known})")
            self.slots.setdefault(name, {})[slot] = np.array(arr)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items()
                         if k != "name" and v not in (None, 0.0))
        return f"{type(self).__name__}({args})"


OPTIMIZERS = Registry("optimizer", Optimizer)


@OPTIMIZERS.register
class SGD(Optimizer):
    """Stochastic gradient descent: w ← w − η g.

    With ``momentum`` μ a velocity accumulates past gradients, v ← μ v + g, and w ← w − η v; with
    ``nesterov=True`` the step looks ahead: w ← w − η (g + μ v).
    """

    name = "sgd"
    slot_names = ("velocity",)

    def __init__(self, lr=0.01, momentum: float = 0.0, nesterov: bool = False, **kwargs):
        super().__init__(lr, **kwargs)
        if not 0.0 <= momentum < 1.0:
            raise ConfigError(f"sgd: momentum must be in [0, 1), got {momentum}")
        if nesterov and momentum == 0.0:
            raise ConfigError("sgd: nesterov=True needs a momentum > 0")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)

    def _hyper(self):
        return {"momentum": self.momentum, "nesterov": self.nesterov}

    def _update(self, name, p, g):
        t = p.dtype.type
        step = self._work_buffer(name, p)   # η × the direction, built here: no allocation per step
        if self.momentum == 0.0:
            np.multiply(g, t(self.lr), out=step)
        else:
            (v,) = self._slot(name, p, *self.slot_names)
            v *= t(self.momentum)
            v += g
            if self.nesterov:
                np.multiply(v, t(self.momentum), out=step)
                step += g
                step *= t(self.lr)
            else:
                np.multiply(v, t(self.lr), out=step)
        p -= step


@OPTIMIZERS.register
class RMSprop(Optimizer):
    """Divide each step by a running root-mean-square of recent gradients:

    s ← ρ s + (1 − ρ) g²,   w ← w − η g / (√s + ε)
    """

    name = "rmsprop"
    slot_names = ("square_avg",)

    def __init__(self, lr=0.001, rho: float = 0.9, eps: float = 1e-8, **kwargs):
        super().__init__(lr, **kwargs)
        if not 0.0 <= rho < 1.0:
            raise ConfigError(f"rmsprop: rho must be in [0, 1), got {rho}")
        self.rho, self.eps = float(rho), float(eps)

    def _hyper(self):
        return {"rho": self.rho, "eps": self.eps}

    def _update(self, name, p, g):
        (s,) = self._slot(name, p, *self.slot_names)
        scratch = self._work_buffer(name, p)
        t = p.dtype.type
        s *= t(self.rho)
        np.multiply(g, g, out=scratch)
        scratch *= t(1.0 - self.rho)
        s += scratch
        np.sqrt(s, out=scratch)
        scratch += t(self.eps)
        np.divide(g, scratch, out=scratch)
        scratch *= t(self.lr)
        p -= scratch


@OPTIMIZERS.register
class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): momentum on the gradient and RMSprop's scaling, both bias-corrected.

        m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²
        w ← w − η · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)

    The state kept is the weighted *sums* S₁ = m / (1 − β₁) and S₂ = v / (1 − β₂), which follow
    S₁ ← β₁ S₁ + g and S₂ ← β₂ S₂ + g²: one pass over the parameters fewer for each, as the factors
    (1 − β) move into the scalar of the final step. The step itself is unchanged.
    """

    name = "adam"
    slot_names = ("grad_sum", "sq_grad_sum")

    def __init__(self, lr=0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
                 **kwargs):
        super().__init__(lr, **kwargs)
        for label, b in (("beta1", beta1), ("beta2", beta2)):
            if not 0.0 <= b < 1.0:
                raise ConfigError(f"{self.name}: {label} must be in [0, 1), got {b}")
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)

    def _hyper(self):
        return {"beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}

    def _update(self, name, p, g):
        s1, s2 = self._slot(name, p, *self.slot_names)
        scratch = self._work_buffer(name, p)   # every intermediate goes here: no allocation per step
        t = p.dtype.type
        s1 *= t(self.beta1)
        s1 += g
        s2 *= t(self.beta2)
        np.multiply(g, g, out=scratch)
        s2 += scratch
        # With m = (1 − β₁) S₁ and v = (1 − β₂) S₂, the step η (m / b₁) / (√(v / b₂) + ε), where
        # bᵢ = 1 − βᵢᵗ, is k · S₁ / (√S₂ + ε / c) with c = √((1 − β₂) / b₂) and k = η (1 − β₁) / (b₁ c).
        c = math.sqrt((1.0 - self.beta2) / (1.0 - self.beta2 ** self.iterations))
        k = self.lr * (1.0 - self.beta1) / ((1.0 - self.beta1 ** self.iterations) * c)
        np.sqrt(s2, out=scratch)
        scratch += t(self.eps / c)
        np.divide(s1, scratch, out=scratch)
        scratch *= t(k)
        p -= scratch


@OPTIMIZERS.register
class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019): w ← w − η λ w, then the Adam step.

    Unlike L2 in plain Adam, the decay is not divided by √v, so every weight shrinks at the same rate.
    """

    name = "adamw"
    _couples_decay = False

    def __init__(self, lr=0.001, weight_decay: float = 0.01, **kwargs):
        super().__init__(lr, weight_decay=weight_decay, **kwargs)

    def _update(self, name, p, g):
        if self.weight_decay and p.ndim > 1:
            p *= p.dtype.type(1.0 - self.lr * self.weight_decay)
        super()._update(name, p, g)

names = OPTIMIZERS.names
get = OPTIMIZERS.get   # get("adam", lr=1e-3), get(Adam().get_config()), or an Optimizer as it is
