"""01 - The perceptron: logic gates by hand, the learning rule, and why XOR defeats it.

A perceptron outputs 1 when w·x exceeds a threshold. With the right weights it computes AND, OR and
NAND; the perceptron rule finds such weights by itself. No single line separates XOR's two classes,
so the rule never settles there.

    python examples/01_perceptron.py [--out DIR]
"""

import argparse
from pathlib import Path

import numpy as np

import neuronet as nn
from neuronet import viz

INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
GATES = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0], "XOR": [0, 1, 1, 0]}


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    print("Hand-made AND: weights (1, 1), threshold 1.5")
    and_gate = nn.Perceptron(2, weights=[1, 1], threshold=1.5)
    for x in INPUTS:
        print(f"  {x.astype(int).tolist()} -> {and_gate.predict(x)}")
    viz.plot_neuron(and_gate, [1, 1], path=out / "01_and_neuron.png")

    for gate, targets in GATES.items():
        p = nn.Perceptron(2)
        history = p.fit(INPUTS, np.array(targets), epochs=20)
        print(f"{gate:>4}: {history.message}; learned {p}")
        viz.plot_perceptron_steps(history, INPUTS, targets, path=out / f"01_{gate.lower()}_steps.png")
    xor_history = nn.Perceptron(2).fit(INPUTS, np.array(GATES["XOR"]), epochs=6)
    viz.animate_perceptron(xor_history, INPUTS, GATES["XOR"], path=out / "01_xor.gif", fps=3)
    print(f"figures in {out}: 01_and_neuron.png, 01_<gate>_steps.png (the line moving), 01_xor.gif")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out", help="folder for figures")
    main(parser.parse_args().out)
