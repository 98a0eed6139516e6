"""neuronet.registry: one way to look up every family of named pieces, with the same one-line errors."""

from __future__ import annotations

import pytest

from neuronet import activations, initializers, layers, losses, optimizers, schedules
from neuronet.errors import ConfigError
from neuronet.registry import Registry


class Piece:
    name = "piece"

    def __init__(self, size=1):
        self.size = size


def _registry(**options):
    reg = Registry("widget", Piece, **options)

    @reg.register(aliases=("Round-Thing",))
    class Round(Piece):
        name = "round"

    @reg.register
    class Square(Piece):
        name = "square"

    reg.register(Piece, name="plain")
    return reg, Round, Square


def test_register_by_name_attribute_alias_and_explicit_name():
    reg, Round, Square = _registry()
    assert reg.names() == ["round", "square", "plain"]            # order of registration, no aliases
    assert isinstance(reg.get("round"), Round) and isinstance(reg.get("plain"), Piece)
    assert isinstance(reg.get("round_thing"), Round)             # the alias, its dash and case ignored
    assert reg.canonical("ROUND-THING") == "round"


def test_the_decorator_returns_the_class_unchanged():
    reg = Registry("widget")

    def helper():
        return 3

    assert reg.register(helper) is helper
    assert reg.names() == ["helper"]                              # no name attribute: __name__


def test_contains_and_canonical():
    reg, _, _ = _registry()
    assert "Round" in reg and "round_thing" in reg and "hexagon" not in reg and 3 not in reg
    assert reg.canonical("hexagon", strict=False) is None
    with pytest.raises(ConfigError, match="unknown widget 'hexagon'; choose one of: round, square, plain$"):
        reg.canonical("hexagon")


def test_get_from_a_name_with_settings_a_config_or_an_object():
    reg, Round, _ = _registry()
    assert reg.get("round", size=4).size == 4
    built = reg.get({"name": "round", "size": 5})
    assert isinstance(built, Round) and built.size == 5
    assert reg.get({"name": "round", "size": 5}, size=6).size == 6       # settings win over the config
    obj = Round()
    assert reg.get(obj) is obj


def test_a_config_dict_is_not_changed_by_get():
    reg, _, _ = _registry()
    config = {"name": "round", "size": 2}
    reg.get(config)
    assert config == {"name": "round", "size": 2}


def test_a_different_key_for_the_name():
    reg = Registry("layer type", Piece, key="type", normalize=str.strip)
    reg.register(Piece, name="Dense")
    assert isinstance(reg.get({"type": "Dense", "size": 2}), Piece)
    with pytest.raises(ConfigError, match="unknown layer type 'dense'"):   # no case folding here
        reg.get("dense")
    with pytest.raises(ConfigError, match="unknown layer type None"):
        reg.get({"size": 2})


def test_none_builds_the_default_or_is_refused():
    reg, Round, _ = _registry(default=lambda: "the default")
    assert reg.get(None) == "the default"
    plain, _, _ = _registry()
    with pytest.raises(ConfigError, match="^a widget must be a name or Piece object, not NoneType$"):
        plain.get(None)


@pytest.mark.parametrize("kind,article", [("activation", "an"), ("loss", "a"), ("initializer", "an")])
def test_the_type_error_reads_as_english(kind, article):
    with pytest.raises(ConfigError, match=f"^{article} {kind} must be a name, not float$"):
        Registry(kind).get(1.5)


def test_twice_registered_names_and_aliases_are_refused():
    reg, _, _ = _registry()
    with pytest.raises(ConfigError, match="^widget 'Round' is registered twice$"):
        reg.register(Piece, name="Round")
    with pytest.raises(ConfigError, match="registered twice"):
        reg.register(Piece, name="round-thing")


def test_bad_settings_name_the_piece():
    reg, _, _ = _registry()
    with pytest.raises(ConfigError, match="^bad settings for widget 'round': .*colour") as err:
        reg.get("round", colour="red")
    assert "\n" not in str(err.value)


def test_entries_handed_back_as_they_are_take_no_settings():
    reg = Registry("initializer", instantiate=False)

    @reg.register
    def zeros(rng, shape, dtype):
        return None

    assert reg.get("zeros") is zeros
    with pytest.raises(ConfigError, match=r"initializer 'zeros' takes no settings, got \['scale'\]"):
        reg.get("zeros", scale=2)


@pytest.mark.parametrize("module", [activations, losses, optimizers, schedules, initializers])
def test_every_family_looks_names_up_the_same_way(module):
    for name in module.names():
        assert module.get.__self__.canonical(name.upper()) == name
    with pytest.raises(ConfigError, match="^unknown .* 'no-such-thing'; choose one of: "):
        module.get("no-such-thing")


def test_layer_types_include_the_conv_layers_registered_from_their_own_module():
    import neuronet.conv  # noqa: F401

    assert {"Dense", "Dropout", "Conv2D", "MaxPool2D"} <= set(layers.LAYERS.names())
