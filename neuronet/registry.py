"""Building one of neuronet's named pieces (activations, optimisers, schedules, layers) from its
name and settings, with the one-line errors a user needs when either is wrong."""

from __future__ import annotations

from .errors import ConfigError


def build(registry: dict, kind: str, key, settings: dict, spec=None):
    """``registry[key](**settings)``; an unknown ``key`` or a setting the class does not take is a
    :class:`ConfigError` naming the ``kind``, what was asked for (``spec``, default ``key``) and
    the choices."""
    asked = key if spec is None else spec
    if key not in registry:
        raise ConfigError(f"unknown {kind} {asked!r}; choose one of: {', '.join(registry)}")
    try:
        return registry[key](**settings)
    except TypeError as exc:
        raise ConfigError(f"bad settings for {kind} {asked!r}: {exc}") from None
