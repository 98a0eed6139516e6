"""set_threads / get_threads: the BLAS thread count, through threadpoolctl, measured in a child
process so that this test run's own limits stay as they are."""

import json
import os
import subprocess
import sys

import pytest

import neuronet as nn

CHILD = """
import json, numpy, neuronet as nn
before = nn.get_threads()
one = nn.set_threads(1)
np_ok = float((numpy.ones((64, 64)) @ numpy.ones((64, 64)))[0, 0])
back = nn.set_threads(None)
print(json.dumps([before, one, np_ok, back]))
"""


def test_set_threads_limits_blas_and_none_restores_it():
    pytest.importorskip("threadpoolctl")
    env = {k: v for k, v in os.environ.items()
           if k not in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True, env=env)
    before, one, value, back = json.loads(out.stdout)
    assert one == 1 and value == 64.0 and back == before >= 1


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True])
def test_a_bad_thread_count_is_one_line(bad):
    pytest.importorskip("threadpoolctl")
    with pytest.raises(nn.ConfigError, match="threads must be a positive integer"):
        nn.set_threads(bad)


def test_without_threadpoolctl_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)       # import fails as if not installed
    with pytest.raises(nn.ConfigError, match=r'pip install "neuronet\[threads\]"'):
        nn.set_threads(1)
