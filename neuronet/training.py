"""The training loop: mini-batch gradient descent with backpropagation.

One epoch is one pass over the training set in a freshly shuffled order, cut into mini-batches. For
each batch: feed forward, measure the loss, backpropagate, let the optimiser step.

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

from . import optimizers
from .callbacks import Callback
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


def _all_finite(network) -> bool:
    return all(np.isfinite(p).all() for _, p, _ in network.parameters())


def fit(network, X, y, epochs: int = 10, batch_size: int = 32, optimizer="sgd",
        validation_data=None, shuffle: bool = True, seed: int | None = None, callbacks=(),
        checkpoint=None, resume=None, catch_interrupt: bool = True, verbose: int = 0,
        checkpoint_metadata: dict | None = None):
    """Train ``network`` on ``(X, y)``.

    Parameters
    ----------
    X : (n, n_in) array;  y : (n,) integer labels or (n, n_out) one-hot / target rows.
    epochs, batch_size : how long and in what portions. The last batch of an epoch may be smaller.
    optimizer : an Optimizer or a name (``"sgd"``, ``"adam"`` ...); its state carries across calls.
    validation_data : ``(X_val, y_val)``, evaluated after every epoch.
    shuffle : reshuffle the examples every epoch (with the seed, reproducibly).
    seed : seeds shuffling and dropout; defaults to the network's seed (or 0).
    callbacks : objects with ``on_epoch_end`` (and optionally ``on_batch_end``, ``on_train_begin``,
        ``on_train_end``); see :mod:`neuronet.callbacks`.
    checkpoint : a path; a checkpoint is written there atomically after every epoch and on Ctrl-C.
    resume : a checkpoint path (or a loaded ``(optimizer, TrainState)`` pair) to continue from.
    checkpoint_metadata : JSON data written into every checkpoint (``neuronet train`` keeps the run's
        settings there, so that ``--resume`` alone can continue it).
    catch_interrupt : make Ctrl-C stop after the current batch (raising :class:`TrainingInterrupted`).
    verbose : 1 prints one line per epoch.

    Returns the :class:`History`; the optimiser used is kept as ``network.optimizer``. If the loss
    or a parameter stops being finite, raises :class:`~neuronet.errors.DivergenceError` and leaves the
    network with the weights it had at the start of that epoch (the last ones known to be good).
    """
    if not isinstance(epochs, int) or epochs < 0:
        raise ConfigError(f"epochs must be a non-negative integer, got {epochs!r}")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ConfigError(f"batch_size must be a positive integer, got {batch_size!r}")
    X = network.check_inputs(X)
    targets, labels = network.check_targets(y, len(X))
    if validation_data is not None:
        try:
            X_val, y_val = validation_data
        except (TypeError, ValueError):
            raise ConfigError("validation_data must be a pair (X_val, y_val)") from None
        # Checked once here; every epoch then evaluates the checked arrays directly.
        val = network.check_examples(X_val, y_val, ("X_val", "y_val"))
    opt = optimizers.get(optimizer)
    if seed is None:
        seed = network.seed if network.seed is not None else 0
    state = TrainState()
    if resume is not None:
        opt, state = restore(network, resume)
    callbacks = list(callbacks)
    # Callbacks may be any object with on_epoch_end; the other hooks are optional.
    batch_hooks = [cb.on_batch_end for cb in callbacks if hasattr(cb, "on_batch_end")]
    dropouts = [layer for layer in network.layers if isinstance(layer, Dropout)]

    n = len(X)
    n_batches = math.ceil(n / batch_size)
    # Each shuffled batch of inputs is gathered into this one buffer, where it is contiguous (fast
    # to multiply) and still in cache for the product; a shuffled copy of all of X would cost as
    # much memory again as the data (188 MB for Fashion-MNIST) and its first filling is slow.
    # Targets and labels are small: they get a shuffled copy per epoch.
    X_batch = np.empty((min(batch_size, n), X.shape[1]), dtype=X.dtype) if shuffle else None
    T_epoch = np.empty_like(targets) if shuffle else targets
    L_epoch = (np.empty_like(labels) if shuffle else labels) if labels is not None else None
    params = network.parameters()
    one_output = network.n_out == 1
    # Predicted classes are written here batch by batch and compared with the labels once per
    # epoch (or on interrupt): one NumPy call per batch instead of four, which matters when the
    # batches are tiny and per-call overhead dominates.
    P_epoch = np.empty_like(labels) if labels is not None else None

    def count_correct(lo: int, hi: int) -> int:
        return int(np.count_nonzero(P_epoch[lo:hi] == L_epoch[lo:hi]))

    for cb in callbacks:
        if hasattr(cb, "on_train_begin"):
            cb.on_train_begin(network, opt)

    def diverged(what: str) -> DivergenceError:
        network.set_weights(good_weights)
        return DivergenceError(
            f"training diverged {what}; try a smaller learning rate (now {opt.lr:g}) or gradient "
            f"clipping (clipnorm); the network keeps its weights from the start of epoch {epoch + 1}")

    with _StopFlag(catch_interrupt) as stop:
        while state.epoch < epochs:
            epoch = state.epoch
            opt.set_epoch(epoch)
            if shuffle:
                order = np.random.default_rng([seed, epoch]).permutation(n)
                # mode="clip" in every take(): with the default mode="raise", take() gathers into a
                # hidden temporary first and then copies it into `out` (twice the work). The indices
                # are a permutation, so nothing ever needs clipping.
                np.take(targets, order, axis=0, out=T_epoch, mode="clip")
                if labels is not None:
                    np.take(labels, order, axis=0, out=L_epoch, mode="clip")
            if state.batch == 0:
                for i, layer in enumerate(dropouts):
                    layer.rng = np.random.default_rng([seed, epoch, 1 + i])
            else:  # resuming mid-epoch
                for layer, st in zip(dropouts, state.dropout_rng, strict=False):
                    layer.rng.bit_generator.state = st
            good_weights = network.get_weights()
            started = time.perf_counter()
            counted_from = state.batch * batch_size   # predictions before this were counted earlier

            for b in range(state.batch, n_batches):
                lo, hi = b * batch_size, min((b + 1) * batch_size, n)
                if shuffle:
                    xb = np.take(X, order[lo:hi], axis=0, out=X_batch[:hi - lo], mode="clip")
                else:
                    xb = X[lo:hi]
                out = network.forward(xb, training=True)
                loss, grad = network.loss_and_gradient(out, T_epoch[lo:hi])
                if not math.isfinite(loss):
                    raise diverged(f"at epoch {epoch + 1}, batch {b + 1}: the loss became {loss}")
                network.backward(grad)
                opt.step(params)
                state.loss_sum += loss * (hi - lo)
                state.seen += hi - lo
                if P_epoch is not None:
                    if one_output:
                        np.greater(out[:, 0], 0.5, out=P_epoch[lo:hi])
                    else:
                        np.argmax(out, axis=1, out=P_epoch[lo:hi])
                state.batch = b + 1
                for hook in batch_hooks:
                    hook(network, epoch, b, n_batches, loss)
                if stop.requested and state.batch < n_batches:
                    if P_epoch is not None:
                        state.correct += count_correct(counted_from, hi)
                    state.seconds += time.perf_counter() - started
                    state.dropout_rng = [layer.rng.bit_generator.state for layer in dropouts]
                    _interrupt(network, opt, state, checkpoint, checkpoint_metadata)

            if P_epoch is not None:
                state.correct += count_correct(counted_from, n)
            if not _all_finite(network):
                raise diverged(f"in epoch {epoch + 1}: a parameter became NaN or infinite")
            logs = {"loss": state.loss_sum / state.seen,
                    "accuracy": state.correct / state.seen if labels is not None else float("nan"),
                    "lr": opt.lr, "seconds": state.seconds + time.perf_counter() - started}
            if validation_data is not None:
                logs["val_loss"], logs["val_accuracy"] = network.evaluate_checked(val)
            state.history.append(logs)
            state.epoch, state.batch = epoch + 1, 0
            state.loss_sum, state.correct, state.seen, state.seconds = 0.0, 0, 0, 0.0
            if verbose:
                print(format_logs(epoch, epochs, logs), flush=True)
            if checkpoint is not None:
                from .modelfile import save_checkpoint

                save_checkpoint(checkpoint, network, opt, state, checkpoint_metadata)
            stop_now = False
            for cb in callbacks:
                if cb.on_epoch_end(network, epoch, logs):
                    stop_now = True
            if stop_now:
                break
            if stop.requested:
                _interrupt(network, opt, state, checkpoint, checkpoint_metadata)
    for cb in callbacks:
        if hasattr(cb, "on_train_end"):
            cb.on_train_end(network)
    network.optimizer = opt
    return state.history


def _interrupt(network, opt, state, checkpoint, metadata=None):
    where = f"epoch {state.epoch + 1}, after batch {state.batch}"
    if checkpoint is not None:
        from .modelfile import save_checkpoint

        save_checkpoint(checkpoint, network, opt, state, metadata)
        message = f"training interrupted at {where}; checkpoint saved to {checkpoint}"
    else:
        message = f"training interrupted at {where}; no checkpoint path was given, so nothing was saved"
    raise TrainingInterrupted(message, checkpoint=checkpoint, history=state.history)


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


__all__ = ["Callback", "History", "TrainState", "TrainingInterrupted", "fit", "format_logs", "restore"]
