"""A marker for tests that need a test extra: skipped where it is missing, a failure under ``CI=true``.

    TORCH = CiMarker("torch", missing=lambda: None if importable() else "PyTorch is not installed",
                     what="PyTorch oracle test", install="torch into the venv")
    pytest_collection_modifyitems = TORCH.pytest_collection_modifyitems    # and the other two hooks

An extra (PyTorch, a browser) is never a dependency of neuronet, so where it is missing a marked test
is skipped. CI installs every extra (``.ci/run``), so there a skip is a failure instead: a test that
quietly stopped running would otherwise look like a green build. A marked test that skips itself
(``pytest.importorskip``, say) is caught the same way. tests/torch_marker.py and
tests/browser_marker.py are the two markers; tests/test_torch_marker.py and
tests/test_browser_marker.py run their hooks in a throwaway pytest session (:func:`run_session`).
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest


def in_ci() -> bool:
    """True where the environment says this is a CI run (``CI=true`` or ``CI=1``, as CI services set it)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1")


class CiMarker:
    """The three hooks of the marker ``name``: ``missing()`` says why its tests cannot run here (None
    when they can), ``what`` names such a test and ``install`` what CI installs for it."""

    def __init__(self, name: str, missing: Callable[[], str | None], what: str, install: str):
        self.name, self.missing, self.what, self.install = name, missing, what, install
        self._fail = pytest.StashKey[str]()   # the reason a marked test fails under CI

    def message(self, reason: str) -> str:
        return (f"CI=true, but this {self.what} was skipped ({reason}); CI must run it: install "
                f"{self.install} first, as .ci/run does")

    def pytest_collection_modifyitems(self, config, items):
        marked = [item for item in items if item.get_closest_marker(self.name) is not None]
        reason = self.missing() if marked else None   # asked only where a marked test is collected
        if reason is None:
            return
        for item in marked:
            if in_ci():     # failed in the call phase, so that the report reads FAILED, not ERROR
                item.stash[self._fail] = reason
            else:
                item.add_marker(pytest.mark.skip(reason=reason))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_call(self, item):
        # Before the test's body, which would fail on the missing extra in its own words (the browser
        # fixtures are None there: tests/lab_browser.py).
        if self._fail in item.stash:
            pytest.fail(self.message(item.stash[self._fail]), pytrace=False)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        # A marked test that skipped itself, or whose fixture did, is failed the same way under CI.
        outcome = yield
        report = outcome.get_result()
        if (report.skipped and not hasattr(report, "wasxfail") and in_ci()
                and item.get_closest_marker(self.name) is not None):
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            report.outcome = "failed"
            report.longrepr = self.message(item.stash.get(self._fail, reason.removeprefix("Skipped: ")))


# --- the markers' own tests -----------------------------------------------------------------------
def hiding(module: str) -> str:
    """Conftest text that makes ``import module`` fail, as on a machine without it."""
    return (f"class Hide:\n"
            f"    def find_spec(self, name, path=None, target=None):\n"
            f"        if name.partition('.')[0] == {module!r}:\n"
            f"            raise ModuleNotFoundError(f'No module named {{name!r}}')\n\n"
            f"sys.modules.pop({module!r}, None)\n"
            f"sys.meta_path.insert(0, Hide())\n")


def faking(module: str) -> str:
    """Conftest text that puts an empty ``module`` in its place (with a spec, which
    ``importlib.util.find_spec`` reads of a module already imported)."""
    return (f"fake = types.ModuleType({module!r})\n"
            f"fake.__spec__ = importlib.machinery.ModuleSpec({module!r}, None)\n"
            f"sys.modules[{module!r}] = fake\n")


def run_session(pytester, monkeypatch, plugin: str, marker: str, conftest: str, tests: str,
                ci: str | None):
    """Run ``tests`` in a throwaway pytest session (in a subprocess) whose conftest runs ``conftest``,
    then takes the hooks of ``plugin`` (tests/<plugin>.py, copied in with this module) for
    ``marker``; ``CI`` is ``ci``, or unset for None."""
    here = os.path.dirname(__file__)
    sources = {name: open(os.path.join(here, f"{name}.py")).read() for name in ("ci_marker", plugin)}
    pytester.makepyfile(**sources, test_marked=tests)
    pytester.makeconftest("import importlib.machinery, sys, types\n" + conftest
                          + f"from {plugin} import (pytest_collection_modifyitems, pytest_runtest_call,\n"
                          + "    pytest_runtest_makereport)\n")
    pytester.makeini(f"[pytest]\nmarkers =\n    {marker}: needs a test extra\n")
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rA", "--strict-markers")
