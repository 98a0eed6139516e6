"""Helpers for the tests of the playground's downloaded script (tests/test_recipe.py and
tests/test_lab_playground.py): run it as a user would, and read what it printed. No Flask needed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_script(text: str, folder: Path) -> str:
    """Run the script ``text`` in a fresh Python in ``folder`` (this checkout's neuronet on its path)
    and return what it printed; a failing script fails the test with its stderr."""
    (folder / "run.py").write_text(text)
    done = subprocess.run([sys.executable, "run.py"], cwd=folder, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    return done.stdout


def printed(output: str) -> dict[str, tuple[float, float | None]]:
    """``{"training": (loss, accuracy), "test": ...}`` from a script's report lines (accuracy None
    for a number to predict)."""
    return {m[1]: (float(m[2]), m[3] and float(m[3]))
            for m in re.finditer(r"^(training|test): loss ([0-9.]+)(?:, accuracy ([0-9.]+))?", output, re.M)}
