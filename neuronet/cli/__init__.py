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
    neuronet export MODEL OUT           # as ONNX (.onnx) or PyTorch weights (.safetensors)

One module per command (``train``, ``evaluate``, ...), each with ``HELP``, ``add_arguments(parser)``
and ``run(args) -> exit status``; :mod:`.args` holds the option types, :mod:`.resume` how
``train --resume`` continues a run, :mod:`.chance` whether a finished run learned anything.
``python -m neuronet`` is the same command.

Mistakes a user can make (unknown option, missing file, bad value) print one line on stderr and
exit with status 2; Ctrl-C during training saves a checkpoint and exits with status 130.
"""

from __future__ import annotations

import argparse
import sys

from ..errors import NeuronetError
from . import datasets, evaluate, export, info, lab, plot, predict, sweep, train
from .args import EXIT_INTERRUPTED, EXIT_USAGE, Parser

# In the order `neuronet --help` lists them.
COMMANDS = {"train": train, "evaluate": evaluate, "predict": predict, "info": info,
            "datasets": datasets, "plot": plot, "lab": lab, "export": export, "sweep": sweep}


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``neuronet`` and of each command."""
    from .. import __version__

    parser = Parser(prog="neuronet", description="Neural networks from one neuron to digits.")
    parser.add_argument("--version", action="version", version=f"neuronet {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name, command in COMMANDS.items():
        command.add_arguments(sub.add_parser(name, help=command.HELP))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``neuronet`` with the arguments ``argv`` (default: the command line); the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return COMMANDS[args.command].run(args)
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


__all__ = ["EXIT_INTERRUPTED", "EXIT_USAGE", "build_parser", "main"]
