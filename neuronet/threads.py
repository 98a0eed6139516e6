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

from . import checks
from .errors import ConfigError

_limits = None   # the threadpoolctl limiter in force, kept so that set_threads(None) can undo it


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
    global _limits
    tpc = _threadpoolctl()
    if _limits is not None:
        _limits.restore_original_limits()
        _limits = None
    if n is not None:
        _limits = tpc.threadpool_limits(limits=checks.positive_int(n, "threads"))
    return get_threads()


def get_threads() -> int:
    """The number of threads NumPy's BLAS uses now (the largest, if several libraries are loaded)."""
    pools = [pool for pool in _threadpoolctl().threadpool_info() if pool.get("user_api") == "blas"]
    return max((pool["num_threads"] for pool in pools), default=1)
