"""05 - Decision regions on two-dimensional data: two moons and a three-armed spiral.

A linear model can only cut the plane with lines; a hidden layer bends the boundary. The data are
made here by two small functions (neuronet.datasets will provide the same sets).

    python examples/05_2d_decision_regions.py [--out DIR]
"""

import argparse
from pathlib import Path

import numpy as np

import neuronet as nn
from neuronet import viz


def moons(n: int = 300, noise: float = 0.15, seed: int = 0):
    """Two interleaving half circles, labels 0 and 1."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, n)
    label = rng.integers(0, 2, n)
    x = np.where(label == 0, np.cos(t), 1 - np.cos(t))
    y = np.where(label == 0, np.sin(t), 0.5 - np.sin(t))
    X = np.column_stack([x, y]) + rng.normal(0, noise, (n, 2))
    return X.astype(np.float32), label


def spiral(n_per_class: int = 100, classes: int = 3, noise: float = 0.2, seed: int = 0):
    """``classes`` interleaved spiral arms."""
    rng = np.random.default_rng(seed)
    r = np.tile(np.linspace(0.05, 1, n_per_class), classes)
    label = np.repeat(np.arange(classes), n_per_class)
    theta = label * 2 * np.pi / classes + r * 4 + rng.normal(0, noise, r.size)
    X = np.column_stack([r * np.sin(theta), r * np.cos(theta)])
    return X.astype(np.float32), label


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    X, y = moons()
    linear = nn.mlp([2, 1], seed=0)
    linear.fit(X, y, epochs=100, batch_size=32, optimizer=nn.Adam(0.05))
    hidden = nn.mlp([2, 16, 1], activation="tanh", seed=0)
    history = hidden.fit(X, y, epochs=200, batch_size=32, optimizer=nn.Adam(0.02))
    print(f"moons: linear accuracy {linear.evaluate(X, y)[1]:.1%}, "
          f"one hidden layer of 16 {hidden.evaluate(X, y)[1]:.1%}")
    viz.plot_decision_regions(linear, X, y, path=out / "05_moons_linear.png")
    viz.plot_decision_regions(hidden, X, y, path=out / "05_moons_hidden.png")

    Xs, ys = spiral()
    net = nn.mlp([2, 64, 64, 3], activation="relu", seed=0)
    spiral_history = net.fit(Xs, ys, epochs=300, batch_size=32, optimizer=nn.Adam(0.01))
    print(f"spiral (3 classes): accuracy {net.evaluate(Xs, ys)[1]:.1%}")
    viz.plot_decision_regions(net, Xs, ys, path=out / "05_spiral_regions.png")
    viz.plot_hidden_units(net, Xs, layer=0, y=ys, path=out / "05_spiral_hidden_units.png")
    viz.plot_history({"moons": history, "spiral": spiral_history}, path=out / "05_histories.png")
    print(f"figures in {out}: 05_moons_linear.png, 05_moons_hidden.png, 05_spiral_regions.png, "
          "05_spiral_hidden_units.png, 05_histories.png")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out", help="folder for figures")
    main(parser.parse_args().out)
