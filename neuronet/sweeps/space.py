"""The search space of a sweep: which training settings may vary, how each is checked, and how a grid
or a random search becomes the list of trials.

A *trial* is one complete set of settings (every key of :data:`DEFAULTS`), checked here, once; the
workers trust it. Its identity is its settings: :func:`trial_key` is their canonical JSON, which is
what ``resume`` compares.

    >>> trials = expand({"lr": [1e-3, 3e-3], "layers": [[128], [256, 128]]})
    >>> len(trials), trials[0]["lr"], trials[0]["layers"]
    (4, 0.001, [128])
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .. import checks
from ..errors import ConfigError

SCHEDULES = ("constant", "step", "exponential", "cosine")

# Every trial has every one of these; a sweep's own settings and its grid override them.
DEFAULTS = {"layers": [64], "conv": [], "activation": "relu", "optimizer": "adam", "lr": 1e-3,
            "momentum": 0.0, "weight_decay": None, "schedule": "constant", "batch_size": 32,
            "dropout": 0.0, "epochs": 10, "seed": 0, "val_split": 0.1}


def _sizes(value, name: str) -> list[int]:
    """Layer sizes or filter counts: a list of positive integers (one integer is a list of one)."""
    if checks.is_integer(value):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise ConfigError(f"{name} must be a list of positive integers like [256, 128], "
                          f"got {checks.shown(value)}")
    return [checks.positive_int(v, name) for v in value]


def _named(kind: str) -> Callable:
    """A check that a name is in one of neuronet's registries (``"activation"``, ``"optimizer"``)."""
    def check(value, name: str) -> str:
        from ..activations import ACTIVATIONS
        from ..optimizers import OPTIMIZERS

        registry = {"activation": ACTIVATIONS, "optimizer": OPTIMIZERS}[kind]
        if isinstance(value, str) and value in registry:
            return value
        raise ConfigError(f"{name} must be one of {', '.join(registry.names())}; got {checks.shown(value)}")
    return check


def _optional(check: Callable) -> Callable:
    return lambda value, name: None if value is None else check(value, name)


def _val_split(value, name: str) -> float:
    # The best trial is chosen on held-out data, never on the test set.
    return checks.number(value, name, low=0, high=1, low_open=True, high_open=True)


# name -> (check, how its text is read on the command line)
CHECKS: dict[str, tuple[Callable, Callable]] = {
    "layers": (_sizes, lambda t: [] if t in ("", "none", "0") else [int(p) for p in t.split("x")]),
    "conv": (_sizes, lambda t: [] if t in ("", "none", "0") else [int(p) for p in t.split("x")]),
    "activation": (_named("activation"), str),
    "optimizer": (_named("optimizer"), str),
    "lr": (checks.positive, float),
    "momentum": (checks.rate, float),
    "weight_decay": (_optional(checks.non_negative), lambda t: None if t == "default" else float(t)),
    "schedule": (lambda v, n: checks.one_of(v, n, SCHEDULES), str),
    "batch_size": (checks.positive_int, int),
    "dropout": (checks.rate, float),
    "epochs": (checks.positive_int, int),
    "seed": (checks.non_negative_int, int),
    "val_split": (_val_split, float),
}
INTEGER = ("batch_size", "epochs", "seed")


def check_setting(name, value):
    """``value`` checked as setting ``name`` (a ConfigError names the setting and the way out)."""
    if name not in CHECKS:
        raise ConfigError(f"unknown sweep setting {checks.shown(name)} (known: {', '.join(CHECKS)})")
    return CHECKS[name][0](value, name)


def parse_value(name: str, text: str):
    """A setting's value from its command-line text: ``layers`` ``"256x128"``, ``lr`` ``"3e-3"``."""
    if name not in CHECKS:
        raise ConfigError(f"unknown sweep setting {name!r} (known: {', '.join(CHECKS)})")
    try:
        value = CHECKS[name][1](text.strip())
    except ValueError:
        raise ConfigError(f"{name}: cannot read {text!r} (e.g. layers=256x128, lr=1e-3, "
                          f"activation=relu)") from None
    return check_setting(name, value)


@dataclass(frozen=True)
class Range:
    """A setting drawn at random in ``[low, high]``: uniformly, or uniformly in its logarithm
    (``log=True``, the usual way to search learning rates). Integer settings are rounded."""

    low: float
    high: float
    log: bool = False

    def draw(self, rng: np.random.Generator, integer: bool):
        if self.log:
            value = math.exp(rng.uniform(math.log(self.low), math.log(self.high)))
        else:
            value = rng.uniform(self.low, self.high)
        # Three significant digits: readable in a table, and the same number after a JSON round trip.
        return int(round(value)) if integer else float(f"{value:.3g}")


def parse_range(name: str, text: str) -> Range:
    """``"LOW:HIGH"`` (uniform) or ``"log:LOW:HIGH"`` (log-uniform) for setting ``name``."""
    parts = text.split(":")
    log = parts[0] == "log"
    try:
        low, high = (float(p) for p in parts[log:])
    except ValueError:
        raise ConfigError(f"--random {name}={text}: expected LOW:HIGH or log:LOW:HIGH, "
                          f"e.g. lr=log:1e-4:1e-2") from None
    return check_range(name, Range(low, high, log))


def check_range(name: str, spec) -> Range:
    if not isinstance(spec, Range):
        raise ConfigError(f"random setting {name} must be a neuronet.sweeps.Range, got {checks.shown(spec)}")
    if not spec.low < spec.high or (spec.log and spec.low <= 0):
        need = "0 < low < high" if spec.log else "low < high"
        raise ConfigError(f"random setting {name}: need {need}, got {spec.low:g}:{spec.high:g}")
    check_setting(name, spec.low)     # both ends must be values the setting can take
    check_setting(name, int(spec.high) if name in INTEGER else spec.high)
    return spec


def check_grid(grid) -> dict[str, list]:
    """``{setting: [values]}`` with every value checked (a single value is a list of one)."""
    if grid is None:
        return {}
    if not isinstance(grid, dict):
        raise ConfigError(f"grid must be a dict of setting -> list of values, got {checks.shown(grid)}")
    out = {}
    for name, values in grid.items():
        if not isinstance(values, (list, tuple)) or (name in ("layers", "conv") and values
                                                      and checks.is_integer(values[0])):
            values = [values]   # layers=[256, 128] is one architecture, not two
        if not values:
            raise ConfigError(f"grid setting {name} has no values")
        out[name] = [check_setting(name, v) for v in values]
    return out


def expand(grid=None, random=None, trials: int | None = None, settings=None,
           search_seed: int = 0) -> list[dict]:
    """The trials of a sweep, each a complete dict of settings, in a fixed order.

    grid : ``{setting: [values]}``; without ``trials`` every combination is a trial.
    random : ``{setting: Range(...)}``, drawn afresh for each trial (needs ``trials``).
    trials : run this many: combinations of the grid picked at random (all of them when the grid
        has no more), each with its own draw of the ``random`` settings.
    settings : fixed settings for every trial (``{"epochs": 5}``), over :data:`DEFAULTS`.
    search_seed : seeds which combinations are picked and what is drawn, so a sweep's trials are
        the same each time it is run (which is what resuming needs).
    """
    grid = check_grid(grid)
    base = dict(DEFAULTS)
    base.update({k: check_setting(k, v) for k, v in (settings or {}).items()})
    ranges = {name: check_range(name, spec) for name, spec in (random or {}).items()}
    if set(ranges) & set(grid):
        raise ConfigError(f"{', '.join(sorted(set(ranges) & set(grid)))}: in both the grid and the "
                          f"random settings; give each setting one way")
    combos = [dict(zip(grid, values, strict=True)) for values in itertools.product(*grid.values())]
    rng = np.random.default_rng(checks.non_negative_int(search_seed, "search_seed"))
    if trials is None:
        if ranges:
            raise ConfigError("random settings need a number of trials (trials=N, --trials N)")
        chosen = combos
    else:
        trials = checks.positive_int(trials, "trials")
        if ranges:
            chosen = [combos[i] for i in rng.integers(len(combos), size=trials)]
        elif trials >= len(combos):
            chosen = combos
        else:
            chosen = [combos[i] for i in sorted(rng.choice(len(combos), size=trials, replace=False))]
    out, seen = [], set()
    for combo in chosen:
        trial = {**base, **combo}
        trial.update({name: spec.draw(rng, name in INTEGER) for name, spec in ranges.items()})
        if trial_key(trial) not in seen:   # the same settings twice would be the same run twice
            seen.add(trial_key(trial))
            out.append(trial)
    return out


def trial_key(settings: dict) -> str:
    """A trial's identity: its settings as canonical JSON."""
    return json.dumps(settings, sort_keys=True, separators=(",", ":"))


def varying(trials: list[dict]) -> list[str]:
    """The settings that differ between ``trials``, in :data:`DEFAULTS` order."""
    return [k for k in DEFAULTS if len({json.dumps(t.get(k)) for t in trials}) > 1]


def shown_value(value) -> str:
    """A setting as it is written in tables and CSV files: layers ``256x128``, rates ``0.003``."""
    if isinstance(value, list):
        return "x".join(map(str, value)) or "none"
    if value is None:
        return "default"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
