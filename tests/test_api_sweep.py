"""A sweep of the public API with wrong arguments: every public function, constructor and Network
method is called with generated mistakes (wrong types, None, strings, floats for integers, bools,
nested lists, NaN and infinity, negatives, zero, huge numbers, empty, misshapen and object arrays),
one argument at a time and sometimes two, and each call must either give a result or raise a
:class:`~neuronet.errors.NeuronetError` whose message is one short line. No raw Python or NumPy error
may escape. NumPy scalars where a number is wanted (``epochs=np.int64(2)``) must simply work.

The number of calls tried is printed in pytest's summary (see tests/fuzzcount.py).
"""

from __future__ import annotations

import atexit
import io
import math
import os
import shutil
import tempfile
from collections.abc import Callable
from typing import NamedTuple

import fuzzcount
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neuronet as nn
from neuronet import activations, callbacks, initializers, losses, metrics, modelfile, optimizers, schedules
from neuronet.datasets import train_val_split
from neuronet.errors import NeuronetError

# Wrong settings such as lr=1e308 legitimately overflow while training, and end in a DivergenceError.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

# benchmarks or a longer local run can raise the scale, as for the model-file fuzzer.
SCALE = max(1, int(os.environ.get("NEURONET_FUZZ_SCALE", "1")))
SWEEP = settings(max_examples=80 * SCALE, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
COUNTER = "public API calls with wrong arguments"

X4 = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 2)   # (8, 2)
Y4 = np.array([0, 1, 1, 0] * 2)


def small_net(**kwargs) -> nn.Network:
    return nn.Network([nn.Dense(2, 3, "tanh"), nn.Dense(3, 2, "softmax")], seed=0, **kwargs)


def expect_clean(call: Callable[[], object], where: str):
    """Run ``call``; a result or a short one-line NeuronetError is fine, anything else fails."""
    fuzzcount.record(COUNTER)
    try:
        return call()
    except NeuronetError as exc:
        message = str(exc)
        assert message, f"{where}: {type(exc).__name__} with an empty message"
        assert "\n" not in message, f"{where}: a message of several lines: {message!r}"
        assert len(message) < 300, f"{where}: a message of {len(message)} characters: {message!r}"
        return exc
    except Exception as exc:   # noqa: BLE001 - the point of the sweep
        pytest.fail(f"{where} raised a raw {type(exc).__name__}: {str(exc)[:200]}")


# --- wrong values ----------------------------------------------------------------------------------
HUGE = [2**31, 2**40, 2**63, 2**64, 10**30]


class _Odd:
    """An object that is no number, no array and no name."""

    def __repr__(self):
        return "<odd>"


SPECIAL = [None, True, False, "", "3", "0.5", "abc", "relu", "adam", "nan", b"3", _Odd(), 1j, (),
           [], {}, {"name": 3}, math.nan, math.inf, -math.inf, -1, 0, 1, 2, -0.5, 0.5, 2.5, 1e-300,
           np.int64(3), np.int64(-2), np.float32(0.5), np.float64(math.nan), np.bool_(True),
           np.uint8(2), np.float16(2.0)]
ARRAYS = [np.array([]), np.zeros((0, 2)), np.zeros((8, 0)), np.array(5.0), np.ones(3),
          np.ones((8, 3)), np.ones((8, 2, 1)), np.ones((2, 8)), np.array([[1, "a"]], dtype=object),
          np.array([[1.0, 2.0]] * 8, dtype=object), np.array([["a", "b"]] * 8), np.full((8, 2), np.nan),
          np.full((8, 2), np.inf), np.full((8, 2), 1e300), np.ones((8, 2), dtype=complex),
          np.array([None] * 8), np.arange(8) - 3, np.arange(8) * 0.5, np.ones(8, dtype=bool),
          np.zeros((8, 2), dtype="datetime64[s]"), np.zeros(8, dtype=[("a", "f4")])]

scalars = st.one_of(st.sampled_from(SPECIAL), st.integers(-5, 5),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=4),
                    st.sampled_from(ARRAYS))
nested = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.tuples(inner, inner),
    st.dictionaries(st.sampled_from(["name", "type", "lr", "0.W", "x"]), inner, max_size=2)),
    max_leaves=6)
wrong_small = st.one_of(scalars, nested)                       # nothing huge: for sizes and lengths
wrong = st.one_of(wrong_small, st.sampled_from(HUGE), st.sampled_from([-h for h in HUGE]))


def _has_huge(value, depth: int = 0) -> bool:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return abs(int(value)) > 10**6
    if isinstance(value, float):
        return abs(value) > 10**6 and math.isfinite(value)
    if isinstance(value, (list, tuple)) and depth < 5:
        return any(_has_huge(v, depth + 1) for v in value)
    if isinstance(value, dict) and depth < 5:
        return any(_has_huge(v, depth + 1) for v in value.values())
    return False


# --- what is called --------------------------------------------------------------------------------
class Target(NamedTuple):
    """A public call: ``call(**kwargs)`` with ``valid`` arguments; the ones in ``no_huge`` are how long
    something runs (epochs), so a huge value is valid there and only takes for ever."""
    # A NamedTuple's defaults are shared, never mutated here.

    name: str
    call: Callable
    valid: dict
    no_huge: frozenset = frozenset()
    draws: dict = {}   # argument -> a strategy of wrong values of its own, drawn besides the common ones


def _fit(net=None, **kwargs):
    return (net or small_net()).fit(**kwargs)


def _fit_args(**extra):
    return {"X": X4, "y": Y4, "epochs": 1, "batch_size": 4, "optimizer": "sgd", "validation_data": None,
            "validation_split": 0.0, "shuffle": True, "seed": 0, "callbacks": (), "verbose": 0,
            "catch_interrupt": False, **extra}


def _with_callback(factory, **kwargs):
    """Build a callback from ``kwargs`` and train one epoch with it (with validation data)."""
    cb = factory(**kwargs)
    small_net().fit(X4, Y4, epochs=2, batch_size=4, validation_data=(X4, Y4), callbacks=[cb],
                    catch_interrupt=False)
    return cb


def _perceptron_fit(n_inputs=2, X=X4, y=Y4 % 2, epochs=3):
    return nn.Perceptron(n_inputs).fit(X, y, epochs=epochs)


_TMP = {"dir": tempfile.mkdtemp(prefix="neuronet-sweep-")}
atexit.register(shutil.rmtree, _TMP["dir"], ignore_errors=True)


def _tmp_file(name: str) -> str:
    return os.path.join(_TMP["dir"], name)


small_net().save(_tmp_file("valid.npz"))
with open(_tmp_file("valid.npz"), "rb") as _f:
    VALID_FILE = _f.read()


def _from_bytes(read, data=VALID_FILE):
    """Write ``data`` (bytes; any other value as its text) to a file and ``read`` it."""
    path = _tmp_file("sweep.npz")
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else str(data).encode())
    return read(path)


damaged_file = st.one_of(
    st.binary(max_size=200),
    st.integers(0, len(VALID_FILE)).map(lambda n: VALID_FILE[:n]),
    st.tuples(st.integers(0, len(VALID_FILE) - 1), st.integers(1, 255)).map(
        lambda d: VALID_FILE[:d[0]] + bytes([VALID_FILE[d[0]] ^ d[1]]) + VALID_FILE[d[0] + 1:]))


def _registry_get(registry, spec, setting, value):
    """``registry.get(spec)``, with the setting ``setting`` (if any) given as ``value``."""
    return registry.get(spec) if setting is None else registry.get(spec, **{setting: value})


def _estimator(kind, X=X4, y=Y4, **params):
    est = (nn.MLPClassifier if kind == "classifier" else nn.MLPRegressor)(**params)
    est.fit(X, y)
    return est.predict(X)


EST_PARAMS = {"hidden_layers": (3,), "activation": "relu", "optimizer": "adam", "lr": 1e-2, "epochs": 2,
              "batch_size": 4, "weight_decay": 0.0, "dropout": 0.0, "early_stopping": False,
              "validation_fraction": 0.25, "patience": 2, "shuffle": True, "seed": 0,
              "dtype": "float32", "verbose": 0}

TARGETS = [
    # layers
    Target("Dense", nn.Dense, {"n_in": 2, "n_out": 3, "activation": "relu", "init": None, "use_bias": True,
                               "seed": 0, "dtype": np.float32}),
    Target("Dropout", nn.Dropout, {"rate": 0.5, "seed": 0}),
    Target("Conv2D", nn.Conv2D, {"input_shape": (4, 4, 1), "filters": 2, "kernel_size": 3, "stride": 1,
                                 "padding": "valid", "activation": "relu", "init": None, "use_bias": True,
                                 "seed": 0, "dtype": np.float32}),
    Target("MaxPool2D", nn.MaxPool2D, {"input_shape": (4, 4, 1), "pool_size": 2, "stride": None}),
    Target("AvgPool2D", nn.AvgPool2D, {"input_shape": (4, 4, 1), "pool_size": 2, "stride": None}),
    Target("GlobalAvgPool2D", nn.GlobalAvgPool2D, {"input_shape": (4, 4, 2)}),
    Target("BatchNorm", nn.BatchNorm, {"n_features": 3, "input_shape": None, "momentum": 0.1, "eps": 1e-5}),
    Target("BatchNorm (images)", lambda **kw: nn.BatchNorm(**kw).forward(np.ones((2, 8)), True),
           {"input_shape": (2, 2, 2), "momentum": 0.5}),
    Target("Activation", lambda **kw: nn.Activation(**kw).forward(X4), {"activation": "tanh"}),
    Target("RandomShift", nn.augment.RandomShift,
           {"input_shape": (4, 4), "max_shift": 1, "flip": False}),
    Target("Layer.from_config", nn.layers.from_config, {"spec": {"type": "Dense", "n_in": 2, "n_out": 2}}),
    # networks
    Target("Network", nn.Network, {"layers": [nn.Dense(2, 2, "softmax")], "loss": "cross_entropy",
                                   "seed": 0, "dtype": "float32", "class_names": ["a", "b"]}),
    Target("Sequential", nn.Sequential, {"layers": [nn.Dense(2, 1, "sigmoid")],
                                         "loss": "binary_crossentropy"}),
    Target("mlp", nn.mlp, {"sizes": [2, 3, 2], "activation": "sigmoid", "output_activation": None,
                           "loss": None, "init": None, "dropout": 0.0, "seed": 0, "dtype": "float32"}),
    Target("cnn", nn.cnn, {"input_shape": (4, 4), "filters": [2], "sizes": [2], "activation": "relu",
                           "output_activation": None, "loss": None, "init": None, "dropout": 0.0,
                           "seed": 0, "dtype": "float32"}),
    Target("Network.from_config", nn.Network.from_config, {"config": small_net().get_config()}),
    Target("Network.fit", _fit, _fit_args(), frozenset({"epochs"})),
    Target("Network.fit (mse)", lambda **kw: _fit(nn.mlp([2, 2, 1], loss="mse"), **kw),
           _fit_args(y=X4[:, :1]), frozenset({"epochs"})),
    Target("Network.predict", lambda **kw: small_net().predict(**kw), {"X": X4, "batch_size": 3}),
    Target("Network.predict_proba", lambda **kw: small_net().predict_proba(**kw), {"X": X4, "batch_size": 3}),
    Target("Network.outputs", lambda **kw: small_net().outputs(**kw), {"X": X4, "batch_size": 3}),
    Target("Network.layer_outputs", lambda **kw: small_net().layer_outputs(**kw), {"X": X4}),
    Target("Network.evaluate", lambda **kw: small_net().evaluate(**kw), {"X": X4, "y": Y4, "batch_size": 3}),
    Target("Network.set_weights", lambda **kw: small_net().set_weights(**kw),
           {"weights": small_net().get_weights()}),
    Target("Network.save", lambda **kw: small_net().save(_tmp_file("net.npz"), **kw), {"note": "x", "n": 3}),
    Target("Network.summary/get_weights", lambda: (small_net().summary(), small_net().get_weights()), {}),
    Target("gradcheck", nn.gradcheck, {"network": small_net(), "X": X4[:2], "y": Y4[:2], "h": 1e-5,
                                       "max_entries": 3, "tolerance": 1e-6, "floor": 1e-4, "seed": 0},
           frozenset({"max_entries"})),
    # optimisers, schedules, callbacks
    *[Target(cls.__name__, cls,
             {"lr": 0.01, "weight_decay": 0.0, "clipnorm": None, "clipvalue": None, **hyper})
      for cls, hyper in [(nn.SGD, {"momentum": 0.0, "nesterov": False}),
                         (nn.RMSprop, {"rho": 0.9, "eps": 1e-8}),
                         (nn.Adam, {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
                         (nn.AdamW, {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8})]],
    Target("optimizer in fit", lambda **kw: small_net().fit(X4, Y4, epochs=1, optimizer=nn.SGD(**kw)),
           {"lr": 0.01, "momentum": 0.5, "clipnorm": 1.0, "clipvalue": 1.0}),
    Target("StepDecay", lambda **kw: nn.StepDecay(**kw)(3), {"lr": 0.1, "step_size": 2, "gamma": 0.5}),
    Target("ExponentialDecay", lambda **kw: nn.ExponentialDecay(**kw)(3), {"lr": 0.1, "gamma": 0.5}),
    Target("CosineDecay", lambda **kw: nn.CosineDecay(**kw)(3), {"lr": 0.1, "epochs": 5, "min_lr": 0.0}),
    Target("schedule in fit", lambda **kw: small_net().fit(X4, Y4, epochs=2, optimizer=nn.SGD(
        nn.StepDecay(**kw))), {"lr": 0.1, "step_size": 1, "gamma": 0.5}),
    Target("EarlyStopping", lambda **kw: _with_callback(nn.EarlyStopping, **kw),
           {"monitor": "val_loss", "patience": 1, "min_delta": 0.0, "restore_best_weights": True}),
    Target("ProgressBar", lambda **kw: _with_callback(callbacks.ProgressBar, **kw),
           {"epochs": 2, "file": io.StringIO()}),
    Target("Checkpoint", lambda **kw: _with_callback(callbacks.Checkpoint, **kw),
           {"path": "<tmp>", "metadata": {"run": 1}}),
    # activations, losses, initialisers: the registries' doors
    Target("activations.get",
           lambda spec, slope: _registry_get(activations.ACTIVATIONS, spec, "slope", slope),
           {"spec": "leaky_relu", "slope": 0.1}),
    *[Target(f"activation {name}", lambda _n=name, **kw: activations.get(_n, **kw)(np.ones((2, 3))),
             {"slope": 0.1} if name == "leaky_relu" else {"alpha": 1.0} if name == "elu" else {})
      for name in activations.names()],
    Target("losses.get", lambda spec: _registry_get(losses.LOSSES, spec, None, None), {"spec": "mse"}),
    Target("optimizers.get", lambda spec, lr: _registry_get(optimizers.OPTIMIZERS, spec, "lr", lr),
           {"spec": "adam", "lr": 0.01}),
    Target("schedules.get",
           lambda spec, gamma: _registry_get(schedules.SCHEDULES, {"name": spec, "lr": 0.1}, "gamma", gamma),
           {"spec": "step", "gamma": 0.5}),
    Target("initializers.get", lambda spec: _registry_get(initializers.INITIALIZERS, spec, None, None),
           {"spec": "he"}),
    Target("Dense init", lambda init: nn.Dense(2, 2, init=init), {"init": "he_normal"}),
    # single neurons
    Target("Perceptron", nn.Perceptron, {"n_inputs": 2, "weights": [1.0, 1.0], "threshold": 1.5, "lr": 1.0}),
    Target("Perceptron.fit", _perceptron_fit, {"n_inputs": 2, "X": X4, "y": Y4, "epochs": 3},
           frozenset({"epochs"})),
    Target("Perceptron.predict", lambda x: nn.Perceptron(2, [1, 1], 1.5).predict(x), {"x": X4}),
    Target("Neuron", lambda x=X4, **kw: nn.Neuron(**kw)(x), {"weights": [2.0, -1.0], "bias": 0.5,
                                                             "activation": "sigmoid", "x": X4}),
    # metrics, data, files, estimators
    Target("metrics.accuracy", metrics.accuracy, {"y_true": Y4, "y_pred": Y4}),
    Target("metrics.confusion_matrix", metrics.confusion_matrix, {"y_true": Y4, "y_pred": Y4,
                                                                  "n_classes": 2}),
    Target("load path", nn.load, {"path": "<tmp>"}),
    Target("modelfile.info path", modelfile.info, {"path": "<tmp>"}),
    Target("modelfile.load bytes", lambda **kw: _from_bytes(modelfile.load, **kw), {"data": VALID_FILE},
           draws={"data": damaged_file}),
    Target("modelfile.info bytes", lambda **kw: _from_bytes(modelfile.info, **kw), {"data": VALID_FILE},
           draws={"data": damaged_file}),
    Target("MLPClassifier", lambda **kw: _estimator("classifier", **kw), {"X": X4, "y": Y4, **EST_PARAMS},
           frozenset({"epochs", "patience"})),
    Target("MLPRegressor", lambda **kw: _estimator("regressor", **kw),
           {"X": X4, "y": X4[:, 0], **EST_PARAMS}, frozenset({"epochs", "patience"})),
]


def _resolve(value):
    if value == "<tmp>":
        return _tmp_file("valid.npz")
    return value


BY_NAME = {t.name: t for t in TARGETS}


@pytest.fixture(scope="module", autouse=True)
def _in_scratch_directory():
    """Run the sweep inside its scratch directory: a generated string such as "abc" is a valid
    checkpoint path, and the file it names must not land in the checkout."""
    before = os.getcwd()
    os.chdir(_TMP["dir"])
    yield
    os.chdir(before)


def _recipe(**kwargs):
    """A recipe made and its network built (cheap); its data is drawn only for a few points."""
    recipe = nn.recipe.Recipe(**kwargs)
    return recipe.network(2), recipe.replace(n_samples=20).data()


# Doors outside the engine, swept the same way.
ELSEWHERE = [
    Target("datasets.train_val_split", train_val_split, {"x": X4, "y": Y4, "val_fraction": 0.25,
                                                         "val_size": None, "seed": 0, "stratify": False}),
    Target("datasets.read_csv", nn.datasets.read_csv,
           {"data": b"x,y,label\n1,2,a\n3,4,b\n", "source": "p.csv", "label_column": None, "header": "auto",
            "delimiter": None}),
    # A layer's forward takes checked arrays (the network's door); the layer's own door is its features.
    Target("PlaneFeatures", lambda features: nn.PlaneFeatures(features).forward(X4),
           {"features": ["x", "xy", "sinx"]}),
    Target("features.expand", nn.features.expand, {"points": X4, "names": ["y2", "x"]}),
    Target("mlp features", lambda features: nn.mlp([2, 3, 2], features=features).predict(X4),
           {"features": ["x", "y2"]}),
    *[Target(f"synthetic.{make.__name__}", make, {"n_samples": 10, "noise": 0.1, "seed": 0},
             frozenset({"n_samples"})) for make in nn.datasets.synthetic.REGRESSION_GENERATORS.values()],
    Target("recipe.Recipe", _recipe,
           {"dataset": "moons", "n_samples": 20, "noise": 0.1, "n_classes": None, "test_fraction": 0.2,
            "features": ("x", "y"), "hidden": (3,), "activation": "tanh", "dropout": 0.1,
            "optimizer": "adam", "lr": 0.01, "l2": 0.0, "batch_size": 8, "seed": 0, "csv": None},
           frozenset({"n_samples", "hidden"})),
    Target("recipe.script", lambda epochs, n_outputs, model_file: nn.recipe.Recipe().script(
        epochs, n_outputs, model_file), {"epochs": 3, "n_outputs": 3, "model_file": "m.npz"}),
]


@pytest.mark.parametrize("name", list(BY_NAME))
@SWEEP
@given(data=st.data())
def test_wrong_arguments(name, data):
    """One or two of the target's arguments replaced by a wrong value: a result or a one-line refusal."""
    _sweep(BY_NAME[name], data)


@pytest.mark.parametrize("target", ELSEWHERE, ids=[t.name for t in ELSEWHERE])
@SWEEP
@given(data=st.data())
def test_wrong_arguments_elsewhere(target, data):
    _sweep(target, data)


def _sweep(target: Target, data) -> None:
    kwargs = {k: _resolve(v) if isinstance(v, str) else v for k, v in target.valid.items()}
    names = sorted(kwargs)
    if not names:
        expect_clean(target.call, target.name)
        return
    for _ in range(data.draw(st.integers(1, min(2, len(names))), label="how many")):
        name = data.draw(st.sampled_from(names), label="argument")
        common = wrong_small if name in target.no_huge else wrong
        value = data.draw(st.one_of(target.draws[name], common) if name in target.draws else common,
                          label=name)
        if name in target.no_huge and _has_huge(value):
            continue
        kwargs[name] = value
    expect_clean(lambda: target.call(**kwargs), f"{target.name}({', '.join(map(str, kwargs))})")


def _numpy_twin(value):
    """``value`` as the NumPy scalar a user's arithmetic would give (np.int64, np.float32), or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return np.int64(value) if isinstance(value, int) else np.float32(value)


@pytest.mark.parametrize("name", list(BY_NAME))
def test_valid_arguments_work(name):
    """The sweep's starting point is a call that works, so a refusal in the sweep is about the one
    argument that was changed; and NumPy scalars in place of Python numbers work too
    (``epochs=np.int64(2)``, ``Dropout(np.float32(0.5))``)."""
    target = BY_NAME[name]
    kwargs = {k: _resolve(v) if isinstance(v, str) else v for k, v in target.valid.items()}
    target.call(**kwargs)
    for arg, value in kwargs.items():
        twin = _numpy_twin(value)
        if twin is not None:
            fuzzcount.record(COUNTER)
            target.call(**{**kwargs, arg: twin})


def test_numpy_scalars_where_numbers_are_wanted():
    history = small_net().fit(X4, Y4, epochs=np.int64(2), batch_size=np.int32(4), seed=np.uint8(3),
                              validation_split=np.float32(0.25), verbose=np.int64(0))
    assert len(history["loss"]) == 2
    assert nn.Dropout(np.float32(0.5)).rate == 0.5
    assert nn.StepDecay(np.float64(0.1), step_size=np.int64(2))(3) == pytest.approx(0.01)
    assert nn.mlp(np.array([2, 3, 2])).n_out == 2
    assert nn.mlp([np.int64(2), np.int16(3), np.uint8(2)]).n_in == 2
    assert nn.Perceptron(np.int64(2), [1, 1], threshold=np.float32(1.5)).predict([1, 1]) == 1
    assert nn.EarlyStopping(patience=np.int64(3)).patience == 3


@pytest.mark.parametrize("call,match", [
    (lambda: small_net().fit(X4, Y4, seed=-1), "seed must be a non-negative integer"),
    (lambda: small_net().predict(X4, batch_size=0), "batch_size must be a positive integer"),
    (lambda: nn.Dropout("0.5"), r"Dropout: rate must be in \[0, 1\)"),
    (lambda: nn.Dense(3, 2, activation=5), "activation must be a name"),
    (lambda: nn.EarlyStopping(patience="3"), "patience must be a non-negative integer"),
    (lambda: nn.Adam(lr=None), "learning rate must be a positive number"),
    (lambda: nn.mlp([784, "30", 10]), r"sizes\[1\] must be a positive integer, got '30'"),
    (lambda: nn.Network([], loss="mse"), "a network needs at least one layer"),
    (lambda: nn.Perceptron(2).fit([[0, 0], [np.nan, 1]], [0, 1]), "X contains NaN"),
    (lambda: nn.StepDecay(0.1, step_size=2.5), "step_size must be >= 1"),
    (lambda: small_net().fit(X4, Y4, callbacks=5), "callbacks must be a list"),
    (lambda: nn.Dense(2**40, 10), "more than the 2\\^31 - 1 one array may hold"),
    (lambda: nn.load(None), "path must be a file path"),
    (lambda: small_net().evaluate(X4, Y4, batch_size=0), "batch_size must be a positive integer"),
])
def test_the_issue_examples_are_one_line_errors(call, match):
    """The mistakes issue 12 lists, each refused at its door with a message that says what to fix."""
    with pytest.raises(NeuronetError, match=match) as caught:
        call()
    assert "\n" not in str(caught.value)
