"""Settings of the dataset functions are checked at the door: one ConfigError line each, never a raw
ValueError, and never a truthy string read as True."""

import numpy as np
import pytest

from neuronet.datasets import load, read_idx, train_val_split, write_idx
from neuronet.errors import ConfigError

X, Y = np.zeros((10, 2)), np.arange(10) % 2


@pytest.mark.parametrize("options, message", [
    ({"val_fraction": "a"}, "train_val_split: val_fraction must be in (0, 1), got 'a'"),
    ({"val_fraction": "0.5"}, "train_val_split: val_fraction must be in (0, 1), got '0.5'"),
    ({"val_fraction": None}, "train_val_split: val_fraction must be in (0, 1), got None"),
    ({"val_fraction": float("nan")}, "train_val_split: val_fraction must be in (0, 1), got nan"),
    ({"val_size": "a"}, "train_val_split: val_size must be an integer, got 'a'"),
    ({"val_size": "3"}, "train_val_split: val_size must be an integer, got '3'"),
    ({"val_size": 2.5}, "train_val_split: val_size must be an integer, got 2.5"),
    ({"val_size": True}, "train_val_split: val_size must be an integer, got True"),
    ({"seed": -1}, "train_val_split: seed must be a non-negative integer, got -1"),
    ({"seed": "7"}, "train_val_split: seed must be a non-negative integer, got '7'"),
    ({"stratify": "no"}, "train_val_split: stratify must be True or False, got 'no'"),
])
def test_split_settings_are_one_config_error(options, message):
    with pytest.raises(ConfigError) as err:
        train_val_split(X, Y, **options)
    assert str(err.value) == message


def test_split_takes_a_generator_and_numpy_integers():
    (_, _), (_, a) = train_val_split(X, Y, val_size=3, seed=np.random.default_rng(5))
    (_, _), (_, b) = train_val_split(X, Y, val_size=np.int64(3), seed=np.random.default_rng(5))
    assert len(a) == 3 and np.array_equal(a, b)
    (_, _), (_, c) = train_val_split(X, Y, val_fraction=np.float32(0.3), seed=np.int64(5))
    (_, _), (_, d) = train_val_split(X, Y, val_fraction=0.3, seed=5)
    assert np.array_equal(c, d)
    rng = np.random.default_rng(5)   # a Generator is drawn from: two splits with it differ
    first, second = (train_val_split(np.arange(100), np.arange(100), seed=rng)[1][0]
                     for _ in range(2))
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("name, options, message", [
    ("moons", {"flatten": "no"}, "load: flatten must be True or False, got 'no'"),
    ("mnist", {"flatten": 0}, "load: flatten must be True or False, got 0"),
    ("mnist", {"download": "no"}, "load: download must be True or False, got 'no'"),
    ("mnist", {"download": 1}, "load: download must be True or False, got 1"),
    ("mnist", {"progress": "yes"}, "load: progress must be True or False, got 'yes'"),
])
def test_load_flags_are_bools(tmp_path, name, options, message):
    with pytest.raises(ConfigError) as err:
        load(name, data_dir=tmp_path, **options)
    assert str(err.value) == message


@pytest.mark.parametrize("max_bytes, message", [
    ("abc", "read_idx: max_bytes must be a non-negative integer, got 'abc'"),
    (99.9, "read_idx: max_bytes must be a non-negative integer, got 99.9"),
    (100.0, "read_idx: max_bytes must be a non-negative integer, got 100.0"),
    (-1, "read_idx: max_bytes must be a non-negative integer, got -1"),
])
def test_read_idx_max_bytes_is_an_integer(tmp_path, max_bytes, message):
    p = write_idx(tmp_path / "x", np.zeros((10, 10), np.uint8))
    with pytest.raises(ConfigError) as err:
        read_idx(p, max_bytes=max_bytes)
    assert str(err.value) == message
    assert read_idx(p, max_bytes=np.int64(100)).shape == (10, 10)
