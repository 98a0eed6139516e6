"""Hyper-parameter sweeps: a grid or a random search over training settings, each trial an ordinary
``fit``, run on a Dask cluster, with the results written as CSV and JSON, the best network saved as a
model file and a figure of how the settings did.

    >>> import neuronet as nn                                          # doctest: +SKIP
    >>> result = nn.sweep("digits", grid={"lr": [1e-3, 3e-3], "layers": [[64], [128, 64]]},
    ...                   settings={"epochs": 20})
    >>> print(result.table())

One concept per module:

- :mod:`.space`: the settings a sweep may vary, their checks, grids and random draws into trials;
- :mod:`.trial`: one trial as a worker runs it (the dataset cached per worker, build, fit, record);
- :mod:`.runner`: the Dask cluster (local or at ``scheduler``), submitting trials, collecting records;
- :mod:`.results`: ``results.json``/``.csv``, ``best.npz``, resuming, the printed table;
- :mod:`.figure`: ``results.png``.

Dask (``pip install "neuronet[sweep]"``) is imported only when a sweep runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import checks
from ..errors import NeuronetError
from .results import Store, score
from .results import table as _table
from .space import DEFAULTS, Range, expand, trial_key, varying


class SweepInterrupted(NeuronetError):
    """Ctrl-C stopped a sweep; the trials it finished are on disk (``result``), to resume from."""

    def __init__(self, message: str, result: SweepResult):
        super().__init__(message)
        self.result = result


@dataclass
class SweepResult:
    """What a sweep found: every trial's record (``records``, earlier runs' too when resumed), the
    best one, and the files it wrote."""

    records: list[dict]
    ran: int                      # trials run by this call
    skipped: int                  # trials already in the results (resume)
    output_dir: Path
    figure: Path | None = None
    columns: list[str] = field(default_factory=list)   # the settings that vary, for the table

    @property
    def best(self) -> dict | None:
        ok = [r for r in self.records if r["status"] == "ok"]
        return max(ok, key=score) if ok else None

    @property
    def failed(self) -> list[dict]:
        return [r for r in self.records if r["status"] != "ok"]

    @property
    def model(self) -> Path:
        return self.output_dir / "best.npz"

    def table(self, limit: int = 20) -> str:
        return _table(self.records, self.columns, limit)


def sweep(dataset: str = "digits", grid: dict | None = None, random: dict | None = None, *,
          trials: int | None = None, settings: dict | None = None, search_seed: int = 0,
          output_dir=None, resume: bool = False, scheduler: str | None = None, client=None,
          workers: int | None = None, data_dir=None, progress: bool = True, plot: bool = True,
          blas_threads: int | None = 1, file=None) -> SweepResult:
    """Train one network per trial of a grid or random search on ``dataset`` and keep the results.

    dataset : a named dataset (``"digits"``, ``"fashion-mnist"`` ...), loaded once per worker.
    grid, random, trials, settings, search_seed : the trials, see :func:`.space.expand`; the
        settings are those of :data:`.space.DEFAULTS` (layers, activation, optimizer, lr, schedule,
        batch_size, dropout, epochs, seed, ...).
    output_dir : where ``results.json``, ``results.csv``, ``best.npz`` and ``results.png`` go
        (default ``sweeps/<dataset>``); written after every trial.
    resume : skip the trials already in ``output_dir``'s results (identified by their settings).
    scheduler : a Dask scheduler's address (``"tcp://HOST:PORT"``) to run on; default: a local
        cluster of ``workers`` single-threaded processes (one per core). ``client``: a
        ``distributed.Client`` of your own instead.
    data_dir : the dataset's folder as the *workers* see it (default: their own search path).
    blas_threads : BLAS threads per trial (threadpoolctl); None leaves them as the workers have them.

    A trial that diverges or whose settings the library refuses is recorded as failed, with the
    reason, and the sweep goes on. Ctrl-C cancels what is left and raises :class:`SweepInterrupted`.
    """
    from .. import datasets
    from . import runner

    datasets.info(dataset)   # a name the workers would refuse, refused here once
    todo = expand(grid, random, trials, settings, search_seed)
    out = Path(output_dir) if output_dir is not None else Path("sweeps") / dataset
    store = Store(out, dataset, resume=checks.flag(resume, "resume"))
    done, used = store.done(), {r["trial"] for r in store.records}
    # A trial's number is its place in the search; resumed with a changed search, a new trial whose
    # place an old one holds gets a number past both lists.
    pending, free = [], max(max(used, default=-1), len(todo) - 1) + 1
    for number, trial in enumerate(todo):
        if trial_key(trial) in done:
            continue
        if number in used:
            number, free = free, free + 1
        pending.append((number, trial))
    result = SweepResult(store.records, 0, len(todo) - len(pending), out,
                         columns=varying([r["settings"] for r in store.records] + todo) or ["lr"])
    if pending:
        def record(r):
            store.add(r)
            result.ran += 1

        try:
            if client is not None:
                runner.run(client, pending, dataset, data_dir, record, progress, blas_threads, file)
            else:
                with runner.connect(scheduler, workers) as own:
                    runner.run(own, pending, dataset, data_dir, record, progress, blas_threads, file)
        except KeyboardInterrupt:
            raise SweepInterrupted(f"sweep interrupted: {result.ran} of {len(pending)} trials finished "
                                   f"this time, kept in {store.json}", result) from None
    if plot:
        from .figure import plot_results

        result.figure = plot_results(store.records, store.figure)
    return result





__all__ = ["DEFAULTS", "Range", "SweepInterrupted", "SweepResult", "expand", "sweep"]
