"""Checks shared by the lab's endpoints: a request's JSON body comes from a web page, so every
value is checked, and a bad one is a one-line :class:`~neuronet.errors.ConfigError` that quotes it
cut short. What is general (cutting a value short, judging an integer) is :mod:`neuronet.checks`';
what is here is the lab's own: a JSON object's keys, its words ("a whole number"), and JSON's lack of
NaN and infinity, which :func:`finite` maps to null.
"""

from __future__ import annotations

import math

import numpy as np

from .. import checks
from ..errors import ConfigError

#: ``repr`` cut short for a one-line message (a request's bad value may be megabytes long or nested a
#: thousand deep): :func:`neuronet.checks.shown`.
shown = checks.shown


def json_object(body, allowed=None, what: str = "field") -> dict:
    """``body`` if it is a JSON object whose keys are all in ``allowed`` (any keys when None)."""
    if not isinstance(body, dict):
        raise ConfigError("the request body must be a JSON object")
    unknown = set(body) - set(allowed) if allowed is not None else ()
    if unknown:
        raise ConfigError(f"unknown {what}(s): {', '.join(sorted(map(shown, unknown)))}; "
                          f"expected {', '.join(sorted(allowed))}")
    return body


def whole(value, name: str, low: int, high: int) -> int:
    """``value`` if it is a whole number (not a bool) from ``low`` to ``high``:
    :func:`neuronet.checks.integer`, said in the page's words."""
    try:
        return checks.integer(value, name, low=low, high=high)
    except ConfigError:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}, got {shown(value)}") from None


def finite(value) -> float | None:
    """``value`` as a float, or None (JSON null) if it is NaN or infinite, which JSON cannot hold."""
    value = float(value)
    return value if math.isfinite(value) else None


def rounded(a, decimals: int = 4) -> list:
    """``a`` as nested lists to ``decimals`` decimals (more than a colour or a bar can show, and the
    JSON stays small), NaN and infinities as None: JSON cannot hold them."""
    a = np.round(np.asarray(a, dtype=np.float64), decimals)
    out = a.astype(object)
    out[~np.isfinite(a)] = None
    return out.tolist()


def real(value, name: str, low: float, high: float, low_open: bool = False) -> float:
    """``value`` as a float from ``low`` (above it, with ``low_open``) to ``high``:
    :func:`neuronet.checks.number`, said in the page's words. An integer too large for a float (JSON
    allows hundreds of digits) is refused too."""
    try:
        return checks.number(value, name, low=low, high=high, low_open=low_open)
    except (ConfigError, OverflowError):
        bounds = f"in ({low:g}, {high:g}]" if low_open else f"from {low:g} to {high:g}"
        raise ConfigError(f"{name} must be a number {bounds}, got {shown(value)}") from None


def reals(value, name: str, low: float, high: float, length: int | tuple[int, int]) -> list[float]:
    """``value`` as a list of floats from ``low`` to ``high``, of ``length`` entries (or from
    ``length[0]`` to ``length[1]``)."""
    shortest, longest = (length, length) if isinstance(length, int) else length
    count = f"{shortest}" if shortest == longest else f"{shortest} to {longest}"
    if not isinstance(value, list) or not shortest <= len(value) <= longest:
        raise ConfigError(f"{name} must be a list of {count} numbers from {low:g} to {high:g}, "
                          f"got {shown(value)}")
    return [real(v, f"{name}[{i}]", low, high) for i, v in enumerate(value)]


def choice(value, name: str, choices, any_case: bool = False) -> str:
    """``value`` if it is one of the strings ``choices``, in the page's words; with ``any_case``,
    in any case, and given back in lower case (the playground's names: "Moons" is moons)."""
    given = value.lower() if any_case and isinstance(value, str) else value
    if not isinstance(given, str) or given not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}; got {shown(value)}")
    return given
