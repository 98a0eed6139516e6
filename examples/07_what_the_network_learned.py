"""07 - Looking inside a trained digit recogniser: weights, activations, gradients, mistakes.

Trains a small network on the 8×8 digits while recording gradient norms, then draws each hidden
unit's weights as a picture, the activation histograms (with dead ReLUs), the confusion matrix, the
misclassified test images, and writes an HTML report with all of it.

    python examples/07_what_the_network_learned.py [--out DIR]
"""

import argparse
from pathlib import Path

import numpy as np

import neuronet as nn
from neuronet import datasets, viz
from neuronet.report import write_report


def main(out: Path, epochs: int = 25) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (X_train, y_train), (X_test, y_test) = datasets.load("digits")
    net = nn.mlp([64, 32, 10], activation="relu", seed=0)
    grads = viz.GradientNormRecorder()
    history = net.fit(X_train, y_train, epochs=epochs, batch_size=32, optimizer=nn.Adam(3e-3),
                      validation_data=(X_test, y_test), callbacks=[grads])
    loss, acc = net.evaluate(X_test, y_test)
    print(f"test accuracy {acc:.1%}, loss {loss:.3f}")
    viz.plot_activation_histograms(net, X_test, path=out / "07_activation_histograms.png")
    hidden_layer = net.layers[0]
    # The hidden layer's outputs, computed by hand: relu(x·W + b) for every test image at once.
    hidden = np.maximum(0, X_test @ hidden_layer.W + hidden_layer.b)
    dead = viz.dead_fraction(hidden)
    print(f"dead ReLUs in the hidden layer (zero on every test image): {dead:.0%}")
    viz.plot_weights(net, image_shape=(8, 8), path=out / "07_weights.png")
    viz.plot_gradient_norms(grads, path=out / "07_gradient_norms.png")
    viz.plot_confusion(y_test, net.predict(X_test), n_classes=10, path=out / "07_confusion.png")
    viz.plot_mistakes(net, X_test, y_test, image_shape=(8, 8), path=out / "07_mistakes.png")
    report = write_report(out / "07_report", net, history, X_test, y_test,
                          settings={"layers": "64-32-10", "activation": "relu", "optimizer": "Adam(3e-3)",
                                    "epochs": epochs, "batch size": 32},
                          image_shape=(8, 8))
    print(f"figures in {out}: 07_weights.png, 07_activation_histograms.png, 07_gradient_norms.png, "
          f"07_confusion.png, 07_mistakes.png; HTML report {report}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out", help="folder for figures")
    main(parser.parse_args().out)
