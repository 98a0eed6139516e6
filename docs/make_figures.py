"""Regenerate the figures shown in the README from the code in this repository.

    python docs/make_figures.py            # writes docs/figures/*.png (each well under 150 KB)
    python docs/make_figures.py optimizers losses   # only these (quick: no training)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import neuronet as nn
from neuronet import datasets, viz

OUT = Path(__file__).parent / "figures"


def small_png(path: Path) -> None:
    """Re-save a PNG with a 256-colour palette: a third of the size, no visible change for line art."""
    from PIL import Image

    with Image.open(path) as im:
        im = im.convert("RGB").quantize(256)
    im.save(path, optimize=True)


def optimizers() -> None:
    # The bowl: momentum and adaptive steps against a narrow valley; the saddle: who escapes it.
    viz.plot_optimizer_paths(function=["bowl", "saddle"], path=OUT / "optimizers.png")
    small_png(OUT / "optimizers.png")


def losses() -> None:
    viz.plot_losses(path=OUT / "losses.png")
    small_png(OUT / "losses.png")


QUICK = {"optimizers": optimizers, "losses": losses}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    names = sys.argv[1:]
    if names:
        for name in names:
            if name not in QUICK:
                sys.exit(f"make_figures: no figure {name!r}; choose from: {', '.join(QUICK)}")
            QUICK[name]()
            print(f"{OUT / name}.png  {(OUT / f'{name}.png').stat().st_size / 1024:.0f} KB")
        return
    for make in QUICK.values():
        make()
    viz.plot_activations(path=OUT / "activations.png")   # all twelve
    viz.plot_neuron(nn.Neuron([0.8, -1.2, 0.5], bias=0.3), [1.0, 0.5, 2.0], path=OUT / "neuron.png")

    X4 = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    xor = nn.Perceptron(2).fit(X4, np.array([0, 1, 1, 0]), epochs=3)
    viz.plot_perceptron_steps(xor, X4, [0, 1, 1, 0], max_panels=8, path=OUT / "perceptron_xor.png")

    xor_net = nn.mlp([2, 4, 1], activation="tanh", seed=3)
    xor_net.fit(X4.astype(np.float32), [0, 1, 1, 0], epochs=500, batch_size=4, optimizer=nn.Adam(0.05))
    viz.plot_network(xor_net, x=X4[1], path=OUT / "xor_network.png")

    # 300 training points (the 75 test points are not needed here); noise 0.1 rad keeps the arms apart.
    (Xs, ys), _ = datasets.load("spiral", n_samples=375, noise=0.1, n_classes=3, seed=0)
    net = nn.mlp([2, 64, 64, 3], activation="relu", seed=0)
    net.fit(Xs, ys, epochs=300, batch_size=32, optimizer=nn.Adam(0.01))
    viz.plot_decision_regions(net, Xs, ys, split="training", path=OUT / "spiral_regions.png")

    (X_train, y_train), (X_test, y_test) = datasets.load("digits")
    # Validation is held out of the training set, as `neuronet train --val-split` does; the test set
    # is kept for the confusion matrix, so the curves never peek at it.
    (X_fit, y_fit), validation = datasets.train_val_split(X_train, y_train, val_fraction=0.1, seed=0)
    runs = {}
    for hidden in ("sigmoid", "relu"):
        net = nn.mlp([64, 32, 10], activation=hidden, seed=0)
        runs[f"{hidden} 64-32-10"] = net.fit(X_fit, y_fit, epochs=30, batch_size=32,
                                              optimizer=nn.Adam(3e-3), validation_data=validation)
    viz.plot_history(runs, path=OUT / "digits_history.png")
    viz.plot_confusion(y_test, net.predict(X_test), n_classes=10, split="test",
                       path=OUT / "digits_confusion.png")

    conv = nn.Network([nn.Conv2D((8, 8, 1), filters=8, kernel_size=3, padding="same", activation="relu"),
                       nn.MaxPool2D((8, 8, 8), pool_size=2),
                       nn.Dense(4 * 4 * 8, 10, activation="softmax")], seed=0)
    conv.fit(X_train, y_train, epochs=20, batch_size=32, optimizer=nn.Adam(3e-3))
    viz.plot_filters(conv, X_test[0], path=OUT / "digits_filters.png")
    for p in sorted(OUT.glob("*.png")):
        print(f"{p}  {p.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
