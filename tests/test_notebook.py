"""Notebooks: what networks, histories and images show in Jupyter, the live training view, and the
example notebooks: in sync with their jupytext scripts and run headless without an error."""

import os
from pathlib import Path

import numpy as np
import pytest

import neuronet as nn
from neuronet import datasets, notebook

pytest.importorskip("matplotlib")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "examples" / "notebooks"
SCRIPTS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))
# Executed in every run (about a second or two each); the others are marked slow (still run in CI).
QUICK = {"01_perceptron", "02_sigmoid_neuron", "03_activations", "04_hidden_layer_xor", "09_gradient_descent"}
SHOWS_A_NETWORK = {"04_hidden_layer_xor", "06_digits", "08_convolution", "11_take_it_anywhere"}
# What a notebook leaves in its folder besides its figures.
WRITES = {"06_digits": ["digits.npz"], "07_what_the_network_learned": ["07_report/index.html"],
          "10_sklearn_api": ["digits_mlp.npz"], "11_take_it_anywhere": ["digits.onnx", "digits.safetensors"]}


def test_a_network_shows_its_table_and_diagram():
    page = notebook.network_html(nn.mlp([4, 3, 2], seed=0))
    assert "<table>" in page and "Dense(4, 3, activation=&#x27;sigmoid&#x27;)" in page
    assert "<svg" in page and "total parameters: 23" in page
    conv = notebook.network_html(nn.cnn((8, 8), [2], [10], seed=0))
    assert "Conv2D" in conv and "(batch, 8×8×2)" in conv and "<svg" in conv


def test_logits_say_so_in_the_table():
    assert "(logits)" in notebook.network_html(nn.Network([nn.Dense(3, 2)], seed=0))


def test_a_history_shows_its_curves():
    (x, y), _ = datasets.load("digits")
    history = nn.mlp([64, 8, 10], seed=0).fit(x[:200], y[:200], epochs=2)
    assert "<svg" in notebook.history_html(history)
    assert notebook.history_html(nn.History()) is None   # nothing to draw yet: plain text instead


def test_a_running_ipython_shows_networks_and_histories(monkeypatch):
    """import neuronet registers the HTML displays with the running IPython, by class name."""
    ipython = pytest.importorskip("IPython")
    from types import SimpleNamespace

    from IPython.core.formatters import DisplayFormatter

    shell = SimpleNamespace(display_formatter=DisplayFormatter())
    monkeypatch.setattr(ipython, "get_ipython", lambda: shell)
    nn._register_displays()
    data, _ = shell.display_formatter.format(nn.mlp([4, 3, 2], seed=0))
    assert "<table>" in data["text/html"] and "<svg" in data["text/html"]
    (x, y), _ = datasets.load("digits")
    history = nn.mlp([64, 8, 10], seed=0).fit(x[:100], y[:100], epochs=2)
    data, _ = shell.display_formatter.format(history)
    assert "<svg" in data["text/html"]
    data, _ = shell.display_formatter.format(nn.History())
    assert "text/html" not in data                        # nothing to draw: the plain text repr


def test_image_grid(tmp_path):
    (x, y), _ = datasets.load("digits")
    grid = notebook.show_images(x[:10], y[:10], class_names=[f"digit {k}" for k in range(10)])
    assert grid.images.shape == (10, 8, 8)
    assert "<svg" in grid._repr_html_() and "digit 0" in grid._repr_html_()
    grid.save(tmp_path / "grid.png")
    assert (tmp_path / "grid.png").stat().st_size > 1000
    assert notebook.show_images(np.zeros((3, 4, 4, 3))).images.shape == (3, 4, 4, 3)
    with pytest.raises(nn.ConfigError, match="image_shape"):
        notebook.show_images(np.zeros((2, 10)))
    with pytest.raises(nn.ConfigError, match="does not hold"):
        notebook.show_images(np.zeros((2, 10)), image_shape=(3, 3))


def test_live_training_prints_lines_outside_a_notebook(capsys):
    assert not notebook.in_notebook()
    x = np.random.default_rng(0).random((20, 2))
    nn.mlp([2, 3, 2], seed=0).fit(x, (x[:, 0] > 0.5).astype(int), epochs=3,
                                  callbacks=[notebook.LiveTraining(epochs=3)])
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split("  ")[0] for line in lines] == ["epoch 1/3", "epoch 2/3", "epoch 3/3"]


def test_live_training_updates_one_figure_and_one_bar(monkeypatch):
    pytest.importorskip("IPython")
    import IPython.display

    shown = []

    class Handle:
        def __init__(self, obj):
            self.updates = [obj]
            shown.append(self)

        def update(self, obj):
            self.updates.append(obj)

    monkeypatch.setattr(IPython.display, "display", lambda obj, display_id=None: Handle(obj))
    live = notebook.LiveTraining(epochs=2, notebook=True, min_interval=0.0, redraw_interval=0.0)
    x = np.random.default_rng(0).random((64, 2))
    nn.mlp([2, 3, 2], seed=0).fit(x, (x[:, 0] > 0.5).astype(int), epochs=2, batch_size=16,
                                  callbacks=[live])
    figure, bar = shown                                       # two handles, updated in place
    assert [type(u).__name__ for u in figure.updates[1:]] == ["Image", "Image"]
    assert len(bar.updates) == 1 + 2 * 4 and "batch 4/4" in bar.updates[-1].data
    assert live.history.epochs == 2
    # Drawing at most every redraw_interval seconds, but always the last epoch.
    shown.clear()
    live = notebook.LiveTraining(epochs=3, notebook=True, redraw_interval=3600)
    nn.mlp([2, 3, 2], seed=0).fit(x, (x[:, 0] > 0.5).astype(int), epochs=3, callbacks=[live])
    assert len(shown[0].updates) == 1 + 2                     # the first epoch and the last


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_notebook_is_in_sync_with_its_script(script):
    jupytext = pytest.importorskip("jupytext")
    nbformat = pytest.importorskip("nbformat")
    made = jupytext.read(script)
    stored = nbformat.read(script.with_suffix(".ipynb"), as_version=4)
    cells = lambda nb: [(c.cell_type, c.source) for c in nb.cells]  # noqa: E731
    assert cells(stored) == cells(made), (
        f"{script.with_suffix('.ipynb').name} is out of date: "
        f"run jupytext --update --to notebook {script.name}")


def _execute(script, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(script.with_suffix(".ipynb"), as_version=4)
    env_dir = {"metadata": {"path": str(tmp_path)}}
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", resources=env_dir).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    return nb


def _kinds(nb) -> set:
    return {kind for c in nb.cells if c.cell_type == "code" for o in c.outputs for kind in o.get("data", {})}


def _check(script, tmp_path):
    nb = _execute(script, tmp_path)
    # Every notebook but the export one shows figures inline (PNG); a network shows its table and
    # diagram (HTML).
    expected = {"image/png"} if script.stem != "11_take_it_anywhere" else set()
    expected |= {"text/html"} if script.stem in SHOWS_A_NETWORK else set()
    assert expected <= _kinds(nb), f"{script.stem} showed {sorted(_kinds(nb))}"
    for name in WRITES.get(script.stem, []):
        assert (tmp_path / name).exists(), f"{script.stem} did not write {name}"
    return nb


@pytest.mark.parametrize("script", [s for s in SCRIPTS if s.stem in QUICK], ids=lambda p: p.stem)
def test_quick_notebooks_run_headless(script, tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    _check(script, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("script", [s for s in SCRIPTS if s.stem not in QUICK], ids=lambda p: p.stem)
def test_other_notebooks_run_headless(script, tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    _check(script, tmp_path)


def test_there_are_notebooks():
    assert len(SCRIPTS) >= 11 and all(s.with_suffix(".ipynb").exists() for s in SCRIPTS)
    # One notebook per step of the learner's path, numbered in its order.
    assert [os.path.basename(s)[:3] for s in SCRIPTS] == [f"{k:02d}_" for k in range(1, len(SCRIPTS) + 1)]
    assert QUICK | SHOWS_A_NETWORK | set(WRITES) <= {s.stem for s in SCRIPTS}
