"""Generated 2-D sets and the train/validation split."""

import numpy as np
import pytest

from neuronet.datasets import load, train_val_split
from neuronet.datasets.synthetic import GENERATORS, REGRESSION_GENERATORS, make_bumps, make_plane
from neuronet.errors import ConfigError, ShapeError

NAMES = sorted(GENERATORS)


@pytest.mark.parametrize("name", NAMES)
def test_shapes_dtypes_and_balance(name):
    make, _ = GENERATORS[name]
    x, y = make(301, seed=3)
    assert x.shape == (301, 2) and x.dtype == np.float32
    assert y.shape == (301,) and y.dtype == np.int64
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1
    assert np.isfinite(x).all()


@pytest.mark.parametrize("name", NAMES)
def test_seed_reproducible_and_different(name):
    (a, ya), (at, yat) = load(name, seed=5)
    (b, yb), (bt, ybt) = load(name, seed=5)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(yat, ybt)
    (c, _), _ = load(name, seed=6)
    assert not np.array_equal(a, c)
    assert len(a) == 800 and len(at) == 200


@pytest.mark.parametrize("name", ["spiral", "blobs", "circles"])
def test_n_classes(name):
    (x, y), (xt, yt) = load(name, n_classes=7, n_samples=700, seed=0)
    assert set(np.unique(np.concatenate([y, yt]))) == set(range(7))


@pytest.mark.parametrize("name", ["xor", "moons"])
def test_two_class_sets_refuse_n_classes(name):
    with pytest.raises(ConfigError, match="n_classes"):
        load(name, n_classes=3)


def test_noise_zero_gives_exact_geometry():
    from neuronet.datasets.synthetic import make_circles, make_moons, make_xor

    x, y = make_circles(200, noise=0.0, n_classes=2)
    r = np.hypot(x[:, 0], x[:, 1])
    np.testing.assert_allclose(r[y == 0], 0.5, atol=1e-6)
    np.testing.assert_allclose(r[y == 1], 1.0, atol=1e-6)
    x, y = make_xor(200, noise=0.0)
    np.testing.assert_array_equal(y, (np.sign(x[:, 0]) != np.sign(x[:, 1])).astype(np.int64))
    x, y = make_moons(200, noise=0.0)
    np.testing.assert_allclose(np.hypot(x[y == 0, 0], x[y == 0, 1]), 1.0, atol=1e-6)


def test_bad_options():
    with pytest.raises(ConfigError, match="n_samples must be an integer >= n_classes"):
        load("spiral", n_samples=1)
    with pytest.raises(ConfigError, match="noise"):
        load("moons", noise=-1)
    with pytest.raises(ConfigError, match="unexpected options"):
        load("xor", colour="red")
    with pytest.raises(ConfigError, match="test_fraction"):
        load("blobs", test_fraction=1.5)


def data(n=100, k=4):
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n) % k
    return x, y


def test_split_sizes_disjoint_and_complete():
    x, y = data()
    (xt, yt), (xv, yv) = train_val_split(x, y, val_fraction=0.25, seed=1)
    assert len(xv) == 25 and len(xt) == 75
    ids = np.concatenate([xt[:, 0], xv[:, 0]])
    assert sorted(ids.tolist()) == x[:, 0].tolist()
    np.testing.assert_array_equal(yv, (xv[:, 0] // 3).astype(int) % 4)  # pairs stay together
    (_, _), (xv2, _) = train_val_split(x, y, val_size=10, seed=1)
    assert len(xv2) == 10


def test_split_seed():
    x, y = data()
    a = train_val_split(x, y, seed=3)[1][0]
    b = train_val_split(x, y, seed=3)[1][0]
    c = train_val_split(x, y, seed=4)[1][0]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_split_stratified_keeps_proportions():
    y = np.array([0] * 90 + [1] * 10)
    x = np.arange(100, dtype=np.float32)[:, None]
    for seed in range(5):
        (_, yt), (_, yv) = train_val_split(x, y, val_size=20, stratify=True, seed=seed)
        assert np.bincount(yv).tolist() == [18, 2]
        assert np.bincount(yt).tolist() == [72, 8]
    # Uneven shares: still exactly val_size in total.
    y = np.array([0] * 5 + [1] * 5 + [2] * 5)
    (_, _), (_, yv) = train_val_split(np.zeros((15, 1)), y, val_size=4, stratify=True)
    assert len(yv) == 4 and np.bincount(yv, minlength=3).max() == 2


def test_split_errors():
    x, y = data(10)
    with pytest.raises(ConfigError, match="val_fraction must be in"):
        train_val_split(x, y, val_fraction=1.0)
    with pytest.raises(ConfigError, match="must be in 1..9 for 10 samples, got 10"):
        train_val_split(x, y, val_size=10)
    with pytest.raises(ShapeError, match=r"y must have shape \(10,\)"):
        train_val_split(x, y[:5])
    with pytest.raises(ShapeError, match=r"y must have shape \(10,\), got \(10, 2\)"):
        train_val_split(x, np.zeros((10, 2)), stratify=True)


def test_split_of_target_rows_keeps_rows_with_their_samples():
    x = np.arange(20.0).reshape(10, 2)
    (x_tr, y_tr), (x_val, y_val) = train_val_split(x, x * 10, val_size=3, seed=1)
    assert y_tr.shape == (7, 2) and y_val.shape == (3, 2)
    assert np.array_equal(y_tr, x_tr * 10) and np.array_equal(y_val, x_val * 10)


@pytest.mark.parametrize(
    "options, message",
    [
        ({"n_samples": 1000.0}, "n_samples must be an integer"),
        ({"n_samples": "300"}, "n_samples must be an integer"),
        ({"noise": "x"}, "noise must be a finite number"),
        ({"noise": float("nan")}, "noise must be a finite number"),
        ({"seed": -1}, "seed must be an integer >= 0"),
        ({"seed": 1.5}, "seed must be an integer >= 0"),
        ({"n_classes": "3"}, "n_classes must be an integer >= 2"),
        ({"test_fraction": "a"}, "test_fraction must be in"),
    ],
)
def test_badly_typed_options_are_config_errors(options, message):
    # Each of these used to escape as a raw TypeError/ValueError/IndexError from NumPy.
    with pytest.raises(ConfigError, match=message) as err:
        load("blobs", **options)
    assert "\n" not in str(err.value)


def test_blobs_spread_is_checked():
    from neuronet.datasets.synthetic import make_blobs

    with pytest.raises(ConfigError, match="spread must be a finite number"):
        make_blobs(30, spread=float("inf"))


def test_digits_refuses_unknown_options():
    pytest.importorskip("sklearn", reason="scikit-learn (neuronet[digits]) not installed")
    with pytest.raises(ConfigError, match=r"load\('digits'\): unexpected options \['n_samples'\]"):
        load("digits", n_samples=5)
    (_, y3), _ = load("digits", seed=3)
    (_, y0), _ = load("digits")
    assert not np.array_equal(y3, y0)  # seed is passed through to the split


# --- regression sets ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(REGRESSION_GENERATORS))
def test_regression_sets_shapes_seeds_and_bad_settings(name):
    make = REGRESSION_GENERATORS[name]
    x, t = make(250, seed=2)
    assert x.shape == (250, 2) and x.dtype == np.float32 and t.shape == (250,) and t.dtype == np.float32
    assert np.abs(x).max() <= 1 and np.isfinite(t).all()
    again, t_again = make(250, seed=2)
    np.testing.assert_array_equal(x, again)
    np.testing.assert_array_equal(t, t_again)
    assert not np.array_equal(t, make(250, seed=3)[1])
    for bad in ({"n_samples": 0}, {"n_samples": 2.5}, {"noise": -1}, {"noise": float("nan")}, {"seed": -1}):
        with pytest.raises(ConfigError, match=f"{name}: "):
            make(**{"n_samples": 10, **bad})


def test_regression_targets_are_their_formulas():
    x, t = make_plane(200, noise=0.0, seed=1)
    np.testing.assert_allclose(t, (x[:, 0] + x[:, 1]) / 2, atol=1e-6)
    x, t = make_bumps(200, noise=0.0, seed=1)
    centres, signs = np.array([[0.5, 0.5], [-0.5, -0.5], [0.5, -0.5], [-0.5, 0.5]]), [1, 1, -1, -1]
    expected = sum(s * np.exp(-((x - c) ** 2).sum(axis=1) / 0.18)
                   for s, c in zip(signs, centres, strict=True))
    np.testing.assert_allclose(t, expected, atol=1e-5)
    # Up where x and y share a sign, down where they do not.
    assert t[(x[:, 0] > 0.3) & (x[:, 1] > 0.3)].min() > 0 > t[(x[:, 0] > 0.3) & (x[:, 1] < -0.3)].max()
    # The noise is the standard deviation added to the target.
    _, noisy = make_plane(20000, noise=0.2, seed=1)
    x, clean = make_plane(20000, noise=0.0, seed=1)
    assert np.std(noisy - clean) == pytest.approx(0.2, rel=0.03)
