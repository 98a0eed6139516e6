"""`neuronet train` says so when a run ends at chance level, with the likely cause, and saves the model.

Chance is the share of the most common class in the test labels (what always answering that class
scores), not 1/k; a run is at chance while its test accuracy is below that share plus two binomial
standard errors (and at least 0.02).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from neuronet import cli, mlp, modelfile
from neuronet.cli.chance import chance_level, chance_note, constant_loss
from neuronet.history import History

pytest.importorskip("sklearn")

BALANCED = np.repeat(np.arange(10), 100)               # 1000 labels, 10 % each
SKEWED = np.array([0] * 800 + [1] * 200)               # 80 % one class


def _history(losses, accuracy=0.1) -> History:
    history = History()
    for loss in losses:
        history.append({"loss": loss, "accuracy": accuracy})
    return history


def _note(accuracy, labels=BALANCED, losses=(2.6, 2.5), train_accuracy=0.1, n_out=10):
    net = mlp([4, 3, n_out], seed=0)
    return chance_note(net, accuracy, labels, labels, _history(losses, train_accuracy), lr=0.01)


def test_chance_is_the_most_common_class_plus_a_margin():
    share, bar = chance_level(BALANCED)
    assert share == 0.1 and bar == pytest.approx(0.12)   # 2 standard errors are 0.019 < 0.02
    share, bar = chance_level(SKEWED)                    # 2 standard errors are 0.025
    assert share == 0.8 and bar == pytest.approx(0.8 + 2 * math.sqrt(0.8 * 0.2 / 1000))
    share, bar = chance_level(SKEWED[::10])              # 100 labels: 0.08
    assert share == 0.8 and bar == pytest.approx(0.88)


@pytest.mark.parametrize("labels", [BALANCED, SKEWED], ids=["balanced", "skewed"])
def test_both_sides_of_the_rule(labels):
    _, bar = chance_level(labels)
    assert _note(bar - 1e-9, labels, n_out=10) is not None     # just below: chance level
    assert _note(bar, labels, n_out=10) is None                # at the bar: it learned something
    assert _note(float("nan"), labels) is None                 # no accuracy to judge


def test_a_skewed_test_set_is_not_judged_by_one_over_k():
    # 0.8 on two classes is far above 1/2, and exactly what always answering "0" scores
    assert "the most common class is 80.0% of the test labels" in _note(0.8, SKEWED, n_out=2)


def test_the_likely_causes():
    assert "too high" in _note(0.1, losses=[2.9, 2.8, 3.0, 2.7])          # rose by more than 1 %
    assert "too high" not in _note(0.1, losses=[2.9, 2.8, 2.82, 2.7])     # by less
    too_low = _note(0.1, losses=[2.69, 2.685, 2.68])
    assert "only went from 2.69 to 2.68 in 3 epochs" in too_low and "too low or the epochs too few" in too_low
    assert "one epoch" in _note(0.1, losses=[2.6])
    memorised = _note(0.1, losses=[2.6, 0.1], train_accuracy=0.99)
    assert "learned its training examples (accuracy 0.9900)" in memorised
    # a loss at what answering the class shares (10 % each) scores: ln 10 for cross-entropy
    assert constant_loss(mlp([4, 3, 10], seed=0), BALANCED) == pytest.approx(math.log(10))
    assert "found nothing in the inputs" in _note(0.1, losses=[2.9, 2.5, 2.35])
    assert "found nothing in the inputs" not in _note(0.1, losses=[2.9, 2.5, 2.45])


def _train(capsys, tmp_path, *argv) -> tuple[str, str]:
    out = tmp_path / "m.npz"
    assert cli.main(["train", *argv, "--no-progress", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "model saved to" in captured.out and modelfile.load(out)   # saved all the same
    warnings = [line for line in captured.err.splitlines() if "warning" in line]
    assert len(warnings) <= 1
    return captured.out, warnings[0] if warnings else ""


def test_a_learning_rate_far_too_high_is_named(tmp_path, capsys):
    _, warning = _train(capsys, tmp_path, "--dataset", "digits", "--optimizer", "sgd", "--lr", "50",
                        "--epochs", "10")
    assert warning.startswith("neuronet: warning: test accuracy 0.")
    assert "is chance level" in warning and "learning rate 50 is probably too high" in warning


def test_a_learning_rate_far_too_low_is_named(tmp_path, capsys):
    _, warning = _train(capsys, tmp_path, "--dataset", "digits", "--optimizer", "sgd", "--lr", "1e-6",
                        "--epochs", "10")
    assert "learning rate 1e-06 is probably too low or the epochs too few" in warning


def _csv(path, X, y):
    header = ",".join([f"x{i}" for i in range(X.shape[1])] + ["label"])
    np.savetxt(path, np.c_[X, y], delimiter=",", header=header, comments="", fmt="%.4f")
    return str(path)


def test_labels_the_inputs_do_not_predict(tmp_path, capsys):
    rng = np.random.default_rng(0)
    noise = _csv(tmp_path / "noise.csv", rng.normal(size=(500, 2)), rng.random(500) < 0.2)
    _, warning = _train(capsys, tmp_path, "--dataset", noise, "--epochs", "20", "--layers", "4")
    assert "of the test labels" in warning and "found nothing in the inputs" in warning
    many = _csv(tmp_path / "many.csv", rng.normal(size=(300, 20)), rng.integers(0, 3, 300))
    # 20 inputs and 240 training examples: enough to learn them by heart
    _, warning = _train(capsys, tmp_path, "--dataset", many, "--epochs", "60")
    assert "learned its training examples" in warning


def test_a_run_that_learned_says_nothing(tmp_path, capsys):
    out, warning = _train(capsys, tmp_path, "--dataset", "digits", "--epochs", "5")
    assert warning == "" and float(out.split("test accuracy: ")[1].split()[0]) > 0.5
