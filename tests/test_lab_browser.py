"""The lab's page in a real, headless Chromium: the digit pad, the playground, the optimisers and the
layout of every tab, against a live lab server (fixtures in tests/lab_browser.py).

Every test here fails if its page logs a console error or throws (see the ``page`` fixture).
"""

from __future__ import annotations

import json
import math
import threading
from contextlib import contextmanager

import numpy as np
import pytest
from lab_browser import Traffic, layout_problems, open_lab

pytest.importorskip("flask")
pytest.importorskip("PIL")

import neuronet as nn  # noqa: E402
from neuronet import surfaces  # noqa: E402
from neuronet.lab import create_app, digit, make_server, playground  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]
#: The sizes every tab must fit: a laptop and a small window.
SIZES = [(1280, 800), (800, 600)]


@pytest.fixture(scope="module")
def lab_model():
    """The lab's own fallback model (the 8x8 digits, about a second), so that drawings are read."""
    pytest.importorskip("sklearn")
    net, _ = digit.train_digits_model(epochs=30)
    return net


def draw(page, points, steps: int = 3) -> None:
    """One stroke through ``points`` (canvas pixels of the 280x280 pad) with the mouse."""
    box = page.locator("#pad").bounding_box()
    page.mouse.move(box["x"] + points[0][0], box["y"] + points[0][1])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(box["x"] + x, box["y"] + y, steps=steps)
    page.mouse.up()


ONE = [(140, 40), (140, 140), (140, 240)]
ZERO = [(140 + 55 * math.sin(t / 16 * math.tau), 140 - 95 * math.cos(t / 16 * math.tau)) for t in range(17)]


def pad_pixels(page) -> np.ndarray:
    """What the pad holds now, read back from the page as the PNG it would send."""
    url = page.evaluate("document.getElementById('pad').toDataURL('image/png')")
    return digit.decode_png(url)


def shown_bars(page) -> list[tuple[str, float, bool]]:
    """The output bars: (class name, shown percentage, is it the top one)."""
    return [(row.locator(".name").inner_text(), float(row.locator("span").last.inner_text().rstrip("%")),
             "top" in row.get_attribute("class")) for row in page.locator("#bars .bar").all()]


@pytest.mark.parametrize("stroke, expected", [(ONE, "1"), (ZERO, "0")])
def test_a_drawn_digit_shows_the_networks_own_prediction(page, lab_url, lab_model, stroke, expected):
    open_lab(page, lab_url, "digit")
    note = page.inner_text("#model-note")   # the 8x8 digits model says it reads drawings poorly
    assert note.startswith("Model: given in Python Note: this model was trained on the 8x8 digits")
    assert page.text_content("#summary") == lab_model.summary()   # in the closed "The model" box
    traffic = Traffic(page, "/api/digit")
    draw(page, stroke)
    traffic.settle(page)
    # The same drawing through the library directly: every bar is its probability, to the 0.1 % shown.
    # On a loaded machine the page may still be sending the stroke's last state when the traffic
    # looks quiet, so the bars get a few seconds to show the whole drawing's answer (they must).
    answer = digit.describe(lab_model, pad_pixels(page))
    for _ in range(50):
        bars = shown_bars(page)
        if np.allclose([p for _, p, _ in bars], 100 * np.array(answer["probabilities"]), atol=0.051):
            break
        page.wait_for_timeout(200)
        traffic.settle(page)
    assert [name for name, _, _ in bars] == answer["classes"]
    np.testing.assert_allclose([p for _, p, _ in bars], 100 * np.array(answer["probabilities"]), atol=0.051)
    assert [name for name, _, top in bars if top] == [answer["classes"][answer["predicted"]]] == [expected]
    # The picture the network saw, painted cell by cell: each cell's grey is the answer's input value.
    picture = np.array(answer["input"])                                     # (8, 8) in [0, 1]
    seen = np.array(page.evaluate("""(side) => {
        const c = document.getElementById('seen'), cell = c.width / side, grey = [];
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let r = 0; r < side; r++) for (let k = 0; k < side; k++) {
          grey.push(d[4 * (Math.floor((r + 0.5) * cell) * c.width + Math.floor((k + 0.5) * cell))]);
        }
        return grey; }""", picture.shape[0])).reshape(picture.shape)
    np.testing.assert_allclose(seen, np.round(255 * picture), atol=1)
    assert picture.max() == 1.0
    first = page.locator("#layers .layer small").first.inner_text()
    assert first.startswith("layer 1: Dense 64\u219232, relu")
    assert page.inner_text("#digit-status") == ""


def test_the_first_touch_sends_nothing_and_errors_never_move_the_pad(page, lab_url, console):
    open_lab(page, lab_url, "digit")
    traffic = Traffic(page, "/api/digit")
    assert page.is_visible("#pad-hint") and page.inner_text("#pad-hint") == "Draw a digit here"
    before = page.locator("#pad").bounding_box()
    box = before
    page.mouse.move(box["x"] + 100, box["y"] + 100)
    page.mouse.down()
    page.wait_for_timeout(300)
    assert traffic.sent == 0                # pen down: nothing is sent yet
    assert not page.is_visible("#pad-hint")   # but the dot is drawn
    # The server refuses the drawing (as it would a drawing with no ink): one line, under the pad.
    console.allow("status of 400")
    page.route("**/api/digit", lambda route: route.fulfill(
        status=400, content_type="application/json",
        body=json.dumps({"error": "no ink: nothing stands out from the background noise, " * 3})))
    page.mouse.move(box["x"] + 160, box["y"] + 200, steps=5)
    page.wait_for_function("document.getElementById('digit-status').textContent.startsWith('no ink')")
    assert page.locator("#pad").bounding_box() == before
    page.mouse.up()
    traffic.settle(page)
    assert page.locator("#pad").bounding_box() == before
    assert traffic.sent >= 1 and not page.is_visible("#error")
    # Clear: the pad says where to draw again, the message goes, and nothing is sent.
    sent = traffic.sent
    page.click("#clear")
    assert page.is_visible("#pad-hint") and page.inner_text("#digit-status") == ""
    page.wait_for_timeout(200)
    assert traffic.sent == sent


def test_a_second_finger_does_not_draw(page, lab_url):
    open_lab(page, lab_url, "digit")
    traffic = Traffic(page, "/api/digit")
    for kind, x in (("pointerdown", 50), ("pointermove", 120), ("pointerup", 120)):
        page.dispatch_event("#pad", kind, {"pointerId": 2, "isPrimary": False, "clientX": x, "clientY": 80,
                                           "bubbles": True})
    page.wait_for_timeout(300)
    assert traffic.sent == 0 and page.is_visible("#pad-hint")
    assert pad_pixels(page).max(axis=(0, 1))[:3].tolist() == [0, 0, 0]   # still all black


def test_the_playground_trains_one_step_at_a_time_and_errors_float_over_it(page, lab_url, console):
    open_lab(page, lab_url, "playground")
    traffic = Traffic(page, "/step")
    assert page.inner_text("#stats").startswith("epoch 0")
    assert page.locator("#settings select[name=dataset] option").count() == len(
        playground.DATASETS) + len(playground.REGRESSION_SETS)
    # Start, Pause and Start again at once, before the first step has returned: still one loop.
    for _ in range(3):
        page.click("#run")
    page.wait_for_timeout(1500)
    page.click("#run")
    traffic.settle(page)
    assert page.inner_text("#run") == "Start"
    assert traffic.most == 1 and traffic.sent >= 2
    epoch = int(page.inner_text("#stats").split()[1])
    assert epoch == 5 * traffic.sent   # five epochs per update, every answer shown
    regions = page.locator("#regions").bounding_box()
    console.allow("status of 400")
    page.fill("input[name=hidden]", "8,999")
    page.press("input[name=hidden]", "Tab")     # leaving the field is its change
    page.wait_for_selector("#error:not([hidden])")
    assert "hidden" in page.inner_text("#error")
    assert page.locator("#regions").bounding_box() == regions   # the message moved nothing
    page.click("#error")
    assert not page.is_visible("#error")


def test_the_optimisers_play_neuronets_paths_from_a_clicked_start(page, lab_url, console):
    open_lab(page, lab_url, "descent")
    page.wait_for_function("document.getElementById('descent-step').textContent === 'step 100 of 100'")
    rows = page.locator("#optimizer-list .optimizer")
    assert rows.count() == len(surfaces.optimizer_names())
    checked = [row.locator("input[type=checkbox]").is_checked() for row in rows.all()]
    assert checked == [True] * 5 + [False]
    results = [row.locator(".result").inner_text() for row in rows.all()]
    assert all(text.startswith("end: ") for text in results[:5]) and results[5] == ""
    # The shown f - f_min at the end of SGD's path is neuronet's, from the same start.
    f = surfaces.get("bowl")
    sgd = surfaces.optimizer_path(surfaces.make_optimizer("sgd", f), f, f.start, f.steps)
    assert float(results[0].split(": ")[1]) == pytest.approx(float(f(sgd[-1:])[0] - f.lowest), rel=1e-3)
    traffic = Traffic(page, "/api/descent/paths")
    page.click("#landscape", position={"x": 2, "y": 2})
    traffic.settle(page)
    page.wait_for_function("document.getElementById('descent-step').textContent === 'step 100 of 100'")
    assert json.loads(traffic.bodies[-1])["start"] == pytest.approx([-4.49, 1.99], abs=0.02)
    assert [row.locator(".result").inner_text() for row in rows.all()] != results
    page.select_option("#surface", "rosenbrock")
    page.wait_for_function("document.getElementById('descent-step').textContent === 'step 500 of 500'")
    assert page.input_value("#descent-steps") == "500"
    rates = [float(row.locator("input[type=number]").input_value()) for row in rows.all()]
    assert rates == [surfaces.Rosenbrock.rates[n] for n in surfaces.optimizer_names()]
    console.allow("status of 400")
    page.fill("#descent-steps", "5000")
    page.press("#descent-steps", "Tab")
    page.wait_for_selector("#error:not([hidden])")
    assert "steps must be a whole number from 1 to 2000" in page.inner_text("#error")


@contextmanager
def serving(net):
    """A second lab server, for a model other than the module's."""
    server = make_server(create_app(net), "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.port}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_conv_models_feature_maps_are_drawn(page):
    net = nn.Network([nn.Conv2D((28, 28, 1), 20, 3, padding="same", activation="relu"),
                      nn.MaxPool2D((28, 28, 20), 2),
                      nn.Conv2D((14, 14, 20), 6, 3, activation="relu"),
                      nn.Dense(12 * 12 * 6, 10, "softmax")], seed=5)
    net.preprocessing = {"image_shape": [28, 28]}
    with serving(net) as url:
        open_lab(page, url, "digit")
        traffic = Traffic(page, "/api/digit")
        draw(page, ONE)
        traffic.settle(page)
        titles = page.locator("#layers .layer small").all_inner_texts()
        assert [t.rsplit(", max ", 1)[0] for t in titles] == [
            "layer 1: Conv2D 20\u00d73\u00d73, relu \u2192 28\u00d728\u00d720 (first 16 of 20 channels)",
            "layer 2: MaxPool2D 2\u00d72 \u2192 14\u00d714\u00d720 (first 16 of 20 channels)",
            "layer 3: Conv2D 6\u00d73\u00d73, relu \u2192 12\u00d712\u00d76"]
        sizes = page.evaluate("""() => [...document.querySelectorAll('#layers .maps')].map(
            (row) => [row.children.length, `${row.children[0].width}x${row.children[0].height}`])""")
        assert sizes == [[16, "56x56"], [16, "56x56"], [6, "48x48"]]
        assert page.locator("#bars .bar").count() == 10


# --- the layout: nothing cut off or sticking out, at a laptop's size and a small window's ------------
def tab_problems(page, tab: str) -> list[str]:
    page.click(f"button[data-tab={tab}]")
    page.wait_for_timeout(100)
    return [f"{tab}: {p}" for p in layout_problems(page)]


@pytest.mark.parametrize("width, height", SIZES)
def test_no_tab_is_cut_off_or_overflows(page, lab_url, width, height):
    page.set_viewport_size({"width": width, "height": height})
    open_lab(page, lab_url)
    tabs = page.eval_on_selector_all("button.tab", "(tabs) => tabs.map((t) => t.dataset.tab)")
    assert "digit" in tabs and "playground" in tabs and "descent" in tabs
    problems = []
    for tab in tabs:
        if tab == "digit":   # with a drawing, so that every layer and bar is on the page
            page.click("button[data-tab=digit]")
            traffic = Traffic(page, "/api/digit")
            draw(page, ZERO)
            traffic.settle(page)
        problems += tab_problems(page, tab)
    assert problems == []


def test_a_tab_can_be_linked_to(page, lab_url):
    open_lab(page, lab_url + "#descent")
    assert page.is_visible("#descent") and not page.is_visible("#digit")
    page.click("button[data-tab=playground]")
    assert page.url.endswith("#playground") and page.is_visible("#playground")



def test_the_layout_check_sees_what_sticks_out_or_is_cut_off(page, lab_url):
    open_lab(page, lab_url, "digit")
    assert layout_problems(page) == []
    page.evaluate("""() => {
        const wide = document.createElement('div'); wide.id = 'too-wide';
        wide.style.cssText = 'width: 3000px; height: 1em';
        const clip = document.createElement('p'); clip.id = 'clipped';
        clip.style.cssText = 'width: 50px; overflow: hidden; white-space: nowrap';
        clip.textContent = 'a line far longer than fifty pixels';
        document.getElementById('digit').append(wide, clip); }""")
    problems = layout_problems(page)
    assert any(p.startswith("the page scrolls sideways") for p in problems)
    assert any(p.startswith("#too-wide sticks out") for p in problems)
    assert any(p.startswith("#clipped cuts its content off") for p in problems)
