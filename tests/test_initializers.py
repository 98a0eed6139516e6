"""Weight initialisers: each draws from the distribution its formula in ``neuronet/initializers.py`` names.

A sample of n values from a distribution with variance σ² and kurtosis κ has a sample variance whose
standard error is σ² √((κ − 1) / n) (κ = 3 for a normal distribution, 9/5 for a uniform one), and a mean
whose standard error is σ / √n. Every tolerance below is ``Z`` of those standard errors, so it shrinks
as the weight matrix grows; the generators are seeded, so each check is also deterministic.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from neuronet import initializers
from neuronet.errors import ConfigError

Z = 5.0           # standard errors allowed: a correct initialiser lands outside with probability ~6e-7
KURTOSIS = {"normal": 3.0, "uniform": 9.0 / 5.0}

# shape -> (fan_in, fan_out); a conv kernel (kh, kw, c_in, c_out) counts its receptive field kh·kw
SHAPES = {(784, 256): (784, 256), (256, 10): (256, 10), (3, 3, 8, 16): (3 * 3 * 8, 3 * 3 * 16)}


def _variance(name: str, fan_in: int, fan_out: int) -> tuple[float, str]:
    """(the variance the formula says, the distribution's family), written out from the table in the
    module docstring: a uniform U(±L) has variance L²/3."""
    return {
        "normal": (1.0, "normal"),
        "lecun_normal": (1.0 / fan_in, "normal"),
        "glorot_uniform": (6.0 / (fan_in + fan_out) / 3.0, "uniform"),
        "glorot_normal": (2.0 / (fan_in + fan_out), "normal"),
        "he_normal": (2.0 / fan_in, "normal"),
        "he_uniform": (6.0 / fan_in / 3.0, "uniform"),
    }[name]


RANDOM = ["normal", "lecun_normal", "glorot_uniform", "glorot_normal", "he_normal", "he_uniform"]
CASES = [(name, shape) for name in RANDOM for shape in SHAPES]
IDS = [f"{name}-{'x'.join(map(str, shape))}" for name, shape in CASES]


def _draw(name, shape, seed=0, dtype=np.float64):
    return initializers.get(name)(np.random.default_rng(seed), shape, np.dtype(dtype))


@pytest.mark.parametrize("name,shape", CASES, ids=IDS)
def test_variance_is_what_the_formula_says(name, shape):
    expected, family = _variance(name, *SHAPES[shape])
    w = _draw(name, shape)
    n = w.size
    tolerance = Z * expected * math.sqrt((KURTOSIS[family] - 1.0) / n)
    assert abs(w.var() - expected) < tolerance, (
        f"{name}{shape}: variance {w.var():.5g}, formula {expected:.5g} ± {tolerance:.2g}")


@pytest.mark.parametrize("name,shape", CASES, ids=IDS)
def test_mean_is_zero(name, shape):
    expected, _ = _variance(name, *SHAPES[shape])
    w = _draw(name, shape, seed=1)
    assert abs(w.mean()) < Z * math.sqrt(expected / w.size)


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_the_tolerance_tells_neighbouring_formulas_apart(shape):
    """The checks above could fail: at every shape the allowed band is narrower than a lost factor 2
    (He's 2/n_in against LeCun's 1/n_in, Glorot's against LeCun's) and than forgetting a conv kernel's
    receptive field. (At (256, 10) Glorot's 2/266 and He's 2/256 are 4% apart: no sample of 2,560
    tells them apart, and no test here claims to.)"""
    fan_in, fan_out = SHAPES[shape]
    n = math.prod(shape)
    band = Z * math.sqrt((KURTOSIS["normal"] - 1.0) / n)          # relative half-width, widest family
    glorot, he, lecun = 2.0 / (fan_in + fan_out), 2.0 / fan_in, 1.0 / fan_in
    assert abs(he / lecun - 1) > 2 * band
    assert abs(lecun / glorot - 1) > 2 * band
    if shape == (784, 256):
        assert abs(he / glorot - 1) > 2 * band
    if len(shape) == 4:
        without_field = 2.0 / (shape[-2] + shape[-1])
        assert abs(without_field / glorot - 1) > 2 * band


@pytest.mark.parametrize("name,fan", [("glorot_uniform", "both"), ("he_uniform", "in")])
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_uniform_ones_stay_inside_their_limit_and_reach_it(name, fan, shape):
    fan_in, fan_out = SHAPES[shape]
    limit = math.sqrt(6.0 / (fan_in + fan_out if fan == "both" else fan_in))
    w = _draw(name, shape, seed=2)
    assert np.abs(w).max() <= limit
    # n draws of U(−L, L) all stay below L(1 − ε) with probability (1 − ε)^n ≈ e^(−nε); ε = 20/n makes
    # that e^−20, so a limit drawn too small (or a normal in disguise bounded by chance) shows up.
    assert np.abs(w).max() > limit * (1 - 20.0 / w.size)


def test_normal_ones_are_not_bounded_like_uniform_ones():
    """Normal draws reach well past √3 σ, where a uniform with the same variance stops."""
    w = _draw("glorot_normal", (784, 256))
    sigma = math.sqrt(2.0 / (784 + 256))
    assert np.abs(w).max() > 3 * sigma


@pytest.mark.parametrize("name", [*RANDOM, "zeros"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(name, dtype):
    w = _draw(name, (3, 3, 8, 16), dtype=dtype)
    assert w.dtype == dtype
    assert w.shape == (3, 3, 8, 16)


@pytest.mark.parametrize("name", RANDOM)
def test_the_generator_decides_every_value(name):
    a, b = _draw(name, (256, 10), seed=7), _draw(name, (256, 10), seed=7)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, _draw(name, (256, 10), seed=8))
    # a generator carries on where it left off: the second draw differs from the first
    rng = np.random.default_rng(7)
    first = initializers.get(name)(rng, (256, 10), np.dtype(np.float64))
    np.testing.assert_array_equal(first, a)
    assert not np.array_equal(initializers.get(name)(rng, (256, 10), np.dtype(np.float64)), a)


def test_float32_draw_is_the_float64_draw_rounded():
    a64 = _draw("he_normal", (256, 10), seed=3)
    a32 = _draw("he_normal", (256, 10), seed=3, dtype=np.float32)
    np.testing.assert_array_equal(a32, a64.astype(np.float32))


def test_zeros_are_zeros():
    assert not _draw("zeros", (256, 10)).any()


@pytest.mark.parametrize("alias,canonical", [
    ("xavier", "glorot_uniform"), ("xavier_uniform", "glorot_uniform"), ("xavier_normal", "glorot_normal"),
    ("he", "he_normal"), ("kaiming", "he_normal"), ("lecun", "lecun_normal"),
    ("scaled_normal", "lecun_normal"), ("standard_normal", "normal"),
    ("Glorot-Uniform", "glorot_uniform"), ("HE_UNIFORM", "he_uniform"),
])
def test_aliases_resolve_to_their_initialiser(alias, canonical):
    assert initializers.canonical(alias) == canonical
    assert initializers.get(alias) is initializers.get(canonical)
    np.testing.assert_array_equal(_draw(alias, (256, 10)), _draw(canonical, (256, 10)))


def test_names_are_the_documented_ones():
    assert set(initializers.names()) == {*RANDOM, "zeros"}
    for name in initializers.names():
        assert name in initializers.__doc__


def test_unknown_initialiser_and_settings_are_refused_in_one_line():
    with pytest.raises(ConfigError, match="unknown initializer 'glorot'; choose one of: .*he_normal") as err:
        initializers.get("glorot")
    assert "\n" not in str(err.value)
    with pytest.raises(ConfigError, match="takes no settings"):
        initializers.get("he_normal", gain=2.0)
