"""`neuronet train`: a network trained on a dataset or the user's own file, saved as a model file."""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

from .. import checks
from ..errors import ConfigError
from . import args as types
from . import resume as resuming
from .args import EXIT_INTERRUPTED
from .chance import chance_note
from .common import data_path, load_data

HELP = "train a network (no options: the default digit recogniser)"

# What `neuronet train` uses when an option is not given, per dataset.
DEFAULTS = {
    "mnist": {"layers": "256,128", "epochs": 10, "batch_size": 128, "lr": 1e-3},
    "fashion-mnist": {"layers": "256,128", "epochs": 15, "batch_size": 128, "lr": 1e-3},
    "kmnist": {"layers": "256,128", "epochs": 15, "batch_size": 128, "lr": 1e-3},
    "digits": {"layers": "64", "epochs": 60, "batch_size": 32, "lr": 1e-3},
}
GENERIC = {"layers": "32,32", "epochs": 200, "batch_size": 32, "lr": 1e-2}

# The other defaults of `neuronet train`. The parser leaves these options at None, so that run()
# can tell an option the user typed from one left out (which --resume takes from the checkpoint);
# run() fills in the rest from here.
TRAIN_DEFAULTS = {"activation": "relu", "loss": "cross_entropy", "optimizer": "adam", "momentum": 0.0,
                  "schedule": "constant", "dropout": 0.0, "val_split": 0.1, "seed": 0,
                  "dtype": "float32", "batch_norm": False, "augment": 0, "flip": False}


def _shown(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _per_dataset(key: str) -> str:
    """A per-dataset default for the help: "default 64 for digits; 32,32 otherwise" (the datasets
    that take the generic value are left to "otherwise")."""
    groups: dict[str, list[str]] = {}
    for name, values in DEFAULTS.items():
        if values[key] != GENERIC[key]:
            groups.setdefault(_shown(values[key]), []).append(name)
    parts = [f"{value} for {', '.join(names)}" for value, names in groups.items()]
    return f"default {'; '.join([*parts, _shown(GENERIC[key]) + ' otherwise'])}"


def _default(key: str) -> str:
    return f"default {_shown(TRAIN_DEFAULTS[key])}"


# Why the command line's optimiser is not Network.fit's: said once, in --help and the README.
WHY_ADAM = ("Network.fit defaults to sgd, the textbook's rule a reader can follow line by line; the "
            "command line and the estimators default to adam, which trains well at one learning rate "
            "across datasets without tuning")


def add_arguments(t) -> None:
    t.description = ("Train a network and save it as a model file. The defaults shown are a fresh "
                     "run's; with --resume the options left out come from the checkpoint.")
    t.add_argument("--dataset", default=None,
                   help="mnist, fashion-mnist, kmnist, digits, xor, circles, moons, spiral, blobs, or a "
                        "CSV file / image folder (default mnist, or the 8x8 digits where MNIST cannot "
                        "be had)")
    t.add_argument("--data-dir", help="folder searched first for the dataset files (default: only "
                                      "$NEURONET_DATA and the caches)")
    t.add_argument("--layers", type=types.layer_sizes,
                   help=f"hidden layer sizes, e.g. 256,128, or none ({_per_dataset('layers')})")
    t.add_argument("--conv", type=types.conv_filters, metavar="FILTERS",
                   help="convolutional blocks before the hidden layers, e.g. 16,32: each is a 3x3 "
                        "convolution with that many filters ('same' padding) and a 2x2 max-pool; "
                        "needs image data (default none: a dense network)")
    t.add_argument("--activation", help=f"hidden activation: relu, sigmoid, tanh, ... "
                                        f"({_default('activation')})")
    t.add_argument("--loss",
                   help="cross_entropy (softmax outputs) or mse (the quadratic cost, sigmoid outputs as "
                        f"in the classic 784-30-10 network) ({_default('loss')})")
    t.add_argument("--output-activation", help="override the output activation, e.g. linear (default "
                                               "the loss's own: softmax for cross_entropy, sigmoid for "
                                               "mse)")
    t.add_argument("--optimizer", help=f"sgd, rmsprop, adam or adamw ({_default('optimizer')}). "
                                       f"{WHY_ADAM}")
    t.add_argument("--lr", type=types.positive_float, help=f"learning rate ({_per_dataset('lr')})")
    t.add_argument("--momentum", type=types.fraction,
                   help=f"SGD momentum ({_default('momentum')})")
    t.add_argument("--weight-decay", type=types.non_negative_float,
                   help="L2 weight decay, decoupled for adamw (default the optimiser's: 0, adamw 0.01)")
    t.add_argument("--schedule", choices=["constant", "step", "exponential", "cosine"],
                   help=f"learning-rate schedule over the epochs ({_default('schedule')})")
    t.add_argument("--dropout", type=types.fraction,
                   help=f"dropout rate after the hidden (dense) layers ({_default('dropout')})")
    t.add_argument("--batch-norm", action="store_true", default=None,
                   help="with --conv: a BatchNorm between each convolution and its activation "
                        "(default False)")
    t.add_argument("--augment", type=types.non_negative_int, metavar="PIXELS",
                   help="shift each training image by up to PIXELS pixels, drawn anew every epoch "
                        f"({_default('augment')}: off)")
    t.add_argument("--flip", action="store_true", default=None,
                   help="with --augment: also mirror half the images left to right, for photos of things "
                        "(Fashion-MNIST), not digits (default False)")
    t.add_argument("--threads", type=types.positive_int,
                   help="BLAS threads (needs threadpoolctl); one often beats two on a busy machine "
                        "(default: BLAS's own)")
    t.add_argument("--epochs", type=types.positive_int, help=f"epochs to train ({_per_dataset('epochs')})")
    t.add_argument("--batch-size", type=types.positive_int,
                   help=f"examples per mini-batch ({_per_dataset('batch_size')})")
    t.add_argument("--val-split", type=types.fraction,
                   help=f"fraction of the training set held out for validation ({_default('val_split')})")
    t.add_argument("--patience", type=types.positive_int,
                   help="stop when the validation loss has not improved for this many epochs, keeping "
                        "the best epoch's weights (default none: no early stopping)")
    t.add_argument("--seed", type=types.seed,
                   help=f"seed for initial weights, shuffling, dropout ({_default('seed')})")
    t.add_argument("--dtype", choices=["float32", "float64"],
                   help=f"float type of the weights and the arithmetic ({_default('dtype')})")
    t.add_argument("--output", "-o", help="model file to write (default models/<dataset>.npz)")
    t.add_argument("--checkpoint", help="checkpoint file written every epoch, removed when the run ends "
                        "(default: the model file's name with .ckpt.npz)")
    t.add_argument("--resume", metavar="CHECKPOINT",
                   help="continue an interrupted run with the settings saved in its checkpoint "
                        "(--epochs and the output options may still be given)")
    t.add_argument("--history", help="also write the per-epoch history as JSON here")
    t.add_argument("--report", metavar="DIR", help="write an HTML report of the run into DIR")
    t.add_argument("--no-progress", action="store_true", help="no live progress bar")


def build_network(args, name: str, image_shape, n_in: int, hidden: list[int], n_classes: int):
    """The network `train` fits: :func:`~neuronet.network.mlp`, or with ``--conv``
    :func:`~neuronet.network.cnn` on the dataset's pictures (``image_shape``, channels from ``n_in``)."""
    from ..network import cnn, max_conv_blocks, mlp

    if not args.conv:
        return mlp([n_in, *hidden, n_classes], activation=args.activation, loss=args.loss,
                   output_activation=args.output_activation, dropout=args.dropout, seed=args.seed,
                   dtype=args.dtype)
    height, width, channels = _pictures("--conv needs image data (a dataset of pictures such as digits, "
                                        "mnist, fashion-mnist or an image folder)", name, image_shape, n_in)
    most = max_conv_blocks(height, width)
    if len(args.conv) > most:   # said here in the terms of the command line: the option, the dataset
        path = " -> ".join(f"{height >> k}x{width >> k}" for k in range(len(args.conv) + 1))
        raise ConfigError(f"--conv {','.join(map(str, args.conv))}: {len(args.conv)} blocks are too many "
                          f"for the {height}x{width} images of {name} (each halves them: {path}; a 3x3 "
                          f"convolution needs at least 3x3); use at most {most}")
    return cnn((height, width, channels), args.conv, [*hidden, n_classes],
               activation=args.activation, loss=args.loss, output_activation=args.output_activation,
               dropout=args.dropout, seed=args.seed, dtype=args.dtype, batch_norm=args.batch_norm)


def _augmentation(args, name: str, image_shape, n_in: int):
    """The RandomShift of ``--augment PIXELS`` (and ``--flip``), or None."""
    from ..augment import RandomShift

    if args.batch_norm and not args.conv:
        raise ConfigError("--batch-norm goes with --conv (it normalises each convolution's channels)")
    if args.flip and not args.augment:
        raise ConfigError("--flip goes with --augment PIXELS (the shift, e.g. --augment 2 --flip)")
    if not args.augment:
        return None
    return RandomShift(_pictures("--augment shifts pictures", name, image_shape, n_in),
                       max_shift=args.augment, flip=args.flip)


def _pictures(need: str, name: str, image_shape, n_in: int) -> tuple[int, int, int]:
    """(height, width, channels) of the dataset's pictures, or a ConfigError that starts with ``need``
    (the option and why it needs pictures)."""
    if not image_shape:
        raise ConfigError(f"{need}, but {name} has no image shape")
    height, width = (int(s) for s in image_shape)
    if n_in % (height * width):
        option = need.split()[0]
        raise ConfigError(f"{option}: {name} has {n_in} inputs per example, not a whole number of "
                          f"{height}x{width} images")
    return height, width, n_in // (height * width)


def _last_block(net) -> int:
    """The index of the last MaxPool2D: where the convolutional blocks end (-1 without any)."""
    from ..conv import MaxPool2D

    return max((i for i, layer in enumerate(net.layers) if isinstance(layer, MaxPool2D)), default=-1)


def describe(net, n_blocks: int) -> str:
    """The network as one short line: ``784-256-128-10``, or with ``n_blocks`` convolutional blocks
    ``28x28x1-conv16-pool-conv32-pool(7x7x32=1568)-128-10``."""
    from ..conv import Conv2D
    from ..layers import Dense
    from ..normalization import BatchNorm

    dense = [str(layer.n_out) for layer in net.layers if isinstance(layer, Dense)]
    if not n_blocks:
        return "-".join([str(net.n_in), *dense])
    blocks = net.layers[:_last_block(net) + 1]
    parts = ["x".join(map(str, blocks[0].input_shape))]
    for layer in blocks:
        if isinstance(layer, Conv2D):
            parts += [f"conv{layer.filters}", *(["bn"] if any(isinstance(la, BatchNorm) for la in blocks)
                                                else []), "pool"]
    parts[-1] = f"pool({'x'.join(map(str, blocks[-1].output_shape))}={blocks[-1].n_out})"
    return "-".join(parts + dense)


def make_optimizer(args, lr: float, epochs: int):
    from .. import optimizers, schedules

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


def default_output(name: str) -> Path:
    """``models/<name>.npz``; for the user's own CSV file or image folder, its name without extension.

    ``"fashion-mnist"`` -> ``models/fashion-mnist.npz``, ``"data/points.csv"`` -> ``models/points.npz``,
    ``"photos/"`` -> ``models/photos.npz``.
    """
    # abspath rather than resolve: "." or ".." name the folder itself, and symlinks keep their own name
    return Path("models") / f"{Path(os.path.abspath(name)).stem or 'data'}.npz"


def _data(args):
    """(name, train, test, class_names, preprocessing); MNIST falls back to the bundled 8x8 digits
    when it cannot be had and no --dataset was asked for."""
    from ..errors import DatasetNotFoundError

    name = args.dataset or "mnist"
    try:
        return (name, *load_data(name, args.data_dir, args.seed))
    except DatasetNotFoundError:
        if args.dataset is not None:
            raise
    print("neuronet: MNIST is not available here (offline and not cached); "
          "training on the bundled 8x8 digits instead", file=sys.stderr)
    return ("digits", *load_data("digits", None, args.seed))


def _paths(args, name: str) -> tuple[Path, Path]:
    """(model file, checkpoint file), refused now rather than after the run: a directory in the way,
    two outputs that name one file, or an output that would replace the data or the checkpoint being
    resumed (``--checkpoint`` may be that checkpoint: the run goes on writing where it was)."""
    output = Path(args.output) if args.output else default_output(name)
    for option, target in (("--output", output), ("--checkpoint", args.checkpoint),
                           ("--history", args.history)):
        if target and Path(target).is_dir():
            raise ConfigError(f"{option} {target} is a directory; give a file name")
    report = Path(args.report) if args.report else None
    if report is not None and report.exists() and not report.is_dir():
        raise ConfigError(f"--report {report} is a file; give a directory for the report")
    checkpoint = Path(args.checkpoint) if args.checkpoint else output.with_suffix(".ckpt.npz")
    history = Path(args.history) if args.history else None
    written = [("-o", output), ("--checkpoint", checkpoint), ("--history", history),
               ("--report", report), ("--report", report / "index.html" if report else None)]
    data = name if Path(name).suffix.lower() == ".csv" else None
    for what, path in written:
        if path is None:
            continue
        if args.resume and what != "--checkpoint" and checks.same_file(path, args.resume):
            raise ConfigError(f"{what} {path} is the checkpoint being resumed (--resume {args.resume}) "
                              f"and would replace it; give {what} another name")
        if data and checks.same_file(path, data):
            raise ConfigError(f"{what} {path} is the data file {data} and would replace it; "
                              f"give {what} another name")
    checks.distinct_files(written)
    for path in (output, checkpoint, history):   # a missing folder fails now, not after an epoch
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
    return output, checkpoint


def _callbacks(args, epochs: int, validation) -> list:
    from ..callbacks import EarlyStopping, ProgressBar

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
    return callbacks


def _records(args, net, optimizer, run: dict) -> tuple[dict, dict]:
    """(settings, options): what the model file records of the run, and the options its checkpoints
    record for --resume. ``run`` holds the values chosen here: name, hidden, epochs, batch_size, lr,
    output, checkpoint."""
    n_blocks = len(args.conv) if args.conv else 0
    dense_in = net.layers[_last_block(net)].n_out if n_blocks else net.n_in
    options = {"dataset": run["name"], "data_dir": args.data_dir, "layers": list(run["hidden"]),
               "conv": args.conv, "activation": args.activation, "loss": args.loss,
               "output_activation": args.output_activation, "dropout": args.dropout,
               "dtype": args.dtype, "seed": args.seed, "val_split": args.val_split,
               "batch_size": run["batch_size"], "optimizer": args.optimizer, "lr": run["lr"],
               "momentum": args.momentum, "weight_decay": args.weight_decay,
               "schedule": args.schedule, "batch_norm": args.batch_norm, "augment": args.augment,
               "flip": args.flip, "threads": args.threads,
               "epochs": run["epochs"], "patience": args.patience,
               "output": str(run["output"]), "checkpoint": str(run["checkpoint"]),
               "history": args.history, "report": args.report}
    settings = {"dataset": run["name"], "layers": [dense_in, *run["hidden"], net.n_out],
                "activation": args.activation, "loss": net.loss.name, "optimizer": repr(optimizer),
                "epochs": run["epochs"], "batch_size": run["batch_size"], "seed": args.seed,
                "dropout": args.dropout, "val_split": args.val_split, "dtype": args.dtype,
                "batch_norm": args.batch_norm, "augment": args.augment, "flip": args.flip,
                # where the data was found, for evaluate and plot to find it again without --data-dir
                "data_path": data_path(run["name"], args.data_dir)}
    if n_blocks:   # "layers" is then the dense part, from the last block's flattened output
        settings["conv"] = {"filters": list(args.conv), "kernel_size": 3, "padding": "same",
                            "activation": args.activation, "pool_size": 2,
                            "input_shape": list(net.layers[0].input_shape),
                            "output_shape": list(net.layers[_last_block(net)].output_shape)}
    return settings, options


def _finish(args, net, history, test, settings: dict, prep: dict, output: Path, checkpoint: Path) -> float:
    """Evaluate on the test set, save the model (and the history and report asked for), say so;
    the test accuracy."""
    x_test, y_test = test
    loss, accuracy = net.evaluate(x_test, y_test)
    net.save(output, training=settings, history=dict(history), test_loss=loss, test_accuracy=accuracy)
    if args.history:
        Path(args.history).write_text(json.dumps(dict(history), indent=1))
    if args.report:
        from ..report import write_report

        write_report(args.report, net, history, x_test, y_test, settings=settings,
                     class_names=net.class_names, image_shape=prep.get("image_shape"))
        print(f"report written to {Path(args.report) / 'index.html'}")
    if checkpoint.exists():
        checkpoint.unlink()  # the run finished; the model file supersedes it
    print(f"test accuracy: {accuracy:.4f}  (loss {loss:.4f}, {len(x_test)} test examples)")
    print(f"model saved to {output}")
    return accuracy


def run(args) -> int:
    from .. import datasets
    from ..callbacks import ProgressBar
    from ..training import TrainingInterrupted

    typed = {"epochs": args.epochs, "no_progress": args.no_progress}   # for the resume command
    if args.resume:
        resuming.settings_from_checkpoint(args)
    for key, value in TRAIN_DEFAULTS.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    name, (x_train, y_train), (x_test, y_test), class_names, prep = _data(args)
    defaults = DEFAULTS.get(name, GENERIC)
    hidden = args.layers if args.layers is not None else types.layer_sizes(defaults["layers"])
    epochs = args.epochs or defaults["epochs"]
    batch_size = args.batch_size or defaults["batch_size"]
    lr = args.lr or defaults["lr"]
    x_train, x_test = x_train.reshape(len(x_train), -1), x_test.reshape(len(x_test), -1)
    n_classes = int(max(y_train.max(), y_test.max())) + 1
    net = build_network(args, name, prep.get("image_shape"), x_train.shape[1], hidden, n_classes)
    augment = _augmentation(args, name, prep.get("image_shape"), x_train.shape[1])
    if args.threads:
        from ..threads import set_threads

        set_threads(args.threads)
    validation = None
    if args.val_split > 0:
        (x_train, y_train), validation = datasets.train_val_split(
            x_train, y_train, val_fraction=args.val_split, seed=args.seed)
    net.class_names = list(class_names) if class_names else None
    net.preprocessing = prep
    optimizer = make_optimizer(args, lr, epochs)
    output, checkpoint = _paths(args, name)
    callbacks = _callbacks(args, epochs, validation)
    settings, options = _records(args, net, optimizer, {
        "name": name, "hidden": hidden, "epochs": epochs, "batch_size": batch_size, "lr": lr,
        "output": output, "checkpoint": checkpoint})
    print(f"training {name}: {len(x_train)} examples, network {describe(net, len(args.conv or []))}"
          f", {optimizer!r}, {epochs} epochs of batch {batch_size}", file=sys.stderr)
    resume = resuming.restore(args.resume, net, optimizer, epochs) if args.resume else None
    try:
        history = net.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, optimizer=optimizer,
                          validation_data=validation, seed=args.seed, callbacks=callbacks,
                          checkpoint=checkpoint, resume=resume, augment=augment,
                          checkpoint_metadata={"training": settings, "options": options},
                          verbose=0 if any(isinstance(c, ProgressBar) for c in callbacks) else 1)
    except TrainingInterrupted as exc:
        print(f"neuronet: {exc}", file=sys.stderr)
        if exc.checkpoint:
            argv = ["neuronet", "train", *resuming.resume_args(exc.checkpoint, **typed)]
            print(f"resume with: {shlex.join(argv)}", file=sys.stderr)
        return EXIT_INTERRUPTED
    accuracy = _finish(args, net, history, (x_test, y_test), settings, prep, output, checkpoint)
    note = chance_note(net, accuracy, y_test, y_train, history, lr)
    if note:   # what it trained is saved all the same: a starting point, or evidence
        print(f"neuronet: warning: {note}", file=sys.stderr)
    return 0
