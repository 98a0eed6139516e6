"""06 - Recognising handwritten digits (scikit-learn's 8×8 digits: 1,797 images, trains in seconds).

The same code works for MNIST's 28×28 digits: load them (neuronet.datasets.load("mnist") or the
command line `neuronet train`), build mlp([784, 128, 10]) and train a few epochs; everything else here
is unchanged.

    python examples/06_digits.py [--out DIR] [--epochs N]
"""

import argparse
from pathlib import Path

import numpy as np

import neuronet as nn
from neuronet import viz


def load_digits(seed: int = 0):
    """(X_train, y_train, X_test, y_test): pixels scaled to [0, 1], 80/20 split."""
    try:
        from sklearn.datasets import load_digits as sk_load
    except ImportError:
        raise SystemExit('this example needs scikit-learn: pip install "neuronet[digits]"') from None
    data = sk_load()
    X = (data.data / 16.0).astype(np.float32)
    y = data.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(X))
    cut = int(0.8 * len(X))
    return X[order[:cut]], y[order[:cut]], X[order[cut:]], y[order[cut:]]


def main(out: Path, epochs: int = 30) -> None:
    out.mkdir(parents=True, exist_ok=True)
    X_train, y_train, X_test, y_test = load_digits()
    runs = {}
    for name, hidden in (("sigmoid 32", "sigmoid"), ("relu 32", "relu")):
        net = nn.mlp([64, 32, 10], activation=hidden, seed=0)
        runs[name] = net.fit(X_train, y_train, epochs=epochs, batch_size=32, optimizer=nn.Adam(3e-3),
                             validation_data=(X_test, y_test))
        print(f"{name}: test accuracy {net.evaluate(X_test, y_test)[1]:.1%}")
    print(net.summary())
    viz.plot_history(runs, path=out / "06_digits_history.png")
    viz.plot_confusion(y_test, net.predict(X_test), n_classes=10, path=out / "06_digits_confusion.png")
    viz.plot_network(net, x=X_test[0], path=out / "06_digits_network.png")
    print(f"figures in {out}: 06_digits_history.png, 06_digits_confusion.png, 06_digits_network.png")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out", help="folder for figures")
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args()
    main(args.out, args.epochs)
