"""09 - Gradient descent and its optimisers on 2-D functions; which loss keeps a neuron learning.

Every path is drawn by neuronet's own optimiser objects, given the exact gradient at each step: SGD
zigzags across a narrow valley and crawls along it, momentum builds speed, RMSprop and Adam rescale
each coordinate. Then the loss functions: with a sigmoid output, the quadratic cost's gradient
vanishes when the neuron is confidently wrong; cross-entropy's does not.

    python examples/09_gradient_descent.py [--out DIR]
"""

import argparse
from pathlib import Path

import numpy as np

import neuronet as nn
from neuronet import surfaces, viz


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in ("bowl", "rosenbrock", "saddle"):
        f = surfaces.get(name)
        print(f"{name}: f = {f.formula}, start {f.start}, {f.steps} steps; f − f(minimum) at the end:")
        for opt in ("sgd", "momentum", "nesterov", "rmsprop", "adam"):
            path = surfaces.optimizer_path(opt, f)
            label = viz.optimizer_label(surfaces.make_optimizer(opt, f))
            print(f"  {label:<24} {f(path[-1]) - f.lowest:9.2e}")
    viz.plot_optimizer_paths(path=out / "09_optimizers.png")
    viz.plot_optimizer_paths({"SGD": nn.SGD(2e-3), "momentum": nn.SGD(1e-3, momentum=0.9),
                              "Adam": nn.Adam(0.1)}, function="rosenbrock", path=out / "09_rosenbrock.png")
    viz.plot_optimizer_paths(function="saddle", path=out / "09_saddle.png")

    sigmoid, z = nn.activations.get("sigmoid"), np.array([[-5.0]])   # badly wrong for the target 1
    a, y = sigmoid(z), np.ones((1, 1))
    for loss in ("mse", "binary_crossentropy"):
        dz = nn.losses.get(loss).gradient(a, y) * sigmoid.derivative(z)
        print(f"{loss:<20} at z = −5, target 1: dL/dz = {dz[0, 0]:+.4f}")
    viz.plot_losses(path=out / "09_losses.png")
    print(f"figures in {out}: 09_optimizers.png, 09_rosenbrock.png, 09_saddle.png, 09_losses.png")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out", help="folder for figures")
    main(parser.parse_args().out)
