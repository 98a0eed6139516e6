"""The ``torch`` marker: tests that hold neuronet against PyTorch, the oracle.

    @pytest.mark.torch
    def test_dense_matches_torch():
        import torch
        ...

PyTorch is a test extra, never a dependency of neuronet, so where it cannot be imported a marked test
is skipped; under ``CI=true`` that skip is a failure (tests/ci_marker.py says why): CI installs
PyTorch (see ``.ci/run``), and an oracle that quietly stopped running would look like a green build.

``tests/conftest.py`` imports these hooks; ``tests/test_torch_marker.py`` runs them in a throwaway
pytest session with and without an importable ``torch``.
"""

from __future__ import annotations

from ci_marker import CiMarker

MISSING = "PyTorch is not installed (pip install torch==2.13.0 runs the oracle tests)"


def torch_importable() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


TORCH = CiMarker("torch", missing=lambda: None if torch_importable() else MISSING,
                 what="PyTorch oracle test", install="torch into the venv")
pytest_collection_modifyitems = TORCH.pytest_collection_modifyitems
pytest_runtest_call = TORCH.pytest_runtest_call
pytest_runtest_makereport = TORCH.pytest_runtest_makereport
