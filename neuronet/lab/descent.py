"""The lab's optimiser tab: gradient descent on a 2-D surface, every step drawn.

The surfaces, the optimisers and their paths are :mod:`neuronet.surfaces`'; this module only checks
what a page asks for and packs the answers as JSON. :func:`describe` gives a surface's shading: the
height log10(f − f_min) on a grid over its view (clamped from below, so that a valley's nearly flat
floor still shows its shape), its minima and start. :func:`paths` runs
:func:`neuronet.surfaces.optimizer_path` for each optimiser asked for, with its learning rate.

Every size a request can choose is bounded (``LIMITS``: grid side, steps, optimisers), so one
request costs at most a few tenths of a second; a bad value is a
:class:`~neuronet.errors.ConfigError` naming the field.

>>> answer = paths({"surface": "bowl", "optimizers": {"sgd": None}, "steps": 10})
>>> len(answer["paths"][0]["points"])
11
"""

from __future__ import annotations

import math

import numpy as np

from .. import checks, surfaces
from ..errors import ConfigError
from ..viz.optimizers import DEFAULT_OPTIMIZERS, optimizer_label
from .checks import finite, json_object, shown, whole
from .playground import grid_points

#: Upper bounds on what a request may ask for (and the page offers); ``coordinate`` bounds |x|, |y|
#: of a start point.
LIMITS = {"grid": 200, "steps": 2000, "coordinate": 1000.0, "lr": 10.0}
DEFAULT_GRID = 150


def choices() -> dict:
    """What the page offers: surfaces, optimisers (name and label; the defaults first), limits."""
    return {"surfaces": surfaces.names(),
            "optimizers": [{"name": n, "label": _kind(n), "default": n in DEFAULT_OPTIMIZERS}
                           for n in surfaces.optimizer_names()],
            "limits": LIMITS, "grid": DEFAULT_GRID}


def _kind(name: str) -> str:
    """The legend label of an optimiser name without its rate: ``"momentum 0.9"``, ``"Adam"``."""
    return optimizer_label(surfaces.make_optimizer(name)).split(",")[0]


def _surface(body: dict) -> surfaces.Surface:
    name = body.get("surface", "bowl")
    if not isinstance(name, str) or name.strip().lower() not in surfaces.names():
        raise ConfigError(f"surface must be one of {', '.join(surfaces.names())}; got {shown(name)}")
    return surfaces.get(name)


def _number(value) -> float | None:
    """``value`` as a finite float, or None when it is not a JSON number that a float can hold."""
    if not checks.is_real(value):   # bools are ints in Python, never a number a page meant
        return None
    try:
        value = float(value)
    except OverflowError:   # an integer of hundreds of digits
        return None
    return value if math.isfinite(value) else None


def _lowest(surface: surfaces.Surface, values: np.ndarray) -> float:
    """f at the minimum, or the lowest value seen when the surface has none."""
    return surface.lowest if surface.lowest is not None else float(np.min(values))


def describe(body) -> dict:
    """The answer to ``{"surface": "bowl", "grid": 120}`` (both optional): the surface's name,
    formula, ``bounds`` [x_min, x_max, y_min, y_max] (its view), ``grid`` side, ``heights`` (grid²
    values of log10(f − f_min), picture order as :func:`.playground.grid_points`), ``minima``,
    ``start``, ``steps`` and the learning ``rates`` that :func:`neuronet.surfaces.make_optimizer`
    gives each optimiser on it."""
    body = json_object(body, {"surface", "grid"})
    surface = _surface(body)
    size = whole(body.get("grid", DEFAULT_GRID), "grid", 2, LIMITS["grid"])
    (x0, x1), (y0, y1) = surface.view
    box = (x0, x1, y0, y1)
    f = surface(grid_points(box, size))
    gap = f - _lowest(surface, f)
    positive = gap[gap > 0]
    # The lowest 0.5 % of the heights share one shade: else the exact minimum (log 0) and the
    # near-zero cells around it would stretch the colour scale over nothing visible.
    floor = float(np.quantile(positive, 0.005)) if positive.size else 1.0
    heights = np.log10(np.maximum(gap, floor))
    return {"surface": surface.name, "formula": surface.formula, "bounds": list(map(float, box)),
            "grid": size, "heights": np.round(heights, 4).tolist(),
            "minima": [list(map(float, m)) for m in surface.minima],
            "start": list(map(float, surface.start)), "steps": surface.steps,
            "rates": {n: float(surface.rates.get(n, 0.01)) for n in surfaces.optimizer_names()}}


def _start(value, surface: surfaces.Surface) -> np.ndarray:
    if value is None:
        return np.array(surface.start, dtype=np.float64)
    limit = LIMITS["coordinate"]
    point = [_number(v) for v in value] if isinstance(value, list) and len(value) == 2 else [None]
    if any(v is None or abs(v) > limit for v in point):
        raise ConfigError(f"start must be a point [x, y] of two numbers from -{limit:g} to {limit:g}, "
                          f"got {shown(value)}")
    return np.array(point, dtype=np.float64)


def _optimizers(value, surface: surfaces.Surface) -> dict[str, float]:
    """{name: learning rate} from ``{"sgd": 0.02, "adam": null}`` (null: the surface's rate)."""
    known = surfaces.optimizer_names()
    if not isinstance(value, dict) or not value:
        raise ConfigError(f"optimizers must be an object {{name: learning rate or null}} naming at least "
                          f"one of {', '.join(known)}; got {shown(value)}")
    rates = {}
    for name, lr in value.items():
        if name not in known:
            raise ConfigError(f"unknown optimizer {shown(name)}; choose from {', '.join(known)}")
        if lr is None:
            lr = surface.rates.get(name, 0.01)
        rate = _number(lr)
        if rate is None or not 0 < rate <= LIMITS["lr"]:
            raise ConfigError(f"the learning rate of {name} must be a number in (0, {LIMITS['lr']:g}], "
                              f"got {shown(lr)}")
        rates[name] = rate
    return rates


def paths(body) -> dict:
    """The answer to ``{"surface": "rosenbrock", "start": [x, y], "steps": 500, "optimizers":
    {"sgd": 0.002, "adam": null}}`` (all but ``optimizers`` optional; a null rate or a missing
    start or steps is the surface's own).

    Returns ``surface``, ``start``, ``steps`` and ``paths``: for each optimiser in the order asked,
    its ``name``, ``label``, ``lr``, ``points`` (the rows of :func:`neuronet.surfaces.optimizer_path`,
    full precision), ``gaps`` (f − f_min at each point, null where not finite) and ``diverged``
    (the path ended early because a point stopped being finite).
    """
    body = json_object(body, {"surface", "start", "steps", "optimizers"})
    surface = _surface(body)
    start = _start(body.get("start"), surface)
    steps = whole(body.get("steps", surface.steps), "steps", 1, LIMITS["steps"])
    rates = _optimizers(body.get("optimizers"), surface)
    answers = []
    for name, lr in rates.items():
        optimizer = surfaces.make_optimizer(name, surface)
        optimizer.lr = lr
        path = surfaces.optimizer_path(optimizer, surface, start, steps)
        with np.errstate(over="ignore", invalid="ignore"):
            values = surface(path)
            gaps = values - _lowest(surface, values)
        answers.append({"name": name, "label": optimizer_label(optimizer), "lr": lr,
                        "points": path.tolist(), "gaps": [finite(g) for g in gaps],
                        "diverged": len(path) < steps + 1})
    return {"surface": surface.name, "start": start.tolist(), "steps": steps, "paths": answers}
