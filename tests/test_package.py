"""`import neuronet` is NumPy-only; optional subpackages load on first use."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": ""}, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_import_pulls_in_no_optional_dependency():
    loaded = _run("import sys, neuronet\n"
                  "print(sorted(m for m in ('matplotlib', 'sklearn', 'PIL', 'tqdm', 'neuronet.viz') "
                  "if m in sys.modules))")
    assert loaded == "[]"


def test_metrics_and_lazy_subpackages_are_attributes():
    out = _run("import sys, neuronet as nn\n"
               "print(nn.metrics.accuracy([0, 1, 1], [0, 1, 0]))\n"
               "print(nn.datasets.load is not None, callable(nn.viz.plot_history), "
               "callable(nn.report.write_report))\n"
               "print('matplotlib' in sys.modules)")
    accuracy, attrs, mpl = out.splitlines()
    assert abs(float(accuracy) - 2 / 3) < 1e-9
    assert attrs == "True True True"
    assert mpl == "False"  # even nn.viz only imports matplotlib when a figure is drawn


def test_unknown_attribute_is_an_attribute_error():
    import pytest

    import neuronet

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        neuronet.nope  # noqa: B018
    assert set(neuronet._LAZY) <= set(neuronet.__all__)
