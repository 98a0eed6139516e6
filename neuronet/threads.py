"""How many threads NumPy's BLAS (the matrix products) may use: ``set_threads(1)``, as PyTorch users
know ``torch.set_num_threads``.

A matrix product splits over threads, but the rest of a training step (activations, the optimiser)
runs on one, and threads that share a busy machine wait on each other: on the project's 2-core
machine, with other work running, two BLAS threads were measured several times slower than one. With
the machine to itself, two threads make a 784-128-10 epoch about 1.4× faster (README, Speed). The
default is BLAS's own (usually one thread per core).

The limit is set through threadpoolctl (the ``threads`` extra: ``pip install "neuronet[threads]"``),
which talks to whichever BLAS NumPy was built with (OpenBLAS, MKL, BLIS) and to OpenMP.
"""

from __future__ import annotations

import os

from . import checks
from .errors import ConfigError

_limits = None   # the threadpoolctl limiter in force, kept so that set_threads(None) can undo it
_set = None      # the n of the last set_threads(n), None when BLAS keeps its own count


def _threadpoolctl():
    try:
        import threadpoolctl
    except ImportError:
        raise ConfigError('setting the number of threads needs threadpoolctl: '
                          'pip install "neuronet[threads]"') from None
    import numpy  # noqa: F401  (its BLAS must be loaded for threadpoolctl to find it)

    return threadpoolctl


def set_threads(n: int | None) -> int:
    """Let NumPy's BLAS (and OpenMP) use ``n`` threads from now on; None goes back to the default.
    Returns the number of threads the BLAS now uses."""
    global _limits, _set
    tpc = _threadpoolctl()
    if _limits is not None:
        _limits.restore_original_limits()
        _limits = None
    _set = None
    if n is not None:
        _set = checks.positive_int(n, "threads")
        _limits = tpc.threadpool_limits(limits=_set)
    return get_threads()


def one_thread() -> bool:
    """Whether BLAS is known to run one thread: after ``set_threads(1)``, or when the environment says
    so (``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS`` or ``OMP_NUM_THREADS`` = 1, the first one set),
    or on a one-core machine. Cheap enough to ask every batch (no threadpoolctl call); a limit set
    some other way is not seen, and then the answer is False."""
    if _set is not None:
        return _set == 1
    for name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(name, "").strip()
        if value:
            return value == "1"
    return os.cpu_count() == 1


def get_threads() -> int:
    """The number of threads NumPy's BLAS uses now (the largest, if several libraries are loaded)."""
    pools = [pool for pool in _threadpoolctl().threadpool_info() if pool.get("user_api") == "blas"]
    return max((pool["num_threads"] for pool in pools), default=1)
