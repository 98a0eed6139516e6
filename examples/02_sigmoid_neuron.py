"""02 - The sigmoid neuron: a smooth threshold, so small weight changes make small output changes.

A perceptron's output jumps from 0 to 1; σ(w·x + b) glides. That smoothness is what lets gradient
descent learn, which this script shows by training one sigmoid neuron (a 2 → 1 network) on OR.

    python examples/02_sigmoid_neuron.py [--out DIR]
"""

import argparse
from pathlib import Path

import numpy as np

import neuronet as nn
from neuronet import viz


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    neuron = nn.Neuron(weights=[2.0, -1.0], bias=0.5)
    x = [1.0, 1.0]
    print(f"{neuron} on x={x}: z = {neuron.weighted_sum(x):.3f}, output σ(z) = {neuron(x):.4f}")
    viz.plot_neuron(neuron, x, path=out / "02_sigmoid_neuron.png")
    viz.plot_activation("sigmoid", path=out / "02_sigmoid.png")

    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([0, 1, 1, 1])
    net = nn.Network([nn.Dense(2, 1, "sigmoid")], loss="binary_crossentropy", seed=0)
    history = net.fit(X, y, epochs=300, batch_size=4, optimizer=nn.SGD(2.0))
    layer = net.layers[0]
    trained = nn.Neuron(layer.W[:, 0], float(layer.b[0]))
    print(f"after training on OR: {trained}; outputs {np.round(trained(X), 3).tolist()}")
    viz.plot_neuron(trained, [0.0, 1.0], path=out / "02_trained_neuron.png")
    viz.plot_history(history, path=out / "02_history.png")
    print(f"figures in {out}: 02_sigmoid_neuron.png, 02_sigmoid.png, 02_trained_neuron.png, 02_history.png")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out", help="folder for figures")
    main(parser.parse_args().out)
