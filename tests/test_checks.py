"""neuronet.checks: the checks at the doors. Each gives back the value in the type neuronet wants, or
one line that names the value, what was expected and what was given."""

from __future__ import annotations

import numpy as np
import pytest

from neuronet import checks
from neuronet.errors import ConfigError, ShapeError

# --- single values ---------------------------------------------------------------------------------

def test_integers_come_back_as_int_and_bools_are_not_integers():
    value = checks.positive_int(np.int64(3), "epochs")
    assert value == 3 and type(value) is int
    assert checks.is_integer(np.uint8(1)) and not checks.is_integer(True) and not checks.is_integer(2.0)
    assert checks.is_real(np.float32(0.5)) and checks.is_real(3) and not checks.is_real(False)


@pytest.mark.parametrize("call,message", [
    (lambda: checks.positive_int(0, "epochs"), "epochs must be a positive integer, got 0"),
    (lambda: checks.positive_int(True, "epochs"), "epochs must be a positive integer, got True"),
    (lambda: checks.non_negative_int(-1, "patience"), "patience must be a non-negative integer, got -1"),
    (lambda: checks.integer(2.0, "n"), "n must be an integer, got 2.0"),
    (lambda: checks.integer(1, "k", low=2), "k must be an integer >= 2, got 1"),
    (lambda: checks.integer(9, "k", low=0, high=4), "k must be an integer from 0 to 4, got 9"),
    (lambda: checks.integer(9, "k", high=4), "k must be an integer <= 4, got 9"),
    (lambda: checks.positive(0.0, "lr"), "lr must be a positive number, got 0.0"),
    (lambda: checks.positive(float("nan"), "lr"), "lr must be a positive number, got nan"),
    (lambda: checks.positive("0.1", "lr"), "lr must be a positive number, got '0.1'"),
    (lambda: checks.non_negative(-1e-3, "wd"), "wd must be a non-negative number, got -0.001"),
    (lambda: checks.rate(1.0, "dropout"), r"dropout must be a number in \[0, 1\), got 1.0"),
    (lambda: checks.number(5, "x", low=1, high=2, low_open=True), r"x must be a number in \(1, 2\], got 5"),
    (lambda: checks.number(0, "x", low=1), "x must be a number >= 1, got 0"),
    (lambda: checks.number(3, "x", high=2, high_open=True), "x must be a number < 2, got 3"),
    (lambda: checks.number(float("inf"), "x"), "x must be a finite number, got inf"),
    (lambda: checks.flag("no", "shuffle"), "shuffle must be True or False, got 'no'"),
    (lambda: checks.flag(1, "shuffle"), "shuffle must be True or False, got 1"),
    (lambda: checks.one_of("max", "mode", ("min", "auto")), "mode must be one of min, auto; got 'max'"),
    (lambda: checks.seed(-1), "seed must be a non-negative integer, got -1"),
])
def test_each_refusal_is_one_config_error_line(call, message):
    with pytest.raises(ConfigError, match=f"^{message}$"):
        call()


def test_accepted_values_come_back_converted():
    assert checks.number(np.float32(0.5), "x", low=0, high=1) == 0.5
    assert checks.rate(0.0, "dropout") == 0.0
    assert checks.non_negative(0, "wd") == 0.0 and type(checks.non_negative(0, "wd")) is float
    assert checks.flag(np.bool_(True), "shuffle") is True
    assert checks.one_of("min", "mode", ("min", "max")) == "min"
    assert checks.seed(None) is None and checks.seed(np.int32(7)) == 7


def test_shown_keeps_messages_short_even_for_huge_or_deep_values():
    assert checks.shown(np.int64(9)) == "9"
    assert len(checks.shown("x" * 10_000)) <= 60
    deep = []
    for _ in range(5000):
        deep = [deep]
    assert len(checks.shown(deep)) <= 60
    assert "\n" not in checks.shown(np.zeros((50, 50)))


# --- arrays ----------------------------------------------------------------------------------------

def test_inputs_become_contiguous_batches_of_the_dtype():
    X = np.asfortranarray(np.arange(12, dtype=np.int64).reshape(3, 4))
    out = checks.inputs(X, 4, np.dtype(np.float32))
    assert out.dtype == np.float32 and out.flags.c_contiguous and out.shape == (3, 4)
    assert checks.inputs([1, 2, 3, 4], 4, np.dtype(np.float64)).shape == (1, 4)       # one example
    assert checks.inputs(np.zeros((2, 2, 2)), 4, np.dtype(np.float64)).shape == (2, 4)  # images flattened


@pytest.mark.parametrize("X,message", [
    (np.zeros((3, 5)), r"X must have shape \(n, 4\); got \(3, 5\)"),
    (np.zeros((0, 4)), "X is empty"),
    (np.array([["a", "b", "c", "d"]]), "X must be numeric, got dtype <U1"),
    (np.array([[1, 2, np.nan, 4], [1, 2, 3, 4]]), r"X contains NaN or infinity \(first at row 0, column 2\)"),
    (np.array([[1, 2, 3, 4], [1, 1e300, 3, 4]]), r"X\[1, 1\] = 1e\+300 is beyond float32's range .*float64'"),
])
def test_bad_inputs_are_shape_errors_that_say_where(X, message):
    with pytest.raises(ShapeError, match=message):
        checks.inputs(X, 4, np.dtype(np.float32))


def test_the_first_bad_entry_is_found_past_the_first_block():
    X = np.zeros((300_000, 2))
    X[299_999, 1] = np.inf
    with pytest.raises(ShapeError, match=r"first at row 299999, column 1"):
        checks.finite_rows(X, X, "X")


def test_numeric_array_converts_object_arrays_and_refuses_complex_and_text():
    assert checks.numeric_array(np.array([1, 2.5], dtype=object), "w").dtype == np.float64
    with pytest.raises(ShapeError, match="Complex data not supported: w has dtype complex128"):
        checks.numeric_array(np.array([1j]), "w")
    with pytest.raises(ShapeError, match="w must hold numbers"):
        checks.numeric_array(np.array(["a", None], dtype=object), "w")
    with pytest.raises(ShapeError, match="w must be numeric"):
        checks.numeric_array(np.array(["a"]), "w")


def test_labels_become_one_hot_rows_and_one_hot_rows_give_labels():
    rows, labels = checks.targets([2, 0], 2, 3, np.dtype(np.float32))
    assert rows.tolist() == [[0, 0, 1], [1, 0, 0]] and rows.dtype == np.float32
    assert labels.tolist() == [2, 0]
    rows, labels = checks.targets(np.eye(3)[[1, 2]], 2, 3, np.dtype(np.float64))
    assert labels.tolist() == [1, 2]
    rows, labels = checks.targets([[0.2, 0.8]], 1, 2, np.dtype(np.float64))          # soft targets
    assert labels is None and rows.tolist() == [[0.2, 0.8]]
    rows, labels = checks.targets([[2], [0]], 2, 3, np.dtype(np.float64))            # a column of labels
    assert labels.tolist() == [2, 0]


def test_a_single_output_takes_labels_or_a_column_of_targets():
    rows, labels = checks.targets([1, 0, 1], 3, 1, np.dtype(np.float64))
    assert rows.shape == (3, 1) and labels.tolist() == [1, 0, 1]
    rows, labels = checks.targets([[0.5], [1.5]], 2, 1, np.dtype(np.float64))        # regression
    assert labels is None


@pytest.mark.parametrize("y,message", [
    ([0, 1], "y has 2 labels for 3 examples"),
    ([0, 1, 3], r"y has labels from 0 to 3; this network has 3 output\(s\), so labels must be 0..2"),
    ([0, -1, 1], "labels must be 0..2"),
    ([0.0, 1.5, 2.0], "y must hold whole-number class labels"),
    (np.zeros((3, 2)), r"y must be labels of shape \(3,\) or targets of shape \(3, 3\); got \(3, 2\)"),
    (["a", "b", "c"], "y must be numeric labels"),
    (np.full((3, 3), np.nan), "y contains NaN or infinity"),
])
def test_bad_targets_are_shape_errors(y, message):
    with pytest.raises(ShapeError, match=message):
        checks.targets(y, 3, 3, np.dtype(np.float64))


def test_examples_checks_both_and_take_keeps_them_together():
    data = checks.examples(np.arange(8).reshape(4, 2), [0, 1, 1, 0], 2, 2, np.dtype(np.float32))
    assert isinstance(data, checks.Examples)
    part = data.take(np.array([3, 1]))
    assert part.X.tolist() == [[6, 7], [2, 3]] and part.labels.tolist() == [0, 1]
    assert part.targets.tolist() == [[1, 0], [0, 1]]
    with pytest.raises(ShapeError, match=r"^inputs must have shape \(n, 2\)"):
        checks.examples(np.zeros((4, 3)), [0, 1, 1, 0], 2, 2, np.dtype(np.float32),
                        names=("inputs", "labels"))
