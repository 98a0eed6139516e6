"""Every example script runs, quickly, and writes the figures it promises."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import neuronet as nn
from neuronet import datasets

pytest.importorskip("matplotlib")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("[0-9][0-9]_*.py"))
NEEDS_SKLEARN = {"06_digits.py", "07_what_the_network_learned.py", "08_convolution.py",
                 "10_sklearn_api.py"}


def test_examples_are_numbered_01_02_and_on_without_gaps():
    assert [int(p.name[:2]) for p in EXAMPLES] == list(range(1, len(EXAMPLES) + 1))
    assert len(EXAMPLES) >= 10


@pytest.mark.slow
@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs_and_saves_its_figures(script, tmp_path):
    if script.name in NEEDS_SKLEARN:
        pytest.importorskip("sklearn")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], capture_output=True,
                          text=True, timeout=120, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "figures in" in done.stdout
    figures = sorted(p for p in tmp_path.rglob("*") if p.suffix in {".png", ".svg", ".gif", ".html"})
    assert figures, "no figures written"
    assert all(p.stat().st_size > 1000 for p in figures)
    # Every figure the script names in its last line exists.
    named = [w.strip(",;") for w in done.stdout.splitlines()[-1].split() if w.strip(",;").endswith(".png")]
    for name in named:
        if "<" not in name:
            assert (tmp_path / name).exists(), name
    if script.name == "06_digits.py":
        _check_saved_digits_model(tmp_path / "digits.npz", done.stdout)


def _check_saved_digits_model(model: Path, stdout: str) -> None:
    """Example 06 saves a model the command line can evaluate, and says how to use it."""
    net = nn.load(model)
    assert net.preprocessing == {"dataset": "digits", "image_shape": [8, 8]}
    assert f"neuronet evaluate {model}" in stdout and f"neuronet predict {model}" in stdout
    _, (x_test, y_test) = datasets.load("digits")
    assert net.evaluate(x_test, y_test)[1] > 0.9
