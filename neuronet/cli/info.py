"""`neuronet info MODEL`: the architecture and what training recorded."""

from __future__ import annotations

import json

from .common import load_model, metadata

HELP = "describe a model file"


def add_arguments(i) -> None:
    i.add_argument("model")


def run(args) -> int:
    net = load_model(args.model)
    recorded = metadata(args.model)
    print(f"model file: {args.model}")
    print(net.summary())
    if net.class_names:
        print(f"classes: {', '.join(map(str, net.class_names))}")
    if net.preprocessing:
        print(f"preprocessing: {json.dumps(net.preprocessing)}")
    for key in ("training", "test_accuracy", "test_loss"):
        if key in recorded:
            value = recorded[key]
            print(f"{key}: {json.dumps(value) if isinstance(value, dict) else value}")
    return 0
