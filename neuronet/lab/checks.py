"""Checks shared by the lab's endpoints: a request's JSON body comes from a web page, so every
value is checked, and a bad one is a one-line :class:`~neuronet.errors.ConfigError` that quotes it
cut short. Answers go back as strict JSON, which has no NaN or infinity: :func:`finite` maps those
to null.
"""

from __future__ import annotations

import math
import reprlib

from ..errors import ConfigError

_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = 40
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict = 3, 6, 4


def shown(value) -> str:
    """``repr(value)`` cut short: a request's bad value goes back in a one-line error, and it may be
    megabytes long or nested a thousand deep (where plain ``repr`` would run out of stack)."""
    text = _REPR.repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
    """``value`` if it is a whole number (not a bool) from ``low`` to ``high``."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}, got {shown(value)}")
    return value


def finite(value) -> float | None:
    """``value`` as a float, or None (JSON null) if it is NaN or infinite, which JSON cannot hold."""
    value = float(value)
    return value if math.isfinite(value) else None
