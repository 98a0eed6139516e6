"""Screenshots of the lab for the README, every tab at 1280x800 in the story's order: a sigmoid neuron
and its nudge, the perceptron rule stopped on XOR, backpropagation through a 2-3-2 network with every
number shown, a drawn digit going through a small convolutional network, the playground opened from a
shared link and trained a few seconds on the spiral (every unit's map and weight drawn), and the
optimisers' paths down Rosenbrock's valley.

    python docs/lab_screenshots.py         # writes docs/figures/lab_neuron.png, lab_rule.png,
                                           # lab_backprop.png, lab_digit.png, lab_playground.png
                                           # and lab_optimizers.png

Needs what the lab needs (``neuronet[lab]``, scikit-learn for the 8×8 digits) plus Playwright's
Python package (``pip install playwright``) and a Chromium: ``/usr/bin/chromium`` (Debian's
``chromium`` package) or the path in ``$NEURONET_CHROMIUM``. Neither is a dependency of neuronet.
The lab runs in this process on 127.0.0.1; the browser is started headless with no network.
"""

from __future__ import annotations

import math
import os
import threading
from pathlib import Path

import neuronet as nn
from neuronet import datasets
from neuronet.lab import create_app, make_server

OUT = Path(__file__).parent / "figures"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]


def digit_model() -> nn.Network:
    """A small conv net on the 8×8 digits (a few seconds), so the page shows feature maps too."""
    (X, y), (X_test, y_test) = datasets.load("digits")
    net = nn.Network([nn.Conv2D((8, 8, 1), filters=8, kernel_size=3, padding="same", activation="relu"),
                      nn.MaxPool2D((8, 8, 8), pool_size=2),
                      nn.Dense(4 * 4 * 8, 32, activation="relu"),
                      nn.Dense(32, 10, activation="softmax")], seed=0,
                     class_names=[str(d) for d in range(10)])
    net.fit(X, y, epochs=30, batch_size=32, optimizer=nn.Adam(3e-3))
    print(f"digit model: test accuracy {net.evaluate(X_test, y_test)[1]:.1%}")
    return net


SHOTS = ("lab_neuron.png", "lab_rule.png", "lab_backprop.png", "lab_digit.png", "lab_playground.png",
         "lab_optimizers.png")


def story_tabs(page) -> None:
    """The first three tabs: a sigmoid neuron, the rule on XOR to its end, backprop fully shown."""
    page.select_option("#neuron-kind", "sigmoid")
    page.wait_for_timeout(500)
    page.screenshot(path=OUT / "lab_neuron.png")
    page.click("button[data-tab=rule]")
    page.select_option("#rule-data", "xor")
    page.wait_for_timeout(500)
    for _ in range(6):                                   # a few updates, then the verdict
        page.click("#rule-step")
    page.click("#rule-end")
    page.screenshot(path=OUT / "lab_rule.png")
    page.click("button[data-tab=backprop]")
    for button in ["#bp-forward"] * 3 + ["#bp-back"] * 3:
        page.click(button)
    page.screenshot(path=OUT / "lab_backprop.png")


def draw_zero(page) -> None:
    """A "0" on the digit pad: an upright ellipse in one stroke."""
    pad = page.locator("#pad").bounding_box()
    points = [(140 + 60 * math.sin(t / 20 * math.tau), 140 - 95 * math.cos(t / 20 * math.tau))
              for t in range(21)]
    page.mouse.move(pad["x"] + points[0][0], pad["y"] + points[0][1])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(pad["x"] + x, pad["y"] + y, steps=4)
    page.mouse.up()
    page.wait_for_timeout(1500)                          # the answer comes back and is drawn


def playground(page, url: str) -> None:
    """The playground as a shared link opens it: the spiral with sin x and sin y as features,
    trained a few hundred epochs, a hidden unit hovered (its numbers under the network)."""
    page.goto(f"{url}?dataset=spiral&noise=0.1&features=x,y,sinx,siny&hidden=8,8&seed=1#playground")
    page.wait_for_function("document.body.dataset.ready === 'yes'")
    page.click("#run")
    page.wait_for_timeout(6000)                          # a few hundred epochs
    page.click("#run")
    page.wait_for_timeout(500)
    page.hover('#network canvas.unit[data-column="1"][data-unit="2"]')
    page.screenshot(path=OUT / "lab_playground.png")


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    server = make_server(create_app(digit_model()), "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.port}/"
    chromium = os.environ.get("NEURONET_CHROMIUM", "/usr/bin/chromium")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=BROWSER_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(url)
            page.wait_for_function("document.body.dataset.ready === 'yes'")   # first answers drawn
            story_tabs(page)
            page.click("button[data-tab=digit]")
            draw_zero(page)
            page.screenshot(path=OUT / "lab_digit.png")
            playground(page, url)
            page.click("button[data-tab=descent]")
            page.select_option("#surface", "rosenbrock")
            # The paths are played step by step: wait for the last one.
            page.wait_for_function("document.getElementById('descent-step').textContent"
                                   " === 'step 500 of 500'")
            page.screenshot(path=OUT / "lab_optimizers.png")
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    for name in SHOTS:
        path = OUT / name
        print(f"{path}  {path.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
