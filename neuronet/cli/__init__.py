"""The ``neuronet`` command: a thin layer over the Python API.

    neuronet train                      # the default digit recogniser (MNIST, or the 8×8 digits offline)
    neuronet train --dataset fashion-mnist --layers 256,128 --activation relu --epochs 20
    neuronet train --dataset fashion-mnist --conv 16,32 --layers 128   # a small convolutional network
    neuronet evaluate MODEL             # loss, accuracy, per-class accuracy
    neuronet predict MODEL IMAGE...     # classify photos or scans of handwritten digits
    neuronet info MODEL                 # architecture and training settings
    neuronet datasets                   # what is available and where it was found
    neuronet plot KIND ...              # figures from a model, a dataset or a saved history
    neuronet lab [--model MODEL]        # the interactive lab in the browser (needs neuronet[lab])

Mistakes a user can make (unknown option, missing file, bad value) print one line on stderr and
exit with status 2; Ctrl-C during training saves a checkpoint and exits with status 130.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import sys
from pathlib import Path

import numpy as np

from .errors import ConfigError, NeuronetError

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

# What `neuronet train` uses when an option is not given, per dataset.
DEFAULTS = {
    "mnist": {"layers": "256,128", "epochs": 10, "batch_size": 128, "lr": 1e-3},
    "fashion-mnist": {"layers": "256,128", "epochs": 15, "batch_size": 128, "lr": 1e-3},
    "kmnist": {"layers": "256,128", "epochs": 15, "batch_size": 128, "lr": 1e-3},
    "digits": {"layers": "64", "epochs": 60, "batch_size": 32, "lr": 1e-3},
}
GENERIC = {"layers": "32,32", "epochs": 200, "batch_size": 32, "lr": 1e-2}

# The other defaults of `neuronet train`. The parser leaves these options at None, so that
# cmd_train can tell an option the user typed from one left out (which --resume takes from the
# checkpoint); cmd_train fills in the rest from here.
TRAIN_DEFAULTS = {"activation": "relu", "loss": "cross_entropy", "optimizer": "adam", "momentum": 0.0,
                  "schedule": "constant", "dropout": 0.0, "val_split": 0.1, "seed": 0,
                  "dtype": "float32"}


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line on stderr and exit status 2."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _number(text: str, kind: type, ok, expected: str):
    """``text`` as an int or float that passes ``ok``, else argparse's one-line usage error."""
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or not ok(value):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def _positive_int(text: str) -> int:
    return _number(text, int, lambda v: v >= 1, "a positive integer")


def _seed(text: str) -> int:
    return _number(text, int, lambda v: v >= 0, "a non-negative integer")


def _positive_float(text: str) -> float:
    return _number(text, float, lambda v: v > 0 and math.isfinite(v), "a positive number")


def _non_negative_float(text: str) -> float:
    return _number(text, float, lambda v: v >= 0 and math.isfinite(v), "a non-negative number")


def _fraction(text: str) -> float:
    return _number(text, float, lambda v: 0.0 <= v < 1.0, "a number in [0, 1)")


def _port(text: str) -> int:
    return _number(text, int, lambda v: 0 <= v <= 65535, "a port number from 0 to 65535")


def _positive_ints(text: str, what: str, example: str) -> list[int]:
    """Comma-separated positive integers, e.g. "256,128", or an argparse error naming ``what``."""
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated {what} like {example}, got {text!r}") from None
    if any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"{what} must be positive, got {text!r}")
    return values


def _layer_sizes(text: str) -> list[int]:
    if text.strip() in ("", "none", "0"):   # no hidden layer: the inputs feed the output layer
        return []
    return _positive_ints(text, "layer sizes", "256,128")


def _conv_filters(text: str) -> list[int]:
    return _positive_ints(text, "filter counts", "16,32")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="neuronet", description="Neural networks from one neuron to digits.")
    parser.add_argument("--version", action="version", version=f"neuronet {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    t = sub.add_parser("train", help="train a network (no options: the default digit recogniser)")
    t.add_argument("--dataset", default=None,
                   help="mnist (default), fashion-mnist, kmnist, digits, xor, circles, moons, spiral, "
                        "blobs, or a CSV file / image folder")
    t.add_argument("--data-dir", help="folder with the dataset files (before $NEURONET_DATA and caches)")
    t.add_argument("--layers", type=_layer_sizes, help="hidden layer sizes, e.g. 256,128")
    t.add_argument("--conv", type=_conv_filters, metavar="FILTERS",
                   help="convolutional blocks before the hidden layers, e.g. 16,32: each is a 3x3 "
                        "convolution with that many filters ('same' padding) and a 2x2 max-pool; "
                        "needs image data")
    t.add_argument("--activation", help="hidden activation (relu (default), sigmoid, tanh, ...)")
    t.add_argument("--loss",
                   help="cross_entropy (default, softmax outputs) or mse (the quadratic cost, sigmoid "
                        "outputs as in the classic 784-30-10 network)")
    t.add_argument("--output-activation", help="override the output activation (e.g. softmax)")
    t.add_argument("--optimizer", help="sgd, rmsprop, adam (default) or adamw")
    t.add_argument("--lr", type=_positive_float, help="learning rate")
    t.add_argument("--momentum", type=_fraction, help="SGD momentum (default 0)")
    t.add_argument("--weight-decay", type=_non_negative_float,
                   help="L2 weight decay (decoupled for adamw; default 0, adamw 0.01)")
    t.add_argument("--schedule", choices=["constant", "step", "exponential", "cosine"],
                   help="learning-rate schedule over the epochs (default constant)")
    t.add_argument("--dropout", type=_fraction,
                   help="dropout rate after the hidden (dense) layers (default 0)")
    t.add_argument("--epochs", type=_positive_int)
    t.add_argument("--batch-size", type=_positive_int)
    t.add_argument("--val-split", type=_fraction,
                   help="fraction of the training set held out for validation (default 0.1)")
    t.add_argument("--patience", type=_positive_int, help="early stopping patience (epochs)")
    t.add_argument("--seed", type=_seed, help="seed for initial weights, shuffling, dropout (default 0)")
    t.add_argument("--dtype", choices=["float32", "float64"], help="default float32")
    t.add_argument("--output", "-o", help="model file to write (default models/<dataset>.npz)")
    t.add_argument("--checkpoint", help="checkpoint file written every epoch, removed when the run ends "
                        "(default: the model file's name with .ckpt.npz)")
    t.add_argument("--resume", metavar="CHECKPOINT",
                   help="continue an interrupted run with the settings saved in its checkpoint "
                        "(--epochs and the output options may still be given)")
    t.add_argument("--history", help="also write the per-epoch history as JSON here")
    t.add_argument("--report", metavar="DIR", help="write an HTML report of the run into DIR")
    t.add_argument("--no-progress", action="store_true", help="no live progress bar")

    e = sub.add_parser("evaluate", help="loss, accuracy and per-class accuracy of a model")
    e.add_argument("model")
    e.add_argument("--dataset", help="dataset to evaluate on (default: the one it was trained on)")
    e.add_argument("--data-dir")

    p = sub.add_parser("predict", help="classify images of handwritten digits")
    p.add_argument("model")
    p.add_argument("images", nargs="+", metavar="IMAGE")
    p.add_argument("--top", type=_positive_int, default=3, help="how many probabilities to show")

    i = sub.add_parser("info", help="describe a model file")
    i.add_argument("model")

    d = sub.add_parser("datasets", help="list datasets and where they were found")
    d.add_argument("--data-dir")

    pl = sub.add_parser("plot", help="draw a figure (activations, network, history, weights, ...)")
    pl.add_argument("kind", help="activations, activation, network, history, weights, confusion, "
                                 "mistakes, regions, hidden, optimizers, losses")
    pl.add_argument("--model", help="model file (network, weights, confusion, mistakes, regions, hidden; "
                                    "history uses the history saved in it)")
    pl.add_argument("--history", help="history JSON written by train --history")
    pl.add_argument("--layer", type=int, default=0, help="which layer for weights and hidden (default 0)")
    pl.add_argument("--dataset", help="dataset for confusion/mistakes/regions (default: the model's)")
    pl.add_argument("--data-dir")
    pl.add_argument("--name", help="activation name for `plot activation`; test function for "
                                   "`plot optimizers` (bowl, rosenbrock, saddle; default bowl)")
    pl.add_argument("--output", "-o", required=True, help="image file to write (.png or .svg)")

    lab = sub.add_parser("lab", help="the interactive lab in the browser: draw a digit, train on 2-D data")
    lab.add_argument("--model", help="digit model file (default models/mnist.npz or models/digits.npz "
                                     "if present, else a small one trained on the 8x8 digits)")
    lab.add_argument("--host", default="127.0.0.1",
                     help="address to listen on (default 127.0.0.1: this computer only)")
    lab.add_argument("--port", type=_port, default=8000, help="port (default 8000; 0 picks a free one)")
    lab.add_argument("--no-browser", action="store_true", help="only print the address")
    return parser


def _version() -> str:
    from . import __version__

    return __version__


# --- train ---------------------------------------------------------------------------------------
def _load_data(name: str, data_dir, seed: int):
    """((x_train, y_train), (x_test, y_test), class_names, preprocessing) for a dataset or file."""
    from . import datasets

    path = Path(name)
    if path.suffix.lower() == ".csv" or path.is_dir():
        # The user's own data has no test set: hold out a fifth; evaluate redoes it from the seed.
        if path.is_dir():
            x, y, names = datasets.load_image_folder(path)
            prep = {"source": str(path), "image_shape": [28, 28], "framing": "resize"}
        else:
            x, y, names = datasets.load_csv(path)
            prep = {"source": str(path)}
        train, test = datasets.train_val_split(x, y, val_fraction=0.2, seed=seed)
        return train, test, names, prep
    (x_tr, y_tr), (x_te, y_te) = datasets.load(name, data_dir=data_dir)
    meta = datasets.info(name)
    prep = {"dataset": meta.name}
    if len(meta.shape) == 2:
        prep["image_shape"] = list(meta.shape)
        # How `predict` frames a photo: digits sit in a 20x20 box centred by mass (MNIST's rule);
        # Fashion-MNIST items fill the frame.
        prep["framing"] = "fill" if meta.name == "fashion-mnist" else "digit"
    return (x_tr, y_tr), (x_te, y_te), meta.class_names, prep


def _conv_blocks(filters: list[int], image_shape, n_in: int, name: str, activation: str) -> list:
    """One Conv2D(f, 3×3, "same", activation) + MaxPool2D(2) per entry of ``filters``.

    ``image_shape`` is the dataset's (height, width); the channels follow from the input width
    (1 for grayscale). Each block keeps the size through the convolution and halves it (floor)
    in the pooling: 28×28 -> 14×14 -> 7×7. Refuses data that is not images, and more blocks than
    the image has room for (every block's input at least 3×3: 4 blocks on 28×28, 2 on 8×8).
    """
    from .conv import Conv2D, MaxPool2D

    if not image_shape:
        raise ConfigError(f"--conv needs image data (a dataset of pictures such as digits, mnist, "
                          f"fashion-mnist or an image folder), but {name} has no image shape")
    height, width = (int(s) for s in image_shape)
    if n_in % (height * width):
        raise ConfigError(f"--conv: {name} has {n_in} inputs per example, not a whole number of "
                          f"{height}x{width} images")
    sizes = [(height, width)]       # the image entering each block, then the last block's output
    for _ in filters:
        h, w = sizes[-1]
        sizes.append((h // 2, w // 2))
    # Each block's 3x3 kernel must fit in the image it gets (Conv2D refuses a larger one).
    if min(min(size) for size in sizes[:-1]) < 3:
        most, side = 0, min(height, width)
        while side >= 3:
            most, side = most + 1, side // 2
        path = " -> ".join(f"{h}x{w}" for h, w in sizes)
        raise ConfigError(f"--conv {','.join(map(str, filters))}: {len(filters)} blocks are too many for "
                          f"the {height}x{width} images of {name} (each halves them: {path}; a 3x3 "
                          f"convolution needs at least 3x3); use at most {most}")
    shape = (height, width, n_in // (height * width))
    blocks = []
    for f in filters:
        conv = Conv2D(shape, filters=f, kernel_size=3, padding="same", activation=activation)
        pool = MaxPool2D(conv.output_shape, pool_size=2)
        blocks += [conv, pool]
        shape = pool.output_shape
    return blocks


def _describe(blocks: list, dense_sizes: list[int]) -> str:
    """The network as one short line: ``784-256-128-10``, or with convolutional blocks
    ``28x28x1-conv16-pool-conv32-pool(7x7x32=1568)-128-10``."""
    if not blocks:
        return "-".join(map(str, dense_sizes))
    parts = ["x".join(map(str, blocks[0].input_shape))]
    for conv in blocks[::2]:
        parts += [f"conv{conv.filters}", "pool"]
    parts[-1] = f"pool({'x'.join(map(str, blocks[-1].output_shape))}={dense_sizes[0]})"
    return "-".join(parts + [str(n) for n in dense_sizes[1:]])


def _make_optimizer(args, lr: float, epochs: int):
    from . import optimizers, schedules

    rate = lr
    if args.schedule == "step":
        rate = schedules.StepDecay(lr, step_size=max(1, epochs // 3), gamma=0.1)
    elif args.schedule == "exponential":
        rate = schedules.ExponentialDecay(lr, gamma=0.9)
    elif args.schedule == "cosine":
        rate = schedules.CosineDecay(lr, epochs=epochs)
    kwargs = {"lr": rate}
    if args.weight_decay is not None:   # otherwise the optimiser's own default (AdamW's is not 0)
        kwargs["weight_decay"] = args.weight_decay
    if args.optimizer.lower() == "sgd":
        kwargs["momentum"] = args.momentum
    elif args.momentum:
        raise ConfigError("--momentum applies to --optimizer sgd only")
    return optimizers.get(args.optimizer, **kwargs)


# What `neuronet train` records in its checkpoints, so that `--resume CHECKPOINT` alone continues
# the run. Given again with another value, the first group would change the network, its data or
# the optimiser state the checkpoint holds, and is refused; the second may differ.
_RESUME_FIXED = {
    "dataset": (str,), "layers": (list,), "conv": (list, type(None)), "activation": (str,),
    "loss": (str,), "output_activation": (str, type(None)), "dropout": (float, int), "dtype": (str,),
    "seed": (int,), "val_split": (float, int), "batch_size": (int,), "optimizer": (str,),
    "lr": (float, int), "momentum": (float, int), "weight_decay": (float, int, type(None)),
    "schedule": (str,),
}
_RESUME_FREE = {
    "epochs": (int,), "patience": (int, type(None)), "data_dir": (str, type(None)),
    "output": (str,), "checkpoint": (str,), "history": (str, type(None)), "report": (str, type(None)),
}


def _option_text(value) -> str:
    """An option's value as typed: ``[256, 128]`` -> ``256,128``."""
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return ",".join(map(str, value))
    return str(value)


def _settings_from_checkpoint(args) -> None:
    """Fill the options not given on the command line from the checkpoint ``args.resume``.

    Refuses (ConfigError) an option given with another value than the run had, where that value
    would change the network, the data or the optimiser. A checkpoint from before neuronet recorded
    its settings leaves ``args`` as typed, with a note.
    """
    from .errors import ModelFileError
    from .modelfile import info

    doc = info(args.resume)
    if doc["kind"] != "checkpoint":
        raise ModelFileError(f"{args.resume}: this is a model file, not a training checkpoint")
    recorded = doc["metadata"].get("options")
    if recorded is None:
        print(f"neuronet: checkpoint {args.resume} does not record its run's settings (written by an "
              f"older neuronet); using the options on this command line", file=sys.stderr)
        return
    if not isinstance(recorded, dict):
        raise ModelFileError(f"{args.resume}: metadata.options must be an object")
    for key, kinds in {**_RESUME_FIXED, **_RESUME_FREE}.items():
        saved = recorded.get(key)
        # bool is an int to Python, but never a valid value here
        if key not in recorded or isinstance(saved, bool) or not isinstance(saved, kinds) or (
                isinstance(saved, list) and not all(type(n) is int and n > 0 for n in saved)):
            expected = " or ".join(k.__name__ for k in kinds)
            if list in kinds:
                expected += " (of positive integers)"
            raise ModelFileError(f"{args.resume}: metadata.options.{key} is missing or not {expected}")
        given = getattr(args, key)
        if given is None:
            setattr(args, key, saved)
        elif key in _RESUME_FIXED and given != saved:
            option = "--" + key.replace("_", "-")
            raise ConfigError(f"{option} {_option_text(given)} differs from {_option_text(saved)} in "
                              f"checkpoint {args.resume}; a resumed run keeps its network, data and "
                              f"optimiser (leave {option} out)")


def _restore(path, net, optimizer, epochs: int) -> tuple:
    """(optimiser, state) from checkpoint ``path``, its weights copied into ``net``.

    A schedule that spans the run (step, cosine) is the one built for this run's ``epochs``: a
    20-epoch cosine run continued to 30 epochs would otherwise spend the last 10 at its final rate, 0.
    """
    from .training import restore

    saved, state = restore(net, path)
    if (saved.schedule is not None and optimizer.schedule is not None
            and saved.schedule.get_config() != optimizer.schedule.get_config()):
        print(f"neuronet: the learning-rate schedule now spans {epochs} epochs: {optimizer.schedule!r}",
              file=sys.stderr)
        saved.schedule = optimizer.schedule
    return saved, state


def cmd_train(args) -> int:
    from . import datasets
    from .callbacks import EarlyStopping, ProgressBar
    from .errors import DatasetNotFoundError
    from .network import Network, mlp
    from .training import TrainingInterrupted

    typed = {"epochs": args.epochs, "no_progress": args.no_progress}   # for the resume command
    if args.resume:
        _settings_from_checkpoint(args)
    for key, value in TRAIN_DEFAULTS.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    name = args.dataset or "mnist"
    try:
        (x_train, y_train), (x_test, y_test), class_names, prep = _load_data(name, args.data_dir, args.seed)
    except DatasetNotFoundError:
        if args.dataset is not None:
            raise
        print("neuronet: MNIST is not available here (offline and not cached); "
              "training on the bundled 8x8 digits instead", file=sys.stderr)
        name = "digits"
        (x_train, y_train), (x_test, y_test), class_names, prep = _load_data(name, None, args.seed)

    defaults = DEFAULTS.get(name, GENERIC)
    hidden = args.layers if args.layers is not None else _layer_sizes(defaults["layers"])
    epochs = args.epochs or defaults["epochs"]
    batch_size = args.batch_size or defaults["batch_size"]
    lr = args.lr or defaults["lr"]
    x_train = x_train.reshape(len(x_train), -1)
    x_test = x_test.reshape(len(x_test), -1)
    blocks = (_conv_blocks(args.conv, prep.get("image_shape"), x_train.shape[1], name, args.activation)
              if args.conv else [])
    dense_in = blocks[-1].n_out if blocks else x_train.shape[1]
    n_classes = int(max(y_train.max(), y_test.max())) + 1
    validation = None
    if args.val_split > 0:
        (x_train, y_train), validation = datasets.train_val_split(
            x_train, y_train, val_fraction=args.val_split, seed=args.seed)

    net = mlp([dense_in, *hidden, n_classes], activation=args.activation, loss=args.loss,
              output_activation=args.output_activation,
              dropout=args.dropout, seed=args.seed, dtype=args.dtype)
    if blocks:   # the same dense layers, fed by the convolutional blocks; initialised again, in order
        net = Network([*blocks, *net.layers], loss=net.loss, seed=args.seed, dtype=args.dtype)
    net.class_names = list(class_names) if class_names else None
    net.preprocessing = prep
    optimizer = _make_optimizer(args, lr, epochs)

    output = Path(args.output) if args.output else _default_output(name)
    for option, target in (("--output", output), ("--checkpoint", args.checkpoint),
                           ("--history", args.history)):
        if target and Path(target).is_dir():   # found now, not after the whole run
            raise ConfigError(f"{option} {target} is a directory; give a file name")
    checkpoint = Path(args.checkpoint) if args.checkpoint else output.with_suffix(".ckpt.npz")
    output.parent.mkdir(parents=True, exist_ok=True)
    callbacks = []
    if not args.no_progress:
        try:
            callbacks.append(ProgressBar(epochs, file=sys.stderr))
        except ConfigError:   # no tqdm: fit's plain line per epoch instead of a bar
            pass
    if args.patience:
        if validation is None:
            raise ConfigError("--patience needs a validation split (--val-split > 0)")
        callbacks.append(EarlyStopping("val_loss", patience=args.patience))
    options = {"dataset": name, "data_dir": args.data_dir, "layers": list(hidden), "conv": args.conv,
               "activation": args.activation, "loss": args.loss,
               "output_activation": args.output_activation, "dropout": args.dropout,
               "dtype": args.dtype, "seed": args.seed, "val_split": args.val_split,
               "batch_size": batch_size, "optimizer": args.optimizer, "lr": lr,
               "momentum": args.momentum, "weight_decay": args.weight_decay,
               "schedule": args.schedule, "epochs": epochs, "patience": args.patience,
               "output": str(output), "checkpoint": str(checkpoint), "history": args.history,
               "report": args.report}
    settings = {"dataset": name, "layers": [dense_in, *hidden, n_classes],
                "activation": args.activation, "loss": net.loss.name, "optimizer": repr(optimizer),
                "epochs": epochs, "batch_size": batch_size, "seed": args.seed,
                "dropout": args.dropout, "val_split": args.val_split, "dtype": args.dtype}
    if blocks:   # "layers" is then the dense part, from the last block's flattened output
        settings["conv"] = {"filters": list(args.conv), "kernel_size": 3, "padding": "same",
                            "activation": args.activation, "pool_size": 2,
                            "input_shape": list(blocks[0].input_shape),
                            "output_shape": list(blocks[-1].output_shape)}
    print(f"training {name}: {len(x_train)} examples, network {_describe(blocks, settings['layers'])}"
          f", {optimizer!r}, {epochs} epochs of batch {batch_size}", file=sys.stderr)
    resume = _restore(args.resume, net, optimizer, epochs) if args.resume else None
    try:
        history = net.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, optimizer=optimizer,
                          validation_data=validation, seed=args.seed, callbacks=callbacks,
                          checkpoint=checkpoint, resume=resume,
                          checkpoint_metadata={"training": settings, "options": options},
                          verbose=0 if any(isinstance(c, ProgressBar) for c in callbacks) else 1)
    except TrainingInterrupted as exc:
        print(f"neuronet: {exc}", file=sys.stderr)
        if exc.checkpoint:
            print(f"resume with: {shlex.join(['neuronet', 'train', *_resume_args(exc.checkpoint, **typed)])}",
                  file=sys.stderr)
        return EXIT_INTERRUPTED

    loss, accuracy = net.evaluate(x_test, y_test)
    net.save(output, training=settings, history=dict(history), test_loss=loss, test_accuracy=accuracy)
    if args.history:
        Path(args.history).write_text(json.dumps(dict(history), indent=1))
    if args.report:
        from .report import write_report

        image_shape = prep.get("image_shape")
        write_report(args.report, net, history, x_test, y_test, settings=settings,
                     class_names=net.class_names, image_shape=image_shape)
        print(f"report written to {Path(args.report) / 'index.html'}")
    if checkpoint.exists():
        checkpoint.unlink()  # the run finished; the model file supersedes it
    print(f"test accuracy: {accuracy:.4f}  (loss {loss:.4f}, {len(x_test)} test examples)")
    print(f"model saved to {output}")
    return 0


def _default_output(name: str) -> Path:
    """``models/<name>.npz``; for the user's own CSV file or image folder, its name without extension.

    ``"fashion-mnist"`` -> ``models/fashion-mnist.npz``, ``"data/points.csv"`` -> ``models/points.npz``,
    ``"photos/"`` -> ``models/photos.npz``.
    """
    # abspath rather than resolve: "." or ".." name the folder itself, and symlinks keep their own name
    return Path("models") / f"{Path(os.path.abspath(name)).stem or 'data'}.npz"


def _resume_args(checkpoint, epochs: int | None = None, no_progress: bool = False) -> list[str]:
    """The options that continue an interrupted run: the checkpoint holds its settings, so only
    ``--resume`` and what the user chose for this session (``--epochs``, ``--no-progress``)."""
    argv = ["--resume", str(checkpoint)]
    if epochs is not None:
        argv += ["--epochs", str(epochs)]
    return [*argv, "--no-progress"] if no_progress else argv


# --- the other commands ---------------------------------------------------------------------------
def _load_model(path):
    from .modelfile import load

    return load(path)


def _metadata(path) -> dict:
    """The metadata `neuronet train` stored with a model (settings, history, test scores)."""
    from .modelfile import info

    return info(path)["metadata"]


def _dataset_for(net, args):
    """(name, x_test, y_test): the --dataset given, else the dataset or file the model was trained on.

    CSV files and image folders are split with the seed the model was trained with, so the test
    part is the same one `neuronet train` held out.
    """
    name = args.dataset or net.preprocessing.get("dataset") or net.preprocessing.get("source")
    if not name:
        raise ConfigError(f"model {args.model} does not record its dataset; give --dataset")
    training = _metadata(args.model).get("training")
    seed = training.get("seed") if isinstance(training, dict) else None
    if type(seed) is not int or seed < 0:   # not written by `neuronet train`: its default
        seed = 0
    _, (x_test, y_test), _, _ = _load_data(str(name), args.data_dir, seed)
    return name, x_test.reshape(len(x_test), -1), y_test


def cmd_evaluate(args) -> int:
    net = _load_model(args.model)
    name, x, y = _dataset_for(net, args)
    loss, accuracy = net.evaluate(x, y)
    pred = net.predict(x)
    print(f"{name} test set: {len(x)} examples")
    print(f"loss      {loss:.4f}")
    print(f"accuracy  {accuracy:.4f}")
    print("per-class accuracy:")
    names = net.class_names or [str(c) for c in range(net.n_out)]
    for c, cname in enumerate(names):
        mask = y == c
        if mask.any():
            print(f"  {cname:<14} {np.mean(pred[mask] == c):.4f}  ({int(mask.sum())} examples)")
    return 0


def cmd_predict(args) -> int:
    net = _load_model(args.model)
    side, width = _image_shape(net, args.model, "predict classifies pictures")
    if side != width:
        raise ConfigError(f"predict needs a model of square pictures, but {args.model} takes "
                          f"{side}x{width} pictures")
    framing = net.preprocessing.get("framing", "digit")
    names = net.class_names or [str(c) for c in range(net.n_out)]
    failed = 0
    for image in args.images:
        try:
            x = _prepare_image(image, framing, side)
        except NeuronetError as exc:   # one bad file should not stop the others
            print(f"neuronet: error: {exc}", file=sys.stderr)
            failed += 1
            continue
        probs = net.predict_proba(x.reshape(1, -1))[0]
        order = np.argsort(probs)[::-1][: args.top]
        top = ", ".join(f"{names[k]} {probs[k]:.3f}" for k in order)
        print(f"{image}: {names[order[0]]}   ({top})", flush=True)
    return EXIT_USAGE if failed else 0


def _prepare_image(path, framing: str, side: int) -> np.ndarray:
    """A photo or scan as the model's input, prepared the way its training images were."""
    from .datasets import load_image
    from .imaging import digit_framing, load_digit_image

    if framing == "digit":   # MNIST's rule (a 20x20 box in 28x28, centred by mass), or the 8x8 digits'
        return load_digit_image(path, size=side, **digit_framing(side))
    x = load_image(path, size=(side, side))   # the whole picture, resized
    if framing == "fill":    # Fashion-MNIST: a light item on black; invert a photo on light paper
        square = x.reshape(side, side)
        border = np.concatenate([square[0], square[-1], square[:, 0], square[:, -1]])
        if np.median(border) > 0.5:
            x = 1.0 - x
    return x


def cmd_info(args) -> int:
    net = _load_model(args.model)
    metadata = _metadata(args.model)
    print(f"model file: {args.model}")
    print(net.summary())
    if net.class_names:
        print(f"classes: {', '.join(map(str, net.class_names))}")
    if net.preprocessing:
        print(f"preprocessing: {json.dumps(net.preprocessing)}")
    for key in ("training", "test_accuracy", "test_loss"):
        if key in metadata:
            value = metadata[key]
            print(f"{key}: {json.dumps(value) if isinstance(value, dict) else value}")
    return 0


def cmd_datasets(args) -> int:
    from . import datasets

    for entry in datasets.available(data_dir=args.data_dir):
        print(str(entry))
    return 0


PLOT_KINDS = ("activations", "activation", "network", "history", "weights", "confusion", "mistakes",
              "regions", "hidden", "optimizers", "losses")


def _is_run(history) -> bool:
    """One run's history as `train --history` writes it: name -> list of numbers (None for gaps)."""
    return (isinstance(history, dict) and isinstance(history.get("loss"), list)
            and all(isinstance(values, list) and all(v is None or isinstance(v, (int, float)) for v in values)
                    for values in history.values()))


def _checked_history(history, source: str) -> dict:
    """``history`` (one run, or a dict of named runs to overlay) or a one-line ConfigError; the
    figure code would otherwise fail deep inside matplotlib on a hand-edited file."""
    runs = [history] if isinstance(history, dict) and "loss" in history else \
        list(history.values()) if isinstance(history, dict) else []
    if not runs or not all(_is_run(run) for run in runs):
        raise ConfigError(f"{source} is not a training history (a 'loss' list and other lists of "
                          "numbers, as train --history writes)")
    return history


def _saved_history(path) -> dict:
    """The per-epoch history that `neuronet train` stored in a model file's metadata."""
    history = _metadata(path).get("history")
    if history is None:
        raise ConfigError(f"model {path} holds no training history; give --history FILE "
                          "(written by train --history)")
    return _checked_history(history, f"the history stored in {path}")


def _read_history(path) -> dict:
    try:
        history = json.loads(Path(path).read_text())
    except OSError as exc:
        raise ConfigError(f"cannot read history {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise ConfigError(f"history {path} is not valid JSON: {exc}") from None
    return _checked_history(history, f"history {path}")


def _image_shape(net, model, purpose: str, hint: str = "") -> tuple[int, int]:
    """(height, width) of the model's input pictures, or a ConfigError saying ``purpose`` needs them."""
    from .viz._base import image_shape_for

    try:
        return image_shape_for(net.n_in, net.preprocessing.get("image_shape"))
    except (ConfigError, TypeError, ValueError):   # also a hand-edited image_shape like ["a"]
        raise ConfigError(f"{purpose}, but {model} takes {net.n_in} inputs that are not an "
                          f"image{hint}") from None


def _picture_shape(net, model, kind: str) -> tuple[int, int]:
    return _image_shape(net, model, f"plot {kind} draws inputs as pictures",
                        "; try plot network or plot regions")


def cmd_plot(args) -> int:
    from . import viz
    from .viz._base import check_path

    kind = args.kind.lower()
    if kind not in PLOT_KINDS:
        raise ConfigError(f"unknown figure {args.kind!r}; choose one of: {', '.join(PLOT_KINDS)}")
    out = check_path(args.output)  # a bad suffix fails before any work is done
    if kind == "activations":
        viz.plot_activations(path=out)
    elif kind == "activation":
        if not args.name:
            raise ConfigError("plot activation needs --name, e.g. --name sigmoid")
        viz.plot_activation(args.name, path=out)
    elif kind == "optimizers":
        viz.plot_optimizer_paths(function=args.name or "bowl", path=out)
    elif kind == "losses":
        viz.plot_losses(path=out)
    elif kind == "history":
        if args.history:
            history = _read_history(args.history)
        elif args.model:
            history = _saved_history(args.model)
        else:
            raise ConfigError("plot history needs --history FILE (written by train --history) "
                              "or --model FILE (trained by neuronet train)")
        viz.plot_history(history, path=out)
    else:
        if not args.model:
            raise ConfigError(f"plot {kind} needs --model FILE")
        net = _load_model(args.model)
        if kind in ("regions", "hidden") and net.n_in != 2:
            raise ConfigError(f"plot {kind} needs a model of 2-D points (e.g. neuronet train "
                              f"--dataset moons), but {args.model} takes {net.n_in} inputs")
        if kind == "network":
            viz.plot_network(net, path=out)
        elif kind == "weights":
            viz.plot_weights(net, layer=args.layer, image_shape=_picture_shape(net, args.model, kind)
                             if args.layer == 0 else None, path=out)
        else:
            image_shape = _picture_shape(net, args.model, kind) if kind == "mistakes" else None
            _, x, y = _dataset_for(net, args)
            if x.shape[1] != net.n_in:
                raise ConfigError(f"{args.model} takes {net.n_in} inputs but the dataset has "
                                  f"{x.shape[1]} features; give the --dataset it was trained on")
            names = net.class_names if net.class_names and len(net.class_names) == net.n_out else None
            if kind == "confusion":
                # One sigmoid output still means two classes.
                viz.plot_confusion(y, net.predict(x), max(net.n_out, 2), class_names=names, path=out)
            elif kind == "mistakes":
                viz.plot_mistakes(net, x, y, class_names=names, image_shape=image_shape, path=out)
            elif kind == "regions":
                viz.plot_decision_regions(net, x, y, path=out)
            else:
                viz.plot_hidden_units(net, x, layer=args.layer, y=y, path=out)
    print(f"figure written to {out}")
    return 0


def cmd_lab(args) -> int:
    import errno

    from .lab.app import LOOPBACK, create_app, make_server, serve

    app = create_app(args.model)   # Flask missing or a bad model file: one line, status 2
    try:
        server = make_server(app, args.host, args.port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(f"port {args.port} on {args.host} is already in use; "
                              f"try another with --port (0 picks a free one)") from None
        raise ConfigError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{host}:{server.port}/"
    if args.host not in LOOPBACK:
        print(f"neuronet: warning: the lab has no password; listening on {args.host}, it can be used "
              f"by anyone who can reach this computer on port {server.port}", file=sys.stderr)
    print(app.config["NEURONET_MODEL_NOTE"], file=sys.stderr)
    print(f"neuronet lab running at {url}  (Ctrl-C stops it)", flush=True)
    serve(server, url, open_browser=not args.no_browser)
    return 0


COMMANDS = {"train": cmd_train, "evaluate": cmd_evaluate, "predict": cmd_predict, "info": cmd_info,
            "datasets": cmd_datasets, "plot": cmd_plot, "lab": cmd_lab}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return COMMANDS[args.command](args)
    except NeuronetError as exc:
        print(f"neuronet: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("neuronet: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        sys.stderr.close()
        return 0
    except OSError as exc:  # a file the user named could not be read or written
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"neuronet: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
