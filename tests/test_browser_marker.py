"""The ``browser`` marker's hooks (tests/browser_marker.py), run in a throwaway pytest session.

Each session gets a copy of the hooks and a conftest that either hides Playwright (an import hook
makes ``import playwright`` fail, as on a machine without it) or puts an empty module in its place
(tests/ci_marker.py: ``hiding``, ``faking``), and ``NEURONET_CHROMIUM`` pointing at a file that exists
(this Python) or at one that does not: so these checks mean the same whether or not this machine has
a real browser.
"""

from __future__ import annotations

import sys

import pytest
from ci_marker import faking, hiding, run_session

TESTS = '''
import pytest

@pytest.mark.browser
def test_page_by_marker():
    assert True

@pytest.mark.browser
def test_page_that_skips_itself():
    pytest.skip("this page has nothing to show")

def test_an_ordinary_skip():
    pytest.skip("nothing to do with browsers")
'''


def _session(pytester, monkeypatch, playwright: bool, chromium: bool, ci: str | None):
    monkeypatch.setenv("NEURONET_CHROMIUM", sys.executable if chromium else "/nonexistent/chromium")
    return run_session(pytester, monkeypatch, "browser_marker", "browser",
                       faking("playwright") if playwright else hiding("playwright"), TESTS, ci)


@pytest.mark.parametrize("playwright, chromium, reason", [
    (False, True, "Playwright is not installed*"), (True, False, "no Chromium at /nonexistent/chromium*")])
def test_without_a_browser_page_tests_are_skipped_outside_ci(pytester, monkeypatch, playwright, chromium,
                                                              reason):
    result = _session(pytester, monkeypatch, playwright=playwright, chromium=chromium, ci=None)
    result.assert_outcomes(skipped=3)
    result.stdout.fnmatch_lines([f"SKIPPED [[]1[]] test_marked.py:*: {reason}"] * 2)
    assert result.ret == 0


@pytest.mark.parametrize("ci", ["true", "1"])
@pytest.mark.parametrize("playwright, chromium", [(False, True), (True, False)])
def test_without_a_browser_under_ci_a_page_test_fails(pytester, monkeypatch, ci, playwright, chromium):
    result = _session(pytester, monkeypatch, playwright=playwright, chromium=chromium, ci=ci)
    result.assert_outcomes(failed=2, skipped=1)
    result.stdout.fnmatch_lines([
        "SKIPPED*nothing to do with browsers",
        "FAILED test_marked.py::test_page_by_marker - *CI=true, but this browser test was skipped (*"
        "install Playwright and Chromium first, as .ci/run does",
    ])
    assert result.ret != 0


def test_with_a_browser_under_ci_pages_run_and_one_that_skips_itself_fails(pytester, monkeypatch):
    result = _session(pytester, monkeypatch, playwright=True, chromium=True, ci="true")
    result.assert_outcomes(passed=1, failed=1, skipped=1)
    result.stdout.fnmatch_lines(["FAILED test_marked.py::test_page_that_skips_itself - *CI=true, but "
                                 "this browser test was skipped (this page has nothing to show)*"])


def test_with_a_browser_outside_ci_nothing_changes(pytester, monkeypatch):
    result = _session(pytester, monkeypatch, playwright=True, chromium=True, ci="false")
    result.assert_outcomes(passed=1, skipped=2)
    assert result.ret == 0
