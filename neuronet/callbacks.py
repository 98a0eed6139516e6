"""Callbacks: code that runs at fixed points of training, without touching the loop itself.

A callback is any object with ``on_epoch_end(network, epoch, logs) -> bool | None``; returning True
stops training. Optional hooks: ``on_train_begin(network, optimizer)``,
``on_batch_end(network, epoch, batch, n_batches, loss)``, ``on_train_end(network)`` and
``on_interrupt() -> path | None`` (Ctrl-C: a callback that keeps a file saves it and says where).
Before training, the loop hands each :class:`Callback` the run itself (:meth:`Callback.set_run`):
the network, the optimiser and the :class:`~neuronet.history.TrainState`, which is what a
:class:`Checkpoint` writes.
"""

from __future__ import annotations

import math

from . import checks, modelfile
from .errors import ConfigError
from .history import TrainState, format_logs


class Callback:
    """Base class with do-nothing hooks; override the ones you need."""

    network = optimizer = state = None

    def set_run(self, network, optimizer, state: TrainState) -> None:
        """Called by the loop before ``on_train_begin``: the run this callback is part of."""
        self.network, self.optimizer, self.state = network, optimizer, state

    # A callback that remembers something across epochs (EarlyStopping's best value and weights) says
    # so here, and checkpoints keep it: a resumed run then ends exactly as the uninterrupted one.
    def get_state(self) -> dict:
        """What this callback remembers, as JSON data (none by default)."""
        return {}

    def state_arrays(self) -> dict:
        """Weights it remembers, by parameter name (``"0.W"``), shaped like the network's."""
        return {}

    def set_state(self, state: dict, arrays: dict) -> None:
        """Take back what :meth:`get_state` and :meth:`state_arrays` gave (on resume)."""

    def on_train_begin(self, network, optimizer) -> None:
        pass

    def on_batch_end(self, network, epoch: int, batch: int, n_batches: int, loss: float) -> None:
        pass

    def on_epoch_end(self, network, epoch: int, logs: dict) -> bool | None:
        return None

    def on_train_end(self, network) -> None:
        pass


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved for ``patience`` epochs.

    With ``restore_best_weights`` the network ends with the weights of its best epoch, not its last.
    ``monitor`` is a key of the history (``"val_loss"``, ``"val_accuracy"``, ``"loss"`` ...); losses are
    minimised, accuracies maximised.
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 5, min_delta: float = 0.0,
                 restore_best_weights: bool = True):
        self.monitor = checks.text(monitor, "EarlyStopping: monitor")
        self.patience = checks.non_negative_int(patience, "EarlyStopping: patience")
        self.min_delta = abs(checks.number(min_delta, "EarlyStopping: min_delta"))
        self.restore_best_weights = checks.flag(restore_best_weights, "EarlyStopping: restore_best_weights")
        self.sign = 1.0 if "acc" in monitor else -1.0   # maximise accuracy, minimise loss
        self.best = -math.inf
        self.best_epoch = -1
        self.best_weights = None
        self.wait = 0
        self.stopped_epoch = None

    def on_train_begin(self, network, optimizer):
        self.best, self.best_epoch, self.best_weights, self.wait = -math.inf, -1, None, 0
        self.stopped_epoch = None

    def get_state(self):
        return {"best": None if self.best == -math.inf else self.best, "best_epoch": self.best_epoch,
                "wait": self.wait}

    def state_arrays(self):
        return dict(self.best_weights or {})

    def set_state(self, state, arrays):
        try:
            best, self.best_epoch, self.wait = state["best"], int(state["best_epoch"]), int(state["wait"])
            self.best = -math.inf if best is None else float(best)
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"EarlyStopping: malformed saved state ({exc})") from None
        self.best_weights = {k: v.copy() for k, v in arrays.items()} if arrays else None

    def on_epoch_end(self, network, epoch, logs):
        value = logs.get(self.monitor)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            raise ConfigError(f"EarlyStopping monitors {self.monitor!r}, which this run does not "
                              f"record (give validation_data for val_* keys)")
        score = self.sign * value
        if score > self.best + self.min_delta:
            self.best, self.best_epoch, self.wait = score, epoch, 0
            if self.restore_best_weights:
                self.best_weights = network.get_weights()
            return False
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            return True
        return False

    def on_train_end(self, network):
        if self.restore_best_weights and self.best_weights is not None:
            network.set_weights(self.best_weights)


class ProgressBar(Callback):
    """A live progress bar per epoch (tqdm, an optional extra) and one summary line per epoch."""

    def __init__(self, epochs: int, file=None):
        try:
            from tqdm.auto import tqdm
        except ImportError:  # pragma: no cover - depends on the environment
            raise ConfigError('a progress bar needs tqdm: pip install "neuronet[progress]"') from None
        if file is not None and not callable(getattr(file, "write", None)):
            raise ConfigError(f"ProgressBar: file must be None or a text file (with a write method), "
                              f"got {checks.shown(file)}")
        epochs = checks.positive_int(epochs, "ProgressBar: epochs")
        self._tqdm, self.epochs, self.file, self.bar = tqdm, epochs, file, None

    def on_batch_end(self, network, epoch, batch, n_batches, loss):
        if self.bar is None:
            self.bar = self._tqdm(total=n_batches, initial=batch, desc=f"epoch {epoch + 1}/{self.epochs}",
                                  leave=False, file=self.file, unit="batch",
                                  disable=None)  # no bar when not a terminal
        self.bar.update(1)
        if batch % 20 == 0:
            self.bar.set_postfix(loss=f"{loss:.4f}", refresh=False)

    def on_epoch_end(self, network, epoch, logs):
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        self._tqdm.write(format_logs(epoch, self.epochs, logs), file=self.file)
        return False

    def on_train_end(self, network):
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Checkpoint(Callback):
    """Write everything needed to resume the run exactly (weights, optimiser state, TrainState, and
    ``metadata`` such as the run's settings) to ``path`` after every epoch and on Ctrl-C.

    Each write is atomic (see :mod:`neuronet.modelfile`): a kill at any moment leaves the previous
    checkpoint or the new one. Put it last among the callbacks, so that what they did in an epoch is in
    that epoch's checkpoint (``fit(checkpoint=path)`` does).
    """

    def __init__(self, path, metadata: dict | None = None):
        if metadata is not None and not isinstance(metadata, dict):
            raise ConfigError(f"Checkpoint: metadata must be a dict of JSON data, "
                              f"got {checks.shown(metadata)}")
        self.path, self.metadata = checks.path(path, "checkpoint path"), metadata

    def save(self) -> str:
        modelfile.save_checkpoint(self.path, self.network, self.optimizer, self.state, self.metadata)
        return self.path

    def on_epoch_end(self, network, epoch, logs):
        self.save()
        return False

    def on_interrupt(self):
        return self.save()
