"""The ``torch`` marker's hooks (tests/torch_marker.py), run in a throwaway pytest session.

Each session gets a copy of the hooks and a conftest that either hides PyTorch (an import hook makes
``import torch`` raise ModuleNotFoundError, as on a machine without it) or puts an empty module in its
place (tests/ci_marker.py: ``hiding``, ``faking``), so these checks mean the same with and without a
real PyTorch installed.
"""

from __future__ import annotations

import pytest
from ci_marker import faking, hiding, run_session

TESTS = '''
import pytest

@pytest.mark.torch
def test_oracle_by_marker():
    import torch
    assert torch is not None

@pytest.mark.torch
def test_oracle_that_skips_itself():
    import torch  # noqa: F401
    pytest.skip("this oracle has nothing to compare")

def test_an_ordinary_skip():
    pytest.skip("nothing to do with PyTorch")
'''


def _session(pytester, monkeypatch, torch: bool, ci: str | None):
    return run_session(pytester, monkeypatch, "torch_marker", "torch",
                       faking("torch") if torch else hiding("torch"), TESTS, ci)


def test_without_torch_oracle_tests_are_skipped_outside_ci(pytester, monkeypatch):
    result = _session(pytester, monkeypatch, torch=False, ci=None)
    result.assert_outcomes(skipped=3)
    result.stdout.fnmatch_lines(["SKIPPED [[]1[]] test_marked.py:*: PyTorch is not installed*"] * 2)
    assert result.ret == 0


@pytest.mark.parametrize("ci", ["true", "1"])
def test_without_torch_under_ci_an_oracle_test_fails(pytester, monkeypatch, ci):
    result = _session(pytester, monkeypatch, torch=False, ci=ci)
    result.assert_outcomes(failed=2, skipped=1)
    result.stdout.fnmatch_lines([
        "SKIPPED*nothing to do with PyTorch",
        "FAILED test_marked.py::test_oracle_by_marker - *CI=true, but this PyTorch oracle test was "
        "skipped (PyTorch is not installed*install torch into the venv first, as .ci/run does",
    ])
    assert result.ret != 0


def test_with_torch_under_ci_oracles_run_and_one_that_skips_itself_fails(pytester, monkeypatch):
    result = _session(pytester, monkeypatch, torch=True, ci="true")
    result.assert_outcomes(passed=1, failed=1, skipped=1)
    result.stdout.fnmatch_lines(["FAILED test_marked.py::test_oracle_that_skips_itself - *CI=true, but "
                                 "this PyTorch oracle test was skipped (this oracle has nothing to "
                                 "compare)*"])


def test_with_torch_outside_ci_nothing_changes(pytester, monkeypatch):
    result = _session(pytester, monkeypatch, torch=True, ci="false")
    result.assert_outcomes(passed=1, skipped=2)
    assert result.ret == 0
