"""neuronet's own exceptions: one family for every problem a user can cause.

Each carries one clear, single-line message (which file, which field, what was expected).
The command line turns any :class:`NeuronetError` into that line on stderr and exit code 2.
"""

from __future__ import annotations


class NeuronetError(Exception):
    """Base class of every error that a user's input or settings can cause."""


class ConfigError(NeuronetError, ValueError):
    """A bad argument or setting: an unknown name, a value out of range."""


class ShapeError(NeuronetError, ValueError):
    """Arrays whose shape, dtype or contents do not fit what was expected."""


class DataError(NeuronetError):
    """A dataset file that is missing, malformed or fails its checksum."""


class DatasetNotFoundError(DataError):
    """No copy of a dataset could be found or downloaded."""


class DownloadError(DataError):
    """A download failed (network, HTTP status, checksum)."""


class ModelFileError(NeuronetError):
    """A model or checkpoint file that is corrupt, truncated or does not match its architecture."""


class DivergenceError(NeuronetError):
    """Training produced a non-finite loss or parameter; the network keeps its last good weights."""


class NotFittedError(NeuronetError, ValueError, AttributeError):
    """An estimator was asked to predict (or save) before it was fitted.

    Also a ValueError and an AttributeError, as scikit-learn's own NotFittedError is, so code written
    for scikit-learn estimators catches it too.
    """


class DataConversionWarning(UserWarning):
    """Data was reshaped to what was expected, e.g. a column of labels (n, 1) flattened to (n,).

    Named like scikit-learn's warning of the same meaning, which its estimator checks look for.
    """
