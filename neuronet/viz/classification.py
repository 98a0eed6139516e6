"""How a classifier does on test data: the confusion matrix and the examples it gets wrong."""

from __future__ import annotations

import numpy as np

from .. import imaging
from ..errors import ShapeError
from ..metrics import confusion_matrix
from ._base import class_probabilities, dense_layers, finish, grid_shape, new_figure, split_words


def plot_confusion(y_true, y_pred, n_classes: int | None = None, class_names=None, normalize: bool = False,
                   split: str | None = None, path=None):
    """The confusion matrix as a heat map: rows are the true classes, columns the predictions.

    Every cell is written out (a count, or with ``normalize`` the fraction of that true class), and the
    title gives the overall accuracy; ``split`` (``"test"``, ...) names the data it was measured on.
    """
    split = split_words(split, "plot_confusion")
    cm = confusion_matrix(y_true, y_pred, n_classes)
    k = cm.shape[0]
    names = [str(c) for c in (class_names if class_names is not None else range(k))]
    if len(names) != k:
        raise ShapeError(f"{len(names)} class names for {k} classes")
    rows = cm.sum(axis=1, keepdims=True)
    shown = cm / np.maximum(rows, 1) if normalize else cm
    size = max(4.0, 0.45 * k + 2.2)
    fig = new_figure(size + 0.8, size)
    ax = fig.add_subplot()
    im = ax.imshow(shown, cmap="Blues", vmin=0)
    peak = shown.max() or 1
    for i in range(k):
        for j in range(k):
            text = f"{shown[i, j]:.2f}" if normalize else str(cm[i, j])
            # Zeros fade out and off-diagonal counts stand out in red: the errors are the story.
            dark = shown[i, j] > 0.55 * peak
            box = None
            if cm[i, j] == 0:
                text, colour, weight = "·", "#bbbbbb", "normal"
            elif i != j:
                colour, weight = "#b2182b", "bold"
                # Red on dark blue is unreadable, so a frequent error gets a white patch behind it.
                box = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"} if dark else None
            else:
                colour, weight = ("white" if dark else "black"), "normal"
            ax.text(j, i, text, ha="center", va="center", fontsize=8 if k <= 12 else 6, color=colour,
                    fontweight=weight, bbox=box)
    long_names = max(map(len, names)) > 3    # slant long names so neighbours do not overlap
    ax.set_xticks(range(k), names, rotation=45 if long_names else 0, ha="right" if long_names else "center")
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    total = cm.sum()
    acc = np.trace(cm) / total if total else float("nan")
    on = f" on the {split} set" if split else ""
    ax.set_title(f"Confusion matrix{on}: {np.trace(cm)} of {total} correct ({acc:.1%})")
    fig.colorbar(im, ax=ax, shrink=0.75, label="fraction of true class" if normalize else "examples")
    return finish(fig, path)


def plot_mistakes(net, X, y, class_names=None, image_shape=None, max_images: int = 24,
                  split: str | None = None, path=None):
    """A grid of the misclassified examples, most confident mistakes first.

    Each picture is titled with its true label, the prediction and the network's confidence in that
    (wrong) prediction. ``image_shape`` defaults to a square (8×8 digits, 28×28 MNIST); ``split``
    (``"test"``, ...) names the data the examples come from.
    """
    dense_layers(net, "plot_mistakes")      # only to check that net is a Network
    split = split_words(split, "plot_mistakes")
    X2 = net.check_inputs(X)
    y = np.asarray(y).reshape(-1)
    if len(y) != len(X2):
        raise ShapeError(f"{len(y)} labels for {len(X2)} examples")
    proba = class_probabilities(net, X2)
    pred = proba.argmax(axis=1)
    conf = proba[np.arange(len(pred)), pred]
    wrong = np.flatnonzero(pred != y)
    wrong = wrong[np.argsort(-conf[wrong], kind="stable")][:max_images]
    h, w = imaging.image_shape(X2.shape[1], image_shape)
    name = (lambda c: str(class_names[c])) if class_names is not None else str
    n_wrong = int(np.count_nonzero(pred != y))
    if len(wrong) == 0:
        fig = new_figure(4.0, 1.5)
        these = f"{len(y)} {split} examples" if split else f"{len(y)} examples"
        fig.text(0.5, 0.5, f"no mistakes on these {these}", ha="center", va="center")
        return finish(fig, path)
    rows, cols = grid_shape(len(wrong), max_cols=8)
    fig = new_figure(max(1.45 * cols, 4.5), 1.6 * rows + 0.6)
    axes = fig.subplots(rows, cols, squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if k >= len(wrong):
            continue
        i = wrong[k]
        ax.imshow(X2[i].reshape(h, w), cmap="gray_r", interpolation="nearest")
        ax.set_title(f"true {name(int(y[i]))}\nsaid {name(int(pred[i]))} ({conf[i]:.0%})", fontsize=8,
                     color="#b2182b")
    on = f" on the {split} set" if split else ""
    shown = f"{len(wrong)} shown" if len(wrong) < n_wrong else "all shown"
    fig.suptitle(f"{n_wrong} of {len(y)} misclassified{on}\n({shown}, most confident first; "
                 "%: the network's confidence)", fontsize=10)
    return finish(fig, path)
