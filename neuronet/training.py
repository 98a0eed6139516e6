"""The training loop: mini-batch gradient descent with backpropagation.

One epoch is one pass over the training set in a freshly shuffled order, cut into mini-batches. For
each batch, :func:`train_step` is the whole algorithm in four lines:

    out = network.forward(x)                    # feed forward: a = f(x W + b), layer after layer
    loss, grad = network.loss_and_gradient(out, y)   # C and dC/d(output)
    network.backward(grad)                      # backpropagate: every layer's dC/dW, dC/db
    optimizer.step(network.parameters())        # w ← w − η · (the optimiser's rule)

Everything else here is bookkeeping, each part in a small helper of its own: :func:`fit` checks what it
is given once (the door), :func:`train` runs the epochs on checked :class:`~neuronet.checks.Examples`,
:class:`_Batches` gathers shuffled mini-batches into reused buffers, and the callbacks
(:mod:`neuronet.callbacks`) do what happens between epochs, checkpoints included.

Everything random in a run (the shuffling order of epoch e, the dropout masks) is drawn from
generators seeded by ``(seed, epoch)``, so a run is reproducible bit for bit and can be resumed from a
checkpoint mid-way with exactly the same result as if it had never stopped.
"""

from __future__ import annotations

import math
import signal
import threading
import time

import numpy as np

from . import checks, memory, optimizers
from .augment import Augmentation
from .callbacks import Callback, Checkpoint
from .checks import Examples
from .errors import ConfigError, DivergenceError, NeuronetError
from .history import History, TrainState, format_logs
from .layers import Dropout


class TrainingInterrupted(NeuronetError):
    """Training was stopped by Ctrl-C after a batch; ``checkpoint`` says where it was saved, if anywhere."""

    def __init__(self, message: str, checkpoint=None, history=None):
        super().__init__(message)
        self.checkpoint, self.history = checkpoint, history


class _StopFlag:
    """Turns the first Ctrl-C into a polite request to stop after the current batch."""

    def __init__(self, enabled: bool):
        self.requested = False
        self._previous = None
        self._enabled = enabled and threading.current_thread() is threading.main_thread()

    def __enter__(self):
        if self._enabled:
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame):
        if self.requested:   # a second Ctrl-C means "now"
            raise KeyboardInterrupt
        self.requested = True

    def __exit__(self, *exc):
        if self._enabled:
            signal.signal(signal.SIGINT, self._previous)


def train_step(network, optimizer, x: np.ndarray, targets: np.ndarray,
               params=None) -> tuple[float, np.ndarray]:
    """One step of gradient descent on the mini-batch ``x`` (batch, n_in) with ``targets`` (batch, n_out):
    returns the batch loss and the network's output (batch, n_out).

    ``params`` is ``network.parameters()``, which the loop passes in so as not to rebuild the list every
    step (a few µs, 5-10 % of a step at batch size 10). A loss that is not finite is returned without a
    step: backpropagating it would only spread NaN into every weight (the loop then stops the run).
    """
    out = network.forward(x, training=True)                 # (batch, n_out)
    loss, grad = network.loss_and_gradient(out, targets)    # C, and dC/d(output) (dC/dz when fused)
    if not math.isfinite(loss):
        return loss, out
    network.backward(grad)                                  # fills every layer's grads
    optimizer.step(network.parameters() if params is None else params)   # updates in place
    return loss, out


def fit(network, X, y, epochs: int = 10, batch_size: int = 32, optimizer="sgd",
        validation_data=None, validation_split: float = 0.0, shuffle: bool = True,
        seed: int | None = None, callbacks=(), checkpoint=None, resume=None,
        catch_interrupt: bool = True, verbose: int = 0, checkpoint_metadata: dict | None = None,
        augment=None):
    """Train ``network`` on ``(X, y)``: every argument is checked here, once, then :func:`train` runs.

    Parameters
    ----------
    X : (n, n_in) array;  y : (n,) integer labels or (n, n_out) one-hot / target rows.
    epochs, batch_size : how long and in what portions. The last batch of an epoch may be smaller.
    optimizer : an Optimizer or a name (``"sgd"``, ``"adam"`` ...); its state carries across calls.
    validation_data : ``(X_val, y_val)``, evaluated after every epoch.
    validation_split : as in Keras, hold out this fraction of the examples, the *last* ones (before any
        shuffling), as validation data; not with ``validation_data``.
    shuffle : reshuffle the examples every epoch (with the seed, reproducibly).
    seed : seeds shuffling and dropout; defaults to the network's seed (or 0).
    callbacks : objects with ``on_epoch_end`` (and optionally ``on_batch_end``, ``on_train_begin``,
        ``on_train_end``); see :mod:`neuronet.callbacks`.
    checkpoint : a path; a :class:`~neuronet.callbacks.Checkpoint` writes a checkpoint there atomically
        after every epoch and on Ctrl-C.
    resume : a checkpoint path (or a loaded ``(optimizer, TrainState)`` pair) to continue from.
    checkpoint_metadata : JSON data written into every checkpoint (``neuronet train`` keeps the run's
        settings there, so that ``--resume`` alone can continue it).
    catch_interrupt : make Ctrl-C stop after the current batch (raising :class:`TrainingInterrupted`).
    verbose : 1 prints one line per epoch.
    augment : an :class:`~neuronet.augment.Augmentation` (e.g. ``RandomShift``) applied to every
        training batch, seeded by (seed, epoch, batch): reproducible and resumable.

    Returns the :class:`History`; the optimiser used is kept as ``network.optimizer``. If the loss
    or a parameter stops being finite, raises :class:`~neuronet.errors.DivergenceError` and leaves the
    network with the weights it had at the start of that epoch (the last ones known to be good).
    """
    epochs = checks.non_negative_int(epochs, "epochs")
    batch_size = checks.positive_int(batch_size, "batch_size")
    validation_split = checks.rate(validation_split, "validation_split")
    data = network.check_examples(X, y)
    validation = None
    if validation_data is not None:
        if validation_split:
            raise ConfigError("give validation_data or validation_split, not both")
        try:
            X_val, y_val = validation_data
        except (TypeError, ValueError):
            raise ConfigError("validation_data must be a pair (X_val, y_val)") from None
        validation = network.check_examples(X_val, y_val, ("X_val", "y_val"))
    elif validation_split:
        data, validation = _split_last(data, validation_split)
    if callbacks is None:
        callbacks = ()
    try:
        if isinstance(callbacks, (str, bytes, dict)):
            raise TypeError
        callbacks = list(callbacks)
    except TypeError:
        raise ConfigError(f"callbacks must be a list of callbacks, got {checks.shown(callbacks)}") from None
    for cb in callbacks:
        if not callable(getattr(cb, "on_epoch_end", None)):
            raise ConfigError(f"callback {checks.shown(cb)} has no on_epoch_end method; "
                              f"subclass neuronet.callbacks.Callback")
    if checkpoint is not None:   # last, so that it saves what the other callbacks did this epoch
        callbacks.append(Checkpoint(checkpoint, checkpoint_metadata))
    opt, state = optimizers.get(optimizer), None
    if resume is not None:
        opt, state = restore(network, resume)
    if seed is None:
        seed = network.seed if network.seed is not None else 0
    if augment is not None and (not isinstance(augment, Augmentation) or augment.n_in != network.n_in):
        raise ConfigError(f"augment must be an Augmentation for {network.n_in} inputs (e.g. "
                          f"RandomShift((28, 28, 1))), got {checks.shown(augment)}")
    return train(network, data, augment=augment, epochs=epochs, batch_size=batch_size, optimizer=opt,
                 validation=validation, shuffle=checks.flag(shuffle, "shuffle"),
                 seed=checks.non_negative_int(seed, "seed"), callbacks=callbacks, state=state,
                 catch_interrupt=checks.flag(catch_interrupt, "catch_interrupt"),
                 verbose=checks.verbosity(verbose))


def _split_last(data: Examples, fraction: float) -> tuple[Examples, Examples]:
    n_val = math.ceil(len(data.X) * fraction)
    if n_val >= len(data.X):
        raise ConfigError(f"validation_split={fraction:g} leaves no training examples "
                          f"out of {len(data.X)}")
    cut = len(data.X) - n_val
    return data.take(slice(0, cut)), data.take(slice(cut, None))


def train(network, data: Examples, *, epochs: int, batch_size: int, optimizer, validation=None,
          shuffle: bool = True, seed: int = 0, callbacks=(), state: TrainState | None = None,
          catch_interrupt: bool = True, verbose: int = 0, augment=None) -> History:
    """The epochs of :func:`fit`, on examples already checked (:meth:`Network.check_examples`) and
    settings already valid: callers that checked their data themselves (the estimators) start here, so
    that nothing is scanned twice. ``optimizer`` is an Optimizer object; ``state`` a TrainState to
    continue from (None: a fresh run)."""
    state = TrainState() if state is None else state
    memory.keep_freed_memory()     # each batch's arrays reuse the last one's memory (a fifth of a step)
    optimizer.bind(network)
    callbacks = list(callbacks)
    for cb in callbacks:
        if hasattr(cb, "set_run"):
            cb.set_run(network, optimizer, state)
        if hasattr(cb, "on_train_begin"):
            cb.on_train_begin(network, optimizer)
    state.restore_callbacks(_stateful(callbacks))
    batches = _Batches(data, batch_size, shuffle, network.threshold, augment)
    with _StopFlag(catch_interrupt) as stop:
        while state.epoch < epochs:
            logs = _run_epoch(network, optimizer, batches, state, seed, callbacks, stop)
            if validation is not None:
                logs["val_loss"], logs["val_accuracy"] = network.evaluate_checked(validation)
            epoch = state.end_epoch(logs)
            if verbose:
                print(format_logs(epoch, epochs, logs), flush=True)
            if _epoch_end(network, epoch, logs, state, callbacks):
                break
            if stop.requested:
                _interrupt(optimizer, state, callbacks)
    for cb in callbacks:
        if hasattr(cb, "on_train_end"):
            cb.on_train_end(network)
    network.optimizer = optimizer
    return state.history


def _run_epoch(network, optimizer, batches: _Batches, state: TrainState, seed: int, callbacks,
               stop: _StopFlag) -> dict:
    """One pass over the batches of epoch ``state.epoch`` (from batch ``state.batch`` when resuming
    mid-epoch); returns the epoch's logs (loss, accuracy, lr, seconds)."""
    epoch = state.epoch
    optimizer.set_epoch(epoch)
    batches.shuffle(seed, epoch)
    dropouts = _seed_dropout(network, seed, state)
    good_weights = network.get_weights()   # where a diverging epoch goes back to
    params = network.parameters()
    batch_hooks = [cb.on_batch_end for cb in callbacks if hasattr(cb, "on_batch_end")]
    started = time.perf_counter()
    counted_from = state.batch * batches.size   # predictions before this were counted earlier
    for b in range(state.batch, batches.n):
        lo, hi, xb, tb = batches.get(b)
        loss, out = train_step(network, optimizer, xb, tb, params)
        if not math.isfinite(loss):
            _diverged(network, good_weights, optimizer, epoch,
                      f"at epoch {epoch + 1}, batch {b + 1}: the loss became {loss}")
        batches.record(out, lo, hi)
        state.loss_sum += loss * (hi - lo)
        state.seen += hi - lo
        state.batch = b + 1
        for hook in batch_hooks:
            hook(network, epoch, b, batches.n, loss)
        if stop.requested and state.batch < batches.n:
            state.correct += batches.correct(counted_from, hi)
            state.seconds += time.perf_counter() - started
            state.dropout_rng = [layer.rng.bit_generator.state for layer in dropouts]
            _interrupt(optimizer, state, callbacks)
    state.correct += batches.correct(counted_from, batches.n_examples)
    if not all(np.isfinite(p).all() for _, p, _ in params):
        _diverged(network, good_weights, optimizer, epoch,
                  f"in epoch {epoch + 1}: a parameter became NaN or infinite")
    return {"loss": state.loss_sum / state.seen,
            "accuracy": state.correct / state.seen if batches.labels is not None else float("nan"),
            "lr": optimizer.lr, "seconds": state.seconds + time.perf_counter() - started}


def _epoch_end(network, epoch: int, logs: dict, state: TrainState, callbacks) -> bool:
    """Run every callback's ``on_epoch_end`` (each sees the epoch, even when an earlier one asks to
    stop); True when one asks to stop. What each remembers is recorded in ``state`` before every call,
    so that a Checkpoint, which comes last, saves the others as they stand after this epoch."""
    stop, stateful = False, _stateful(callbacks)
    for cb in callbacks:
        stop = bool(cb.on_epoch_end(network, epoch, logs)) or stop
        state.keep_callbacks(stateful)
    return stop


def _stateful(callbacks) -> list:
    """The callbacks that remember something across epochs (they override Callback.get_state)."""
    return [cb for cb in callbacks
            if isinstance(cb, Callback) and type(cb).get_state is not Callback.get_state]


def _seed_dropout(network, seed: int, state: TrainState) -> list:
    """Give every Dropout layer its generator for this epoch: seeded by (seed, epoch, layer), or, when
    resuming mid-epoch, exactly where it was when the run stopped."""
    dropouts = [layer for layer in network.layers if isinstance(layer, Dropout)]
    if state.batch == 0:
        for i, layer in enumerate(dropouts):
            layer.rng = np.random.default_rng([seed, state.epoch, 1 + i])
    else:
        for layer, st in zip(dropouts, state.dropout_rng, strict=False):
            layer.rng.bit_generator.state = st
    return dropouts


def _diverged(network, good_weights, optimizer, epoch: int, what: str):
    network.set_weights(good_weights)
    raise DivergenceError(
        f"training diverged {what}; try a smaller learning rate (now {optimizer.lr:g}) or gradient "
        f"clipping (clipnorm); the network keeps its weights from the start of epoch {epoch + 1}")


class _Batches:
    """The mini-batches of an epoch in its shuffled order, and the predictions made on them.

    Each shuffled batch of inputs is gathered into one reused buffer, where it is contiguous (fast to
    multiply) and still in cache for the product; a shuffled copy of all of X would cost as much memory
    again as the data (188 MB for Fashion-MNIST) and its first filling is slow. Targets and labels are
    small: they get a shuffled copy per epoch.
    """

    def __init__(self, data: Examples, size: int, shuffle: bool, threshold: float = 0.5, augment=None):
        self.X, self.size, self.shuffled = data.X, size, shuffle
        self.n_examples = len(data.X)
        self.n = math.ceil(self.n_examples / size)
        self._targets, self._labels = data.targets, data.labels
        self.X_batch = np.empty((min(size, self.n_examples), self.X.shape[1]), dtype=self.X.dtype) \
            if shuffle else None
        self.targets = np.empty_like(data.targets) if shuffle else data.targets
        self.labels = data.labels if data.labels is None or not shuffle else np.empty_like(data.labels)
        # Predicted classes are written here batch by batch and compared with the labels once per
        # epoch (or on interrupt): one NumPy call per batch instead of four, which matters when the
        # batches are tiny and per-call overhead dominates.
        self.predicted = np.empty_like(data.labels) if data.labels is not None else None
        self.one_output = data.targets.shape[1] == 1
        self.threshold = threshold
        self.augment, self.seed, self.epoch = augment, 0, 0
        self.order = None

    def shuffle(self, seed: int, epoch: int) -> None:
        self.seed, self.epoch = seed, epoch          # what an augmentation's generator is seeded from
        if not self.shuffled:
            return
        self.order = np.random.default_rng([seed, epoch]).permutation(self.n_examples)
        # mode="clip" in every take(): with the default mode="raise", take() gathers into a hidden
        # temporary first and then copies it into `out` (twice the work). The indices are a
        # permutation, so nothing ever needs clipping.
        np.take(self._targets, self.order, axis=0, out=self.targets, mode="clip")
        if self._labels is not None:
            np.take(self._labels, self.order, axis=0, out=self.labels, mode="clip")

    def get(self, b: int) -> tuple[int, int, np.ndarray, np.ndarray]:
        """(lo, hi, inputs (hi − lo, n_in), targets (hi − lo, n_out)) of batch ``b``."""
        lo, hi = b * self.size, min((b + 1) * self.size, self.n_examples)
        if self.shuffled:
            xb = np.take(self.X, self.order[lo:hi], axis=0, out=self.X_batch[:hi - lo], mode="clip")
        else:
            xb = self.X[lo:hi]
        if self.augment is not None:   # a new array: X itself (a view of it without shuffling) stays
            xb = self.augment(xb, np.random.default_rng([self.seed, self.epoch, b, 2]))
        return lo, hi, xb, self.targets[lo:hi]

    def record(self, out: np.ndarray, lo: int, hi: int) -> None:
        """Keep the classes predicted from ``out`` for examples lo..hi (as Network.classes_of does)."""
        if self.predicted is None:
            return
        if self.one_output:
            np.greater(out[:, 0], self.threshold, out=self.predicted[lo:hi])
        else:
            np.argmax(out, axis=1, out=self.predicted[lo:hi])

    def correct(self, lo: int, hi: int) -> int:
        """How many of the examples lo..hi were predicted right (0 for targets that are not classes)."""
        if self.predicted is None:
            return 0
        return int(np.count_nonzero(self.predicted[lo:hi] == self.labels[lo:hi]))


def _interrupt(optimizer, state: TrainState, callbacks):
    """Let the callbacks that keep files save them (a Checkpoint writes one), then stop the run."""
    where = f"epoch {state.epoch + 1}, after batch {state.batch}"
    saved = [path for cb in callbacks if hasattr(cb, "on_interrupt")
             for path in [cb.on_interrupt()] if path is not None]
    if saved:
        message = f"training interrupted at {where}; checkpoint saved to {saved[0]}"
    else:
        message = f"training interrupted at {where}; no checkpoint path was given, so nothing was saved"
    raise TrainingInterrupted(message, checkpoint=saved[0] if saved else None, history=state.history)


def restore(network, resume) -> tuple:
    """(optimiser, TrainState) to continue from: a given pair as it is, or from a checkpoint path,
    whose weights are then copied into ``network`` (which must have the checkpoint's architecture)."""
    if isinstance(resume, tuple):
        return resume
    from .modelfile import load_checkpoint

    saved_net, saved_opt, state = load_checkpoint(resume)
    if saved_net.get_config()["layers"] != network.get_config()["layers"]:
        raise ConfigError(f"checkpoint {resume} is for a different architecture")
    network.set_weights(saved_net.get_weights())
    return saved_opt, state


__all__ = ["Callback", "History", "TrainState", "TrainingInterrupted", "fit", "format_logs", "restore",
           "train", "train_step"]
