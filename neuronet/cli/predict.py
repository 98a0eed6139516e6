"""`neuronet predict MODEL IMAGE...`: classify photos or scans, prepared as the model's pictures were."""

from __future__ import annotations

import sys

import numpy as np

from ..errors import ConfigError, NeuronetError
from . import args as types
from .args import EXIT_USAGE
from .common import image_shape, load_model

HELP = "classify images of handwritten digits"


def add_arguments(p) -> None:
    p.add_argument("model")
    p.add_argument("images", nargs="+", metavar="IMAGE")
    p.add_argument("--top", type=types.positive_int, default=3, help="how many probabilities to show")


def run(args) -> int:
    from ..imaging import photo_note, prepare_image

    net = load_model(args.model)
    side, width = image_shape(net, args.model, "predict classifies pictures",
                              "; predict reads image files only (rows of numbers: "
                              "neuronet.load(MODEL).predict(X) in Python)")
    if side != width:
        raise ConfigError(f"predict needs a model of square pictures, but {args.model} takes "
                          f"{side}x{width} pictures")
    note = photo_note(net)
    if note:
        print(f"neuronet: note: {note}", file=sys.stderr)
    framing = net.preprocessing.get("framing", "digit")
    names = net.class_names or [str(c) for c in range(net.n_out)]
    failed = 0
    for image in args.images:
        try:
            x = prepare_image(image, side, framing)                        # (side·side,)
        except NeuronetError as exc:   # one bad file should not stop the others
            print(f"neuronet: error: {exc}", file=sys.stderr)
            failed += 1
            continue
        probs = net.predict_proba(x.reshape(1, -1))[0]
        order = np.argsort(probs)[::-1][: args.top]
        top = ", ".join(f"{names[k]} {probs[k]:.3f}" for k in order)
        print(f"{image}: {names[order[0]]}   ({top})", flush=True)
    return EXIT_USAGE if failed else 0
