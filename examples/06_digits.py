"""06 - Recognising handwritten digits (scikit-learn's 8×8 digits: 1,797 images, trains in seconds).

The same code works for MNIST's 28×28 digits: load them (neuronet.datasets.load("mnist") or the
command line `neuronet train`), build mlp([784, 128, 10]) and train a few epochs; everything else here
is unchanged.

    python examples/06_digits.py [--out DIR] [--epochs N]

The trained network is saved as DIR/digits.npz; the `neuronet` command can then evaluate it or read
your own drawings of digits (photos or scans, any size).
"""

import argparse
from pathlib import Path

import neuronet as nn
from neuronet import datasets, viz


def main(out: Path, epochs: int = 30) -> None:
    out.mkdir(parents=True, exist_ok=True)
    # 1,437 training and 360 test images (a fixed, stratified split), pixels flattened to 64 in [0, 1].
    (X_train, y_train), (X_test, y_test) = datasets.load("digits")
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

    # Recording the dataset and image size lets `neuronet evaluate` find the test set and
    # `neuronet predict` shrink a photo to 8x8 before classifying it.
    net.preprocessing = {"dataset": "digits", "image_shape": [8, 8]}
    model = out / "digits.npz"
    net.save(model)
    print(f"model saved to {model}; try it with the command line:")
    print(f"    neuronet evaluate {model}")
    print(f"    neuronet predict {model} my_digit.png")
    print(f"figures in {out}: 06_digits_history.png, 06_digits_confusion.png, 06_digits_network.png")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out", help="folder for figures")
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args()
    main(args.out, args.epochs)
