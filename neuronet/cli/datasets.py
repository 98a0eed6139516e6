"""`neuronet datasets`: what is available and where it was found."""

from __future__ import annotations

HELP = "list datasets and where they were found"


def add_arguments(d) -> None:
    d.add_argument("--data-dir")


def run(args) -> int:
    from .. import datasets

    for entry in datasets.available(data_dir=args.data_dir):
        print(str(entry))
    return 0
