"""`neuronet evaluate MODEL`: loss, accuracy and per-class accuracy on a test set."""

from __future__ import annotations

import numpy as np

from .common import dataset_for, load_model

HELP = "loss, accuracy and per-class accuracy of a model"


def add_arguments(e) -> None:
    e.add_argument("model")
    e.add_argument("--dataset", help="dataset to evaluate on (default: the one it was trained on)")
    e.add_argument("--data-dir")


def run(args) -> int:
    net = load_model(args.model)
    name, x, y = dataset_for(net, args)
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
