"""Whether a run of `neuronet train` learned anything, and if not, the likely cause, in one line.

Chance level is what a model scores that always answers the most common class: the share of that
class in the test labels, not 1/k (on labels 80 % of one class, 0.8 is no achievement). A run whose
test accuracy stays below that share plus a margin for the test set's size learned nothing that
shows; its history (the training loss per epoch, the training accuracy) says which usual cause it
most likely was.
"""

from __future__ import annotations

import math

import numpy as np


def chance_level(labels) -> tuple[float, float]:
    """(share, bar) for integer class ``labels``: the share of the most common class, which a model
    that always answers that class scores, and the accuracy a model must reach to have learned more:
    the share plus two binomial standard errors, sqrt(share (1 - share) / n), and at least 0.02.

    Below the bar is chance level. Not 1/k: on labels 80 % of one class, 0.8 is no achievement.
    """
    counts = np.bincount(np.asarray(labels, dtype=np.int64).reshape(-1))
    n = int(counts.sum())
    share = float(counts.max()) / n
    return share, share + max(0.02, 2 * math.sqrt(share * (1 - share) / n))


def constant_loss(net, labels) -> float:
    """The loss ``net``'s loss function gives a network that answers every input with the class
    shares of ``labels`` (for cross-entropy, their entropy): where a network that tells the inputs
    apart in no way ends up. NaN when the outputs are not one per class."""
    counts = np.bincount(np.asarray(labels, dtype=np.int64).reshape(-1), minlength=net.n_out)
    if len(counts) != net.n_out:
        return math.nan
    shares = counts / counts.sum()                                  # (n_out,)
    answers = np.tile(shares, (int(counts.sum()), 1))               # (n, n_out)
    return float(net.loss(answers, np.eye(net.n_out)[np.asarray(labels, dtype=np.int64)]))


def chance_note(net, accuracy: float, test_labels, train_labels, history, lr: float) -> str | None:
    """One line saying that ``accuracy`` on the test set is chance level, and the likely cause as
    the run's history tells it; None when the network learned something (or accuracy is undefined).

    The causes, in this order: the training examples were learned but the test set was not (they
    were memorised, or the labels do not follow from the inputs); the last training loss is at most
    5 % above :func:`constant_loss` (nothing in the inputs was found to tell the classes apart: they
    may not, or the learning rate is far off); the training loss rose from one epoch to
    the next by more than 1 % (the learning rate is too high); else it fell too little (the learning
    rate is too low or the epochs too few).
    """
    share, bar = chance_level(test_labels)
    if math.isnan(accuracy) or accuracy >= bar:
        return None
    head = (f"test accuracy {accuracy:.4f} is chance level (the most common class is {share:.1%} of "
            f"the test labels)")
    train_accuracy = history["accuracy"][-1] if history["accuracy"] else math.nan
    if train_accuracy >= chance_level(train_labels)[1]:
        return (f"{head}: the network learned its training examples (accuracy {train_accuracy:.4f}) but "
                f"nothing that holds on the test set; it memorised them, or the labels do not follow "
                f"from the inputs")
    losses = history["loss"]
    constant = constant_loss(net, train_labels)
    if losses[-1] <= 1.05 * constant:
        return (f"{head}: the network found nothing in the inputs that tells the classes apart "
                f"(training loss {losses[-1]:.4g}, against {constant:.4g} for answering every input "
                f"with the class shares); they may not predict the labels, or the learning rate {lr:g} "
                f"is far off: try --lr 10 times smaller and larger")
    rises = [e for e in range(1, len(losses)) if losses[e] > 1.01 * losses[e - 1]]
    if rises:
        e = rises[0]
        return (f"{head}: the training loss rose (epoch {e}: {losses[e - 1]:.4g}, epoch {e + 1}: "
                f"{losses[e]:.4g}), so the learning rate {lr:g} is probably too high; try a smaller --lr")
    if len(losses) == 1:
        return (f"{head}: one epoch (training loss {losses[0]:.4g}) is probably too few, or the learning "
                f"rate {lr:g} too low; try more --epochs or a larger --lr")
    return (f"{head}: the training loss only went from {losses[0]:.4g} to {losses[-1]:.4g} in "
            f"{len(losses)} epochs, so the learning rate {lr:g} is probably too low or the epochs too "
            f"few; try a larger --lr or more --epochs")
