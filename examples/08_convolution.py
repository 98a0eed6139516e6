"""08 - A convolutional network: the same small filters slid over the whole image.

Trains two networks of about the same size on the 8×8 digits and compares them:

* a dense network 64-36-10 (2,710 parameters): every hidden unit has its own weight per pixel;
* a convolutional network (2,730 parameters): 16 filters of 3×3 weights, each applied at every
  position of the image, then 2×2 max pooling, then a Dense softmax layer.

Then it moves every test image by one pixel (up, down, left, right) and measures again. The dense
network has learned "ink at pixel (3, 4)"; the filters respond to a stroke wherever it is, and pooling
keeps only roughly where, so the convolutional network copes better with the shift.

    python examples/08_convolution.py [--out DIR] [--epochs N]
"""

import argparse
import time
from pathlib import Path

import numpy as np

import neuronet as nn
from neuronet import datasets, viz


def shifted(X: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """The (n, 64) digits moved by (dy, dx) pixels, with blank (0) pixels coming in at the edge."""
    images = X.reshape(-1, 8, 8)                                       # (n, 8, 8)
    out = np.zeros_like(images)
    rows, cols = slice(max(dy, 0), 8 + min(dy, 0)), slice(max(dx, 0), 8 + min(dx, 0))
    out[:, rows, cols] = images[:, max(-dy, 0):8 + min(-dy, 0), max(-dx, 0):8 + min(-dx, 0)]
    return out.reshape(-1, 64)


def main(out: Path, epochs: int = 20) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (X_train, y_train), (X_test, y_test) = datasets.load("digits")    # (n, 64): 8×8×1 images, row by row
    nets = {
        "dense 64-36-10": nn.Network([nn.Dense(64, 36, activation="relu"),
                                      nn.Dense(36, 10, activation="softmax")], seed=0),
        # Conv2D reads each row of 64 as an 8×8 image with 1 channel and gives 8×8×16 values per
        # example; pooling halves that to 4×4×16 = 256, which the Dense layer classifies.
        "conv 16×3×3": nn.Network([nn.Conv2D((8, 8, 1), filters=16, kernel_size=3, padding="same",
                                             activation="relu"),
                                   nn.MaxPool2D((8, 8, 16), pool_size=2),
                                   nn.Dense(4 * 4 * 16, 10, activation="softmax")], seed=0),
    }
    moves = [(1, 0), (-1, 0), (0, 1), (0, -1)]
    runs = {}
    for name, net in nets.items():
        start = time.perf_counter()
        runs[name] = net.fit(X_train, y_train, epochs=epochs, batch_size=32, optimizer=nn.Adam(3e-3),
                             validation_data=(X_test, y_test), seed=0)
        seconds = time.perf_counter() - start
        accuracy = net.evaluate(X_test, y_test)[1]
        moved = np.mean([net.evaluate(shifted(X_test, dy, dx), y_test)[1] for dy, dx in moves])
        print(f"{name:>15}: {net.n_params:,} parameters, trained in {seconds:.1f} s; test accuracy "
              f"{accuracy:.1%}, on test digits moved by one pixel {moved:.1%}")
    print(nets["conv 16×3×3"].summary())
    viz.plot_history(runs, path=out / "08_history.png")
    viz.plot_filters(nets["conv 16×3×3"], X_test[0], path=out / "08_filters.png")
    print(f"figures in {out}: 08_history.png, 08_filters.png")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out", help="folder for figures")
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()
    main(args.out, args.epochs)
