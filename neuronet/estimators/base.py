"""What both estimators share: their parameters, the settings made of them, ``fit`` and ``partial_fit``.

``fit`` is a door like :func:`neuronet.training.fit`, for scikit-learn's conventions: the settings are
checked, ``X`` and ``y`` are read as scikit-learn reads them (:mod:`.validation`, :mod:`.labels`), and
the network's :meth:`~neuronet.network.Network.check_examples` casts them and scans them for NaN once.
The early-stopping hold-out is then taken from those checked examples, and the epochs are run by
:func:`neuronet.training.train`, which trusts what it is given: nothing is checked twice.
"""

from __future__ import annotations

import inspect
from typing import NamedTuple

import numpy as np

from .. import checks, optimizers, schedules, training
from ..callbacks import EarlyStopping
from ..checks import Examples
from ..datasets.split import train_val_split
from ..errors import ConfigError
from ..history import History, TrainState
from ..network import Network, mlp
from . import persistence, validation


class _Settings(NamedTuple):
    """The parameters that ``fit`` reads itself, checked and in the types training wants."""

    hidden: list[int]
    epochs: int
    batch_size: int
    patience: int
    seed: int
    shuffle: bool
    early_stopping: bool
    verbose: bool


class _MLPBase:
    """What both estimators share: parameters, input checks, training, saving and loading.

    Parameters (stored unchanged; checked only when ``fit`` runs)
    ----------
    hidden_layers : tuple of int, default (100,)
        Units in each hidden layer; ``()`` gives a network without hidden layers.
    activation : str, default "relu"
        Activation of the hidden layers (any name of :mod:`neuronet.activations`).
    optimizer : str, default "adam"
        ``"sgd"``, ``"adam"``, ``"adamw"`` or ``"rmsprop"``.
    lr : float or a :mod:`~neuronet.schedules` schedule, default 1e-3
        Learning rate.
    epochs : int, default 200
        Passes over the training set (fewer with ``early_stopping``).
    batch_size : int, default 200
        Examples per mini-batch (a batch is never bigger than the training set).
    weight_decay : float, default 0.0
        L2 penalty on the weights, handed to the optimiser (decoupled for ``"adamw"``).
    dropout : float, default 0.0
        Dropout rate after each hidden layer, while training only.
    early_stopping : bool, default False
        Hold out ``validation_fraction`` of the training set and stop once its loss has not improved
        for ``patience`` epochs; the weights of the best epoch are kept.
    validation_fraction : float, default 0.1
    patience : int, default 10
    shuffle : bool, default True
        Reshuffle the examples every epoch.
    seed : int or None, default 0
        Seeds the initial weights, shuffling, dropout and the validation split: the same seed gives the
        same model bit for bit. ``None`` draws a fresh seed at each ``fit``. (scikit-learn calls this
        ``random_state``; neuronet calls it ``seed`` everywhere.)
    dtype : "float32" (default) or "float64"
        Precision of the network's weights and arithmetic.
    verbose : int, default 0
        1 prints one line per epoch.

    Attributes after ``fit``: ``network_`` (the trained :class:`~neuronet.network.Network`),
    ``n_features_in_``, ``history_`` (a :class:`~neuronet.history.History`), ``loss_curve_`` (the
    training loss of each epoch) and ``n_iter_`` (epochs trained).

    A subclass says what its targets are with ``_targets`` (``y`` → what the network trains on, the
    number of outputs and the attributes ``fit`` sets) and what its model file keeps beside the
    network with ``_saved_fields`` / ``_loaded_fields``.
    """

    _estimator_type: str   # "classifier" or "regressor": read by scikit-learn before 1.6
    _output_activation: str   # of the last layer, and the loss it is trained with
    _loss: str

    def __init__(self, hidden_layers=(100,), activation="relu", optimizer="adam", lr=1e-3,
                 epochs=200, batch_size=200, weight_decay=0.0, dropout=0.0, early_stopping=False,
                 validation_fraction=0.1, patience=10, shuffle=True, seed=0, dtype="float32",
                 verbose=0):
        self.hidden_layers = hidden_layers
        self.activation = activation
        self.optimizer = optimizer
        self.lr = lr
        self.epochs = epochs
        self.batch_size = batch_size
        self.weight_decay = weight_decay
        self.dropout = dropout
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.shuffle = shuffle
        self.seed = seed
        self.dtype = dtype
        self.verbose = verbose

    # --- parameters, as scikit-learn defines them ---------------------------------------------------
    @classmethod
    def _param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return [p.name for p in signature.parameters.values() if p.name != "self"]

    def get_params(self, deep: bool = True) -> dict:
        """The constructor's arguments as a dict (``deep`` is accepted for scikit-learn; nothing
        here holds other estimators)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params) -> _MLPBase:
        """Change parameters by name and return the estimator; they take effect at the next ``fit``."""
        valid = self._param_names()
        for name in params:
            if name not in valid:
                raise ConfigError(f"{type(self).__name__} has no parameter {name!r}; "
                                  f"valid parameters: {', '.join(valid)}")
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = inspect.signature(type(self).__init__).parameters
        changed = [f"{k}={v!r}" for k, v in self.get_params().items()
                   if not _same(v, defaults[k].default)]
        return f"{type(self).__name__}({', '.join(changed)})"

    def __sklearn_tags__(self):
        """How scikit-learn's tools should treat this estimator (called by scikit-learn >= 1.6 only)."""
        from sklearn.utils import ClassifierTags, InputTags, RegressorTags, Tags, TargetTags

        classifier = self._estimator_type == "classifier"
        return Tags(estimator_type=self._estimator_type,
                    target_tags=TargetTags(required=True, multi_output=not classifier),
                    classifier_tags=ClassifierTags(multi_label=False) if classifier else None,
                    regressor_tags=None if classifier else RegressorTags(),
                    input_tags=InputTags(two_d_array=True, sparse=False, allow_nan=False))

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "network_")

    # --- checking what fit is given -----------------------------------------------------------------
    def _settings(self) -> _Settings:
        """The parameters, checked (the others are checked where they are used: activation and dtype
        by ``mlp``, lr and weight_decay by the optimiser)."""
        name = type(self).__name__
        hidden = (self.hidden_layers,) if checks.is_integer(self.hidden_layers) else self.hidden_layers
        if not (isinstance(hidden, (tuple, list)) and all(_whole(h, 1) for h in hidden)):
            raise ConfigError(f"{name}: hidden_layers must be a tuple of positive integers such as "
                              f"(100,) or (64, 32), got {checks.shown(self.hidden_layers)}")
        if self.optimizer not in optimizers.OPTIMIZERS:
            raise ConfigError(f"{name}: optimizer must be one of {', '.join(optimizers.names())} "
                              f"(set its rate with lr), got {checks.shown(self.optimizer)}")
        for label in ("epochs", "batch_size", "patience"):
            if not _whole(getattr(self, label), 1):
                raise ConfigError(f"{name}: {label} must be an integer >= 1, "
                                  f"got {checks.shown(getattr(self, label))}")
        early_stopping = checks.flag(self.early_stopping, f"{name}: early_stopping")
        fraction = self.validation_fraction
        if early_stopping and not (checks.is_real(fraction) and 0 < fraction < 1):
            raise ConfigError(f"{name}: validation_fraction must be between 0 and 1, "
                              f"got {checks.shown(fraction)}")
        checks.rate(self.dropout, f"{name}: dropout")
        if not (checks.is_real(self.lr) or isinstance(self.lr, schedules.Schedule)):
            raise ConfigError(f"{name}: lr must be a positive number or a neuronet schedule, "
                              f"got {checks.shown(self.lr)}")
        if not checks.is_real(self.weight_decay):
            raise ConfigError(f"{name}: weight_decay must be a number >= 0, "
                              f"got {checks.shown(self.weight_decay)}")
        seed = self.seed
        if seed is None:   # a fresh seed, kept so that partial_fit goes on with the same one
            seed = int(np.random.SeedSequence().generate_state(1)[0])
        elif not _whole(seed, 0):
            raise ConfigError(f"{name}: seed must be a non-negative integer or None, "
                              f"got {checks.shown(seed)}")
        return _Settings(hidden=[int(h) for h in hidden], epochs=int(self.epochs),
                         batch_size=int(self.batch_size), patience=int(self.patience), seed=int(seed),
                         shuffle=checks.flag(self.shuffle, f"{name}: shuffle"),
                         early_stopping=early_stopping,
                         verbose=bool(checks.verbosity(self.verbose, f"{name}: verbose")))

    def _check_X(self, X, fitting: bool) -> np.ndarray:
        """``X`` as a 2-D numeric array; after ``fit``, with the features it was fitted on."""
        if not fitting:
            self._check_fitted()
        return validation.features(X, type(self).__name__, None if fitting else self.n_features_in_)

    def _check_fitted(self, action: str = "predict") -> None:
        if not hasattr(self, "network_"):
            raise validation.not_fitted(f"this {type(self).__name__} is not fitted yet; call "
                                        f"fit(X, y) before {action}")

    # --- training ----------------------------------------------------------------------------------
    def fit(self, X, y):
        """Train a new network on ``X`` (n_samples, n_features) and ``y``; returns the estimator.

        Every call starts afresh from the seed; :meth:`partial_fit` continues instead.
        """
        settings = self._settings()
        X = self._check_X(X, fitting=True)
        targets, n_outputs, fitted = self._targets(y, len(X), classes=None, first=True, partial=False)
        net = self._build(X.shape[1], n_outputs, settings)
        data = net.check_examples(X, targets)   # cast to the network's dtype, scanned once
        held_out, callbacks = None, []
        if settings.early_stopping:
            data, held_out = self._hold_out(data, settings.seed)
            callbacks.append(EarlyStopping("val_loss", patience=settings.patience))
        history = training.train(net, data, epochs=settings.epochs, batch_size=settings.batch_size,
                                 optimizer=self._new_optimizer(), validation=held_out,
                                 shuffle=settings.shuffle, seed=settings.seed, callbacks=callbacks,
                                 catch_interrupt=False, verbose=settings.verbose)
        self._set_fitted(net, fitted, history, settings.seed)
        return self

    def partial_fit(self, X, y, classes=None):
        """Train one more epoch on ``(X, y)``, going on from the previous call (or from ``fit``) with
        the same weights and optimiser state; returns the estimator.

        The architecture, optimiser and seed are fixed by the first call. Called k times on the same
        data from scratch, it gives exactly the network that ``fit`` gives with ``epochs=k``
        (without early stopping, which partial_fit never does).
        """
        first = not hasattr(self, "network_")
        settings = self._settings()
        X = self._check_X(X, fitting=first)
        targets, n_outputs, fitted = self._targets(y, len(X), classes, first, partial=True)
        if first:
            net = self._build(X.shape[1], n_outputs, settings)
            optimizer, seed, history = self._new_optimizer(), settings.seed, History()
        else:
            net, seed, history = self.network_, self._seed, History(self.history_)
            optimizer = net.optimizer if net.optimizer is not None else self._new_optimizer()
        data = net.check_examples(X, targets)
        # Resuming at epoch n_iter_ gives that epoch its own shuffling order, dropout masks and
        # learning rate (of a schedule), exactly as one long fit would.
        state = TrainState(epoch=len(history["loss"]), history=history)
        history = training.train(net, data, epochs=state.epoch + 1, batch_size=settings.batch_size,
                                 optimizer=optimizer, shuffle=settings.shuffle, seed=seed, state=state,
                                 catch_interrupt=False, verbose=settings.verbose)
        self._set_fitted(net, fitted, history, seed)
        return self

    def _build(self, n_features: int, n_outputs: int, settings: _Settings) -> Network:
        sizes = [n_features, *settings.hidden, n_outputs]
        return mlp(sizes, activation=self.activation, output_activation=self._output_activation,
                   loss=self._loss, dropout=self.dropout, seed=settings.seed, dtype=self.dtype)

    def _new_optimizer(self):
        return optimizers.get(self.optimizer, lr=self.lr, weight_decay=self.weight_decay)

    def _hold_out(self, data: Examples, seed: int) -> tuple[Examples, Examples]:
        """(training, validation) examples: ``validation_fraction`` of the checked ``data`` held out,
        each class in its share for the classifier (as scikit-learn's early stopping does)."""
        stratify = self._estimator_type == "classifier"
        # Split the indices 0..n-1 and take the examples at them: the parts stay checked, and the
        # split is the one train_val_split makes of the data itself (same seed, same draws).
        index = np.arange(len(data.X))
        try:
            (train, _), (held_out, _) = train_val_split(
                index, data.labels if stratify else index, val_fraction=self.validation_fraction,
                seed=seed, stratify=stratify)
        except ConfigError as exc:
            raise ConfigError(f"{type(self).__name__}: early_stopping with validation_fraction="
                              f"{self.validation_fraction}: {exc}") from None
        return data.take(train), data.take(held_out)

    def _set_fitted(self, net: Network, fitted: dict, history: History, seed: int) -> None:
        for name, value in fitted.items():
            setattr(self, name, value)
        self.network_ = net
        self.n_features_in_ = net.n_in
        self.history_ = history
        self.loss_curve_ = list(history["loss"])
        self.n_iter_ = len(history["loss"])
        self._seed = seed

    def _outputs(self, X) -> np.ndarray:
        """The network's outputs for ``X`` as float64 (n_samples, n_outputs)."""
        X = self._check_X(X, fitting=False)
        return self.network_.predict_proba(X).astype(np.float64)

    # --- files -------------------------------------------------------------------------------------
    def save(self, path, **metadata) -> None:
        """Write a neuronet model file (readable by ``neuronet.load`` and the command line) that also
        holds the estimator's parameters, its ``classes_`` and its history in the metadata.

        Extra ``metadata`` (JSON data) is stored beside them. Nothing is pickled.
        """
        persistence.save(self, path, metadata)

    @classmethod
    def load(cls, path):
        """The fitted estimator saved in ``path`` by :meth:`save`; it predicts exactly as it did.

        The optimiser's state is not in model files: ``partial_fit`` on a loaded estimator goes on
        with a fresh optimiser.
        """
        return persistence.load(cls, path)


def _whole(value, low: int) -> bool:
    """Is ``value`` an integer (not a bool) of at least ``low``?"""
    return checks.is_integer(value) and value >= low


def _same(a, b) -> bool:
    """Is the parameter ``a`` its default ``b`` (for ``repr``)?"""
    try:
        return bool(a == b) and type(a) is type(b)
    except (ValueError, TypeError):   # arrays and the like: compare as different
        return False
