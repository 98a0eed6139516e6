"""What a run leaves behind and where it stands: the per-epoch :class:`History`, the
:class:`TrainState` a checkpoint needs to resume it exactly, and the one-line summary of an epoch.

Plain data, no training: the loop (:mod:`neuronet.training`) fills them in, the file format
(:mod:`neuronet.modelfile`) stores them, the callbacks and the command line print them;
:func:`read_history` reads one back from a JSON file and :func:`check_history` checks one.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError


class History(dict):
    """Per-epoch records of a run: ``history["loss"]``, ``["accuracy"]``, ``["val_loss"]``,
    ``["val_accuracy"]``, ``["lr"]``, ``["seconds"]``, each a list with one entry per epoch."""

    KEYS = ("loss", "accuracy", "val_loss", "val_accuracy", "lr", "seconds")

    def __init__(self, data: dict | None = None):
        super().__init__({k: [] for k in self.KEYS})
        if data:
            for k, v in data.items():
                self[k] = list(v)

    @property
    def epochs(self) -> int:
        return len(self["loss"])

    def append(self, logs: dict) -> None:
        for k in self.KEYS:
            self[k].append(logs.get(k, float("nan")))


@dataclass
class TrainState:
    """Where a run stands: enough, with the weights and optimiser state, to resume it exactly."""

    epoch: int = 0            # the epoch in progress (or about to start)
    batch: int = 0            # batches of that epoch already done
    loss_sum: float = 0.0     # running sums over the batches done this epoch
    correct: int = 0
    seen: int = 0
    seconds: float = 0.0
    history: History = field(default_factory=History)
    dropout_rng: list = field(default_factory=list)   # bit-generator states of the Dropout layers
    # What each callback remembers, in the run's order: {"type": class name, "state": JSON data}, with
    # the weights it keeps (EarlyStopping's best) as {param name: array} in callback_arrays.
    callbacks: list = field(default_factory=list)
    callback_arrays: list = field(default_factory=list)

    def keep_callbacks(self, callbacks) -> None:
        """Record what each of ``callbacks`` (the ones that keep a state) remembers now: what a
        checkpoint written next will hold."""
        self.callbacks = [{"type": type(cb).__name__, "state": cb.get_state()} for cb in callbacks]
        self.callback_arrays = [cb.state_arrays() for cb in callbacks]

    def restore_callbacks(self, callbacks) -> None:
        """Give each callback back what it remembered when this state was saved; a run resumed with
        other callbacks than it was saved with is refused (it could not end as the original would)."""
        if not self.callbacks:
            return
        saved = [entry["type"] for entry in self.callbacks]
        given = [type(cb).__name__ for cb in callbacks]
        if saved != given:
            raise ConfigError(f"the checkpoint was written by a run with callbacks {saved}, but this run "
                              f"has {given}; resume with the same callbacks (e.g. the same --patience)")
        arrays = self.callback_arrays or [{}] * len(callbacks)
        for cb, entry, kept in zip(callbacks, self.callbacks, arrays, strict=True):
            cb.set_state(entry["state"], kept)

    def end_epoch(self, logs: dict) -> int:
        """Record the finished epoch's ``logs`` and move on to the next epoch; returns the epoch
        just finished (0-based)."""
        self.history.append(logs)
        finished = self.epoch
        self.epoch, self.batch = finished + 1, 0
        self.loss_sum, self.correct, self.seen, self.seconds = 0.0, 0, 0, 0.0
        return finished

    def restart_epoch(self) -> None:
        """Forget the batches done in the epoch in progress, so that the next run of the loop starts
        it again from its first batch: after a divergence, which puts the weights back to where they
        were when the epoch began, the running sums and the dropout generators must go back too."""
        self.batch, self.loss_sum, self.correct, self.seen, self.seconds = 0, 0.0, 0, 0, 0.0
        self.dropout_rng = []

    def to_dict(self) -> dict:
        return {"epoch": self.epoch, "batch": self.batch, "loss_sum": self.loss_sum,
                "correct": self.correct, "seen": self.seen, "seconds": self.seconds,
                "history": dict(self.history), "dropout_rng": self.dropout_rng,
                "callbacks": self.callbacks}

    @classmethod
    def from_dict(cls, d: dict) -> TrainState:
        try:
            return cls(epoch=int(d["epoch"]), batch=int(d["batch"]), loss_sum=float(d["loss_sum"]),
                       correct=int(d["correct"]), seen=int(d["seen"]),
                       seconds=float(d.get("seconds", 0.0)), history=History(d["history"]),
                       dropout_rng=list(d.get("dropout_rng", [])),
                       callbacks=_callback_states(d.get("callbacks", [])))
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"malformed training state: {exc}") from None


def format_logs(epoch: int, epochs: int, logs: dict) -> str:
    """One summary line per epoch, as printed by ``verbose=1`` and the command line."""
    parts = [f"epoch {epoch + 1}/{epochs}", f"loss {logs['loss']:.4f}"]
    if not math.isnan(logs.get("accuracy", float("nan"))):
        parts.append(f"acc {logs['accuracy']:.4f}")
    if "val_loss" in logs and not math.isnan(logs["val_loss"]):
        parts.append(f"val_loss {logs['val_loss']:.4f}")
    if not math.isnan(logs.get("val_accuracy", float("nan"))):
        parts.append(f"val_acc {logs['val_accuracy']:.4f}")
    s = logs['seconds']
    parts.append(f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s")
    return "  ".join(parts)


def _callback_states(entries) -> list:
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("type"), str) and isinstance(e.get("state"), dict)
            for e in entries):
        raise ConfigError("malformed training state: callbacks must be a list of {type, state} objects")
    return entries


def _is_run(data) -> bool:
    """One run's history: a dict of name -> list of numbers (None for a gap), with a ``loss`` list."""
    return (isinstance(data, dict) and isinstance(data.get("loss"), list)
            and all(isinstance(values, list)
                    and all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))
                            for v in values)
                    for values in data.values()))


def check_history(data, source: str = "history") -> dict:
    """``data`` if it is a training history, else a one-line ConfigError naming ``source``.

    A history is one run, ``{"loss": [...], "val_loss": [...], ...}`` (lists of numbers, one per
    epoch, as ``dict(History)`` holds them), or a dict of named runs, ``{"adam": run, "sgd": run}``, to
    overlay in one figure. Checked here, where a file enters, so that a hand-edited one fails in one
    line and not deep inside matplotlib.
    """
    runs = [data] if isinstance(data, dict) and "loss" in data else \
        list(data.values()) if isinstance(data, dict) else []
    if not runs or not all(_is_run(run) for run in runs):
        raise ConfigError(f"{source} is not a training history (a 'loss' list and other lists of "
                          "numbers, as train --history writes)")
    return data


def read_history(path) -> dict:
    """The training history in the JSON file ``path`` (as ``neuronet train --history`` writes it),
    checked by :func:`check_history`; a ConfigError if it cannot be read or is not one."""
    try:
        data = json.loads(Path(path).read_text())
    except OSError as exc:
        raise ConfigError(f"cannot read history {path}: {exc.strerror or exc}") from None
    except ValueError as exc:   # also a file that is not text (UnicodeDecodeError)
        raise ConfigError(f"history {path} is not valid JSON: {exc}") from None
    return check_history(data, f"history {path}")
