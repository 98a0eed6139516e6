"""Optimiser paths on 2-D test functions, and the figures of optimisers and losses."""

import numpy as np
import pytest

import neuronet as nn
from neuronet import surfaces
from neuronet.errors import ConfigError

# --- the test functions and optimizer_path (NumPy only) ------------------------------------------


@pytest.mark.parametrize("name", surfaces.names())
def test_gradient_matches_central_differences(name):
    s = surfaces.get(name)
    rng = np.random.default_rng(0)
    (x0, x1), (y0, y1) = s.view
    for p in np.column_stack([rng.uniform(x0, x1, 5), rng.uniform(y0, y1, 5)]):
        h = 1e-6
        numeric = [(s(p + h * e) - s(p - h * e)) / (2 * h) for e in np.eye(2)]
        assert np.allclose(s.gradient(p), numeric, rtol=1e-6, atol=1e-5)
    assert np.allclose(s.gradient(np.array(s.minimum)), 0)
    assert s.lowest == s(np.array(s.minimum)) <= s(np.array(s.start))


def test_surfaces_take_grids_of_points():
    s = surfaces.get("rosenbrock")
    grid = np.zeros((3, 4, 2))
    assert s(grid).shape == (3, 4) and s.gradient(grid).shape == (3, 4, 2)
    assert s(np.array([1.0, 1.0])) == 0.0 and s(np.array([0.0, 0.0])) == 1.0


def test_plain_sgd_is_the_closed_form_iterate():
    bowl = surfaces.Bowl(a=1.0, b=10.0)
    lr, start = 0.05, np.array([-3.0, 2.0])
    path = surfaces.optimizer_path(nn.SGD(lr), bowl, start, steps=25)
    assert path.shape == (26, 2)
    # x_{k+1} = x_k − η ∇f(x_k) = (1 − η a) x_k coordinate by coordinate: x_k = (1 − η a)^k x_0.
    k = np.arange(26)[:, None]
    assert np.allclose(path, (1 - lr * np.array([1.0, 10.0])) ** k * start, rtol=1e-12, atol=0)
    x = start.copy()
    for row in path[1:]:
        x = x - lr * bowl.gradient(x)
        assert np.array_equal(row, x)   # the same arithmetic, so exactly equal


def test_momentum_follows_the_heavy_ball_recurrence():
    bowl = surfaces.get("bowl")
    lr, mu = 0.004, 0.9
    path = surfaces.optimizer_path(nn.SGD(lr, momentum=mu), bowl, (2.0, -1.0), steps=10)
    x, v = np.array([2.0, -1.0]), np.zeros(2)
    for row in path[1:]:
        v = mu * v + bowl.gradient(x)
        x = x - lr * v
        assert np.allclose(row, x, rtol=1e-12)


def test_adams_first_step_has_size_lr_in_every_coordinate():
    for start in [(-4.0, 1.5), (0.3, -2.0)]:
        path = surfaces.optimizer_path(nn.Adam(0.1), "bowl", start, steps=1)
        step = path[1] - path[0]
        # m̂ / √v̂ = g / |g| on the first step, so each coordinate moves η against its gradient's sign.
        assert np.allclose(np.abs(step), 0.1, rtol=1e-6)
        assert np.all(np.sign(step) == -np.sign(surfaces.get("bowl").gradient(np.array(start))))


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"])
def test_every_named_optimizer_reaches_the_bowls_minimum(name):
    bowl = surfaces.get("bowl")
    path = surfaces.optimizer_path(name, bowl, steps=400)
    # RMSprop at a constant rate ends in a small cycle about the minimum: steps of about η each.
    near = bowl.rates["rmsprop"] if name == "rmsprop" else 0.05
    assert np.linalg.norm(path[-1]) < near, path[-1]
    assert bowl(path[-1]) < 1e-2 * bowl(path[0])


def test_adaptive_methods_leave_the_saddle_sooner_than_sgd():
    saddle = surfaces.get("saddle")
    leave = {}
    for name in ("sgd", "adam"):
        path = surfaces.optimizer_path(name, saddle)
        leave[name] = int(np.argmax(np.abs(path[:, 1]) > 0.5))
    assert 0 < leave["adam"] < leave["sgd"]


def test_the_callers_optimizer_is_not_changed():
    opt = nn.Adam(0.1)
    a = surfaces.optimizer_path(opt, "bowl", steps=5)
    assert opt.iterations == 0 and opt.slots == {}
    assert np.array_equal(a, surfaces.optimizer_path(opt, "bowl", steps=5))


def test_a_schedule_moves_every_step():
    sched = nn.StepDecay(0.1, step_size=1, gamma=0.5)
    path = surfaces.optimizer_path(nn.SGD(sched), surfaces.Bowl(1, 1), (1.0, 0.0), steps=3)
    # x_{k+1} = (1 − η_k) x_k with η_k = 0.1 · 0.5^k.
    assert np.allclose(path[:, 0], [1.0, 0.9, 0.9 * 0.95, 0.9 * 0.95 * 0.975])


def test_a_diverging_path_ends_at_its_last_finite_point():
    path = surfaces.optimizer_path(nn.SGD(5.0), "rosenbrock", steps=50)
    assert 1 < len(path) < 51 and np.all(np.isfinite(path))


@pytest.mark.parametrize("kwargs, fragment", [
    ({"optimizer": "adagrad"}, "unknown optimizer 'adagrad'; choose one of: sgd, momentum"),
    ({"optimizer": 3}, "must be a name or an Optimizer"),
    ({"function": "himmelblau"}, "unknown test function 'himmelblau'"),
    ({"start": (1.0, 2.0, 3.0)}, "start must be a point (x, y)"),
    ({"start": [[1.0, 2.0]]}, "start must be a point (x, y)"),
    ({"start": "ab"}, "start must be a point (x, y)"),
    ({"start": (np.nan, 0.0)}, "two finite numbers"),
    ({"steps": 0}, "steps must be a whole number >= 1"),
    ({"steps": -3}, "steps must be a whole number >= 1"),
    ({"steps": 2.5}, "steps must be a whole number >= 1"),
])
def test_bad_arguments_are_one_line_config_errors(kwargs, fragment):
    args = {"optimizer": "sgd", "function": "bowl", **kwargs}
    with pytest.raises(ConfigError) as exc:
        surfaces.optimizer_path(**args)
    assert fragment in str(exc.value) and "\n" not in str(exc.value)


@pytest.mark.parametrize("a, b", [("x", 1.0), (1.0, None), (0, 1.0), (True, 1.0), (1.0, -2.0)])
def test_bowl_curvatures_must_be_positive_numbers(a, b):
    with pytest.raises(ConfigError, match="curvatures a and b must be positive"):
        surfaces.Bowl(a=a, b=b)


# --- the figures ---------------------------------------------------------------------------------


@pytest.fixture
def viz():
    pytest.importorskip("matplotlib")
    from neuronet import viz

    return viz


def _legend_texts(ax):
    legend = ax.get_legend()
    return [t.get_text() for t in legend.get_texts()] if legend else []


def test_optimizer_figure_draws_one_path_per_optimizer(viz, tmp_path):
    opts = {"SGD": nn.SGD(0.01), "momentum": nn.SGD(0.01, momentum=0.9), "Adam": nn.Adam(0.1)}
    fig = viz.plot_optimizer_paths(opts, "bowl", steps=30, path=tmp_path / "o.png")
    assert (tmp_path / "o.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    paths_ax, loss_ax = fig.axes
    assert _legend_texts(loss_ax) == ["SGD", "momentum", "Adam"]
    labelled = [line for line in paths_ax.lines if not line.get_label().startswith("_")]
    assert [line.get_label() for line in labelled] == ["SGD", "momentum", "Adam"]
    # The drawn path is optimizer_path's, and the loss panel is f − f(minimum) along it.
    expected = surfaces.optimizer_path(nn.Adam(0.1), "bowl", steps=30)
    assert np.allclose(np.column_stack(labelled[2].get_data()), expected)
    assert np.allclose(loss_ax.lines[2].get_ydata(), surfaces.get("bowl")(expected))
    assert loss_ax.get_yscale() == "log"
    # Contour lines are drawn under the paths.
    assert paths_ax.collections


def test_default_optimizer_figure_and_names(viz, tmp_path):
    fig = viz.plot_optimizer_paths(path=tmp_path / "o.svg")
    assert "<svg" in (tmp_path / "o.svg").read_text()
    assert _legend_texts(fig.axes[1]) == ["SGD, η=0.018", "momentum 0.9, η=0.006", "Nesterov 0.9, η=0.006",
                                          "RMSprop, η=0.1", "Adam, η=0.3"]
    fig = viz.plot_optimizer_paths(["sgd", nn.Adam(0.2)], ["bowl", "rosenbrock", "saddle"], show_loss=False)
    assert len(fig.axes) == 3
    assert all(_legend_texts(ax) == ["SGD, η=" + f"{surfaces.get(n).rates['sgd']:g}", "Adam, η=0.2"]
               for ax, n in zip(fig.axes, ["bowl", "rosenbrock", "saddle"], strict=True))


def test_a_diverging_optimizer_is_marked_in_the_legend(viz):
    fig = viz.plot_optimizer_paths({"too fast": nn.SGD(5.0)}, "rosenbrock", steps=50)
    assert _legend_texts(fig.axes[1]) == ["too fast (diverged)"]


@pytest.mark.parametrize("kwargs, fragment", [
    ({"optimizers": ["sgd", "adagrad"]}, "unknown optimizer 'adagrad'"),
    ({"optimizers": 7}, "optimizers must be a list"),
    ({"optimizers": []}, "at least one optimizer"),
    ({"function": []}, "at least one function"),
    ({"start": (1.0,)}, "start must be a point"),
    ({"steps": 0}, "steps must be a whole number"),
    ({"path": "o.jpg"}, "use a .png, .svg or .pdf"),
])
def test_optimizer_figure_errors(viz, kwargs, fragment):
    with pytest.raises(ConfigError) as exc:
        viz.plot_optimizer_paths(**kwargs)
    assert fragment in str(exc.value) and "\n" not in str(exc.value)


def test_loss_figure_shows_the_librarys_values(viz, tmp_path):
    fig = viz.plot_losses(path=tmp_path / "l.png")
    viz.plot_losses(path=tmp_path / "l.svg")
    assert (tmp_path / "l.png").stat().st_size > 2000 and "<svg" in (tmp_path / "l.svg").read_text()
    by_a, by_z, grad = fig.axes
    assert len(by_a.lines) == len(by_z.lines) == len(grad.lines) - 1 == 2   # + the zero line in grad
    assert len(_legend_texts(by_a)) == 2 and len(_legend_texts(grad)) == 2
    mse, bce = nn.losses.get("mse"), nn.losses.get("binary_crossentropy")
    sigmoid = nn.activations.get("sigmoid")
    for i, loss in enumerate((mse, bce)):
        a, values = by_a.lines[i].get_data()
        for j in (10, 200, 390):
            assert values[j] == pytest.approx(loss(np.array([[a[j]]]), np.array([[1.0]])))
        z, dz = grad.lines[i].get_data()
        assert np.allclose(a, sigmoid(z))
        assert np.allclose(by_z.lines[i].get_ydata(), values)
    # The classic lesson: badly wrong (z = −6, a ≈ 0.0025) the quadratic cost's signal is ~σ'(z),
    # cross-entropy's stays a − y ≈ −1.
    z, dz_mse = grad.lines[0].get_data()
    _, dz_bce = grad.lines[1].get_data()
    assert z[0] == -6.0
    assert abs(dz_mse[0]) < 0.003 and dz_bce[0] == pytest.approx(sigmoid(np.array(-6.0)) - 1)
    assert np.allclose(dz_bce, sigmoid(z) - 1)
    assert np.allclose(dz_mse, (sigmoid(z) - 1) * sigmoid.derivative(z))


def test_loss_figure_options_and_errors(viz):
    curves = viz.loss_curves(["mse"], target=0.0, z_range=(-2, 2), n=5)
    assert list(curves["losses"]) == ["mse"]
    assert np.allclose(curves["losses"]["mse"]["loss"], 0.5 * curves["a"] ** 2)
    fig = viz.plot_losses(["mse", "bce", "categorical_crossentropy"], target=0)
    assert len(fig.axes[0].lines) == 3
    for kwargs, fragment in [({"target": 2}, "between 0 and 1"), ({"target": "abc"}, "between 0 and 1"),
                             ({"z_range": 5}, "z_range must be (low, high)"),
                             ({"z_range": ("a", "b")}, "z_range must be (low, high)"),
                             ({"losses": ["hinge"]}, "unknown loss 'hinge'"),
                             ({"losses": []}, "at least one loss"),
                             ({"z_range": (3, -3)}, "low < high")]:
        with pytest.raises(ConfigError) as exc:
            viz.plot_losses(**kwargs)
        assert fragment in str(exc.value) and "\n" not in str(exc.value)


def test_without_matplotlib_the_figures_say_which_extra(monkeypatch):
    import sys

    pytest.importorskip("matplotlib")
    from neuronet import viz

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    for draw in (viz.plot_optimizer_paths, viz.plot_losses):
        with pytest.raises(ConfigError, match=r"pip install \"neuronet\[plot\]\""):
            draw()
