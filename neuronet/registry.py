"""One registry for everything neuronet looks up by name: activations, losses, initialisers,
optimisers, schedules, layers (and the lab's test surfaces).

Each module that defines a family of named pieces makes one :class:`Registry` and adds its classes
with the ``register`` decorator; a new piece in another file (``conv.py``'s layers) uses the same
public decorator. Every family is then looked up the same way, with the same one-line errors:

    ACTIVATIONS = Registry("activation", Activation, default=Identity)

    @ACTIVATIONS.register(aliases=("logistic",))
    class Sigmoid(Activation): ...

    ACTIVATIONS.get("relu")                          # from a name
    ACTIVATIONS.get({"name": "leaky_relu", "slope": 0.2})   # from a config (get_config's output)
    ACTIVATIONS.get(Sigmoid())                       # an object is returned as it is
"""

from __future__ import annotations

from collections.abc import Callable

from .checks import shown
from .errors import ConfigError


def _lower(name: str) -> str:
    return name.strip().lower().replace("-", "_")


class Registry:
    """Names → factories of one ``kind``.

    Parameters
    ----------
    kind : what the registry holds, as error messages say it (``"activation"``, ``"layer type"``).
    base : the class whose instances :meth:`get` returns unchanged (None: only names are accepted).
    key : the config field that holds the name (``"name"``; layers use ``"type"``).
    default : what :meth:`get` builds for ``None`` (None: ``None`` is refused).
    normalize : how a name is spelled before lookup (case and dashes ignored by default).
    instantiate : call the factory with the settings (False: hand back the entry itself, as for
        initialisers, which are plain functions).
    """

    def __init__(self, kind: str, base: type | None = None, *, key: str = "name", default=None,
                 normalize: Callable[[str], str] = _lower, instantiate: bool = True):
        self.kind, self.base, self.key, self.default = kind, base, key, default
        self.normalize, self.instantiate = normalize, instantiate
        self._entries: dict[str, Callable] = {}
        self._aliases: dict[str, str] = {}

    def register(self, entry=None, *, name: str | None = None, aliases: tuple[str, ...] = ()):
        """Add ``entry`` under ``name`` (default: its ``name`` attribute, else its ``__name__``);
        usable as ``@REGISTRY.register`` or ``@REGISTRY.register(aliases=(...))``."""
        def add(entry):
            canonical = name or getattr(entry, "name", None) or entry.__name__
            if not isinstance(canonical, str):
                canonical = entry.__name__
            key = self.normalize(canonical)
            if key in self._entries or key in self._aliases:
                raise ConfigError(f"{self.kind} {canonical!r} is registered twice")
            self._entries[key] = entry
            for alias in aliases:
                self._aliases[self.normalize(alias)] = key
            return entry
        return add if entry is None else add(entry)

    def names(self) -> list[str]:
        """The registered names, in the order they were added (aliases not included)."""
        return list(self._entries)

    def __contains__(self, name) -> bool:
        return isinstance(name, str) and self.canonical(name, strict=False) in self._entries

    def canonical(self, name: str, strict: bool = True) -> str | None:
        """The registered name that ``name`` (or an alias of it) stands for, as model files record it."""
        if not isinstance(name, str):
            if not strict:
                return None
            raise ConfigError(f"a {self.kind} name must be a string, got {shown(name)}; choose one of: "
                              f"{', '.join(self._entries)}")
        key = self.normalize(name)
        key = self._aliases.get(key, key)
        if key not in self._entries:
            if not strict:
                return None
            raise ConfigError(f"unknown {self.kind} {name!r}; choose one of: {', '.join(self._entries)}")
        return key

    def entry(self, name: str):
        """The registered class (or function) itself, not built: ``LAYERS.entry("Dense")``."""
        return self._entries[self.canonical(name)]

    def get(self, spec, **settings):
        """The piece that ``spec`` describes: a name (with ``settings``), a config dict (the name under
        ``key``, the rest settings), an instance of ``base`` (returned as is), or None (``default``)."""
        if spec is None and self.default is not None:
            return self.default()
        if self.base is not None and isinstance(spec, self.base):
            return spec
        if isinstance(spec, dict):
            spec = dict(spec)
            name = spec.pop(self.key, None)
            return self._build(name, {**spec, **settings})
        if isinstance(spec, str):
            return self._build(spec, settings)
        article = "an" if self.kind[0] in "aeiou" else "a"
        also = f" or {self.base.__name__} object" if self.base is not None else ""
        raise ConfigError(f"{article} {self.kind} must be a name{also}, not {type(spec).__name__}")

    def _build(self, name, settings: dict):
        if not isinstance(name, str):
            raise ConfigError(f"unknown {self.kind} {shown(name)}; choose one of: {', '.join(self._entries)}")
        entry = self.entry(name)
        if not self.instantiate:
            if settings:
                raise ConfigError(f"{self.kind} {name!r} takes no settings, got {sorted(settings)}")
            return entry
        try:
            return entry(**settings)
        except TypeError as exc:
            raise ConfigError(f"bad settings for {self.kind} {name!r}: {exc}") from None
