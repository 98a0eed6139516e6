"""What a sweep leaves on disk, written again after every finished trial so that an interrupted or
killed sweep keeps what it finished: ``results.json`` (everything, histories included),
``results.csv`` (one row per trial), ``best.npz`` (the best trial's network as an ordinary model
file) and, at the end, ``results.png``.

The best trial is the one with the highest best validation accuracy (ties: the lower validation loss);
the test set is reported, never used to choose.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from pathlib import Path

from ..errors import ConfigError
from .space import DEFAULTS, shown_value, trial_key

METRICS = ("final_val_loss", "final_val_accuracy", "best_val_loss", "best_val_accuracy", "best_epoch",
           "test_loss", "test_accuracy", "epochs_run", "seconds", "data_seconds")
FORMAT = 1


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)   # a reader (or a kill) sees the old file or the new one, never half


def score(record: dict) -> tuple:
    """What "best" means: higher best validation accuracy, then lower best validation loss."""
    if record.get("status") != "ok":
        return (-math.inf, -math.inf)
    return (record["best_val_accuracy"], -record["best_val_loss"])


class Store:
    """The records of one sweep in ``directory``; :meth:`add` writes them out at once."""

    def __init__(self, directory, dataset: str, resume: bool = False):
        self.dir = Path(directory)
        self.dataset = dataset
        self.json, self.csv = self.dir / "results.json", self.dir / "results.csv"
        self.model, self.figure = self.dir / "best.npz", self.dir / "results.png"
        if self.dir.exists() and not self.dir.is_dir():
            raise ConfigError(f"sweep output {self.dir} is a file; give a directory")
        self.records: list[dict] = []
        if resume and self.json.exists():
            self.records = self._read()
        elif self.json.exists():
            raise ConfigError(f"{self.dir} already holds a sweep's results; resume it (resume=True, "
                              f"--resume) or choose another output directory")
        self.dir.mkdir(parents=True, exist_ok=True)

    def _read(self) -> list[dict]:
        try:
            data = json.loads(self.json.read_text())
            records, dataset = data["trials"], data["dataset"]
            if not all(isinstance(r, dict) and isinstance(r.get("settings"), dict) for r in records):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            raise ConfigError(f"{self.json} is not a neuronet sweep's results file") from None
        if dataset != self.dataset:
            raise ConfigError(f"{self.json} is a sweep on {dataset}, not {self.dataset}; give its "
                              f"dataset or another output directory")
        return records

    def done(self) -> set[str]:
        """The keys of the trials already recorded (finished or failed): what a resume skips."""
        return {trial_key(r["settings"]) for r in self.records}

    def best(self) -> dict | None:
        ok = [r for r in self.records if r["status"] == "ok"]
        return max(ok, key=score) if ok else None

    def add(self, record: dict) -> bool:
        """Record a finished trial; save its network as ``best.npz`` if it is the best so far.
        True when it was."""
        from ..network import Network

        config, weights = record.pop("config", None), record.pop("weights", None)
        best = self.best()
        self.records.append(record)
        improved = record["status"] == "ok" and (best is None or score(record) > score(best))
        if improved and config is not None:
            net = Network.from_config(config)
            net.set_weights(weights)
            net.save(self.model, training={"dataset": self.dataset, **record["settings"]},
                     history=record["history"], test_loss=record["test_loss"],
                     test_accuracy=record["test_accuracy"], sweep_trial=record["trial"])
        self.write()
        return improved

    def write(self) -> None:
        records = sorted(self.records, key=lambda r: r["trial"])
        _atomic_write(self.json, json.dumps({"format": FORMAT, "dataset": self.dataset,
                                             "trials": records}, indent=1))
        _atomic_write(self.csv, to_csv(records))


def to_csv(records: list[dict]) -> str:
    """One row per trial: its number, status, every setting, the scores, where it ran, and why it failed."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["trial", "status", *DEFAULTS, *METRICS, "worker", "reason"])
    for r in records:
        writer.writerow([r["trial"], r["status"], *(shown_value(r["settings"].get(k)) for k in DEFAULTS),
                         *(_number(r.get(m)) for m in METRICS), r.get("worker", ""), r.get("reason", "")])
    return out.getvalue()


def _number(value) -> str:
    if value is None:
        return ""
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def table(records: list[dict], columns: list[str], limit: int = 20) -> str:
    """The records as aligned text, best first, failed trials last with their reason."""
    ranked = sorted(records, key=score, reverse=True)
    head = ["trial", *columns, "val_acc", "val_loss", "test_acc", "seconds", "worker"]
    rows = []
    for r in ranked[:limit]:
        settings = [shown_value(r["settings"].get(c)) for c in columns]
        if r["status"] == "ok":
            scores = [f"{r['best_val_accuracy']:.4f}", f"{r['best_val_loss']:.4f}",
                      f"{r['test_accuracy']:.4f}"]
        else:
            scores = ["failed", "", ""]
        rows.append([str(r["trial"]), *settings, *scores, f"{r.get('seconds', 0):.1f}", r.get("worker", "")])
    widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=True)]
    lines = ["  ".join(x.ljust(w) for x, w in zip(row, widths, strict=True)).rstrip()
             for row in [head, *rows]]
    if len(ranked) > limit:
        lines.append(f"... and {len(ranked) - limit} more")
    lines += [f"trial {r['trial']} failed: {r['reason']}" for r in ranked if r["status"] != "ok"][:10]
    return "\n".join(lines)
