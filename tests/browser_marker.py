"""The ``browser`` marker: tests that drive the lab's page in a real, headless Chromium.

    @pytest.mark.browser
    def test_the_pad_draws(page):
        ...

A browser is a test extra (Playwright's Python package) plus a Chromium binary, never a dependency of
neuronet, so where either is missing a marked test is skipped. Under ``CI=true`` that skip is a
failure instead, as for the ``torch`` marker (tests/torch_marker.py): CI installs both (``.ci/run``),
and a page test that quietly stopped running would look like a green build. A marked test that skips
itself is caught the same way.

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

import pytest

DEFAULT_CHROMIUM = "/usr/bin/chromium"
_FAIL = pytest.StashKey[str]()


def in_ci() -> bool:
    """True where the environment says this is a CI run (``CI=true`` or ``CI=1``)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1")


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


def pytest_collection_modifyitems(config, items):
    marked = [item for item in items if item.get_closest_marker("browser") is not None]
    reason = missing() if marked else None
    if reason is None:
        return
    for item in marked:
        if in_ci():     # failed in the call phase, so that the report reads FAILED, not ERROR
            item.stash[_FAIL] = reason
        else:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    # Before the test's body. Its browser fixtures were built as None (see tests/lab_browser.py), so
    # that the failure comes here, in the call phase, and reads FAILED rather than ERROR.
    if _FAIL in item.stash:
        pytest.fail(_ci_message(item.stash[_FAIL]), pytrace=False)


def _ci_message(reason: str) -> str:
    return (f"CI=true, but this browser test was skipped ({reason}); CI must run it: install "
            f"Playwright and Chromium first, as .ci/run does")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # A marked test that skipped itself (pytest.importorskip, say) is failed the same way under CI.
    outcome = yield
    report = outcome.get_result()
    if (report.skipped and not hasattr(report, "wasxfail") and in_ci()
            and item.get_closest_marker("browser") is not None and _FAIL not in item.stash):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = _ci_message(reason.removeprefix("Skipped: "))
