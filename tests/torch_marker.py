"""The ``torch`` marker: tests that hold neuronet against PyTorch, the oracle.

    @pytest.mark.torch
    def test_dense_matches_torch():
        import torch
        ...

PyTorch is a test extra, never a dependency of neuronet, so where it cannot be imported a marked test
is skipped. Under ``CI=true`` that skip is turned into a failure: CI installs PyTorch (see ``.ci/run``),
and an oracle that quietly stopped running would otherwise look like a green build. A marked test that
skips itself (``pytest.importorskip("torch")``) is caught the same way.

``tests/conftest.py`` imports these hooks; ``tests/test_torch_marker.py`` runs them in a throwaway
pytest session with and without an importable ``torch``.
"""

from __future__ import annotations

import os

import pytest

MISSING = "PyTorch is not installed (pip install torch==2.13.0 runs the oracle tests)"


def in_ci() -> bool:
    """True where the environment says this is a CI run (``CI=true``, as CI services set it)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1")


def torch_importable() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def pytest_collection_modifyitems(config, items):
    if torch_importable():
        return
    for item in items:
        if item.get_closest_marker("torch") is not None:
            if in_ci():     # fails in the call phase, so that the report reads FAILED, not ERROR
                item.stash[_FAIL] = True
            else:
                item.add_marker(pytest.mark.skip(reason=MISSING))


_FAIL = pytest.StashKey[bool]()


def pytest_runtest_call(item):
    if item.stash.get(_FAIL, False):
        pytest.fail(_ci_message(MISSING), pytrace=False)


def _ci_message(reason: str) -> str:
    return (f"CI=true, but this PyTorch oracle test was skipped ({reason}); CI must run it: "
            f"install torch into the venv first, as .ci/run does")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # A marked test that skipped itself (pytest.importorskip("torch"), say) is failed the same way.
    outcome = yield
    report = outcome.get_result()
    if (report.skipped and not hasattr(report, "wasxfail") and in_ci()
            and item.get_closest_marker("torch") is not None):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = _ci_message(reason.removeprefix("Skipped: "))
