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


def number(value, name: str, low: float, high: float, low_open: bool = False) -> float:
    """``value`` if it is a finite number (not a bool) from ``low`` (above it, with ``low_open``) to
    ``high``: :func:`neuronet.checks.number`, said in the page's words."""
    try:
        return checks.number(value, name, low=low, high=high, low_open=low_open)
    except ConfigError:
        bounds = f"in ({low:g}, {high:g}]" if low_open else f"from {low:g} to {high:g}"
        raise ConfigError(f"{name} must be a number {bounds}, got {shown(value)}") from None


def choice(value, name: str, choices) -> str:
    """``value`` in lower case if it is one of the strings ``choices`` (in any case)."""
    if not isinstance(value, str) or value.lower() not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}; got {shown(value)}")
    return value.lower()


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
