"""The story's first three tabs in a real, headless Chromium (fixtures in tests/lab_browser.py): the
neuron's sliders, the perceptron rule's steps and backpropagation's every number, each held against
neuronet computed here, in the test; and their layout at both sizes, fully shown.

Every number the server sends is shown in an element ``.num`` whose ``data-q`` is its place in the
answer (``layers.0.dL_dW.1.2``); the tests read them all and compare each with the library's value
to the four significant digits shown.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from lab_browser import Traffic, layout_problems, open_lab

pytest.importorskip("flask")

import neuronet as nn  # noqa: E402
from neuronet.lab import backprop, rule  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SIZES = [(1280, 800), (800, 600)]


def parse(text: str) -> float:
    return float(text.replace("\u2212", "-").lstrip("+"))


def shown_numbers(page, panel: str) -> dict[str, list[float]]:
    """Every visible server number in the panel: its data-q path and the values shown there."""
    found: dict[str, list[float]] = {}
    for key, text in page.eval_on_selector_all(
            f"#{panel} .num", "(all) => all.filter((e) => e.getClientRects().length > 0)"
                              ".map((e) => [e.dataset.q, e.textContent])"):
        found.setdefault(key, []).append(parse(text))
    return found


def at(tree, key: str):
    """The value at a dotted path (``layers.0.W.1.2``) of nested dicts and lists."""
    for part in key.split("."):
        tree = tree[int(part)] if isinstance(tree, (list, tuple, np.ndarray)) else tree[part]
    return float(tree)


def assert_shown(page, panel: str, expected: dict, digits: int = 4) -> dict:
    """Every number shown in ``panel`` is ``expected``'s at its path, to the digits shown."""
    found = shown_numbers(page, panel)
    assert found, f"no numbers shown in #{panel}"
    for key, values in found.items():
        want = at(expected, key)
        for value in values:
            places = 2 if "gradcheck" in key else digits
            assert value == pytest.approx(want, rel=0.6 * 10 ** (1 - places), abs=1e-300), key
    return found


def settle(page, traffic: Traffic) -> None:
    traffic.settle(page, quiet_ms=250)


# --- A neuron ----------------------------------------------------------------------------------
def library_neuron(kind: str, x, w, bias_or_threshold: float, i: int, dx: float) -> dict:
    """What the neuron tab must show, from neuronet's Perceptron, Neuron and activations (and the
    default softmax below it: z = 2, 1, 0.1)."""
    x, w = np.array(x, dtype=float), np.array(w, dtype=float)
    nudged = x.copy()
    nudged[i] += dx
    if kind == "perceptron":
        p = nn.Perceptron(3, weights=w, threshold=bias_or_threshold)
        out, after, slope = p.predict(x), p.predict(nudged), 0.0
        extra = {"threshold": bias_or_threshold, "flip_at": (bias_or_threshold - w @ x) / w[i]}
    else:
        n = nn.Neuron(w, bias_or_threshold, kind)
        out, after = n(x), n(nudged)
        slope = float(n.activation.derivative(np.array([n.weighted_sum(x)]))[0])
        extra = {"b": bias_or_threshold, "estimate": slope * w[i] * dx}
    z = np.array([[2.0, 1.0, 0.1]])
    softmax = {"exp": np.exp(z[0]), "sum": np.exp(z).sum(), "a": nn.activations.get("softmax")(z)[0]}
    return {"softmax": softmax, "x": x, "w": w, "products": w * x, "sum": w @ x, "z": w @ x + (
        -bias_or_threshold if kind == "perceptron" else bias_or_threshold), "output": out,
        "derivative": slope, **{k: v for k, v in extra.items() if k in ("threshold", "b")},
        "nudge": {"dx": dx, "x": nudged[i], "output": after, "change": after - out,
                  **{k: abs(v) if k == "flip_at" else v for k, v in extra.items()
                     if k in ("flip_at", "estimate")}}}


def test_the_neurons_sliders_show_neuronets_numbers(page, lab_url):
    open_lab(page, lab_url, "neuron")
    traffic = Traffic(page, "/api/neuron")
    w, x = [0.67, 0.93, 0.02], [1.0, 0.0, 1.0]
    found = assert_shown(page, "neuron", library_neuron("perceptron", x, w, 0.7, 0, 0.1))
    assert {"products.0", "sum", "threshold", "output", "nudge.flip_at"} <= set(found)
    assert found["output"] == [0.0, 0.0] and "flips from" in page.inner_text("#neuron-story")
    # A small move of x₁ flips the perceptron: 0.67·1.02 + 0.02 = 0.7034 > 0.7.
    page.fill("#neuron-x0", "1.02")
    settle(page, traffic)
    x[0] = 1.02
    found = assert_shown(page, "neuron", library_neuron("perceptron", x, w, 0.7, 0, 0.1))
    assert found["output"][0] == 1.0 and page.inner_text("#neuron-table tr.result").endswith("1")
    # The keyboard moves a slider one step: w₂ from 0.93 to 0.92.
    page.focus("#neuron-w1")
    page.keyboard.press("ArrowLeft")
    settle(page, traffic)
    w[1] = 0.92
    assert_shown(page, "neuron", library_neuron("perceptron", x, w, 0.7, 0, 0.1))
    # The same neuron made smooth: the threshold 0.7 becomes the bias −0.7.
    page.select_option("#neuron-kind", "sigmoid")
    settle(page, traffic)
    assert page.input_value("#neuron-bias") == "-0.7"
    assert "bias b" in page.inner_text("#neuron-sliders")
    found = assert_shown(page, "neuron", library_neuron("sigmoid", x, w, -0.7, 0, 0.1))
    assert abs(found["nudge.change"][0]) < 0.05 and "small change" in page.inner_text("#neuron-story")
    for kind in ("tanh", "leaky_relu"):
        page.select_option("#neuron-kind", kind)
        page.select_option("#nudge-input", "2")
        page.fill("#nudge-dx", "-0.35")
        settle(page, traffic)
        assert_shown(page, "neuron", library_neuron(kind, x, w, -0.7, 2, -0.35))
    # The curve's dot: this neuron's z is written under the plots.
    assert "z = " in page.inner_text("#neuron-curve-note")


def test_softmax_sliders_show_neuronets_softmax(page, lab_url):
    open_lab(page, lab_url, "neuron")
    traffic = Traffic(page, "/api/neuron/softmax")
    page.click("#softmax-add")
    page.fill("#softmax-z3", "3.5")
    page.fill("#softmax-z0", "-1")
    settle(page, traffic)
    z = np.array([-1.0, 1.0, 0.1, 3.5])
    a = nn.activations.get("softmax")(z[None])[0]
    softmax = {"exp": np.exp(z), "sum": np.exp(z).sum(), "a": a}
    found = assert_shown(page, "softmax-table", {"softmax": softmax})
    assert sorted(k for k in found if k.startswith("softmax.a.")) == [f"softmax.a.{i}" for i in range(4)]
    for _ in range(2):   # down to two outputs, the fewest a softmax has
        page.click("#softmax-remove")
    assert page.is_disabled("#softmax-remove") and page.locator("#softmax-sliders input").count() == 2


# --- The perceptron rule -----------------------------------------------------------------------
def test_each_step_of_the_rule_is_neuronets(page, lab_url):
    open_lab(page, lab_url, "rule")
    steps = list(nn.Perceptron(2).steps(rule.CORNERS, rule.GATES["and"], 20))
    assert page.inner_text("#rule-where").startswith("4 points")
    for k, step in enumerate(steps[:9]):
        page.click("#rule-step")
        before = steps[k - 1] if k else None
        expected = {"steps": {str(k): {"x": step.x, "y": step.target, "predicted": step.predicted,
                                       "error": step.error, "w": step.weights, "b": step.bias}},
                    "lr": 1.0, "start": {"w": [0, 0], "b": 0}}
        if before is not None:
            expected["steps"][str(k - 1)] = {"w": before.weights, "b": before.bias}
        found = assert_shown(page, "rule-update", expected)
        assert f"steps.{k}.w.1" in found and f"steps.{k}.b" in found
        where = f"step {k + 1} of {len(steps)}: pass {step.epoch + 1}"
        assert page.inner_text("#rule-where").startswith(where)
    assert page.inner_text("#rule-message") == ""          # not finished yet: no verdict
    page.click("#rule-end")
    assert page.inner_text("#rule-message").startswith(f"converged in pass {steps[-1].epoch + 1}")
    assert page.is_disabled("#rule-step")


def test_xor_says_it_is_not_separable(page, lab_url):
    open_lab(page, lab_url, "rule")
    traffic = Traffic(page, "/api/perceptron")
    page.select_option("#rule-data", "xor")
    settle(page, traffic)
    page.click("#rule-play")
    page.wait_for_function("document.getElementById('rule-message').textContent !== ''", timeout=20_000)
    message = page.inner_text("#rule-message")
    assert "not linearly separable" in message and "cycle" in message
    assert "w₁ + w₂ + 2b" in page.inner_text("#rule-proof")
    assert page.inner_text("#rule-play") == "Play"


def test_clicked_points_are_sent_and_a_line_through_them_is_judged(page, lab_url):
    open_lab(page, lab_url, "rule")
    traffic = Traffic(page, "/api/perceptron")
    page.select_option("#rule-data", "points")
    assert page.is_visible("#rule-clicks") and "Click on the plane" in page.inner_text("#rule-where")
    box = page.locator("#rule-plane").bounding_box()
    # The plane shows [-0.5, 1.5]² inside a 30-pixel margin on a 380-pixel canvas.
    to_px = (lambda v: 30 + (v + 0.5) / 2 * (380 - 45), lambda v: 380 - 30 - (v + 0.5) / 2 * (380 - 45))
    clicks = [((0.0, 0.0), "0"), ((1.0, 1.0), "0"), ((0.1, 0.9), "1"), ((0.9, 0.1), "1")]   # XOR-like
    for (x, y), label in clicks:
        page.check(f"input[name=rule-class][value='{label}']")
        page.mouse.click(box["x"] + to_px[0](x), box["y"] + to_px[1](y))
        settle(page, traffic)
    sent = json.loads(traffic.bodies[-1])
    np.testing.assert_allclose(sent["points"], [p for p, _ in clicks], atol=0.011)
    assert sent["labels"] == [0, 0, 1, 1]
    page.click("#rule-end")
    assert "not linearly separable" in page.inner_text("#rule-message")
    # A click on a point takes it away; without (1, 1) a line separates the rest.
    page.mouse.click(box["x"] + to_px[0](1.0), box["y"] + to_px[1](1.0))
    settle(page, traffic)
    assert json.loads(traffic.bodies[-1])["labels"] == [0, 1, 1]
    page.click("#rule-end")
    assert page.inner_text("#rule-message").startswith("converged")


# --- Backpropagation ---------------------------------------------------------------------------
def library_backprop(sizes, activation, output, x, target, lr, seed=0, weights=None) -> dict:
    """Every number of the backprop tab, from neuronet's mlp, Network.forward/backward, its loss,
    gradcheck and the SGD rule, computed here."""
    out_activation, loss_name, _ = backprop.OUTPUTS[output]
    net = nn.mlp(sizes, activation=activation, output_activation=out_activation, loss=loss_name, seed=seed,
                 dtype="float64")
    for layer, (W, b) in zip(net.layers, weights or [], strict=False):
        layer.W, layer.b = W, b
    X, Y = np.array([x], dtype=float), np.array([target], dtype=float)
    report = nn.gradcheck(net, X, Y)
    out = net.forward(X, training=True)
    loss, grad = net.loss_and_gradient(out, Y)
    net.backward(grad)
    layers = []
    for i, layer in enumerate(net.layers):
        dz = layer.grads["b"]                                     # one example: dL/db is dL/dz
        layers.append({"W": layer.W.copy(), "b": layer.b.copy(), "z": layer._z[0], "a": layer._a[0],
                       "dL_dz": dz, "dL_dW": layer.grads["W"].copy(), "dL_db": dz,
                       "new_W": layer.W - lr * layer.grads["W"], "new_b": layer.b - lr * dz,
                       "gradcheck": [report.errors[f"{i}.W"], report.errors[f"{i}.b"]]})
    for i, layer in enumerate(layers):
        layer["dL_da"] = (net.loss.gradient(out, Y)[0] if i == len(layers) - 1
                          else layers[i + 1]["dL_dz"] @ layers[i + 1]["W"].T)
    for layer, shown in zip(net.layers, layers, strict=True):
        layer.W, layer.b = shown["new_W"], shown["new_b"]
    loss_after, _ = net.loss_and_gradient(net.forward(X), Y)
    return {"x": x, "target": target, "loss": loss, "loss_after": loss_after, "layers": layers,
            "gradcheck": {"max_error": report.max_error}}


UNTAGGED = """() => [...document.querySelectorAll('#bp-layers td, #bp-net text')]
    .filter((e) => !e.classList.contains('num') && !e.querySelector('.num') && /[0-9]/.test(e.textContent))
    .map((e) => e.textContent)"""


def walk_backprop(page, expected: dict) -> None:
    """Forward through every layer and the loss, back through every layer and the update: at each
    stage, every number on the tab is the library's, and what should be shown by then is."""
    L = len(expected["layers"])
    assert_shown(page, "backprop", expected)
    for stage in range(1, 2 * L + 3):
        page.click("#bp-forward" if stage <= L + 1 else "#bp-back")
        found = assert_shown(page, "backprop", expected)
        if stage <= L:
            assert f"layers.{stage - 1}.a.0" in found and f"layers.{stage - 1}.z.0" in found
        assert ("loss" in found) == (stage >= L + 1)
        assert (f"layers.{L - 1}.dL_dW.0.0" in found) == (stage >= L + 2)
        assert ("layers.0.dL_dz.0" in found) == (stage >= 2 * L + 1)
        assert ("layers.0.new_W.0.0" in found) == ("gradcheck.max_error" in found) == (stage == 2 * L + 2)
    assert page.evaluate(UNTAGGED) == []          # every number in the tables and the diagram is tagged
    assert page.is_disabled("#bp-forward") and page.is_disabled("#bp-back") and page.is_enabled("#bp-next")


def test_backprop_every_number_shown_is_the_librarys(page, lab_url):
    open_lab(page, lab_url, "backprop")
    d = backprop.DEFAULTS
    expected = library_backprop(d["sizes"], d["activation"], d["output"], d["x"], d["target"], d["lr"])
    walk_backprop(page, expected)
    assert "agree" in page.inner_text("#bp-check")
    # Next: the updated weights are the network now, and the walk starts again from them.
    traffic = Traffic(page, "/api/backprop")
    page.click("#bp-next")
    settle(page, traffic)
    weights = [(layer["new_W"], layer["new_b"]) for layer in expected["layers"]]
    second = library_backprop(d["sizes"], d["activation"], d["output"], d["x"], d["target"], d["lr"],
                              weights=weights)
    assert second["loss"] == pytest.approx(expected["loss_after"])
    walk_backprop(page, second)
    assert page.inner_text("#bp-stage").startswith("step 2")


def test_backprop_of_a_deeper_network_with_another_loss(page, lab_url):
    open_lab(page, lab_url, "backprop")
    traffic = Traffic(page, "/api/backprop")
    page.select_option("select[name=output]", "sigmoid_mse")   # first: a softmax needs two outputs
    page.select_option("select[name=activation]", "tanh")
    page.fill("input[name=sizes]", "3, 4, 2, 1")
    page.press("input[name=sizes]", "Tab")
    settle(page, traffic)
    x_fields = page.locator("#bp-x input")
    assert x_fields.count() == 3 and page.locator("#bp-target input").count() == 1
    for k, value in enumerate(["0.3", "-1.2", "2"]):
        x_fields.nth(k).fill(value)
        x_fields.nth(k).press("Tab")
    page.locator("#bp-target input").fill("0.25")
    page.locator("#bp-target input").press("Tab")
    settle(page, traffic)
    body = json.loads(traffic.bodies[-1])
    assert body["x"] == [0.3, -1.2, 2] and body["target"] == [0.25] and "weights" in body
    walk_backprop(page, library_backprop([3, 4, 2, 1], "tanh", "sigmoid_mse", [0.3, -1.2, 2], [0.25], 0.5))


def test_a_bad_backprop_setting_is_one_floating_line(page, lab_url, console):
    open_lab(page, lab_url, "backprop")
    console.allow("status of 400")
    before = page.locator("#bp-net").bounding_box()
    page.fill("input[name=sizes]", "2, 9, 2")
    page.press("input[name=sizes]", "Tab")
    page.wait_for_selector("#error:not([hidden])")
    assert "sizes[1] must be a whole number from 1 to 6" in page.inner_text("#error")
    assert page.locator("#bp-net").bounding_box() == before


# --- the layout, everything shown ---------------------------------------------------------------
@pytest.mark.parametrize("width, height", SIZES)
def test_the_story_tabs_fit_when_everything_is_shown(page, lab_url, width, height):
    page.set_viewport_size({"width": width, "height": height})
    open_lab(page, lab_url, "neuron")
    traffic = Traffic(page, "/api/neuron/softmax")
    for _ in range(3):
        page.click("#softmax-add")
    settle(page, traffic)
    problems = [f"neuron: {p}" for p in layout_problems(page)]
    page.click("button[data-tab=rule]")
    page.select_option("#rule-data", "xor")
    page.wait_for_timeout(300)
    page.click("#rule-end")
    problems += [f"rule: {p}" for p in layout_problems(page)]
    page.click("button[data-tab=backprop]")
    bp = Traffic(page, "/api/backprop")
    page.fill("input[name=sizes]", "6, 6, 6, 6, 6")
    page.press("input[name=sizes]", "Tab")
    settle(page, bp)
    for _ in range(5):
        page.click("#bp-forward")
    for _ in range(5):
        page.click("#bp-back")
    assert page.locator("#bp-layers .bp-card").count() == 4
    problems += [f"backprop: {p}" for p in layout_problems(page)]
    # The diagram clips what falls outside its own box: every label of it must be inside.
    problems += page.evaluate("""() => {
        const box = document.getElementById('bp-net').getBoundingClientRect();
        const out = (r) => r.left < box.left || r.right > box.right || r.top < box.top
          || r.bottom > box.bottom;
        return [...document.querySelectorAll('#bp-net text')].filter((t) => out(t.getBoundingClientRect()))
          .map((t) => `backprop: the diagram cuts off ${t.textContent}`); }""")
    assert problems == []
