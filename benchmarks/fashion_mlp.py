"""Accuracy benchmark: an MLP on the full Fashion-MNIST (60,000 training / 10,000 test images).

Target: at least 90.0 % test accuracy with a plain NumPy MLP. The default configuration is

    784-512-256-10, ReLU, Dropout 0.3, softmax + cross-entropy,
    AdamW (lr 1e-3 with cosine decay over 30 epochs, weight decay 1e-4), batch 128,
    55,000 images for training, doubled with their left-right mirror images, and 5,000 held out
    for validation (early stopping on val_accuracy, patience 10, best weights restored).

``--classic`` also runs two textbook configurations, a few epochs each:

* 784-30-10 sigmoid, quadratic cost (mse), plain SGD lr 3.0, mini-batch 10;
* 784-100-10 sigmoid with the cross-entropy cost (sigmoid outputs, ``binary_crossentropy`` summed
  over the 10 outputs) and L2 (λ = 5 → weight_decay = 5 / n_train), SGD lr 0.5, mini-batch 10.

Run:  NEURONET_DATA=/work/shared/datasets python benchmarks/fashion_mlp.py [--classic] [--epochs N]
      (--no-flip, --dropout P, --no-main, --classic-epochs N: see --help)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import machine, numpy_blas  # noqa: E402  (benchmarks/ is this script's folder)

import neuronet as nn  # noqa: E402
from neuronet import datasets  # noqa: E402

DATA_DIR = None  # set from --data-dir


def load_fashion():
    """(x_train, y_train), (x_test, y_test): float32 pixels in [0, 1] of shape (n, 784), int64 labels.

    Found through neuronet's own lookup (--data-dir, $NEURONET_DATA, the cache, /usr/share/datasets).
    """
    return datasets.load("fashion-mnist", data_dir=DATA_DIR, download=False)


def machine_line() -> str:
    return f"machine: {machine()}, NumPy {np.__version__} ({numpy_blas()})"


def run(name, net, x_train, y_train, x_test, y_test, **fit_kwargs):
    print(f"\n== {name}: {net.n_params:,} parameters ==", flush=True)
    started = time.perf_counter()
    history = net.fit(x_train, y_train, **fit_kwargs)
    seconds = time.perf_counter() - started
    test_loss, test_acc = net.evaluate(x_test, y_test)
    val = history["val_accuracy"]
    best_val = max(v for v in val if v == v) if any(v == v for v in val) else float("nan")
    print(f"{name}: epochs run {history.epochs}, best val acc {best_val:.4f}, "
          f"test loss {test_loss:.4f}, TEST ACCURACY {test_acc * 100:.2f} %, "
          f"train time {seconds:.1f} s ({seconds / max(history.epochs, 1):.1f} s/epoch)", flush=True)
    return test_acc


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=30, help="epochs for the main MLP (default 30)")
    parser.add_argument("--classic", action="store_true", help="also run the two textbook configurations")
    parser.add_argument("--classic-epochs", type=int, default=5)
    parser.add_argument("--no-main", action="store_true", help="skip the main MLP")
    parser.add_argument("--dropout", type=float, default=0.3)
    parser.add_argument("--no-flip", action="store_true", help="do not add left-right flipped images")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", help="folder with fashion-mnist/ (default: $NEURONET_DATA, caches)")
    args = parser.parse_args(argv)
    global DATA_DIR
    DATA_DIR = args.data_dir

    print(machine_line(), flush=True)
    (x_train, ytr), (x_test, yte) = load_fashion()
    print(f"data: {len(x_train)} training, {len(x_test)} test images", flush=True)

    if not args.no_main:
        # Hold out the last 5,000 training images (the files are already in random order).
        n_val = 5000
        x_fit, y_fit = x_train[:-n_val], ytr[:-n_val]
        x_val, y_val = x_train[-n_val:], ytr[-n_val:]
        if not args.no_flip:
            # Mirror images of clothes are still the same clothes: doubling the training set with
            # left-right flips is the cheapest regulariser there is for an MLP.
            flipped = x_fit.reshape(-1, 28, 28)[:, :, ::-1].reshape(len(x_fit), -1)
            x_fit, y_fit = np.concatenate([x_fit, flipped]), np.concatenate([y_fit, y_fit])
        net = nn.Network([nn.Dense(784, 512, "relu"), nn.Dropout(args.dropout),
                          nn.Dense(512, 256, "relu"), nn.Dropout(args.dropout),
                          nn.Dense(256, 10, "softmax")], loss="cross_entropy", seed=args.seed)
        opt = nn.AdamW(lr=nn.CosineDecay(1e-3, epochs=args.epochs), weight_decay=1e-4)
        # Validation accuracy keeps improving for a while after the validation loss turns up
        # (the network grows over-confident on a few examples), so stop on accuracy.
        stop = nn.EarlyStopping(monitor="val_accuracy", patience=10, restore_best_weights=True)
        run(f"784-512-256-10 ReLU + dropout {args.dropout}, AdamW cosine, batch 128, "
            f"{len(x_fit)} training images{'' if args.no_flip else ' (with flips)'}", net, x_fit, y_fit,
            x_test, yte, epochs=args.epochs, batch_size=128, optimizer=opt,
            validation_data=(x_val, y_val), callbacks=[stop], seed=args.seed, verbose=1)

    if args.classic:
        e = args.classic_epochs
        net = nn.mlp([784, 30, 10], activation="sigmoid", output_activation="sigmoid", loss="mse",
                     seed=args.seed)
        run(f"classic 784-30-10 sigmoid, quadratic cost, SGD lr 3.0, batch 10, {e} epochs", net,
            x_train, ytr, x_test, yte, epochs=e, batch_size=10, optimizer=nn.SGD(lr=3.0), verbose=1)
        # Nielsen's chapter-3 network: sigmoid outputs with the cross-entropy summed over them.
        net = nn.mlp([784, 100, 10], activation="sigmoid", loss="binary_crossentropy", seed=args.seed)
        run(f"784-100-10 sigmoid, cross-entropy, L2 λ=5, SGD lr 0.5, batch 10, {e} epochs",
            net, x_train, ytr, x_test, yte, epochs=e, batch_size=10,
            optimizer=nn.SGD(lr=0.5, weight_decay=5.0 / len(x_train)), verbose=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
