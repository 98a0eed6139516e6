"""`neuronet plot KIND`: figures from a model, a dataset or a saved history (needs neuronet[plot])."""

from __future__ import annotations

from ..errors import ConfigError
from .common import dataset_for, image_shape, load_model, metadata

HELP = "draw a figure (activations, network, history, weights, ...)"

KINDS = ("activations", "activation", "network", "history", "weights", "confusion", "mistakes",
         "regions", "hidden", "optimizers", "losses")


def add_arguments(pl) -> None:
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


def _history(args) -> dict:
    """The history to draw: the --history file, else the one `neuronet train` saved in --model."""
    from ..history import check_history, read_history

    if args.history:
        return read_history(args.history)
    if not args.model:
        raise ConfigError("plot history needs --history FILE (written by train --history) "
                          "or --model FILE (trained by neuronet train)")
    saved = metadata(args.model).get("history")
    if saved is None:
        raise ConfigError(f"model {args.model} holds no training history; give --history FILE "
                          "(written by train --history)")
    return check_history(saved, f"the history stored in {args.model}")


def _picture_shape(net, model, kind: str) -> tuple[int, int]:
    return image_shape(net, model, f"plot {kind} draws inputs as pictures",
                       "; try plot network or plot regions")


def _model_figure(kind: str, args, out) -> None:
    """The figures drawn from a model file (and, for some, the dataset it was trained on)."""
    from .. import viz

    if not args.model:
        raise ConfigError(f"plot {kind} needs --model FILE")
    net = load_model(args.model)
    if kind in ("regions", "hidden") and net.n_in != 2:
        raise ConfigError(f"plot {kind} needs a model of 2-D points (e.g. neuronet train "
                          f"--dataset moons), but {args.model} takes {net.n_in} inputs")
    if kind == "network":
        viz.plot_network(net, path=out)
        return
    if kind == "weights":
        viz.plot_weights(net, layer=args.layer, image_shape=_picture_shape(net, args.model, kind)
                         if args.layer == 0 else None, path=out)
        return
    shape = _picture_shape(net, args.model, kind) if kind == "mistakes" else None
    _, x, y = dataset_for(net, args)   # the test part, which the figures' titles say
    if x.shape[1] != net.n_in:
        raise ConfigError(f"{args.model} takes {net.n_in} inputs but the dataset has "
                          f"{x.shape[1]} features; give the --dataset it was trained on")
    names = net.class_names if net.class_names and len(net.class_names) == net.n_out else None
    if kind == "confusion":
        # One sigmoid output still means two classes.
        viz.plot_confusion(y, net.predict(x), max(net.n_out, 2), class_names=names, split="test", path=out)
    elif kind == "mistakes":
        viz.plot_mistakes(net, x, y, class_names=names, image_shape=shape, split="test", path=out)
    elif kind == "regions":
        viz.plot_decision_regions(net, x, y, split="test", path=out)
    else:
        viz.plot_hidden_units(net, x, layer=args.layer, y=y, path=out)


def run(args) -> int:
    from .. import viz

    kind = args.kind.lower()
    if kind not in KINDS:
        raise ConfigError(f"unknown figure {args.kind!r}; choose one of: {', '.join(KINDS)}")
    out = viz.check_path(args.output)  # a bad suffix fails before any work is done
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
        viz.plot_history(_history(args), path=out)
    else:
        _model_figure(kind, args, out)
    print(f"figure written to {out}")
    return 0
