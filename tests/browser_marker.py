"""The ``browser`` marker: tests that drive the lab's page in a real, headless Chromium.

    @pytest.mark.browser
    def test_the_pad_draws(page):
        ...

A browser is a test extra (Playwright's Python package) plus a Chromium binary, never a dependency of
neuronet, so where either is missing a marked test is skipped; under ``CI=true`` that skip is a
failure instead (tests/ci_marker.py, as for the ``torch`` marker): CI installs both (``.ci/run``),
and a page test that quietly stopped running would look like a green build.

The Chromium is Debian's, ``/usr/bin/chromium``, or the one ``$NEURONET_CHROMIUM`` names (the
screenshot script, docs/lab_screenshots.py, reads the same variable). ``playwright install`` is never
needed or run.

``tests/conftest.py`` loads this module as a plugin; ``tests/test_browser_marker.py`` runs its hooks
in a throwaway pytest session with and without Playwright and a Chromium.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from ci_marker import CiMarker

DEFAULT_CHROMIUM = "/usr/bin/chromium"


def chromium_path() -> Path:
    """Where the Chromium binary should be: ``$NEURONET_CHROMIUM``, else Debian's."""
    return Path(os.environ.get("NEURONET_CHROMIUM") or DEFAULT_CHROMIUM)


def missing() -> str | None:
    """Why no browser test can run here, or None when Playwright and a Chromium are both present."""
    try:
        playwright = importlib.util.find_spec("playwright")
    except (ImportError, ValueError):   # an import hook that refuses it, or a broken stub module
        playwright = None
    if playwright is None:
        return "Playwright is not installed (pip install -e '.[test]' installs it)"
    if not chromium_path().is_file():
        return f"no Chromium at {chromium_path()} (apt-get install chromium, or set NEURONET_CHROMIUM)"
    return None


BROWSER = CiMarker("browser", missing=missing, what="browser test", install="Playwright and Chromium")
pytest_collection_modifyitems = BROWSER.pytest_collection_modifyitems
pytest_runtest_call = BROWSER.pytest_runtest_call
pytest_runtest_makereport = BROWSER.pytest_runtest_makereport
