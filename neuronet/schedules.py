"""Learning-rate schedules: the step size as a function of the epoch (0-based).

Pass one as an optimiser's ``lr``: ``Adam(lr=CosineDecay(1e-3, epochs=20))``. The network tells the
optimiser the epoch at the start of each one.
"""

from __future__ import annotations

import math

from . import checks
from .errors import ConfigError
from .registry import Registry


class Schedule:
    name = "schedule"

    def __call__(self, epoch: int) -> float:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {"name": self.name, **{k: v for k, v in vars(self).items()}}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


SCHEDULES = Registry("schedule", Schedule)


def _factor(value, name: str) -> float:
    """A decay factor in (0, 1]: a factor above 1 makes the rate grow without bound (and overflow)."""
    return checks.number(value, name, low=0, high=1, low_open=True)


def _at_least_one(value, name: str) -> int:
    if checks.is_integer(value) and value >= 1:
        return int(value)
    raise ConfigError(f"{name} must be >= 1 (a whole number of epochs), got {checks.shown(value)}")


@SCHEDULES.register
class StepDecay(Schedule):
    """lr · gamma^⌊epoch / step_size⌋: drop by a factor every ``step_size`` epochs."""

    name = "step"

    def __init__(self, lr: float, step_size: int = 10, gamma: float = 0.1):
        self.lr = checks.positive(lr, "StepDecay: lr")
        self.step_size = _at_least_one(step_size, "StepDecay: step_size")
        self.gamma = _factor(gamma, "StepDecay: gamma")

    def __call__(self, epoch):
        return self.lr * self.gamma ** (epoch // self.step_size)


@SCHEDULES.register
class ExponentialDecay(Schedule):
    """lr · gamma^epoch."""

    name = "exponential"

    def __init__(self, lr: float, gamma: float = 0.95):
        self.lr = checks.positive(lr, "ExponentialDecay: lr")
        self.gamma = _factor(gamma, "ExponentialDecay: gamma")

    def __call__(self, epoch):
        return self.lr * self.gamma ** epoch


@SCHEDULES.register
class CosineDecay(Schedule):
    """min_lr + ½ (lr − min_lr)(1 + cos(π · epoch / epochs)): a smooth glide to ``min_lr``."""

    name = "cosine"

    def __init__(self, lr: float, epochs: int, min_lr: float = 0.0):
        self.lr = checks.positive(lr, "CosineDecay: lr")
        self.epochs = _at_least_one(epochs, "CosineDecay: epochs")
        self.min_lr = checks.non_negative(min_lr, "CosineDecay: min_lr")

    def __call__(self, epoch):
        t = min(epoch, self.epochs) / self.epochs
        return self.min_lr + 0.5 * (self.lr - self.min_lr) * (1.0 + math.cos(math.pi * t))

names = SCHEDULES.names
get = SCHEDULES.get
from_config = SCHEDULES.get   # a schedule from its get_config() output
