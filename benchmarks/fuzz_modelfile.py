"""A longer run of the model-file fuzz harness in tests/test_fuzz_modelfile.py than CI's.

    python benchmarks/fuzz_modelfile.py --scale 20      # 20 x the suite's 850 cases

Every case damages a small valid model file (truncation, flipped, inserted or deleted bytes, forged
``.npy`` headers with huge dimensions or wrong type codes, a damaged or contradictory JSON description)
and loads it; it passes when the load gives back exactly the saved weights or raises ModelFileError
within a second. The number of cases tried is printed at the end; the exit status is pytest's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=20, help="multiple of the test suite's case count")
    args = parser.parse_args(argv)
    env = {**os.environ, "NEURONET_FUZZ_SCALE": str(args.scale),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            str(ROOT / "tests" / "test_fuzz_modelfile.py")], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
