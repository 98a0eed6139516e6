"""scikit-learn-style estimators: :class:`MLPClassifier` and :class:`MLPRegressor`.

Thin wrappers around :func:`~neuronet.network.mlp` and :meth:`Network.fit
<neuronet.network.Network.fit>` with the interface scikit-learn's tools expect (``fit`` returns the
estimator, settings live in ``get_params``/``set_params``, results in attributes ending in ``_``),
so that ``clone``, ``Pipeline``, ``GridSearchCV`` and ``cross_val_score`` work on them. scikit-learn
itself is *not* needed: it is imported only inside :meth:`__sklearn_tags__`, which only scikit-learn
calls.

    >>> import numpy as np, neuronet as nn
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 10, dtype=float)
    >>> clf = nn.MLPClassifier(hidden_layers=(8,), lr=0.05, epochs=100, batch_size=4)
    >>> clf.fit(X, ["no", "yes", "yes", "no"] * 10).predict([[1, 0], [1, 1]]).tolist()
    ['yes', 'no']

The classifier ends in a softmax over one output per class (two for a binary problem) trained with
cross-entropy; the regressor ends in identity outputs trained with the quadratic cost (``"mse"``,
½·mean squared error). Both train with mini-batches and, by default, Adam.
"""

from __future__ import annotations

import functools
import inspect
import numbers
import re
import sys
import warnings

import numpy as np

from . import optimizers, schedules
from .callbacks import EarlyStopping
from .datasets.split import train_val_split
from .errors import (
    ConfigError,
    DataConversionWarning,
    ModelFileError,
    NotFittedError,
    ShapeError,
)
from .history import History, TrainState
from .network import Network, mlp


class _NotNumberError(ShapeError, TypeError):
    """An element of X is not a number (a TypeError too: that is what NumPy raises for it)."""


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
    ``n_features_in_``, ``history_`` (a :class:`~neuronet.training.History`), ``loss_curve_`` (the
    training loss of each epoch) and ``n_iter_`` (epochs trained).
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
    def _settings(self) -> dict:
        """The parameters, checked and in the types the rest of neuronet wants."""
        name = type(self).__name__
        hidden = self.hidden_layers
        if isinstance(hidden, numbers.Integral) and not isinstance(hidden, bool):
            hidden = (hidden,)
        if not (isinstance(hidden, (tuple, list)) and all(_whole(h, 1) for h in hidden)):
            raise ConfigError(f"{name}: hidden_layers must be a tuple of positive integers such as "
                              f"(100,) or (64, 32), got {self.hidden_layers!r}")
        if not (isinstance(self.optimizer, str) and self.optimizer.strip().lower() in optimizers.names()):
            raise ConfigError(f"{name}: optimizer must be one of {', '.join(optimizers.names())} "
                              f"(set its rate with lr), got {self.optimizer!r}")
        for label, low in (("epochs", 1), ("batch_size", 1), ("patience", 1)):
            if not _whole(getattr(self, label), low):
                raise ConfigError(f"{name}: {label} must be an integer >= {low}, "
                                  f"got {getattr(self, label)!r}")
        fraction = self.validation_fraction
        if self.early_stopping and not (_real(fraction) and 0 < fraction < 1):
            raise ConfigError(f"{name}: validation_fraction must be between 0 and 1, got {fraction!r}")
        if not (_real(self.dropout) and 0 <= self.dropout < 1):
            raise ConfigError(f"{name}: dropout must be a rate in [0, 1), got {self.dropout!r}")
        if not (_real(self.lr) or isinstance(self.lr, schedules.Schedule)):
            raise ConfigError(f"{name}: lr must be a positive number or a neuronet schedule, "
                              f"got {self.lr!r}")
        if not _real(self.weight_decay):
            raise ConfigError(f"{name}: weight_decay must be a number >= 0, got {self.weight_decay!r}")
        seed = self.seed
        if seed is None:   # a fresh seed, kept so that partial_fit goes on with the same one
            seed = int(np.random.SeedSequence().generate_state(1)[0])
        elif not _whole(seed, 0):
            raise ConfigError(f"{name}: seed must be a non-negative integer or None, got {seed!r}")
        return {"hidden": [int(h) for h in hidden], "epochs": int(self.epochs),
                "batch_size": int(self.batch_size), "patience": int(self.patience), "seed": int(seed)}

    def _check_X(self, X, fitting: bool) -> np.ndarray:
        """``X`` as a 2-D numeric array (not yet checked for NaN: the network does that)."""
        if _is_sparse(X):
            raise ShapeError(f"X is a sparse matrix; {type(self).__name__} needs a dense array "
                             f"(X.toarray())")
        if not fitting:
            self._check_fitted()
        X = _as_array(X, "X")
        if X.ndim != 2:
            raise ShapeError(f"X must be a 2-D array of shape (n_samples, n_features), got shape "
                             f"{X.shape}. Reshape your data with X.reshape(-1, 1) if it has one "
                             f"feature, X.reshape(1, -1) if it is one example")
        if X.shape[1] == 0:
            raise ShapeError(f"X has 0 feature(s) (shape={X.shape}) while a minimum of 1 is required.")
        if X.shape[0] == 0:
            raise ShapeError(f"X has 0 sample(s) (shape={X.shape}) while a minimum of 1 is required.")
        if not fitting and X.shape[1] != self.n_features_in_:
            raise ShapeError(f"X has {X.shape[1]} features, but {type(self).__name__} is "
                             f"expecting {self.n_features_in_} features as input")
        return X

    def _check_fitted(self, action: str = "predict") -> None:
        if not hasattr(self, "network_"):
            raise _not_fitted(f"this {type(self).__name__} is not fitted yet; call fit(X, y) "
                              f"before {action}")

    def _y_array(self, y, n: int) -> np.ndarray:
        if y is None:
            raise ShapeError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        if _is_sparse(y):
            raise ShapeError("y is a sparse matrix; pass a dense array")
        try:
            y = np.asarray(y)
        except (ValueError, TypeError) as exc:
            raise ShapeError(f"y is not an array: {exc}") from None
        if y.ndim == 0 or len(y) != n:
            raise ShapeError(f"y has {y.shape[0] if y.ndim else 0} values for the {n} examples of X")
        if y.dtype.kind == "c":
            raise ShapeError(f"Complex data not supported: y has dtype {y.dtype}")
        return y

    # --- training ----------------------------------------------------------------------------------
    def fit(self, X, y):
        """Train a new network on ``X`` (n_samples, n_features) and ``y``; returns the estimator.

        Every call starts afresh from the seed; :meth:`partial_fit` continues instead.
        """
        settings = self._settings()
        X = self._check_X(X, fitting=True)
        fitted = self._prepare_targets(y, len(X), classes=None, first=True, partial=False)
        net = self._build(X.shape[1], fitted, settings)
        X = net.check_inputs(X)
        targets = fitted.pop("_targets")
        validation, callbacks = None, []
        if self.early_stopping:
            X, targets, validation = self._hold_out(X, targets, settings["seed"])
            callbacks.append(EarlyStopping("val_loss", patience=settings["patience"]))
        history = net.fit(X, targets, epochs=settings["epochs"], batch_size=settings["batch_size"],
                          optimizer=self._new_optimizer(), validation_data=validation,
                          shuffle=bool(self.shuffle), seed=settings["seed"], callbacks=callbacks,
                          catch_interrupt=False, verbose=bool(self.verbose))
        self._set_fitted(net, fitted, history, settings["seed"])
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
        fitted = self._prepare_targets(y, len(X), classes, first, partial=True)
        if first:
            net = self._build(X.shape[1], fitted, settings)
            optimizer, seed, history = self._new_optimizer(), settings["seed"], History()
        else:
            net, seed, history = self.network_, self._seed, History(self.history_)
            optimizer = net.optimizer if net.optimizer is not None else self._new_optimizer()
        targets = fitted.pop("_targets")
        # Resuming at epoch n_iter_ gives that epoch its own shuffling order, dropout masks and
        # learning rate (of a schedule), exactly as one long fit would.
        state = TrainState(epoch=len(history["loss"]), history=history)
        history = net.fit(X, targets, epochs=state.epoch + 1, batch_size=settings["batch_size"],
                          optimizer=optimizer, shuffle=bool(self.shuffle), seed=seed,
                          resume=(optimizer, state), catch_interrupt=False, verbose=bool(self.verbose))
        self._set_fitted(net, fitted, history, seed)
        return self

    def _build(self, n_features: int, fitted: dict, settings: dict) -> Network:
        sizes = [n_features, *settings["hidden"], fitted["_n_outputs"]]
        return mlp(sizes, activation=self.activation, output_activation=self._output_activation,
                   loss=self._loss, dropout=self.dropout, seed=settings["seed"], dtype=self.dtype)

    def _new_optimizer(self):
        return optimizers.get(self.optimizer, lr=self.lr, weight_decay=self.weight_decay)

    def _hold_out(self, X, targets, seed: int):
        """(X_train, targets_train, (X_val, targets_val)): ``validation_fraction`` held out, each
        class in its share for the classifier (as scikit-learn's early stopping does)."""
        try:
            (X, targets), validation = train_val_split(
                X, targets, val_fraction=self.validation_fraction, seed=seed,
                stratify=self._estimator_type == "classifier")
        except ConfigError as exc:
            raise ConfigError(f"{type(self).__name__}: early_stopping with validation_fraction="
                              f"{self.validation_fraction}: {exc}") from None
        return X, targets, validation

    def _set_fitted(self, net: Network, fitted: dict, history: History, seed: int) -> None:
        fitted.pop("_n_outputs")
        for name, value in fitted.items():
            setattr(self, name, value)
        self.network_ = net
        self.n_features_in_ = net.n_in
        self.history_ = history
        self.loss_curve_ = list(history["loss"])
        self.n_iter_ = len(history["loss"])
        self._seed = seed

    def _outputs(self, X) -> np.ndarray:
        X = self._check_X(X, fitting=False)
        return self.network_.predict_proba(X).astype(np.float64)

    # --- files -------------------------------------------------------------------------------------
    def save(self, path, **metadata) -> None:
        """Write a neuronet model file (readable by ``neuronet.load`` and the command line) that also
        holds the estimator's parameters, its ``classes_`` and its history in the metadata.

        Extra ``metadata`` (JSON data) is stored beside them. Nothing is pickled.
        """
        self._check_fitted("save")
        for key in ("estimator", "history"):
            if key in metadata:
                raise ConfigError(f"metadata key {key!r} is reserved for the estimator itself")
        record = {"class": type(self).__name__, "params": self.get_params(), "seed": self._seed,
                  **self._saved_fields()}
        self.network_.save(path, estimator=record, history=dict(self.history_), **metadata)

    @classmethod
    def load(cls, path):
        """The fitted estimator saved in ``path`` by :meth:`save`; it predicts exactly as it did.

        The optimiser's state is not in model files: ``partial_fit`` on a loaded estimator goes on
        with a fresh optimiser.
        """
        from .modelfile import info
        from .modelfile import load as load_network

        def fail(problem: str) -> ModelFileError:
            return ModelFileError(f"model file {path}: {problem}")

        metadata = info(path)["metadata"]
        record = metadata.get("estimator")
        if not isinstance(record, dict):
            raise fail(f"holds no estimator (it was not written by {cls.__name__}.save); "
                       f"load the network itself with neuronet.load")
        if record.get("class") != cls.__name__:
            raise fail(f"holds a {_short(record.get('class'))}, not a {cls.__name__}")
        params = record.get("params")
        if not isinstance(params, dict) or set(params) - set(cls._param_names()):
            raise fail(f"estimator.params must be an object with keys among "
                       f"{', '.join(cls._param_names())}")
        if isinstance(params.get("hidden_layers"), list):
            params["hidden_layers"] = tuple(params["hidden_layers"])
        seed = record.get("seed")
        if type(seed) is not int or seed < 0:
            raise fail(f"estimator.seed must be a non-negative integer, got {_short(seed)}")
        history = _loaded_history(metadata.get("history"), fail)
        net = load_network(path)
        est = cls(**params)
        # The parameters must be valid and describe the stored network: an estimator whose
        # get_params() or partial_fit() contradicts its network is refused here, not later.
        try:
            expected = est._build(net.n_in, {"_n_outputs": net.n_out}, est._settings())
        except (ConfigError, ShapeError) as exc:
            raise fail(f"estimator.params: {exc}") from None
        if any(expected.get_config()[k] != net.get_config()[k] for k in ("layers", "loss", "dtype")):
            raise fail("its network is not the one estimator.params describe (hidden_layers, "
                       "activation, dropout, dtype and the output layer must match)")
        fitted = est._loaded_fields(record, net, fail)
        est._set_fitted(net, {**fitted, "_n_outputs": net.n_out}, history, seed)
        return est


class MLPClassifier(_MLPBase):
    """A multilayer perceptron classifier with a scikit-learn interface.

    Labels may be anything :func:`numpy.unique` can sort: integers, strings, booleans, whole-number
    floats. ``classes_`` holds them sorted, and :meth:`predict` answers with them (same dtype). The
    output layer is a softmax with one unit per class, trained with cross-entropy.

    Parameters: see :class:`_MLPBase` (``hidden_layers=(100,)``, ``activation="relu"``,
    ``optimizer="adam"``, ``lr=1e-3``, ``epochs=200``, ``batch_size=200``, ``seed=0`` ...).

    Extra attribute after ``fit``: ``classes_``, shape (n_classes,).

    >>> clf = MLPClassifier(hidden_layers=(32,), epochs=50).fit(X_train, y_train)  # doctest: +SKIP
    >>> clf.score(X_test, y_test)                                                  # doctest: +SKIP
    """

    _estimator_type = "classifier"
    _output_activation = "softmax"
    _loss = "cross_entropy"

    def _prepare_targets(self, y, n: int, classes, first: bool, partial: bool) -> dict:
        """``{"classes_": ..., "_targets": class indices, "_n_outputs": n_classes}``."""
        y = _class_labels(self._y_array(y, n))
        if classes is not None:
            classes = _unique(_class_labels(np.atleast_1d(np.asarray(classes)), "classes"), "classes")
            if not first and not np.array_equal(classes, self.classes_):
                raise ConfigError(f"classes {classes.tolist()} differ from the classes of the first "
                                  f"partial_fit, {self.classes_.tolist()}")
        elif first and partial:
            raise ConfigError("the first call of partial_fit needs classes=, the list of all class "
                              "labels (a later batch may hold some that this one lacks)")
        if not first:
            classes = self.classes_
        if classes is None:   # fit: the classes are those of y
            classes, index = _unique(y, "y", inverse=True)
        else:
            index = np.searchsorted(classes, y)
            index[index == len(classes)] = 0
            unknown = classes[index] != y
            if unknown.any():
                raise ShapeError(f"y holds the label {_plain(y[unknown][0])!r}, which is not one of the "
                                 f"classes {classes.tolist()}")
        if len(classes) < 2:
            raise ShapeError(f"y holds only one class ({_plain(classes[0])!r}); "
                             f"a classifier needs at least 2")
        return {"classes_": classes, "_targets": index.astype(np.int64), "_n_outputs": len(classes)}

    def predict_proba(self, X) -> np.ndarray:
        """Probability of each class, shape (n_samples, n_classes), columns in the order of
        ``classes_``; float64."""
        return self._outputs(X)

    def predict(self, X) -> np.ndarray:
        """The most probable class of each example, shape (n_samples,), as labels from ``classes_``."""
        index = self._outputs(X).argmax(axis=1)
        return self.classes_[index]

    def score(self, X, y, sample_weight=None) -> float:
        """Accuracy: the (weighted) fraction of examples whose class is predicted correctly."""
        y = self._y_array(y, len(self._check_X(X, fitting=False)))
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.reshape(-1)
        y = _class_labels(y)   # anything but 1-D would broadcast against the predictions
        correct = (self.predict(X) == y).astype(np.float64)
        return float(np.average(correct, weights=_sample_weight(sample_weight, len(y))))

    def _set_fitted(self, net, fitted, history, seed):
        # Class names go into the network too: `neuronet info` and `neuronet predict` show them.
        net.class_names = [str(c) for c in fitted["classes_"]]
        super()._set_fitted(net, fitted, history, seed)

    def _saved_fields(self) -> dict:
        classes = self.classes_
        kind = classes.dtype.kind
        if kind == "O":
            for c in classes:
                if not isinstance(c, (str, bool, numbers.Integral, float, np.floating)):
                    raise ConfigError(f"classes_ holds the label {_short(c)} of type "
                                      f"{type(c).__name__}; model files keep int, float, bool and "
                                      f"str labels")
            dtype = "object"
        elif kind in "biufU":
            dtype = classes.dtype.str
        else:
            raise ConfigError(f"classes_ has dtype {classes.dtype}; model files keep labels that are "
                              f"ints, floats, bools or str")
        return {"classes": classes.tolist(), "classes_dtype": dtype}

    def _loaded_fields(self, record: dict, net: Network, fail) -> dict:
        labels, dtype = record.get("classes"), record.get("classes_dtype")
        if not isinstance(labels, list) or len(labels) != net.n_out:
            raise fail(f"estimator.classes must be a list of {net.n_out} labels (one per output)")
        if dtype != "object" and not (isinstance(dtype, str) and _LABEL_DTYPE.fullmatch(dtype)):
            raise fail(f"estimator.classes_dtype must be a NumPy dtype of ints, floats, bools or "
                       f"str, got {_short(dtype)}")
        if not all(isinstance(c, (str, bool, int, float)) for c in labels):
            raise fail("estimator.classes must hold ints, floats, bools or strings")
        try:
            classes = np.array(labels, dtype=object if dtype == "object" else np.dtype(dtype))
        except (TypeError, ValueError, OverflowError) as exc:
            raise fail(f"estimator.classes do not fit dtype {dtype} ({exc})") from None
        if dtype == "object":   # np.array would otherwise nest a list of equal-length lists
            classes = np.empty(len(labels), dtype=object)
            classes[:] = labels
        if classes.tolist() != labels:   # cut short by the dtype: 1.5 as an int, "abc" as U1
            raise fail(f"estimator.classes do not fit dtype {dtype}")
        # predict indexes classes_ and partial_fit searches it: both need what np.unique gives.
        try:
            in_order = np.array_equal(_unique(classes, "classes"), classes)
        except ShapeError:
            in_order = False
        if not in_order:
            raise fail("estimator.classes must be distinct and sorted, as fit leaves classes_")
        return {"classes_": classes}


class MLPRegressor(_MLPBase):
    """A multilayer perceptron regressor with a scikit-learn interface.

    ``y`` may be (n_samples,) or (n_samples, n_targets); :meth:`predict` answers in the same shape,
    as float64. The outputs are identity units trained with the quadratic cost (½·mean squared
    error). Targets far from unit scale train better standardised (e.g. TransformedTargetRegressor).

    Parameters: see :class:`_MLPBase` (``hidden_layers=(100,)``, ``activation="relu"``,
    ``optimizer="adam"``, ``lr=1e-3``, ``epochs=200``, ``batch_size=200``, ``seed=0`` ...).
    """

    _estimator_type = "regressor"
    _output_activation = "identity"
    _loss = "mse"

    def _prepare_targets(self, y, n: int, classes, first: bool, partial: bool) -> dict:
        if classes is not None:
            raise ConfigError("MLPRegressor.partial_fit takes no classes")
        y = self._y_array(y, n)
        if y.ndim not in (1, 2) or (y.ndim == 2 and y.shape[1] == 0):
            raise ShapeError(f"y must have shape ({n},) or ({n}, n_targets), got {y.shape}")
        y = _as_array(y, "y")
        targets = y.reshape(n, -1)
        if not first and targets.shape[1] != self.network_.n_out:
            raise ShapeError(f"y has {targets.shape[1]} target(s) per example, but this "
                             f"MLPRegressor was fitted with {self.network_.n_out}")
        if not np.isfinite(targets).all():
            raise ShapeError("y contains NaN or infinity")
        # The shape predict answers in is set by the first fit, not by a later partial_fit's y.
        one_d = y.ndim == 1 if first else self._y_1d
        return {"_targets": targets, "_n_outputs": targets.shape[1], "_y_1d": one_d}

    def predict(self, X) -> np.ndarray:
        """Predicted targets as float64, shape (n_samples,) or (n_samples, n_targets) like ``y``."""
        out = self._outputs(X)
        return out[:, 0] if self._y_1d else out

    def score(self, X, y, sample_weight=None) -> float:
        """R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)², averaged over the targets (1 is perfect; a constant
        prediction of the mean scores 0)."""
        pred = self._outputs(X)
        y = _as_array(self._y_array(y, len(pred)), "y")
        if y.ndim > 2:
            raise ShapeError(f"y must have shape (n,) or (n, n_targets), got {y.shape}")
        y = y.reshape(len(pred), -1)
        if y.shape != pred.shape:
            raise ShapeError(f"y has {y.shape[1]} target(s) per example, the model predicts "
                             f"{pred.shape[1]}")
        w = _sample_weight(sample_weight, len(y))
        w = (np.ones(len(y)) if w is None else w).reshape(-1, 1)
        residual = (w * (y - pred) ** 2).sum(axis=0)
        total = (w * (y - np.average(y, axis=0, weights=w[:, 0])) ** 2).sum(axis=0)
        # A constant target has no variance to explain: perfect predictions score 1, others 0.
        with np.errstate(divide="ignore", invalid="ignore"):
            r2 = np.where(total > 0, 1 - residual / total, np.where(residual == 0, 1.0, 0.0))
        return float(r2.mean())

    def _saved_fields(self) -> dict:
        return {"targets_1d": bool(self._y_1d)}

    def _loaded_fields(self, record: dict, net: Network, fail) -> dict:
        one_d = record.get("targets_1d")
        if not isinstance(one_d, bool) or (one_d and net.n_out != 1):
            raise fail("estimator.targets_1d must be true (one output) or false")
        return {"_y_1d": one_d}


# --- helpers -------------------------------------------------------------------------------------------
_LABEL_DTYPE = re.compile(r"[<>|=]?(b1|[iu][1248]|f[248]|U[0-9]{1,6})")


def _loaded_history(data, fail) -> History:
    """The history saved beside an estimator, checked: known keys, each a list of numbers with one
    entry per epoch (``fail(problem)`` makes the error)."""
    if data is None:
        return History()
    if not isinstance(data, dict):
        raise fail("history must be an object of lists")
    for key, values in data.items():
        if key not in History.KEYS:
            raise fail(f"history has an unknown key {_short(key)}; expected {', '.join(History.KEYS)}")
        if not (isinstance(values, list) and all(_real(v) for v in values)):
            raise fail(f"history.{key} must be a list of numbers")
    if len({len(values) for values in data.values()}) > 1:
        raise fail("history lists must all have one entry per epoch")
    return History(data)


def _sample_weight(weights, n: int) -> np.ndarray | None:
    """``score``'s ``sample_weight`` as (n,) float64 (or None), or a ShapeError saying what is wrong."""
    if weights is None:
        return None
    w = _as_array(weights, "sample_weight")
    if w.shape != (n,):
        raise ShapeError(f"sample_weight must have shape ({n},), got {w.shape}")
    w = w.astype(np.float64)
    if not (np.isfinite(w).all() and (w >= 0).all()):
        raise ShapeError("sample_weight must be finite and >= 0")
    if w.sum() == 0:
        raise ShapeError("sample_weight sums to 0: no example would count")
    return w


def _whole(value, low: int) -> bool:
    """Is ``value`` an integer (not a bool) of at least ``low``?"""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= low


def _real(value) -> bool:
    """Is ``value`` a real number (not a bool)?"""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _same(a, b) -> bool:
    try:
        return bool(a == b) and type(a) is type(b)
    except (ValueError, TypeError):   # arrays and the like: compare as different
        return False


def _plain(value):
    """A NumPy scalar as the Python value it holds, for messages (9, not np.int64(9))."""
    return value.item() if isinstance(value, np.generic) else value


def _short(value) -> str:
    text = repr(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:57] + "..."


def _is_sparse(a) -> bool:
    return type(a).__module__.startswith("scipy.sparse")


def _as_array(a, name: str) -> np.ndarray:
    """``a`` as a numeric NumPy array (object arrays of numbers are converted), or a ShapeError."""
    try:
        a = np.asarray(a)
    except (ValueError, TypeError) as exc:
        raise ShapeError(f"{name} is not a numeric array: {exc}") from None
    if a.dtype.kind == "c":
        raise ShapeError(f"Complex data not supported: {name} has dtype {a.dtype}")
    if a.dtype.kind == "O":
        try:
            a = a.astype(np.float64)
        except TypeError as exc:
            raise _NotNumberError(f"{name} must hold numbers: {exc}") from None
        except ValueError as exc:
            raise ShapeError(f"{name} must hold numbers: {exc}") from None
    if a.dtype.kind not in "biuf":
        raise ShapeError(f"{name} must be numeric, got dtype {a.dtype}")
    return a


def _not_fitted(message: str) -> NotFittedError:
    """neuronet's NotFittedError; once scikit-learn is loaded, one that is also scikit-learn's, so
    that its tools (``check_estimator``, code that catches its NotFittedError) recognise it.

    scikit-learn is never imported for this: if it is not loaded already, nobody can catch its class.
    """
    module = sys.modules.get("sklearn.exceptions")
    if module is None:
        return NotFittedError(message)
    return _with_sklearn_base(module.NotFittedError)(message)


@functools.cache
def _with_sklearn_base(sklearn_error: type) -> type:
    # Unpickled (e.g. by a worker process) as plain neuronet NotFittedError: the class is made here.
    return type("NotFittedError", (NotFittedError, sklearn_error),
                {"__module__": NotFittedError.__module__,
                 "__reduce__": lambda self: (NotFittedError, self.args)})


def _class_labels(y: np.ndarray, name: str = "y") -> np.ndarray:
    """``y`` as a 1-D array of class labels, or a ShapeError saying why it is not one."""
    if y.ndim == 2 and y.shape[1] == 1:
        warnings.warn(f"A column-vector y was passed when a 1d array was expected: {name} of shape "
                      f"{y.shape} was flattened to ({len(y)},)", DataConversionWarning, stacklevel=4)
        y = y.reshape(-1)
    if y.ndim != 1:
        raise ShapeError(f"{name} must be 1-D class labels of shape (n_samples,), got shape {y.shape}"
                         f" (several labels per example are not supported)")
    if y.dtype.kind == "f":
        if not np.isfinite(y).all():
            raise ShapeError(f"{name} contains NaN or infinity")
        if np.any(y != np.round(y)):
            raise ShapeError(f"Unknown label type: {name} holds continuous values such as "
                             f"{_plain(y[y != np.round(y)][0])!r}; a classifier needs class labels "
                             f"(MLPRegressor predicts continuous targets)")
    elif y.dtype.kind not in "biuUSO":
        raise ShapeError(f"Unknown label type: {name} has dtype {y.dtype}")
    return y


def _unique(y: np.ndarray, name: str, inverse: bool = False):
    try:
        return np.unique(y, return_inverse=inverse)
    except TypeError:   # an object array mixing strings and numbers cannot be sorted
        raise ShapeError(f"Unknown label type: {name} mixes labels of different types "
                         f"(e.g. strings and numbers)") from None


__all__ = ["MLPClassifier", "MLPRegressor"]
