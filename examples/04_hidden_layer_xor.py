"""04 - One hidden layer solves XOR.

Two hidden neurons each draw a line; the output neuron combines them. The figures show the network
with its learned weights, what each hidden unit responds to, and the resulting decision regions.

    python examples/04_hidden_layer_xor.py [--out DIR]
"""

import argparse
from pathlib import Path

import numpy as np

import neuronet as nn
from neuronet import viz


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([0, 1, 1, 0])
    net = nn.mlp([2, 4, 1], activation="tanh", seed=3)
    history = net.fit(X, y, epochs=500, batch_size=4, optimizer=nn.Adam(0.05))
    print(net.summary())
    print(f"XOR outputs after training: {[round(float(v), 3) for v in net.predict_proba(X)[:, 0]]} "
          f"(targets {y.tolist()}), accuracy {np.mean(net.predict(X) == y):.0%}")
    viz.plot_network(net, x=X[1], path=out / "04_xor_network.png")
    viz.plot_hidden_units(net, X, layer=0, y=y, path=out / "04_xor_hidden_units.png")
    viz.plot_decision_regions(net, X, y, path=out / "04_xor_regions.png")
    viz.plot_history(history, path=out / "04_xor_history.png")
    print(f"figures in {out}: 04_xor_network.png, 04_xor_hidden_units.png, 04_xor_regions.png, "
          "04_xor_history.png")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out", help="folder for figures")
    main(parser.parse_args().out)
