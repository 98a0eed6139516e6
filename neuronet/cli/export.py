"""`neuronet export MODEL OUT`: the model for other tools, in the format OUT's suffix names.

    neuronet export models/mnist.npz mnist.onnx            # an ONNX graph giving predict_proba
    neuronet export models/mnist.npz mnist.safetensors     # PyTorch nn.Sequential weights
    neuronet export models/mnist.npz --print-torch         # that nn.Sequential, as Python source
"""

from __future__ import annotations

from .args import EXIT_USAGE
from .common import load_model

HELP = "write a model as ONNX (.onnx) or PyTorch weights (.safetensors)"


def add_arguments(e) -> None:
    e.add_argument("model")
    e.add_argument("out", nargs="?", help="the file to write: a .onnx or a .safetensors name")
    e.add_argument("--print-torch", action="store_true",
                   help="print the PyTorch nn.Sequential that the .safetensors weights fit")


def run(args) -> int:
    from .. import export

    if args.out is None and not args.print_torch:
        import sys

        print("neuronet export: error: name a file to write (model.onnx, model.safetensors) or give "
              "--print-torch (see neuronet export --help)", file=sys.stderr)
        return EXIT_USAGE
    net = load_model(args.model)
    if args.print_torch:
        from ..torch_weights import torch_source

        print(torch_source(net), end="")
    if args.out is not None:
        export(net, args.out)
        if not args.print_torch:
            print(f"wrote {args.out}")
    return 0
