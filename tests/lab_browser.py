"""Fixtures for the lab's page in a real browser (tests marked ``@pytest.mark.browser``).

* ``lab_model``: the digit tab's network; module-scoped, so a test module may override it.
* ``lab_url``: a lab server for that model on 127.0.0.1 (a free port), in a thread, one per module.
* ``browser``: one headless Chromium for the whole session (browser_marker.py says which binary).
* ``page``: a fresh page (its own context, 1280x800) per test. Every console error and every uncaught
  exception in it is collected, and a test whose page had any fails, after its own checks passed.
  A test that provokes an error on purpose (a request the server refuses with a 400, which Chromium
  logs as a failed resource) says so first: ``console.allow("status of 400")``.

The browser may reach nothing but 127.0.0.1: any other host name fails to resolve, and the failed
request then shows up as a console error. ``tests/conftest.py`` loads this module as a plugin.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import pytest
from browser_marker import chromium_path, missing

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
#: The page's default size; tests of the layout also use 800x600.
VIEWPORT = {"width": 1280, "height": 800}


@dataclass
class Console:
    """What went wrong in a page: console errors and uncaught exceptions, and what a test allows."""

    problems: list[str] = field(default_factory=list)
    allowed: list[re.Pattern] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Ignore problems matching ``pattern`` (a regular expression) from now on."""
        self.allowed.append(re.compile(pattern))

    def add(self, text: str) -> None:
        if not any(p.search(text) for p in self.allowed):
            self.problems.append(text)


_CONSOLE = pytest.StashKey[Console]()


@pytest.fixture(scope="module")
def lab_model():
    """An untrained 8x8 picture model: enough for the page to draw every layer. Override to change."""
    import neuronet as nn

    net = nn.mlp([64, 16, 10], activation="relu", seed=3)
    net.preprocessing = {"image_shape": [8, 8], "framing": "digit"}
    return net


@pytest.fixture(scope="module")
def lab_url(lab_model):
    """The base URL (ending in /) of a live lab serving ``lab_model``."""
    pytest.importorskip("flask")
    from neuronet.lab import create_app, make_server

    server = make_server(create_app(lab_model), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test; None where there is none (see browser_marker)."""
    if missing() is not None:   # only reached under CI=true, where the test then fails by the marker
        yield None
        return
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(chromium_path()), args=ARGS, headless=True)
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@pytest.fixture()
def console(request) -> Console:
    """The problems collected from this test's page (see the module docstring)."""
    watch = Console()
    request.node.stash[_CONSOLE] = watch
    return watch


@pytest.fixture()
def page(request, browser, console):
    """A new page at 1280x800 in its own browser context, watched for errors."""
    if request.node.get_closest_marker("browser") is None:
        raise pytest.UsageError(f"{request.node.nodeid} uses the page fixture: mark it @pytest.mark.browser")
    if browser is None:
        yield None
        return
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.on("console", lambda message: message.type == "error" and console.add(
        f"console error: {message.text} ({message.location.get('url', '')})"))
    tab.on("pageerror", lambda error: console.add(f"uncaught exception: {error}"))
    try:
        yield tab
    finally:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    watch = item.stash.get(_CONSOLE, None)
    tab = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if watch is not None and tab is not None and not tab.is_closed():
        tab.wait_for_timeout(100)   # events reach Python only while it talks to the browser: let them
    if watch is not None and watch.problems:
        pytest.fail("the page reported problems:\n  " + "\n  ".join(watch.problems), pytrace=False)
    return result


class Traffic:
    """Requests the page made to one API path: how many, how many at once, and their bodies."""

    def __init__(self, page, path: str):
        self.path, self.sent, self.done, self.most, self.bodies = path, 0, 0, 0, []
        page.on("request", self._request)
        page.on("requestfinished", self._finished)
        page.on("requestfailed", self._finished)

    def _ours(self, request) -> bool:
        return request.url.split("?")[0].endswith(self.path)

    def _request(self, request):
        if self._ours(request):
            self.sent += 1
            self.most = max(self.most, self.sent - self.done)
            self.bodies.append(request.post_data)

    def _finished(self, request):
        if self._ours(request):
            self.done += 1

    def settle(self, page, quiet_ms: int = 300) -> None:
        """Wait until every request has come back and none followed for ``quiet_ms``."""
        for _ in range(100):
            seen = self.sent
            page.wait_for_timeout(quiet_ms)
            if self.sent == self.done == seen:
                return
        raise AssertionError(f"{self.path}: {self.sent - self.done} request(s) never came back")


# Everything that sticks out of the window or is cut off by its box, in the header and the panel shown.
_LAYOUT = """() => {
  const width = document.documentElement.clientWidth, problems = [];
  const name = (e) => e.id ? `#${e.id}` : `${e.tagName.toLowerCase()}.${e.className}`;
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth) problems.push(`the page scrolls sideways (${doc.scrollWidth})`);
  const roots = [document.querySelector("header"), ...document.querySelectorAll(".panel:not([hidden])")];
  for (const root of roots) {
    for (const e of [root, ...root.querySelectorAll("*")]) {
      const r = e.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;       // not shown (closed details, hidden)
      if (r.left < -0.5 || r.right > width + 0.5) {
        problems.push(`${name(e)} sticks out: ${r.left}..${r.right} of ${width}`);
      }
      if (["INPUT", "SELECT", "TEXTAREA"].includes(e.tagName)) continue;   // they scroll their text
      const style = getComputedStyle(e);
      const wide = e.scrollWidth > e.clientWidth + 1, tall = e.scrollHeight > e.clientHeight + 1;
      if ((style.overflowX !== "visible" && wide) || (style.overflowY !== "visible" && tall)) {
        const sizes = `${e.scrollWidth}x${e.scrollHeight} in ${e.clientWidth}x${e.clientHeight}`;
        problems.push(`${name(e)} cuts its content off (${sizes})`);
      }
    }
  }
  return problems;
}"""


def layout_problems(page) -> list[str]:
    """What sticks out of the window's width or is cut off, in the header and the visible panel."""
    return page.evaluate(_LAYOUT)


def open_lab(page, lab_url: str, tab: str | None = None) -> None:
    """Load the lab and wait until it has its /api/info answer; then show ``tab`` (its data-tab)."""
    page.goto(lab_url)
    page.wait_for_function("document.body.dataset.ready === 'yes'")
    if tab is not None:
        page.click(f"button[data-tab={tab}]")
