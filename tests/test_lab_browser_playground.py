"""The playground and the digit tab's training in a real, headless Chromium, against a live lab
(fixtures in tests/lab_browser.py): unit maps that move, hover numbers, the test loss, links that
reopen the same run, an uploaded CSV, the downloaded script and model, and digits trained live.

Every test here fails if its page logs a console error or throws (see the ``page`` fixture).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from lab_browser import layout_problems, open_lab

pytest.importorskip("flask")
pytest.importorskip("sklearn")

import neuronet as nn  # noqa: E402
from neuronet.lab import create_app, digit, make_server  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).resolve().parent.parent
SIZES = [(1280, 800), (800, 600)]


@pytest.fixture(scope="module")
def lab():
    """(app, base URL) of a live lab whose digit tab starts with an untrained 8x8 model."""
    net = nn.mlp([64, 16, 10], activation="relu", seed=3)
    net.preprocessing = {"image_shape": [8, 8], "framing": "digit"}
    app = create_app(net)
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.port}/"
    finally:
        for job in list(app.extensions["neuronet_lab"]["jobs"]._items.values()):
            job.stop()
            job.thread.join(timeout=30)
        server.shutdown()
        server.server_close()


def ready(page) -> None:
    """Wait until the playground shows an untrained network (epoch 0) with its units built."""
    page.wait_for_function("document.getElementById('stats').textContent.startsWith('epoch 0')")
    page.wait_for_selector("#network canvas.unit")


def open_playground(page, url: str, query: str = "") -> None:
    open_lab(page, f"{url}{query}#playground")
    ready(page)


def step(page) -> dict:
    """Press Step; the server's answer, once the page has drawn it."""
    before = page.inner_text("#stats")
    with page.expect_response(lambda r: r.url.endswith("/step")) as answer:
        page.click("#step")
    page.wait_for_function("(before) => document.getElementById('stats').textContent !== before", arg=before)
    return answer.value.json()


def unit_pixels(page, column: int, unit: int) -> list[int]:
    return page.evaluate("""([c, u]) => {
        const canvas = document.querySelector(`#network canvas.unit[data-column="${c}"][data-unit="${u}"]`);
        return [...canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data]; }""",
                         [column, unit])


def shown_number(text: str, name: str) -> float:
    """The number after ``name`` in a line of the page (its minus sign is U+2212)."""
    return float(re.search(rf"{name} ([\u2212\-0-9.e+]+)", text)[1].replace("\u2212", "-"))


def test_unit_maps_are_drawn_and_move_while_it_trains(page, lab):
    _, url = lab
    open_playground(page, url, "?dataset=circles&hidden=6,4&features=x,y,x2&seed=1")
    assert page.locator("#network canvas.unit").count() == 3 + 6 + 4 + 3
    assert page.locator('#network canvas.unit[data-column="0"]').count() == 3
    before = {(c, u): unit_pixels(page, c, u) for c, u in ((0, 2), (1, 0), (2, 3), (3, 1))}
    assert len(set(before[(1, 0)][0::4])) > 1   # a map, not a flat square
    for _ in range(3):
        step(page)
    after = {key: unit_pixels(page, *key) for key in before}
    assert after[(0, 2)] == before[(0, 2)]          # a feature (x²) does not train
    assert all(after[key] != before[key] for key in before if key[0] > 0)   # every unit behind it does


def test_hovering_a_unit_or_a_weight_shows_its_numbers(page, lab):
    _, url = lab
    open_playground(page, url, "?dataset=moons&features=x&hidden=3&seed=2")
    state = step(page)
    page.hover('#network canvas.unit[data-column="1"][data-unit="2"]')
    tip = page.inner_text("#network-tip")
    assert tip.startswith("hidden 1 \u00b7 unit 3") and "tanh(z)" in tip
    assert shown_number(tip, "b =") == pytest.approx(state["weights"][0]["b"][2], abs=1e-4)
    # The edge from the one feature to the second hidden unit, at its middle (the chord's middle).
    ends = page.evaluate("""() => {
        const box = (c, u) => document.querySelector(
            `#network canvas.unit[data-column="${c}"][data-unit="${u}"]`).getBoundingClientRect();
        const a = box(0, 0), b = box(1, 1);
        return [a.right, (a.top + a.bottom) / 2, b.left, (b.top + b.bottom) / 2]; }""")
    page.mouse.move((ends[0] + ends[2]) / 2, (ends[1] + ends[3]) / 2)
    tip = page.inner_text("#network-tip")
    assert tip.startswith("weight from feature x to hidden 1 \u00b7 unit 2")
    assert shown_number(tip, "w =") == pytest.approx(state["weights"][0]["W"][0][1], abs=1e-4)


def test_the_test_loss_falls_and_is_charted(page, lab):
    _, url = lab
    open_playground(page, url, "?dataset=moons&noise=0.2&n_samples=300&test_fraction=0.3&hidden=8&lr=0.03")
    first = shown_number(page.inner_text("#stats"), "test loss")
    page.click("#run")
    page.wait_for_function("parseInt(document.getElementById('stats').textContent.split(' ')[1]) >= 100")
    page.click("#run")
    page.wait_for_timeout(300)
    stats = page.inner_text("#stats")
    assert shown_number(stats, "test loss") < 0.5 * first
    assert float(re.search(r"test loss .* accuracy ([0-9.]+)%", stats)[1]) > 90
    # Both curves are on the chart: blue (train) and orange (test) pixels.
    colours = page.evaluate("""() => {
        const c = document.getElementById('curve');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let blue = 0, orange = 0;
        for (let i = 0; i < d.length; i += 4) {
          if (d[i] < 80 && d[i + 2] > 150) blue++;
          if (d[i] > 200 && d[i + 1] > 100 && d[i + 1] < 160 && d[i + 2] < 90) orange++;
        }
        return [blue, orange]; }""")
    assert min(colours) > 50, colours


def test_a_copied_link_reopens_the_same_setting_and_the_same_first_steps(page, lab, browser):
    _, url = lab
    open_playground(page, url)
    page.select_option("#settings select[name=dataset]", "xor")
    ready(page)
    changes = (("hidden", "5,3"), ("seed", "7"), ("dropout", "0.1"), ("lr", "0.03"), ("l2", "0.001"))
    for name, value in changes:
        page.fill(f"#settings input[name={name}]", value)
        page.press(f"#settings input[name={name}]", "Tab")
        ready(page)
    page.check("#settings input[name=features][value=xy]")
    ready(page)
    page.click("#copy-link")
    link = page.input_value("#share-link")
    assert "dataset=xor" in link and "features=x,y,xy" in link and "seed=7" in link
    assert link.endswith("#playground")
    assert page.url == link   # the address says the same
    first = [step(page) for _ in range(3)]
    shown = page.inner_text("#stats")
    other = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    try:
        other.goto(link)
        other.wait_for_function("document.body.dataset.ready === 'yes'")
        ready(other)
        assert other.is_visible("#playground")
        for name, value in (("dataset", "xor"), ("hidden", "5,3"), ("seed", "7"), ("dropout", "0.1")):
            assert other.input_value(f"#settings [name={name}]") == value
        again = [step(other) for _ in range(3)]
        assert other.inner_text("#stats") == shown
        assert [a["loss"] for a in again] == [f["loss"] for f in first]
        assert again[-1]["weights"] == first[-1]["weights"]
    finally:
        other.context.close()


def test_a_lessons_link_hides_the_settings(page, lab):
    _, url = lab
    open_playground(page, url, "?dataset=spiral&hidden=4")
    page.check("#lesson")
    link = page.input_value("#share-link")
    assert "controls=hidden" in link
    page.goto("about:blank")   # the link is the address already: load it afresh
    open_lab(page, link)
    ready(page)
    assert not page.is_visible("#settings") and page.is_visible("#lesson-note")
    assert page.is_visible("#run") and page.is_checked("#lesson")
    page.click("#show-controls")
    assert page.is_visible("#settings")


def test_an_uploaded_csv_trains(page, lab, tmp_path):
    _, url = lab
    rng = np.random.default_rng(0)
    points = np.concatenate([rng.normal([-1, -1], 0.4, (60, 2)), rng.normal([1, 1], 0.4, (60, 2))])
    rows = [f"{a:.4f},{b:.4f},{'left' if k < 60 else 'right'}" for k, (a, b) in enumerate(points)]
    (tmp_path / "two blobs.csv").write_text("x,y,side\n" + "\n".join(rows) + "\n")
    open_playground(page, url)
    with page.expect_response(lambda r: r.url.endswith("/api/playground")):
        page.set_input_files("#csv-file", str(tmp_path / "two blobs.csv"))
    ready(page)
    assert page.input_value("#settings select[name=dataset]") == "csv"
    option = page.locator("#settings select[name=dataset] option[value=csv]").inner_text()
    assert option == "your CSV: two blobs.csv (120 points, 2 classes)"
    assert "dataset=csv" in page.input_value("#share-link") and "upload=" in page.input_value("#share-link")
    for _ in range(4):
        state = step(page)
    assert state["accuracy"] > 0.95 and state["test_accuracy"] > 0.9
    assert shown_number(page.inner_text("#stats"), "train loss") < 0.3


def test_the_downloaded_code_runs_and_reaches_what_the_page_showed(page, lab, tmp_path):
    _, url = lab
    open_playground(page, url, "?dataset=spiral&hidden=8,8&features=x,y,sinx,siny&seed=4&dropout=0.05")
    page.select_option("#speed", "25")
    for _ in range(4):
        step(page)
    stats = page.inner_text("#stats")
    with page.expect_download() as code:
        page.click("#download-code")
    with page.expect_download() as model:
        page.click("#download-model")
    assert code.value.suggested_filename == "playground.py"
    assert model.value.suggested_filename == "playground.npz"
    code.value.save_as(tmp_path / "playground.py")
    model.value.save_as(tmp_path / "downloaded.npz")
    done = subprocess.run([sys.executable, "playground.py"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    # Seeded identically, the script's run is the page's: the same numbers, to the digits shown (the
    # page rounds half up, Python half to even: hence half a unit of the last digit shown), and the
    # very same weights.
    printed = {m[1]: (float(m[2]), float(m[3])) for m in re.finditer(
        r"^(training|test): loss ([0-9.]+), accuracy ([0-9.]+) after 100 epochs", done.stdout, re.M)}
    assert set(printed) == {"training", "test"} and stats.startswith("epoch 100")
    accuracy = float(re.search(r"test loss .* accuracy ([0-9.]+)%", stats)[1])
    assert accuracy == pytest.approx(100 * printed["test"][1], abs=0.05 + 1e-9)
    assert shown_number(stats, "test loss") == pytest.approx(printed["test"][0], rel=5e-4)
    assert shown_number(stats, "train loss") == pytest.approx(printed["training"][0], rel=5e-4)
    ours, theirs = nn.load(tmp_path / "downloaded.npz"), nn.load(tmp_path / "playground.npz")
    for name, value in ours.get_weights().items():
        np.testing.assert_array_equal(theirs.get_weights()[name], value)


def test_digits_trained_from_the_page_are_what_the_pad_then_reads(page, lab):
    app, url = lab
    open_lab(page, url, "digit")
    page.select_option("select[name=job_dataset]", "digits")
    page.fill("input[name=job_epochs]", "8")
    page.fill("input[name=job_hidden]", "24")
    with page.expect_response(lambda r: r.url.endswith("/api/digit/jobs")) as started:
        page.click("#train")
    key = started.value.json()["id"]
    page.wait_for_function("document.getElementById('train-status').textContent.startsWith('Done')",
                           timeout=60_000)
    assert page.locator("#first-weights canvas").count() == 24
    assert page.inner_text("#model-note").startswith("Model: trained here on digits (8 epochs")
    stats = page.inner_text("#train-stats")
    job = app.extensions["neuronet_lab"]["jobs"].get(key)
    assert f"test accuracy {100 * job.history['val_accuracy'][-1]:.1f}%" in stats
    # Draw a "1": the bars are the trained network's own probabilities for what the pad holds.
    box = page.locator("#pad").bounding_box()
    page.mouse.move(box["x"] + 140, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + 140, box["y"] + 240, steps=6)
    page.mouse.up()
    page.wait_for_selector("#bars .bar")
    page.wait_for_timeout(500)
    pixels = digit.decode_png(page.evaluate("document.getElementById('pad').toDataURL('image/png')"))
    answer = digit.describe(job.trained(), pixels)
    shown = [float(row.locator("span").last.inner_text().rstrip("%"))
             for row in page.locator("#bars .bar").all()]
    np.testing.assert_allclose(shown, 100 * np.array(answer["probabilities"]), atol=0.051)
    page.click("#original-model")
    page.wait_for_function("document.getElementById('model-note').textContent === 'Model: given in Python'")


def test_stop_ends_a_long_training(page, lab):
    _, url = lab
    open_lab(page, url, "digit")
    page.select_option("select[name=job_dataset]", "digits")
    for name, value in (("epochs", "50"), ("batch_size", "1"), ("examples", "1000")):
        page.fill(f"input[name=job_{name}]", value)
    page.click("#train")
    page.wait_for_function("/batch [0-9]{2,}/.test(document.getElementById('train-stats').textContent)")
    assert page.is_disabled("#train") and page.is_enabled("#stop")
    page.click("#stop")
    page.wait_for_function("document.getElementById('train-status').textContent.startsWith('Stopped')",
                           timeout=60_000)
    assert "stopped from the page" in page.inner_text("#train-status")
    assert int(re.search(r"epoch (\d+) of 50", page.inner_text("#train-stats"))[1]) < 50
    assert page.is_enabled("#train")


@pytest.mark.parametrize("width, height", SIZES)
def test_the_largest_playground_and_a_trained_digit_tab_fit(page, lab, width, height):
    _, url = lab
    page.set_viewport_size({"width": width, "height": height})
    open_playground(page, url, "?dataset=blobs&n_classes=8&hidden=64,64,64,64&features=x,y,x2,y2,xy,sinx,siny"
                               "&n_samples=1000&batch_size=100")
    step(page)
    assert layout_problems(page) == []
    page.click("button[data-tab=digit]")
    page.select_option("select[name=job_dataset]", "digits")
    page.fill("input[name=job_epochs]", "2")
    page.click("#train")
    page.wait_for_function("document.getElementById('train-status').textContent.startsWith('Done')",
                           timeout=60_000)
    assert layout_problems(page) == []
