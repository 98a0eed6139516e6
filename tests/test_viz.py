"""Every figure function draws, saves PNG and SVG, and draws something that depends on its input."""

import numpy as np
import pytest

pytest.importorskip("matplotlib")

import neuronet as nn  # noqa: E402
from neuronet import viz  # noqa: E402
from neuronet.errors import ConfigError, ShapeError  # noqa: E402

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
GATES = [[0, 0, 0, 1], [0, 1, 1, 1]]   # AND, OR


def _blobs(seed, k=3, n=30):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 3, (k, 2))
    y = np.repeat(np.arange(k), n)
    return (centres[y] + rng.normal(0, 0.5, (k * n, 2))).astype(np.float32), y


def _net(sizes, seed, activation="tanh"):
    return nn.mlp(sizes, activation=activation, seed=seed)


def _conv_net(seed, channels=1):
    conv = nn.Conv2D((4, 4, channels), filters=3, kernel_size=3, padding="same", activation="relu")
    return nn.Network([conv, nn.Dense(4 * 4 * 3, 3, activation="softmax")], seed=seed)


def _images(seed, n=40, side=4, k=3):
    rng = np.random.default_rng(seed)
    return rng.random((n, side * side)).astype(np.float32), rng.integers(0, k, n)


def _history(seed):
    X, y = _blobs(0)
    net = _net([2, 5, 3], seed)
    return net.fit(X, y, epochs=3, batch_size=16, validation_data=(X, y),
                   optimizer=nn.Adam(0.01 * seed + 0.01))


def _perceptron_history(targets):
    return nn.Perceptron(2).fit(XOR_X, np.array(targets), epochs=5)


# name -> (function of variant 0/1 returning a Figure drawn with path=...)
X_IMG0, Y_IMG0 = _images(0)
CASES = {
    "activation": lambda v, p: viz.plot_activation(["sigmoid", "relu"][v], path=p),
    "activations": lambda v, p: viz.plot_activations([["tanh", "softmax"], ["elu", "gelu"]][v], path=p),
    "neuron": lambda v, p: viz.plot_neuron(nn.Neuron([1.0, -2.0], 0.5), [[1, 0], [0, 1]][v], path=p),
    "perceptron_neuron": lambda v, p: viz.plot_neuron(nn.Perceptron(2, [1, 1], threshold=1.5 + v), [1, 1],
                                                      path=p),
    "network": lambda v, p: viz.plot_network(_net([2, 3, 1], v), path=p),
    "network_x": lambda v, p: viz.plot_network(_net([2, 3, 1], 0), x=[[0, 1], [1, 1]][v], path=p),
    "network_wide": lambda v, p: viz.plot_network(_net([40, 20, 3], v, "relu"), x=X_IMG0[0, :1].repeat(40),
                                                  path=p),
    "history": lambda v, p: viz.plot_history(_history(v), path=p),
    "histories": lambda v, p: viz.plot_history({"a": _history(0), "b": _history(1 + v)}, path=p),
    "weights": lambda v, p: viz.plot_weights(_net([16, 6, 3], v), path=p),
    "filters": lambda v, p: viz.plot_filters(_conv_net(v), path=p),
    "filters_and_maps": lambda v, p: viz.plot_filters(_conv_net(0), X_IMG0[v], path=p),
    "activation_histograms": lambda v, p: viz.plot_activation_histograms(_net([16, 8, 3], v, "relu"), X_IMG0,
                                                                         path=p),
    "confusion": lambda v, p: viz.plot_confusion([0, 1, 2, 2], [[0, 1, 2, 1], [2, 1, 0, 2]][v], path=p),
    "mistakes": lambda v, p: viz.plot_mistakes(_net([16, 6, 3], v), X_IMG0, Y_IMG0, max_images=6, path=p),
    "decision_regions": lambda v, p: viz.plot_decision_regions(_net([2, 4, 3], v), *_blobs(0), path=p),
    "hidden_units": lambda v, p: viz.plot_hidden_units(_net([2, 4, 3], v), *_blobs(0)[:1], path=p),
    "optimizer_paths": lambda v, p: viz.plot_optimizer_paths(["sgd", "adam"], ["bowl", "saddle"][v], steps=20,
                                                             path=p),
    "losses": lambda v, p: viz.plot_losses(target=[1, 0][v], path=p),
    "perceptron_steps": lambda v, p: viz.plot_perceptron_steps(_perceptron_history(GATES[v]), XOR_X, GATES[v],
                                                               path=p),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_figure_saves_png_and_svg_and_depends_on_input(name, tmp_path):
    draw = CASES[name]
    draw(0, tmp_path / "f.png")
    assert (tmp_path / "f.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "f.png").stat().st_size > 2000
    draw(0, tmp_path / "f.svg")
    svg = (tmp_path / "f.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and len(svg) > 2000
    a, b = viz.pixels(draw(0, None)), viz.pixels(draw(1, None))
    assert a.shape != b.shape or np.any(a != b), "two different inputs gave the same picture"
    # The same input draws the same picture, so the difference above comes from the input.
    again = viz.pixels(draw(0, None))
    assert again.shape == a.shape and np.array_equal(again, a)


def test_every_figure_function_is_covered():
    public = {n for n in viz.__all__ if n.startswith("plot_")}
    # plot_gradient_norms needs a recorder filled by training, so it has its own test below.
    covered = {"plot_" + n for n in CASES} | {"plot_gradient_norms"}
    assert public <= covered


def test_gradient_norm_recorder_and_plot(tmp_path):
    X, y = _blobs(0)
    net = _net([2, 6, 6, 3], 0, "sigmoid")
    rec = viz.GradientNormRecorder()
    net.fit(X, y, epochs=3, batch_size=30, callbacks=[rec])  # 3 batches per epoch
    assert len(rec.names) == 3
    assert [len(b) for b in rec.batch_norms] == [9, 9, 9]
    assert [len(e) for e in rec.epoch_norms] == [3, 3, 3]
    # The last batch's recorded norm is the norm of the gradient left in the layer.
    last = float(np.linalg.norm(net.layers[-1].grads["W"]))
    assert rec.batch_norms[-1][-1] == pytest.approx(last, rel=1e-5)
    assert rec.epoch_norms[0][0] == pytest.approx(np.mean(rec.batch_norms[0][:3]))
    viz.plot_gradient_norms(rec, path=tmp_path / "g.png")
    viz.plot_gradient_norms(rec, path=tmp_path / "g.svg")
    assert (tmp_path / "g.png").stat().st_size > 1000 and (tmp_path / "g.svg").stat().st_size > 1000
    with pytest.raises(ConfigError, match="empty"):
        viz.plot_gradient_norms(viz.GradientNormRecorder())


def test_animation_writes_a_gif_with_one_frame_per_step(tmp_path):
    from PIL import Image

    history = _perceptron_history([0, 0, 0, 1])
    viz.animate_perceptron(history, XOR_X, [0, 0, 0, 1], path=tmp_path / "p.gif")
    with Image.open(tmp_path / "p.gif") as im:
        assert im.format == "GIF" and im.n_frames == len(history.steps)
    with pytest.raises(ConfigError, match="gif"):
        viz.animate_perceptron(history, XOR_X, [0, 0, 0, 1], path=tmp_path / "p.png")


def test_dead_fraction_counts_units_silent_on_every_example():
    a = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 2.0, 0.0]])
    assert viz.dead_fraction(a) == 0.5


def test_bad_inputs_raise_one_line_errors(tmp_path):
    with pytest.raises(ConfigError, match=r"\.png, \.svg"):
        viz.plot_activation("relu", path=tmp_path / "x.jpg")
    with pytest.raises(ConfigError, match="unknown activation"):
        viz.plot_activation("nope")
    with pytest.raises(ConfigError, match="image_shape"):
        viz.plot_weights(_net([10, 3, 2], 0))
    with pytest.raises(ShapeError, match=r"\(n, 2\)"):
        viz.plot_decision_regions(_net([3, 2], 0), np.zeros((4, 3)), [0, 1, 0, 1])
    with pytest.raises(ShapeError, match="2 weights"):
        viz.plot_neuron(nn.Neuron([1.0, 2.0]), [1, 2, 3])


def test_missing_matplotlib_names_the_extra(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ConfigError, match=r'pip install "neuronet\[plot\]"'):
        viz.plot_activation("relu")


def test_no_pyplot_state_is_touched():
    import sys

    viz.plot_activation("tanh")
    viz.plot_network(_net([2, 2, 1], 0))
    assert "matplotlib.pyplot" not in sys.modules or not sys.modules["matplotlib.pyplot"].get_fignums()


WRONG_MODEL = {
    "plot_weights": lambda m: viz.plot_weights(m),
    "plot_network": lambda m: viz.plot_network(m),
    "plot_activation_histograms": lambda m: viz.plot_activation_histograms(m, XOR_X),
    "plot_mistakes": lambda m: viz.plot_mistakes(m, XOR_X, [0, 1, 1, 0]),
    "plot_hidden_units": lambda m: viz.plot_hidden_units(m, XOR_X),
}


@pytest.mark.parametrize("figure", sorted(WRONG_MODEL))
def test_a_perceptron_where_a_network_is_needed_is_a_config_error(figure):
    with pytest.raises(ConfigError, match=rf"^{figure} needs a neuronet Network .*not a Perceptron$"):
        WRONG_MODEL[figure](nn.Perceptron(2))


def test_wrong_kinds_of_object_name_the_figure_and_the_type():
    with pytest.raises(ConfigError, match="plot_decision_regions .* not a str"):
        viz.plot_decision_regions("net", XOR_X, [0, 1, 1, 0])
    with pytest.raises(ConfigError, match="plot_neuron .* not a Network"):
        viz.plot_neuron(_net([2, 1], 0), [1, 2])
    with pytest.raises(ConfigError, match="GradientNormRecorder, not list"):
        viz.plot_gradient_norms([])
    with pytest.raises(ConfigError, match="plot_history needs a History"):
        viz.plot_history([0.5, 0.4])


def test_filters_figure_needs_a_conv_layer_and_an_image_that_fits():
    with pytest.raises(ConfigError, match="plot_filters needs a Conv2D layer or a network with one"):
        viz.plot_filters(_net([16, 6, 3], 0))
    with pytest.raises(ConfigError, match=r"layer must be between 0 and 0 \(the network's Conv2D"):
        viz.plot_filters(_conv_net(0), layer=1)
    with pytest.raises(ConfigError, match="channel must be between 0 and 1, got 2"):
        viz.plot_filters(_conv_net(0, channels=2), channel=2)
    with pytest.raises(ShapeError, match=r"the image has 15 values; this Conv2D takes 16 \(4×4×1\)"):
        viz.plot_filters(_conv_net(0), np.zeros(15))
    # The layer itself will do, and each filter gets a picture (one row without an image).
    fig = viz.plot_filters(_conv_net(0).layers[0])
    assert len([ax for ax in fig.axes if ax.images]) == 3


def test_points_and_labels_that_do_not_fit_are_shape_errors():
    net = _net([2, 3, 2], 0)
    with pytest.raises(ShapeError, match=r"plot_decision_regions: 2 labels y for 4 points X"):
        viz.plot_decision_regions(net, XOR_X, [0, 1])
    with pytest.raises(ShapeError, match=r"needs 2-D points X of shape \(n, 2\).*got \(4,\)"):
        viz.plot_decision_regions(net, np.zeros(4), [0, 1, 0, 1])
    # The model, not the 40,000-point grid, is named as the problem.
    with pytest.raises(ShapeError, match="the model needs 2 inputs; this one has 3"):
        viz.plot_decision_regions(_net([3, 2], 0), XOR_X, [0, 1, 1, 0])
    with pytest.raises(ShapeError, match="plot_hidden_units: 1 labels y for 4 points X"):
        viz.plot_hidden_units(net, XOR_X, y=[0])
    with pytest.raises(ShapeError, match="plot_perceptron_steps: 1 labels"):
        viz.plot_perceptron_steps(_perceptron_history(GATES[0]), XOR_X, [0])
    with pytest.raises(ShapeError, match="plot_network: x must be one example of 2 values"):
        viz.plot_network(net, x=[1, 2, 3])


def test_wide_network_diagram_says_what_the_ellipsis_hides_and_node_values_fit():
    net = _net([64, 32, 10], 0, "relu")
    fig = viz.plot_network(net, x=np.linspace(0, 1, 64))
    texts = [t.get_text() for t in fig.axes[0].texts]
    # 16 of 64 inputs drawn (15 units and the ellipsis) leave 49 unseen; 17 of the 32 hidden units.
    assert "49 more" in texts and "17 more" in texts
    values = [t for t in texts if t and t[0] in "-0123456789" and "more" not in t]
    assert len(values) == 15 + 10           # hidden (15 drawn) and output values; 64 inputs are too many
    assert all(len(t) <= 4 for t in values), values


def test_titles_state_the_right_numbers():
    net = _net([16, 6, 3], 0)
    wrong = int(np.sum(net.predict(X_IMG0) != Y_IMG0))
    assert 0 < wrong < len(Y_IMG0)
    fig = viz.plot_mistakes(net, X_IMG0, Y_IMG0, max_images=4)
    assert fig._suptitle.get_text().startswith(f"{wrong} of {len(Y_IMG0)} misclassified")
    assert sum(ax.has_data() for ax in fig.axes) == 4
    fig = viz.plot_confusion([0, 1, 2, 2], [0, 1, 2, 1])
    assert fig.axes[0].get_title() == "Confusion matrix: 3 of 4 correct (75.0%)"
    relu = _net([16, 8, 3], 0, "relu")
    relu.layers[0].b[...] = -100.0          # every hidden unit silent on every example: all dead
    fig = viz.plot_activation_histograms(relu, X_IMG0)
    assert "dead units 100%, zeros 100%" in fig.axes[0].get_title()


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_text_of_every_figure_lies_inside_it(name):
    from figure_checks import texts_outside

    for variant in (0, 1):
        assert texts_outside(CASES[name](variant, None)) == [], f"{name}: text cut at the figure's edge"


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_colour_bar_says_what_its_colours_mean(name):
    fig = CASES[name](0, None)
    for ax in fig.axes:
        colorbar = getattr(ax, "_colorbar", None)
        if colorbar is not None:
            assert colorbar.ax.get_ylabel().strip() or colorbar.ax.get_xlabel().strip(), name


def test_batch_norm_is_drawn_with_the_dense_layer_before_it():
    """Dense → BatchNorm → Activation → Dropout is one layer of units in every Dense figure: its
    nodes hold the Activation's output (what the units say), its title names the BatchNorm."""
    X, y = _blobs(0)
    net = nn.mlp([2, 5, 4, 3], activation="relu", batch_norm=True, dropout=0.2, seed=2)
    net.fit(X.astype(np.float32), y, epochs=3, verbose=False)
    assert net.stages() == [(0, 3), (4, 7), (8, 8)]
    fig = viz.plot_network(net, x=X[0])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "hidden 1\n5 × BatchNorm → relu" in texts and "hidden 2\n4 × BatchNorm → relu" in texts
    assert "output\n3 × softmax" in texts
    after_relu = net.layer_outputs(X[:1].astype(np.float32))[2][0]          # layer 2: the Activation
    assert (after_relu >= 0).all() and (after_relu > 0).any()
    shown = [t for t in texts if t and t[0] in "-0123456789"][2:2 + 5]       # after the 2 inputs
    assert [float(t) for t in shown] == pytest.approx(after_relu.tolist(), abs=0.006)
    fig = viz.plot_hidden_units(net, X, y=y)
    assert "BatchNorm → relu unit of layer 1" in fig._suptitle.get_text()
    fig = viz.plot_activation_histograms(net, X)
    assert fig.axes[0].get_title().startswith("layer 1: 5 × BatchNorm → relu\ndead units")
    assert viz.plot_weights(nn.mlp([16, 4, 3], batch_norm=True, seed=0)) is not None
    # A layer that makes other units is still refused by the Dense-only figures, in one line.
    with pytest.raises(ConfigError, match="plot_network draws networks of Dense layers only; this one has a "
                                          "Conv2D layer"):
        viz.plot_network(_conv_net(0))


def test_filter_maps_of_a_batch_norm_block_are_what_the_block_passes_on():
    net = nn.cnn((8, 8), [3], [4, 3], batch_norm=True, seed=1)
    net.layers[1].buffers["running_mean"][:] = [0.3, -0.3, 0.1]     # so the BatchNorm matters
    image = np.linspace(0, 1, 64)
    fig = viz.plot_filters(net, image=image)
    assert "response to the image,\nthen BatchNorm → relu (dark" in fig._suptitle.get_text()
    block = net.layer_outputs(image[None, :])[2][0].reshape(8, 8, 3)          # after the Activation
    drawn = [ax.get_images()[0].get_array() for ax in fig.axes[3:6]]
    for f in range(3):
        np.testing.assert_allclose(drawn[f], block[:, :, f], atol=1e-6)
    from figure_checks import texts_outside
    assert not texts_outside(fig)
