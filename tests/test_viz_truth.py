"""Figures say only what is true of what they were given: the split, whole epochs counted from 1,
one colour per curve that a legend names, labels inside the figure, named axes and colour bars."""

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from figure_checks import drawn_texts, texts_outside  # noqa: E402

import neuronet as nn  # noqa: E402
from neuronet import viz  # noqa: E402
from neuronet.errors import ConfigError  # noqa: E402


def _blobs(seed=0, k=3, n=30):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 3, (k, 2))
    y = np.repeat(np.arange(k), n)
    return (centres[y] + rng.normal(0, 0.5, (k * n, 2))).astype(np.float32), y


def _history(epochs=7, seed=0):
    X, y = _blobs()
    net = nn.mlp([2, 5, 3], activation="tanh", seed=seed)
    return net.fit(X[::2], y[::2], epochs=epochs, batch_size=16, validation_data=(X[1::2], y[1::2]),
                   optimizer=nn.Adam(0.01 + 0.01 * seed))


def _visible_ticks(axis) -> np.ndarray:
    lo, hi = sorted(axis.get_view_interval())
    locs = np.asarray(axis.get_majorticklocs())
    return locs[(locs >= lo) & (locs <= hi)]


def _capture(monkeypatch, name: str, drawn: dict) -> None:
    """Replace viz.<name> by a wrapper that keeps the Figure it returns in drawn[name]."""
    real = getattr(viz, name)

    def wrapper(*args, **kwargs):
        drawn[name] = real(*args, **kwargs)
        return drawn[name]

    monkeypatch.setattr(viz, name, wrapper)


def _curves(ax) -> dict:
    """{legend label: Line2D} of an Axes' labelled lines."""
    return {line.get_label(): line for line in ax.get_lines() if not line.get_label().startswith("_")}


# --- the split a figure names ---------------------------------------------------------------------

def test_decision_regions_name_the_split_they_are_told_and_no_other():
    X, y = _blobs()
    net = nn.mlp([2, 4, 3], activation="tanh", seed=0)
    acc = np.mean(net.predict(X) == y)
    title = viz.plot_decision_regions(net, X, y, split="test").axes[0].get_title()
    assert "test set" in title and "training" not in title
    assert f"accuracy {acc:.1%}" in title
    assert texts_outside(viz.plot_decision_regions(net, X, y, split="training")) == []
    plain = viz.plot_decision_regions(net, X, y).axes[0].get_title()
    assert "training" not in plain and "test" not in plain and f"{len(y)} points" in plain
    with pytest.raises(ConfigError, match="split must name the data"):
        viz.plot_decision_regions(net, X, y, split=3)


def test_confusion_and_mistakes_name_the_split_they_are_told():
    fig = viz.plot_confusion([0, 1, 2, 2], [0, 1, 2, 1], split="test")
    assert fig.axes[0].get_title() == "Confusion matrix on the test set: 3 of 4 correct (75.0%)"
    rng = np.random.default_rng(0)
    X, y = rng.random((30, 16)).astype(np.float32), rng.integers(0, 3, 30)
    net = nn.mlp([16, 4, 3], seed=0)
    wrong = int(np.sum(net.predict(X) != y))
    fig = viz.plot_mistakes(net, X, y, max_images=4, split="test")
    assert fig._suptitle.get_text().startswith(f"{wrong} of 30 misclassified on the test set\n(4 shown")


def test_cli_plot_regions_says_test_set_not_training(tmp_path, monkeypatch):
    pytest.importorskip("sklearn")
    from neuronet import cli

    model = tmp_path / "moons.npz"
    assert cli.main(["train", "--dataset", "moons", "--epochs", "1", "--layers", "4", "--output", str(model),
                     "--no-progress"]) == 0
    drawn = {}
    for kind, name in (("regions", "plot_decision_regions"), ("confusion", "plot_confusion")):
        _capture(monkeypatch, name, drawn)
        assert cli.main(["plot", kind, "--model", str(model), "-o", str(tmp_path / f"{kind}.png")]) == 0
    assert len(drawn) == 2
    for name, fig in drawn.items():
        title = fig.axes[0].get_title()
        assert "test set" in title and "training" not in title, (name, title)


def test_the_report_names_the_test_set(tmp_path, monkeypatch):
    from neuronet.report import write_report

    rng = np.random.default_rng(0)
    X, y = rng.random((40, 16)).astype(np.float32), rng.integers(0, 3, 40)
    net = nn.mlp([16, 4, 3], seed=0)
    drawn = {}
    for name in ("plot_confusion", "plot_mistakes"):
        _capture(monkeypatch, name, drawn)
    write_report(tmp_path, net, None, X, y, settings={})
    assert "on the test set" in drawn["plot_confusion"].axes[0].get_title()
    assert "on the test set" in drawn["plot_mistakes"]._suptitle.get_text()


# --- history: whole epochs from 1, two colours, a legend that names both --------------------------

def test_history_epochs_are_whole_numbers_counted_from_one():
    history = _history(epochs=4)          # few epochs: where a default axis puts ticks at 1.5, 2.5
    fig = viz.plot_history(history)
    for ax in fig.axes:
        ticks = _visible_ticks(ax.xaxis)
        assert len(ticks) >= 2 and np.all(ticks == np.round(ticks)) and ticks.min() >= 1, ticks
        for line in _curves(ax).values():
            # history["loss"][0] is what the command line prints as "epoch 1/4".
            assert list(line.get_xdata()) == [1, 2, 3, 4]
        assert ax.get_xlabel() == "epoch"


@pytest.mark.parametrize("epochs", [1, 2, 3, 30])
def test_history_ticks_are_epochs_that_exist(epochs):
    fig = viz.plot_history({"loss": [1.0 / (i + 1) for i in range(epochs)]})
    fig.canvas.draw()
    ticks = _visible_ticks(fig.axes[0].xaxis)
    assert len(ticks) >= 1 and np.all(ticks == np.round(ticks))
    assert ticks.min() >= 1 and ticks.max() <= epochs


def test_one_run_draws_training_and_validation_in_two_colours_and_two_styles():
    fig = viz.plot_history(_history())
    assert [ax.get_title() for ax in fig.axes] == ["loss per epoch", "accuracy per epoch"]
    for ax in fig.axes:
        curves = _curves(ax)
        assert set(curves) == {"training", "validation"}
        assert {t.get_text() for t in ax.get_legend().get_texts()} == {"training", "validation"}
        train, val = curves["training"], curves["validation"]
        assert train.get_color() != val.get_color()
        assert train.get_linestyle() == "-" and val.get_linestyle() == "--"
    assert "validation: measured after each epoch" in fig._suptitle.get_text()


def test_several_runs_one_colour_each_training_solid_validation_dashed():
    fig = viz.plot_history({"a": _history(seed=0), "b": _history(seed=1)})
    curves = _curves(fig.axes[0])
    assert set(curves) == {"a: training", "a: validation", "b: training", "b: validation"}
    for run in "ab":
        assert curves[f"{run}: training"].get_color() == curves[f"{run}: validation"].get_color()
        assert curves[f"{run}: training"].get_linestyle() == "-"
        assert curves[f"{run}: validation"].get_linestyle() == "--"
    assert curves["a: training"].get_color() != curves["b: training"].get_color()


def test_a_loss_that_falls_less_than_tenfold_is_on_a_linear_axis_with_readable_ticks():
    fig = viz.plot_history({"loss": [2.2, 1.9, 1.5, 1.2]})
    ax = fig.axes[0]
    assert ax.get_yscale() == "linear" and ax.get_ylabel() == "loss"
    fig = viz.plot_history({"loss": [2.0, 0.5, 0.1, 0.02]})
    assert fig.axes[0].get_yscale() == "log" and fig.axes[0].get_ylabel() == "loss (log scale)"


def test_gradient_norms_put_each_batch_inside_its_epoch_on_whole_epoch_ticks():
    X, y = _blobs()
    rec = viz.GradientNormRecorder(every=2)
    nn.mlp([2, 6, 3], activation="sigmoid", seed=0).fit(X, y, epochs=3, batch_size=15, callbacks=[rec])
    assert rec.batches_per_epoch == 6
    ax = viz.plot_gradient_norms(rec).axes[0]
    ticks = _visible_ticks(ax.xaxis)
    assert np.all(ticks == np.round(ticks))
    batches = ax.get_lines()[0].get_xdata()
    # Recorded: batches 1, 3, 5 of each epoch; epoch e covers (e - 1, e].
    assert np.allclose(batches, np.array([1, 3, 5, 7, 9, 11, 13, 15, 17]) / 6)
    assert list(ax.get_lines()[1].get_xdata()) == [1, 2, 3]


# --- the network diagram: every label inside the figure --------------------------------------------

NETWORKS = {
    "xor": lambda: nn.mlp([2, 4, 1], activation="tanh", seed=3),
    "digits": lambda: nn.mlp([64, 32, 10], activation="relu", seed=0),
    "long names": lambda: nn.Network([nn.Dense(64, 32, activation="leaky_relu"),
                                      nn.Dense(32, 10, activation="leaky_relu")], loss="mse", seed=0),
    "two outputs": lambda: nn.Network([nn.Dense(2, 2, activation="leaky_relu")], loss="mse", seed=0),
    "mnist": lambda: nn.mlp([784, 128, 10], activation="relu", seed=0),
    "softmax regression": lambda: nn.Network([nn.Dense(784, 10, activation="softmax")], seed=0),
}


@pytest.mark.parametrize("name", sorted(NETWORKS))
@pytest.mark.parametrize("with_x", [False, True])
def test_network_diagram_keeps_every_label_inside_the_figure(name, with_x):
    net = NETWORKS[name]()
    x = np.linspace(0, 1, net.n_in) if with_x else None
    fig = viz.plot_network(net, x=x)
    assert texts_outside(fig) == []
    texts = {t.get_text() for t in drawn_texts(fig)}
    assert any(t.startswith("output\n") for t in texts)
    if with_x:
        assert fig.axes[-1].get_ylabel() == "activation for x"
    # The layer titles stand apart: none overlaps its neighbour.
    renderer = fig.canvas.get_renderer()
    titles = sorted((t for t in fig.axes[0].texts if t.get_text().split("\n")[0] in ("input", "output")
                     or t.get_text().startswith("hidden")), key=lambda t: t.get_position()[0])
    boxes = [t.get_window_extent(renderer) for t in titles]
    assert len(boxes) == len(net.layers) + 1
    assert all(a.x1 < b.x0 for a, b in zip(boxes, boxes[1:], strict=False))


def test_network_nodes_stay_round():
    fig = viz.plot_network(nn.mlp([64, 32, 10], seed=0), x=np.zeros(64))
    ax = fig.axes[0]
    fig.canvas.draw()
    (x0, y0), (x1, y1) = ax.transData.transform([(0, 0), (1, 1)])
    assert x1 - x0 == pytest.approx(y1 - y0, rel=1e-3)     # one data unit as wide as it is tall


# --- named axes and colour bars ---------------------------------------------------------------------

def test_confusion_matrix_axes_are_named_true_and_predicted():
    fig = viz.plot_confusion([0, 1, 1], [0, 1, 0], normalize=True)
    ax = fig.axes[0]
    assert "true" in ax.get_ylabel() and "predicted" in ax.get_xlabel()
    assert fig.axes[1].get_ylabel() == "fraction of true class"


def test_filters_feature_maps_say_dark_is_strong_and_are_drawn_so():
    conv = nn.Conv2D((4, 4, 1), filters=3, kernel_size=3, padding="same", activation="relu")
    net = nn.Network([conv, nn.Dense(4 * 4 * 3, 3, activation="softmax")], seed=0)
    fig = viz.plot_filters(net, np.linspace(0, 1, 16))
    assert "dark = strong" in fig._suptitle.get_text()
    maps = [ax.images[0] for ax in fig.axes[3:]]
    assert maps and all(im.get_cmap().name == "gray_r" for im in maps)   # high values dark


def test_perceptron_panels_say_what_both_background_colours_mean():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    history = nn.Perceptron(2).fit(X, np.array([0, 0, 0, 1]), epochs=5)
    fig = viz.plot_perceptron_steps(history, X, [0, 0, 0, 1])
    assert "blue 0 / orange 1" in fig._suptitle.get_text()
    assert "shaded: where it outputs 1" not in fig._suptitle.get_text()
