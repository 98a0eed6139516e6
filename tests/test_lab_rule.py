"""The lab's "The perceptron rule" tab (neuronet/lab/rule.py): its steps are neuronet's Perceptron
rule, its verdict on separability is exact (held against a linear program), and its limits hold."""

from __future__ import annotations

import fuzzcount
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_lab import FUZZ, assert_error, fuzzed, json_values, strict_json

pytest.importorskip("flask")

import neuronet as nn  # noqa: E402
from neuronet.lab import rule  # noqa: E402


def library_steps(points, labels, lr, epochs) -> list:
    """neuronet's own rule from w = 0, b = 0: (epoch, index, predicted, w, b) per example seen."""
    p = nn.Perceptron(2, lr=lr)
    steps = p.steps(points, labels, epochs)
    return [(s.epoch, s.index, s.predicted, s.weights.tolist(), s.bias) for s in steps]


def shown_steps(answer) -> list:
    return [(s["epoch"], s["index"], s["predicted"], s["w"], s["b"]) for s in answer["steps"]]


@pytest.mark.parametrize("gate", ["and", "or", "nand"])
@pytest.mark.parametrize("lr", [1.0, 0.25])
def test_separable_gates_converge_with_neuronets_own_steps(client, gate, lr):
    answer = strict_json(client.post("/api/perceptron", json={"gate": gate, "lr": lr}))
    assert answer["points"] == rule.CORNERS and answer["labels"] == rule.GATES[gate]
    assert shown_steps(answer) == library_steps(rule.CORNERS, rule.GATES[gate], lr, 20)
    for s in answer["steps"]:
        assert s["error"] == s["y"] - s["predicted"] and s["x"] == rule.CORNERS[s["index"]]
    assert answer["converged"] and answer["separable"] and answer["cycle"] is None
    assert answer["message"].startswith(f"converged in pass {answer['passes']}")
    assert answer["proof"] is None and answer["start"] == {"w": [0.0, 0.0], "b": 0.0}
    # The last weights separate the gate: the library's perceptron with them predicts its table.
    last = answer["steps"][-1]
    p = nn.Perceptron(2, weights=last["w"], threshold=-last["b"])
    assert p.predict(rule.CORNERS).tolist() == rule.GATES[gate]


def test_xor_goes_round_a_cycle_and_is_proved_not_separable(client):
    answer = strict_json(client.post("/api/perceptron", json={"gate": "xor"}))
    assert not answer["converged"] and not answer["separable"]
    assert answer["cycle"] == {"from": 2, "to": 3} and answer["passes"] == 3
    steps = library_steps(rule.CORNERS, rule.GATES["xor"], 1.0, 20)
    assert shown_steps(answer) == steps[:12]
    # The claim is true: the weights after pass 3 are those after pass 2, with mistakes between.
    assert steps[7][3:] == steps[11][3:]
    assert any(s[2] != y for s, y in zip(steps[8:12], [0, 1, 1, 0], strict=True))
    assert "back where they were after pass 2" in answer["message"]
    assert "not linearly separable" in answer["message"] and "w₁ + w₂ + 2b" in answer["proof"]


def test_non_separable_points_without_a_cycle_stop_at_the_limit_and_say_why(client):
    # Class 1 between two points of class 0, and float steps that never repeat exactly: the limit
    # stops the rule, and the geometry says why.
    body = {"points": [[0.1, 0.13], [0.9, 0.87], [0.52, 0.49], [0.2, 0.8]], "labels": [0, 0, 1, 1],
            "lr": 0.37, "epochs": 30}
    answer = strict_json(client.post("/api/perceptron", json=body))
    assert answer["cycle"] is None and answer["passes"] == 30 and not answer["converged"]
    assert answer["message"].startswith("no separating line after 30 passes; these points are not "
                                        "linearly separable")
    assert shown_steps(answer) == library_steps(body["points"], body["labels"], 0.37, 30)
    assert answer["gate"] is None and answer["proof"] is None


def test_a_separable_set_cut_short_says_a_line_exists(client):
    body = {"points": [[0, 0], [1, 1], [0.48, 0.5], [0.2, 0.9]], "labels": [0, 0, 1, 1], "epochs": 1}
    answer = strict_json(client.post("/api/perceptron", json=body))
    assert not answer["converged"] and answer["separable"]
    assert "no separating line after 1 passes; yet a separating line exists" in answer["message"]
    longer = strict_json(client.post("/api/perceptron", json={**body, "epochs": 100}))
    assert longer["converged"]


def lp_separable(X: np.ndarray, y: np.ndarray) -> bool:
    """The oracle: a linear program finds w, b with (2y − 1)(w·x + b) ≥ 1 for every point, or not."""
    linprog = pytest.importorskip("scipy.optimize").linprog
    s = 2.0 * y - 1.0
    A = -s[:, None] * np.column_stack([X, np.ones(len(X))])         # −s (w·x + b) ≤ −1
    result = linprog(np.zeros(3), A_ub=A, b_ub=-np.ones(len(X)), bounds=[(None, None)] * 3,
                     method="highs")
    return result.status == 0


@settings(max_examples=300, deadline=None, derandomize=True)
@given(data=st.data())
def test_separable_agrees_with_a_linear_program(data):
    n = data.draw(st.integers(2, 12))
    # Small integer grids: collinear points, duplicates and touching hulls come up often.
    grid = data.draw(st.sampled_from([2, 3, 5]))
    X = np.array(data.draw(st.lists(st.tuples(st.integers(0, grid), st.integers(0, grid)),
                                    min_size=n, max_size=n)), dtype=float) / grid
    y = np.array(data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    assert rule.separable(X, y) == lp_separable(X, y), (X.tolist(), y.tolist())
    fuzzcount.record("separability against a linear program")


def test_separable_on_the_gates_and_edge_cases():
    verdicts = [rule.separable(rule.CORNERS, labels) for labels in rule.GATES.values()]
    assert verdicts == [True, True, True, False]
    assert rule.separable([[0, 0], [1, 1]], [1, 1])                  # one class: any line
    assert not rule.separable([[0.3, 0.3], [0.3, 0.3]], [0, 1])       # one place, two labels
    assert not rule.separable([[0, 0], [2, 0], [1, 0]], [0, 0, 1])     # in between on one line
    assert rule.separable([[0, 0], [1, 0], [2, 0]], [0, 0, 1])


@pytest.mark.parametrize("body, match", [
    ({"gate": "xnor"}, "gate must be one of and, or, nand, xor"),
    ({"gate": "xor", "points": [[0, 0]], "labels": [0]}, "not both"),
    ({"points": [[0, 0]] * 41, "labels": [0] * 41}, "1 to 40 points"),
    ({"points": [], "labels": []}, "1 to 40 points"),
    ({"points": [[0, 0, 0]], "labels": [0]}, "points[0] must be a point"),
    ({"points": [[0, 2.5]], "labels": [0]}, "points[0] must be a number from -2 to 2"),
    ({"points": [[0, 0]], "labels": [2]}, "labels[0] must be a whole number from 0 to 1"),
    ({"points": [[0, 0]], "labels": [0, 1]}, "one per point"),
    ({"points": [[0, 0]]}, "labels must be"),
    ({"labels": [0]}, "points must be"),
    ({"lr": 0}, "above 0"), ({"lr": 11}, "lr must be a number from 0 to 10"), ({"lr": "1"}, "lr"),
    ({"epochs": 0}, "epochs must be a whole number from 1 to 100"), ({"epochs": 101}, "epochs"),
    ({"epochs": 5.5}, "epochs"), ({"w": [1, 1]}, "unknown field(s): 'w'"),
])
def test_bad_perceptron_requests_are_one_line_400s(client, body, match):
    assert_error(client.post("/api/perceptron", json=body), match=match)


def test_the_largest_request_is_small_and_quick(client):
    rng = np.random.default_rng(0)
    points = np.round(rng.uniform(-0.5, 1.5, (40, 2)), 2).tolist()
    body = {"points": points, "labels": rng.integers(0, 2, 40).tolist(), "epochs": 100, "lr": 0.37}
    response = client.post("/api/perceptron", json=body)
    answer = strict_json(response)
    assert len(answer["steps"]) <= 4000 and len(response.data) < 1_000_000


def test_info_lists_the_rule_tab(client):
    info = client.get("/api/info").get_json()["rule"]
    assert info["gates"] == ["and", "or", "nand", "xor"] and info["limits"]["points"] == 40
    assert info["view"] == rule.VIEW and info["defaults"]["gate"] == "and"


# --- fuzzing ------------------------------------------------------------------------------------
# Mostly what the page sends (a gate, or clicked points inside the view, and settings in range),
# some just outside a limit, a few of anything at all.
coordinates = st.integers(0, 29).flatmap(
    lambda k: st.floats(-2.5, 2.5) | st.integers(-3, 3) if k == 0 else st.floats(-0.5, 1.5))
point_bodies = st.one_of(
    st.fixed_dictionaries({"gate": st.sampled_from([*rule.GATES, "XOR", "xnor"])},
                          optional={"lr": st.floats(-1, 12), "epochs": st.integers(-1, 102)}),
    st.sampled_from([0, 1, 2, 3, 4, 6, 9, 15, 25, 40, 41]).flatmap(lambda n: st.fixed_dictionaries(
        {"points": st.lists(st.lists(coordinates, min_size=2, max_size=2), min_size=n, max_size=n),
         "labels": st.lists(st.integers(0, 1), min_size=n, max_size=n)},
        optional={"lr": st.floats(0.01, 3), "epochs": st.integers(1, 30)})),
    st.fixed_dictionaries({}, optional={"points": json_values, "labels": json_values, "gate": json_values,
                                        "lr": json_values}))


@FUZZ
@given(body=point_bodies)
def test_fuzz_perceptron(client, body):
    data = fuzzed(client, "/api/perceptron", body, rule.run)
    if data is not None:
        assert shown_steps(data) == [tuple(s) for s in library_steps(
            data["points"], data["labels"], data["lr"], data["epochs"])][:len(data["steps"])]
        assert data["separable"] == rule.separable(data["points"], data["labels"])
        assert not data["converged"] or data["separable"]   # never converged on an inseparable set
        fuzzcount.record("lab perceptron answers checked")
