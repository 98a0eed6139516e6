"""Shared pytest hooks, and the `client` fixture of the lab tabs' tests (kept minimal)."""

import os

import pytest

# The torch marker's hooks (skip without PyTorch; under CI=true, a failure instead): see torch_marker.py.
from torch_marker import (  # noqa: F401
    pytest_collection_modifyitems,
    pytest_runtest_call,
    pytest_runtest_makereport,
)

# ``pytester`` runs a throwaway pytest session; test_torch_marker.py and test_browser_marker.py check
# the markers' hooks with it. ``browser_marker``: the browser marker's hooks (skip without Playwright
# and a Chromium; under CI=true, a failure instead). ``lab_browser``: the lab server, the browser and
# a watched page for those tests.
pytest_plugins = ["pytester", "browser_marker", "lab_browser"]

# No test may reach the network by accident: a dataset that is not on disk is "not found" unless a
# test asks for a download explicitly (the downloader's tests do, from their own 127.0.0.1 server).
# Subprocesses started by tests inherit this.
os.environ["NEURONET_OFFLINE"] = "1"


@pytest.fixture(scope="module")
def client():
    """The lab's test client with a small digit model (test_lab.small_lab), one per module, for the
    tabs' test modules (test_lab.py and test_lab_jobs.py define their own)."""
    from test_lab import small_lab

    return small_lab()


def pytest_terminal_summary(terminalreporter):
    """Print how many cases each fuzz test tried (see tests/fuzzcount.py), even without ``-s``."""
    import fuzzcount

    for name, n in sorted(fuzzcount.counts().items()):
        terminalreporter.write_line(f"fuzz cases tried: {name}: {n}")
