"""05 - Decision regions on two-dimensional data: two moons and a three-armed spiral.

A linear model can only cut the plane with lines; a hidden layer bends the boundary. Both data sets
come from neuronet.datasets (generated, no download), split 80/20 into training and test points.

    python examples/05_2d_decision_regions.py [--out DIR]
"""

import argparse
from pathlib import Path

import neuronet as nn
from neuronet import datasets, viz


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (X, y), (X_test, y_test) = datasets.load("moons", n_samples=375, noise=0.15, seed=0)
    linear = nn.mlp([2, 1], seed=0)
    linear.fit(X, y, epochs=100, batch_size=32, optimizer=nn.Adam(0.05))
    hidden = nn.mlp([2, 16, 1], activation="tanh", seed=0)
    history = hidden.fit(X, y, epochs=200, batch_size=32, optimizer=nn.Adam(0.02),
                         validation_data=(X_test, y_test))
    print(f"moons: test accuracy linear {linear.evaluate(X_test, y_test)[1]:.1%}, "
          f"one hidden layer of 16 {hidden.evaluate(X_test, y_test)[1]:.1%}")
    viz.plot_decision_regions(linear, X, y, path=out / "05_moons_linear.png")
    viz.plot_decision_regions(hidden, X, y, path=out / "05_moons_hidden.png")

    # noise is in radians here (see datasets.load): 0.1 keeps the three arms apart but touching.
    (Xs, ys), (Xs_test, ys_test) = datasets.load("spiral", n_samples=375, noise=0.1, n_classes=3, seed=0)
    net = nn.mlp([2, 64, 64, 3], activation="relu", seed=0)
    spiral_history = net.fit(Xs, ys, epochs=300, batch_size=32, optimizer=nn.Adam(0.01),
                             validation_data=(Xs_test, ys_test))
    print(f"spiral (3 classes): test accuracy {net.evaluate(Xs_test, ys_test)[1]:.1%}")
    viz.plot_decision_regions(net, Xs, ys, path=out / "05_spiral_regions.png")
    viz.plot_hidden_units(net, Xs, layer=0, y=ys, path=out / "05_spiral_hidden_units.png")
    viz.plot_history({"moons": history, "spiral": spiral_history}, path=out / "05_histories.png")
    print(f"figures in {out}: 05_moons_linear.png, 05_moons_hidden.png, 05_spiral_regions.png, "
          "05_spiral_hidden_units.png, 05_histories.png")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out", help="folder for figures")
    main(parser.parse_args().out)
