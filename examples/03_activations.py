"""03 - Activation functions and their derivatives, side by side.

The derivative is what backpropagation multiplies by: where it is near 0 (a saturated sigmoid, a
negative ReLU) a neuron stops learning.

    python examples/03_activations.py [--out DIR]
"""

import argparse
from pathlib import Path

import numpy as np

from neuronet import activations, viz


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    z = np.array([-4.0, -1.0, 0.0, 1.0, 4.0])
    print("z            " + "  ".join(f"{v:7.2f}" for v in z))
    for name in activations.names():
        if name in ("softmax", "log_softmax"):
            continue
        f = activations.get(name)
        print(f"{name:<12} " + "  ".join(f"{v:7.3f}" for v in f(z)) +
              "   f'(0) = " + f"{f.derivative(np.zeros(1))[0]:.3f}")
    print("softmax of", z.tolist(), "=", np.round(activations.get("softmax")(z[None])[0], 3).tolist())
    viz.plot_activations(path=out / "03_activations.png")
    singles = ("sigmoid", "relu", "tanh", "softmax")
    for name in singles:
        viz.plot_activation(name, path=out / f"03_{name}.svg")
    print(f"figures in {out}: 03_activations.png (all), 03_<name>.svg ({', '.join(singles)})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out", help="folder for figures")
    main(parser.parse_args().out)
