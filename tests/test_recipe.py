"""Recipes: a run on points in the plane as objects, and as the script that makes the same run."""

from __future__ import annotations

import ast

import numpy as np
import pytest
from lab_helpers import printed, run_script

import neuronet as nn
from neuronet import datasets
from neuronet.errors import ConfigError
from neuronet.history import TrainState
from neuronet.recipe import Recipe, _literal, plane_points


def test_the_data_is_the_generators_and_the_split_is_train_val_split():
    recipe = Recipe(dataset="spiral", n_samples=300, noise=0.2, n_classes=4, test_fraction=0.25, seed=7)
    (x, y), (x_test, y_test) = recipe.data()
    all_x, all_y = datasets.synthetic.make_spiral(300, noise=0.2, seed=7, n_classes=4)
    (ex, ey), (ext, eyt) = datasets.train_val_split(all_x, all_y, val_fraction=0.25, seed=7, stratify=True)
    for got, expected in ((x, ex), (y, ey), (x_test, ext), (y_test, eyt)):
        np.testing.assert_array_equal(got, expected)
    assert len(x_test) == 75 and np.bincount(y_test).tolist() == [19, 19, 19, 18]
    mask = recipe.test_rows(all_y)
    np.testing.assert_array_equal(all_x[mask], x_test)
    np.testing.assert_array_equal(all_x[~mask], x)
    # No test set: every point trains.
    (x, y), (x_test, _) = recipe.replace(test_fraction=0).data()
    assert len(x) == 300 and len(x_test) == 0 and not recipe.replace(test_fraction=0).test_rows(all_y).any()


def test_the_network_and_optimiser_follow_the_settings():
    recipe = Recipe(dataset="moons", hidden=(5, 3), activation="relu", dropout=0.25,
                    features=("x", "y", "sinx"), optimizer="rmsprop", lr=0.02, l2=0.001, seed=3)
    net = recipe.network(2)
    assert [type(layer).__name__ for layer in net.layers] == [
        "PlaneFeatures", "Dense", "Dropout", "Dense", "Dropout", "Dense"]
    assert net.layers[0].features == ["x", "y", "sinx"] and net.layers[1].n_in == 3
    assert net.layers[2].rate == 0.25 and net.layers[-1].activation.name == "softmax"
    optimizer = recipe.make_optimizer()
    assert isinstance(optimizer, nn.RMSprop) and optimizer.lr == 0.02 and optimizer.weight_decay == 0.001
    regression = Recipe(dataset="bumps", hidden=())
    net = regression.network(regression.n_outputs(regression.points()[1]))
    assert net.n_out == 1 and net.loss.name == "mse" and net.layers[-1].activation.name == "identity"
    assert regression.regression and not recipe.regression


@pytest.mark.parametrize("changes, match", [
    ({"dataset": "mnist"}, "dataset must be one of"), ({"n_samples": 1}, "n_samples"),
    ({"noise": -0.1}, "noise"), ({"dataset": "xor", "n_classes": 3}, "n_classes is for circles"),
    ({"dataset": "plane", "n_classes": 2}, "no classes"), ({"n_classes": 1}, "n_classes"),
    ({"test_fraction": 1.0}, "test_fraction"), ({"features": ["z"]}, "unknown feature"),
    ({"hidden": [0]}, r"hidden\[0\]"), ({"activation": "magic"}, "unknown activation"),
    ({"dropout": 1.0}, "dropout"), ({"optimizer": "lbfgs"}, "unknown optimizer"), ({"lr": 0}, "lr"),
    ({"l2": -1}, "l2"), ({"batch_size": 0}, "batch_size"), ({"seed": -1}, "seed"),
    ({"dataset": "csv"}, "give csv"), ({"csv": "p.csv"}, "give csv"),
])
def test_bad_settings_are_one_line_errors(changes, match):
    with pytest.raises(ConfigError, match=match) as caught:
        Recipe(**changes)
    assert "\n" not in str(caught.value)


def test_steps_of_any_size_are_one_fit():
    """Continuing one run (``resume=(optimizer, state)``) in steps of 3, 1 and 6 epochs ends bit for bit
    where one fit of 10 epochs does: each epoch's order and dropout come from (seed, epoch)."""
    recipe = Recipe(dataset="xor", n_samples=120, hidden=(6,), dropout=0.2, l2=0.001, seed=4)
    (x, y), (x_test, y_test) = recipe.data()
    whole = recipe.network(2)
    history = whole.fit(x, y, epochs=10, batch_size=16, optimizer=recipe.make_optimizer(), seed=4,
                        validation_data=(x_test, y_test))
    stepped, optimizer, state = recipe.network(2), recipe.make_optimizer(), TrainState()
    for epochs in (3, 4, 10):
        stepped.fit(x, y, epochs=epochs, batch_size=16, resume=(optimizer, state), seed=4,
                    validation_data=(x_test, y_test))
    for name, value in whole.get_weights().items():
        np.testing.assert_array_equal(stepped.get_weights()[name], value, err_msg=name)
    assert state.history["loss"] == history["loss"] and state.history["val_loss"] == history["val_loss"]


@pytest.mark.parametrize("text", ["plain", "it's", 'say "hi"', "back\\slash", "two\nlines", "é \u2192", ""])
def test_literals_are_python_for_any_string(text):
    assert ast.literal_eval(_literal(text)) == text
    assert ast.literal_eval(_literal([text, 1.5, None])) == [text, 1.5, None]


@pytest.mark.parametrize("recipe", [
    Recipe(dataset="moons", n_samples=150, hidden=(6, 4), activation="relu", dropout=0.1,
           features=("x", "y", "xy"), optimizer="adamw", lr=0.02, l2=0.01, batch_size=10, seed=2),
    Recipe(dataset="bumps", n_samples=120, hidden=(8,), test_fraction=0, optimizer="sgd", lr=0.1, seed=5),
], ids=["moons-adamw-dropout", "bumps-sgd-no-test"])
def test_the_script_makes_the_same_run(recipe, tmp_path):
    """The script, run by a fresh Python, ends with the weights an in-process run of the recipe has, bit
    for bit (with the same environment: OpenBLAS picks its kernels, and so its rounding, from it)."""
    script = recipe.script(epochs=7)
    ast.parse(script)   # text, checked as Python and never evaluated here
    output = run_script(script, tmp_path)
    (x, y), (x_test, y_test) = recipe.data()
    net = recipe.network(recipe.n_outputs(y))
    test = {"validation_data": (x_test, y_test)} if len(x_test) else {}
    net.fit(x, y, epochs=7, batch_size=recipe.batch_size, optimizer=recipe.make_optimizer(),
            seed=recipe.seed, **test)
    saved = nn.load(tmp_path / "playground.npz")
    for name, value in net.get_weights().items():
        np.testing.assert_array_equal(saved.get_weights()[name], value, err_msg=name)
    losses = printed(output)
    assert losses["training"][0] == pytest.approx(net.evaluate(x, y)[0], abs=1e-6)
    assert ("test" in losses) == bool(test)
    assert ("accuracy" in output) != recipe.regression


def test_the_script_of_a_csv_reads_the_file(tmp_path):
    rng = np.random.default_rng(0)
    points = rng.normal(size=(60, 2))
    rows = "\n".join(f"{a:.5f},{b:.5f},{'in' if a * a + b * b < 1 else 'out'}" for a, b in points)
    (tmp_path / "my points.csv").write_text("x,y,where\n" + rows + "\n")
    recipe = Recipe(dataset="csv", csv="my points.csv", hidden=(4,), features=("x2", "y2"), seed=1)
    with pytest.raises(ConfigError, match="give n_outputs"):
        recipe.script(3)
    output = run_script(recipe.script(3, n_outputs=2), tmp_path)
    assert set(printed(output)) == {"training", "test"}
    x, y, names = plane_points(datasets.load_csv(tmp_path / "my points.csv"))
    assert names == ("in", "out") and x.shape == (60, 2)
    with pytest.raises(ConfigError, match="2 coordinate columns"):
        plane_points(datasets.read_csv(b"a,b,c,label\n1,2,3,x\n4,5,6,y\n"))
    with pytest.raises(ConfigError, match="a classifier needs 2 classes"):
        plane_points(datasets.read_csv(b"a,b,label\n1,2,x\n4,5,x\n"))
