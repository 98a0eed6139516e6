"""Long IDX fuzz run: ``python benchmarks/fuzz_idx.py --cases 20000`` -- harness in tests/."""

import runpy
import sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(root))
runpy.run_path(str(root / "tests" / "test_fuzz_idx.py"), run_name="__main__")
