"""Where a sweep's trials run: a Dask cluster, either a local one started for the sweep (one
single-threaded worker per core) or an existing one at a scheduler's address. Dask does the
scheduling, the retries when a worker dies and the bookkeeping of what is finished; this module
only submits trials and takes their records as they come back."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import uuid

from ..errors import ConfigError
from .trial import run_trial

# One BLAS thread per worker: with one worker per core, more would only fight over the cores.
BLAS_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _distributed():
    try:
        import distributed
    except ImportError:
        raise ConfigError('sweeps run on Dask: pip install "neuronet[sweep]"') from None
    return distributed


@contextlib.contextmanager
def connect(scheduler: str | None = None, workers: int | None = None, timeout: float = 10.0):
    """A Dask client: of the scheduler at ``scheduler`` (``"tcp://HOST:PORT"``), or of a local
    cluster of ``workers`` processes (default: one per core) on 127.0.0.1, closed afterwards."""
    distributed = _distributed()
    if scheduler is not None:
        try:
            client = distributed.Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            reason = (str(exc).splitlines() or [type(exc).__name__])[0]
            raise ConfigError(f"scheduler {scheduler}: no Dask scheduler answered ({reason})") from None
        with client:
            yield client
        return
    n = workers or os.cpu_count() or 1
    with distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=logging.ERROR,
                                  env=BLAS_ENV) as cluster, distributed.Client(cluster) as client:
        client.run(_leave_ctrl_c_to_the_sweep)
        yield client


def _leave_ctrl_c_to_the_sweep() -> None:
    """Run in each local worker: a terminal's Ctrl-C reaches the workers too, but it is the sweep's to
    handle (it cancels what is left and closes the cluster), not a traceback from every worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run(client, trials: list[tuple[int, dict]], dataset: str, data_dir=None, on_record=None,
        progress: bool = True, blas_threads: int | None = 1, file=None) -> int:
    """Run ``trials`` (``(number, settings)`` pairs) on ``client``'s cluster; hand each record to
    ``on_record`` as it arrives (in the order they finish). The number of records handed over.

    On Ctrl-C the trials not yet finished are cancelled and KeyboardInterrupt goes on up.
    """
    distributed = _distributed()
    token = uuid.uuid4().hex[:8]
    futures = {client.submit(run_trial, number, settings, dataset, data_dir, blas_threads,
                             key=f"neuronet-trial-{number}-{token}"): (number, settings)
               for number, settings in trials}
    bar = _bar(len(futures), progress, file)
    n = 0
    try:
        for future in distributed.as_completed(futures):
            number, settings = futures[future]
            record = _record(future, number, settings)
            if record["status"] != "ok" and bar is not None:
                bar.write(f"trial {number} failed: {record['reason']}", file=file)
            if on_record is not None:
                on_record(record)
            n += 1
            if bar is not None:
                bar.update(1)
    finally:
        client.cancel(list(futures))   # after Ctrl-C: the rest need not run
        if bar is not None:
            bar.close()
    return n


def _record(future, number: int, settings: dict) -> dict:
    """The trial's record; a trial that raised (a worker that died under it, say) is a failed trial."""
    if future.status == "finished":
        return future.result()
    try:
        exc = future.exception()
    except Exception as err:   # a cancelled future raises instead of returning its exception
        exc = err
    return {"trial": number, "settings": settings, "status": "failed", "worker": "",
            "reason": f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0]}"}


def _bar(total: int, progress: bool, file):
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:   # no tqdm: no bar, the table at the end still comes
        return None
    return tqdm(total=total, unit="trial", desc="sweep", file=file, disable=None)
