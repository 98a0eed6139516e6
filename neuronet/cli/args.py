"""What every command shares with argparse: the exit statuses, a parser whose usage errors are one
line, and the types of option values.

argparse turns the text of an option into a number; :mod:`neuronet.checks` judges the number, as it
does every value entering neuronet; a refusal becomes argparse's one-line usage error, exit status 2.
"""

from __future__ import annotations

import argparse

from .. import checks
from ..errors import ConfigError

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line on stderr and exit status 2."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _typed(kind: type, check, expected: str):
    """An argparse type: ``kind(text)`` passed through ``check(value, name)``, else a usage error."""
    def convert(text: str):
        try:
            return check(kind(text), "value")
        except (ValueError, ConfigError):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None

    return convert


positive_int = _typed(int, checks.positive_int, "a positive integer")
non_negative_int = _typed(int, checks.non_negative_int, "a non-negative integer")
seed = non_negative_int
positive_float = _typed(float, checks.positive, "a positive number")
non_negative_float = _typed(float, checks.non_negative, "a non-negative number")
fraction = _typed(float, checks.rate, "a number in [0, 1)")
port = _typed(int, lambda value, name: checks.integer(value, name, low=0, high=65535),
              "a port number from 0 to 65535")


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


def layer_sizes(text: str) -> list[int]:
    """Hidden layer sizes, "256,128"; "", "none" or "0" for none (the inputs feed the output layer)."""
    if text.strip() in ("", "none", "0"):
        return []
    return _positive_ints(text, "layer sizes", "256,128")


def conv_filters(text: str) -> list[int]:
    """Filter counts of the convolutional blocks, "16,32"."""
    return _positive_ints(text, "filter counts", "16,32")
