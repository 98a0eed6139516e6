import numpy as np
import pytest

from neuronet.errors import ShapeError
from neuronet.metrics import accuracy, confusion_matrix


def test_confusion_matrix_counts_pairs():
    cm = confusion_matrix([0, 1, 1, 2, 2, 2], [0, 2, 1, 2, 0, 2])
    assert cm.tolist() == [[1, 0, 0], [0, 1, 1], [1, 0, 2]]
    assert cm.dtype == np.int64


def test_confusion_matrix_matches_a_loop():
    rng = np.random.default_rng(0)
    t, p = rng.integers(0, 5, 200), rng.integers(0, 5, 200)
    expected = np.zeros((6, 6), dtype=int)
    for a, b in zip(t, p, strict=True):
        expected[a, b] += 1
    cm = confusion_matrix(t, p, n_classes=6)
    assert np.array_equal(cm, expected)
    assert cm.sum() == 200 and np.trace(cm) == np.sum(t == p)


def test_confusion_matrix_accepts_one_hot_and_rejects_bad_labels():
    onehot = np.eye(3)[[0, 2, 1]]
    assert confusion_matrix(onehot, [0, 2, 2]).tolist() == [[1, 0, 0], [0, 0, 1], [0, 0, 1]]
    with pytest.raises(ShapeError, match="n_classes"):
        confusion_matrix([0, 3], [0, 1], n_classes=3)
    with pytest.raises(ShapeError, match="2 labels"):
        confusion_matrix([0, 1], [0, 1, 1])
    with pytest.raises(ShapeError, match="whole-number"):
        confusion_matrix([0.5], [0])
    assert accuracy([0, 1, 2, 2], [0, 1, 1, 2]) == 0.75
