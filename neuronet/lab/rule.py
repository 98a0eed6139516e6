"""The lab's second tab, "The perceptron rule": Rosenblatt's rule one update at a time, on a logic
gate or on points clicked on the page, until it stops, and why it stopped.

Each example seen moves the weights by

    w ← w + η (y − ŷ) x,    b ← b + η (y − ŷ)

(nothing when the prediction ŷ was right). The steps are :meth:`neuronet.neuron.Perceptron.steps`,
recorded as they come; the page plays them, the line w₁x₁ + w₂x₂ + b = 0 moving over the points.
The rule stops after a pass (an epoch) without a mistake, or when it cannot: after the pass limit,
or as soon as the weights at the end of a pass are the same as at the end of an earlier one, since
the rule is deterministic and must then go round that cycle for ever. Whether a line exists at all
is decided exactly, apart from the rule (:func:`separable`: two sets of points in the plane are
separable by a line when their convex hulls do not overlap), so that the page can say honestly why
it stopped. For XOR there is also a four-line proof (:data:`XOR_PROOF`).

Every size is bounded (``LIMITS``: points, passes), so one request costs milliseconds.

>>> answer = run({"gate": "xor"})
>>> answer["converged"], answer["separable"]
(False, False)
"""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError
from ..neuron import Perceptron, PerceptronStep
from .checks import choice, json_object, real, shown, whole

CORNERS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
#: The gates' truth tables over :data:`CORNERS`: (x₁, x₂) = (0, 0), (0, 1), (1, 0), (1, 1).
GATES = {"and": [0, 0, 0, 1], "or": [0, 1, 1, 1], "nand": [1, 1, 1, 0], "xor": [0, 1, 1, 0]}
#: Upper bounds of a request: points, passes over them, |coordinate|, learning rate.
LIMITS = {"points": 40, "epochs": 100, "coordinate": 2.0, "lr": 10.0}
DEFAULTS = {"gate": "and", "lr": 1.0, "epochs": 20}
#: The square the page shows, [x_min, x_max, y_min, y_max]: the gates' corners with room around them.
VIEW = [-0.5, 1.5, -0.5, 1.5]
XOR_PROOF = ("XOR would need b ≤ 0 for (0, 0) → 0, w₂ + b > 0 for (0, 1) → 1, w₁ + b > 0 for (1, 0) → 1 "
             "and w₁ + w₂ + b ≤ 0 for (1, 1) → 0. The middle two add up to w₁ + w₂ + 2b > 0, the "
             "outer two to w₁ + w₂ + 2b ≤ 0: no weights and bias can do both, so no line separates "
             "XOR's classes.")


def choices() -> dict:
    """What the page offers: gates, limits, defaults and the view."""
    return {"gates": list(GATES), "limits": LIMITS, "defaults": DEFAULTS, "view": VIEW}


def _points(body: dict) -> tuple[list[list[float]], list[int], str | None]:
    """(points, labels, gate or None) of a request: a gate's table, or points and labels sent."""
    if "points" not in body and "labels" not in body:
        gate = choice(body.get("gate", DEFAULTS["gate"]), "gate", tuple(GATES))
        return CORNERS, GATES[gate], gate
    if "gate" in body:
        raise ConfigError("send a gate or points and labels, not both")
    points, labels = body.get("points"), body.get("labels")
    most, limit = LIMITS["points"], LIMITS["coordinate"]
    if not isinstance(points, list) or not 1 <= len(points) <= most:
        raise ConfigError(f"points must be a list of 1 to {most} points [x, y], got {shown(points)}")
    checked = []
    for i, point in enumerate(points):
        if not isinstance(point, list) or len(point) != 2:
            raise ConfigError(f"points[{i}] must be a point [x, y], got {shown(point)}")
        checked.append([real(v, f"points[{i}]", -limit, limit) for v in point])
    if not isinstance(labels, list) or len(labels) != len(points):
        raise ConfigError(f"labels must be a list of {len(points)} labels (one per point), 0 or 1; "
                          f"got {shown(labels)}")
    return checked, [whole(v, f"labels[{i}]", 0, 1) for i, v in enumerate(labels)], None


def separable(points, labels) -> bool:
    """Whether a straight line has every point of class 1 strictly on one side and every point of
    class 0 on the other: exactly, for points in the plane, with no training.

    Two finite sets are strictly separable exactly when some direction u puts them in disjoint
    intervals, max over A of a·u < min over B of b·u (or the other way round). If there is one, the
    widest-margin line has one, and its normal is either the difference of two points a − b, one of
    each class (one point touches each margin), or perpendicular to a − a' of two points of one class
    (two touch the same margin). So those finitely many directions settle it.
    """
    X, y = np.asarray(points, dtype=np.float64), np.asarray(labels)
    a, b = X[y == 1], X[y == 0]                                     # (n1, 2), (n0, 2)
    if len(a) == 0 or len(b) == 0:
        return True
    cross = (a[:, None] - b[None]).reshape(-1, 2)                   # (n1 n0, 2)
    within = np.concatenate([(p[:, None] - p[None]).reshape(-1, 2) for p in (a, b)])
    axes = np.concatenate([cross, within[:, ::-1] * [-1.0, 1.0]])  # a − b, and a − a' turned 90°
    axes = axes[np.abs(axes).sum(axis=1) > 0]                       # (m, 2), no zero direction
    if len(axes) == 0:                                              # every point in one place
        return False
    on_a, on_b = a @ axes.T, b @ axes.T                             # (n1, m), (n0, m)
    gap = np.maximum(on_b.min(axis=0) - on_a.max(axis=0), on_a.min(axis=0) - on_b.max(axis=0))
    # Rounding in the products is far below this; a real gap between clicked points is far above.
    tolerance = 1e-9 * (1.0 + np.abs(X).max()) * np.abs(axes).max(axis=1)
    return bool(np.any(gap > tolerance))


def _step_view(step: PerceptronStep) -> dict:
    return {"epoch": step.epoch, "index": step.index, "x": step.x.tolist(), "y": step.target,
            "predicted": step.predicted, "error": step.error, "w": step.weights.tolist(), "b": step.bias}


def _learn(X: np.ndarray, y: np.ndarray, lr: float, epochs: int) -> tuple[list[dict], dict | None]:
    """Every step of the rule from w = 0, b = 0, and the cycle it fell into, if it did: passes are
    counted from 1, and {"from": j, "to": k} says that the weights after pass k are those after pass j
    (0: the start), with mistakes in between."""
    perceptron = Perceptron(2, lr=lr)
    ends = {(*perceptron.weights.tolist(), perceptron.bias): 0}     # weights after each pass
    steps, mistakes = [], 0
    for step in perceptron.steps(X, y, epochs):
        steps.append(_step_view(step))
        mistakes += step.updated
        if step.index == len(X) - 1:
            state = (*step.weights.tolist(), step.bias)
            if mistakes and state in ends:   # the same weights, the same passes again: for ever
                return steps, {"from": ends[state], "to": step.epoch + 1}
            ends.setdefault(state, step.epoch + 1)
            mistakes = 0
    return steps, None


def _message(converged: bool, cycle: dict | None, passes: int, is_separable: bool) -> str:
    """Why the rule stopped, in words that claim no more than is known."""
    if converged:
        return (f"converged in pass {passes}: a whole pass without a mistake, so every point is on its "
                f"own side of the line")
    if cycle is not None:
        since = "at the start" if cycle["from"] == 0 else f"after pass {cycle['from']}"
        stopped = (f"after pass {cycle['to']} the weights are back where they were {since}: the rule "
                   f"would go round that cycle for ever")
    else:
        stopped = f"no separating line after {passes} passes"
    if is_separable:
        return (f"{stopped}; yet a separating line exists (the two classes' convex hulls do not "
                f"overlap), so more passes would find one")
    return (f"{stopped}; these points are not linearly separable: the convex hulls of the two classes "
            f"overlap, so no line has all of one class on one side")


def run(body) -> dict:
    """The answer to ``{"gate": "xor"}`` or ``{"points": [[x, y], ...], "labels": [0, 1, ...]}``,
    with ``"lr"`` (η, default 1) and ``"epochs"`` (the pass limit, default 20), all optional.

    Returns the points, labels and settings, ``start`` {w, b}, ``steps`` (one per example seen:
    epoch, index, x, y, predicted, error, and w and b after it), ``passes`` run, ``converged``,
    ``cycle`` ({from, to} or null), ``separable``, ``message`` and ``proof`` (for XOR, else null).
    """
    body = json_object(body, {"gate", "points", "labels", "lr", "epochs"})
    points, labels, gate = _points(body)
    lr = real(body.get("lr", DEFAULTS["lr"]), "lr", 0, LIMITS["lr"])
    if lr == 0:
        raise ConfigError(f"lr must be a number from 0 to {LIMITS['lr']:g}, above 0; got 0")
    epochs = whole(body.get("epochs", DEFAULTS["epochs"]), "epochs", 1, LIMITS["epochs"])
    X, y = np.array(points, dtype=np.float64), np.array(labels)
    steps, cycle = _learn(X, y, lr, epochs)
    passes = steps[-1]["epoch"] + 1
    converged = cycle is None and not any(s["error"] for s in steps if s["epoch"] == passes - 1)
    is_separable = separable(X, y)
    return {"gate": gate, "points": points, "labels": labels, "lr": lr, "epochs": epochs,
            "start": {"w": [0.0, 0.0], "b": 0.0}, "steps": steps, "passes": passes,
            "converged": converged, "cycle": cycle, "separable": is_separable,
            "message": _message(converged, cycle, passes, is_separable),
            "proof": XOR_PROOF if gate == "xor" else None}
