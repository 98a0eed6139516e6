"""Lookup order (data_dir > NEURONET_DATA > cache > system), info(), available() and real data."""

import os
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from neuronet.datasets import available, info, load, locate
from neuronet.datasets.idx import write_idx
from neuronet.errors import ConfigError, DataError, DatasetNotFoundError

NAMES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
FASHION = Path(os.environ.get("NEURONET_DATA", "/nonexistent")) / "fashion-mnist"


def make_set(folder: Path, marker: int, gz: bool = True) -> Path:
    """A tiny MNIST-shaped set whose first train label is ``marker`` (to tell copies apart)."""
    folder.mkdir(parents=True, exist_ok=True)
    images = np.full((2, 28, 28), 255, np.uint8)
    labels = np.array([marker, 0], np.uint8)
    for name, a in zip(NAMES, [images, labels, images[:1], labels[:1]], strict=True):
        write_idx(folder / (name if gz else name[:-3]), a)
    return folder


@pytest.fixture
def places(tmp_path, monkeypatch):
    """Four candidate locations, each with its own copy of 'mnist' (marker 1..4)."""
    roots = {k: tmp_path / k for k in ("arg", "env", "xdg", "system")}
    make_set(roots["arg"] / "mnist", 1)
    make_set(roots["env"] / "mnist", 2)
    make_set(roots["xdg"] / "neuronet" / "mnist", 3)
    make_set(roots["system"] / "mnist", 4)
    monkeypatch.setenv("NEURONET_DATA", str(roots["env"]))
    monkeypatch.setenv("XDG_CACHE_HOME", str(roots["xdg"]))
    monkeypatch.setattr(locate, "SYSTEM_DATA_DIR", roots["system"])
    return roots


def first_label(**kwargs):
    (_, y), _ = load("mnist", download=False, **kwargs)
    return int(y[0])


def test_lookup_order(places, monkeypatch):
    assert first_label(data_dir=places["arg"]) == 1
    assert first_label() == 2
    monkeypatch.delenv("NEURONET_DATA")
    assert first_label() == 3
    monkeypatch.setenv("XDG_CACHE_HOME", str(places["arg"] / "elsewhere"))
    assert first_label() == 4
    monkeypatch.setattr(locate, "SYSTEM_DATA_DIR", places["arg"] / "nothing")
    with pytest.raises(DatasetNotFoundError):
        first_label()


def test_data_dir_may_hold_files_directly_and_uncompressed(places, tmp_path):
    make_set(tmp_path / "flat", 7, gz=False)
    assert first_label(data_dir=tmp_path / "flat") == 7


def test_incomplete_folder_is_skipped(places):
    (places["env"] / "mnist" / NAMES[3]).unlink()
    assert first_label() == 3


def test_data_dir_without_files_falls_back(places, tmp_path):
    assert first_label(data_dir=tmp_path / "empty") == 2


def test_cache_defaults_to_home(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert locate.cache_dir("mnist") == tmp_path / ".cache" / "neuronet" / "mnist"


def test_available_reports_where(places, monkeypatch):
    status = {s.name: s for s in available()}
    assert status["mnist"].found and status["mnist"].origin == "NEURONET_DATA"
    assert status["mnist"].path == places["env"] / "mnist"
    assert not status["kmnist"].found and status["kmnist"].origin == "download"
    assert status["spiral"].found and status["spiral"].origin == "generated"
    assert "mnist" in str(status["mnist"])
    assert {s.name for s in available()} >= {"mnist", "fashion-mnist", "kmnist", "digits",
                                             "xor", "circles", "moons", "spiral", "blobs"}


def test_flatten_and_scaling(places):
    (x, y), (xt, yt) = load("mnist", download=False)
    assert x.shape == (2, 784) and x.dtype == np.float32 and y.dtype == np.int64
    assert x.max() == 1.0
    (x, _), _ = load("mnist", download=False, flatten=False)
    assert x.shape == (2, 28, 28)


def test_wrong_shape_or_bad_labels_in_local_file(places):
    folder = places["env"] / "mnist"
    write_idx(folder / NAMES[1], np.array([10, 0], np.uint8))
    with pytest.raises(DataError, match="label 10 out of range"):
        load("mnist", download=False)
    write_idx(folder / NAMES[1], np.array([1, 0, 0], np.uint8))
    with pytest.raises(DataError, match="3 labels for 2 images"):
        load("mnist", download=False)
    write_idx(folder / NAMES[0], np.zeros((2, 27, 28), np.uint8))
    with pytest.raises(DataError, match="shape"):
        load("mnist", download=False)


def test_info_and_unknown_names():
    fashion = info("fashion-mnist")
    assert fashion.class_names == ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
    assert fashion.shape == (28, 28) and fashion.n_classes == 10
    assert [f.name for f in fashion.files] == list(NAMES)
    assert all(f.sha256 and len(f.sha256) == 64 for f in fashion.files)
    with pytest.raises(ConfigError, match="unknown dataset 'nope'"):
        info("nope")
    with pytest.raises(ConfigError, match="unexpected options"):
        load("mnist", colour=True)


def test_registry_matches_shared_sha256sums():
    sums = FASHION / "SHA256SUMS"
    if not sums.exists():
        pytest.skip("Fashion-MNIST SHA256SUMS not found: set NEURONET_DATA")
    listed = dict(reversed(line.split()) for line in sums.read_text().splitlines() if line)
    assert {f.name: f.sha256 for f in info("fashion-mnist").files} == listed


def test_digits():
    pytest.importorskip("sklearn", reason="scikit-learn (neuronet[digits]) not installed")
    (x, y), (xt, yt) = load("digits")
    assert x.shape == (1437, 64) and xt.shape == (360, 64)
    assert x.dtype == np.float32 and y.dtype == np.int64
    assert 0.0 <= x.min() and x.max() == 1.0
    assert set(np.unique(yt)) == set(range(10))
    (x2, y2), _ = load("digits", flatten=False)
    assert x2.shape == (1437, 8, 8)
    np.testing.assert_array_equal(y, y2)  # the split is fixed



@pytest.mark.skipif(
    not (FASHION / NAMES[0]).exists(),
    reason="Fashion-MNIST not found: set NEURONET_DATA to a folder with fashion-mnist/",
)
def test_real_fashion_mnist(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # never touch a real cache
    tracemalloc.start()
    (x, y), (xt, yt) = load("fashion-mnist", download=False)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert x.shape == (60000, 784) and xt.shape == (10000, 784)
    assert x.dtype == np.float32 and xt.dtype == np.float32
    assert y.dtype == np.int64 and y.shape == (60000,) and yt.shape == (10000,)
    assert x.min() == 0.0 and x.max() == 1.0
    assert set(np.unique(y)) == set(range(10)) and set(np.unique(yt)) == set(range(10))
    assert np.bincount(y).tolist() == [6000] * 10
    # Memory: uint8 images + one float32 copy (plus the smaller test set), no float64 copy.
    float32_train = 60000 * 784 * 4
    assert peak < 1.5 * float32_train, peak
