"""Named datasets as ready-to-train arrays: :func:`load` one, or ask :func:`available` where each is.

:func:`load` turns a name from :data:`~neuronet.datasets.REGISTRY` into
``(x_train, y_train), (x_test, y_test)``. The labels ``y`` are always int64 of shape ``(n,)``; the
samples ``x`` are float32 of shape

* ``(60000, 784)`` and ``(10000, 784)`` for ``mnist``, ``fashion-mnist`` and ``kmnist``
  (``(n, 28, 28)`` with ``flatten=False``), pixels scaled to [0, 1];
* ``(1437, 64)`` and ``(360, 64)`` for scikit-learn's ``digits`` (``(n, 8, 8)`` unflattened),
  pixels scaled to [0, 1];
* ``(n_samples - n_test, 2)`` and ``(n_test, 2)`` for the generated ``xor``, ``circles``,
  ``moons``, ``spiral`` and ``blobs``, with ``n_test = round(n_samples * test_fraction)`` (200 of
  the default 1000), raw coordinates.

An IDX set's files are looked for in the folders :mod:`.locate` lists and, if none holds them all,
downloaded by :mod:`.download`. Local files get the IDX structure checks only (magic number,
dimensions, payload length), not their SHA-256: the structure checks catch truncation and a
corrupt header, and hashing ~30 MB on every load would cost time for no protection against a file
the user put there on purpose. Downloads are always checked against the table's SHA-256 where
one is known.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import checks
from ..errors import ConfigError, DataError, DatasetNotFoundError, DownloadError
from . import locate as _locate
from .download import DEFAULT_TIMEOUT, download_dataset
from .idx import read_idx
from .sources import REGISTRY, DatasetInfo, info
from .split import train_val_split
from .synthetic import GENERATORS

#: ``(x, y)`` of one part: samples float32 ``(n, ...)`` and labels int64 ``(n,)``.
Split = tuple[np.ndarray, np.ndarray]


def load(
    name: str,
    data_dir: str | os.PathLike | None = None,
    *,
    flatten: bool = True,
    download: bool | None = None,
    progress: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    mirrors: Sequence[str] | None = None,
    **options,
) -> tuple[Split, Split]:
    """Load a named dataset as ``(x_train, y_train), (x_test, y_test)``.

    Args:
        name: ``mnist``, ``fashion-mnist``, ``kmnist`` (28x28 images), ``digits`` (8x8, needs
            scikit-learn) or a generated 2-D set: ``xor``, ``circles``, ``moons``, ``spiral``,
            ``blobs``.
        data_dir: a folder holding the files directly or in ``<name>/``; searched first.
        flatten: images as ``(n, h*w)`` (default) or ``(n, h, w)``.
        download: fetch missing IDX files from the dataset's mirrors into the user cache. The
            default (None) downloads unless the environment variable ``NEURONET_OFFLINE`` is set
            to a non-empty value other than ``0``.
        progress: show download progress.
        timeout: seconds per connection/read when downloading.
        mirrors: base URLs to use instead of the dataset's own.
        **options: for generated sets ``n_samples`` (total, default 1000), ``noise``, ``seed``,
            ``n_classes`` (circles, spiral, blobs) and ``test_fraction`` (default 0.2);
            for ``digits`` ``seed`` (default 0) of the fixed 1437/360 stratified split.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``x`` float32 in [0, 1] for images (raw
        coordinates for 2-D sets), ``y`` int64 labels ``(n,)``; the module docstring gives
        each set's shapes.

    Raises:
        DatasetNotFoundError: no local copy and no successful download; the message lists
            every folder searched.
        DataError: a local file is malformed.
        ConfigError: an unknown option, or ``flatten``, ``download`` or ``progress`` that is not
            True or False (``download`` may also be None): ``download="no"`` is refused, not read
            as yes.

    Example::

        (x, y), (x_test, y_test) = load("fashion-mnist")     # x.shape == (60000, 784)
        (x, y), _ = load("spiral", n_classes=5, seed=3)
    """
    spec = info(name)
    flatten = checks.flag(flatten, "load: flatten")
    download = None if download is None else checks.flag(download, "load: download")
    progress = checks.flag(progress, "load: progress")
    if spec.kind == "synthetic":
        return _load_synthetic(spec, **options)
    if spec.kind == "sklearn":
        return _load_digits(flatten, **options)
    _refuse_unknown(name, options, set())
    if download is None:
        download = os.environ.get("NEURONET_OFFLINE", "") in ("", "0")
    return _load_idx(spec, data_dir, flatten, download, progress, timeout, mirrors)


def _refuse_unknown(name: str, options: dict, allowed: set[str]) -> None:
    """A ConfigError naming every option in ``options`` that ``load(name)`` does not take."""
    unknown = set(options) - allowed
    if unknown:
        hint = f" (allowed: {', '.join(sorted(allowed))})" if allowed else ""
        raise ConfigError(f"load({name!r}): unexpected options {sorted(unknown)}{hint}")


def _load_synthetic(spec: DatasetInfo, n_samples: int = 1000, test_fraction: float = 0.2,
                    **options) -> tuple[Split, Split]:
    """A generated set, split into its first ``1 - test_fraction`` and its last ``test_fraction``."""
    make, takes_classes = GENERATORS[spec.name]
    _refuse_unknown(spec.name, options, {"n_samples", "test_fraction", "noise", "seed"}
                    | ({"n_classes"} if takes_classes else set()))
    # NaN fails both comparisons, so it is refused here too.
    if not checks.is_real(test_fraction) or not 0.0 < test_fraction < 1.0:
        raise ConfigError(f"load({spec.name!r}): test_fraction must be in (0, 1), "
                          f"got {checks.shown(test_fraction)}")
    x, y = make(n_samples, **options)
    # The generators shuffle already, so the last test_fraction is a random test set.
    n_test = int(round(len(y) * test_fraction))
    if not 1 <= n_test < len(y):
        raise ConfigError(f"load({spec.name!r}): n_samples={n_samples} too small to split")
    return (x[:-n_test], y[:-n_test]), (x[-n_test:], y[-n_test:])


def _load_digits(flatten: bool, **options) -> tuple[Split, Split]:
    """scikit-learn's 1797 digits, pixels scaled from 0..16 to [0, 1], split 1437/360 by class."""
    _refuse_unknown("digits", options, {"seed"})
    seed = checks.seed(options.get("seed", 0), "load('digits'): seed")
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ConfigError("the digits dataset needs scikit-learn: pip install neuronet[digits]"
                          ) from None
    bunch = load_digits()
    x = np.asarray(bunch.images, dtype=np.float32)  # (1797, 8, 8), values 0..16
    x /= 16.0
    y = np.asarray(bunch.target, dtype=np.int64)
    if flatten:
        x = x.reshape(len(x), -1)
    return train_val_split(x, y, val_size=360, seed=seed, stratify=True)


def _not_found_message(spec: DatasetInfo, tried: list[_locate.Candidate], why: str) -> str:
    """One line: every folder searched, ``why`` nothing was downloaded, and the ways out."""
    places = "; ".join(f"{c.origin}: {c.path}" for c in tried)
    files = ", ".join(f.name for f in spec.files)
    return (f"dataset {spec.name!r} not found (looked in {places}); {why}. Put {files} in one of "
            f"those folders, pass data_dir=/--data-dir, or set NEURONET_DATA to a folder "
            f"containing {spec.name}/")


def _load_idx(spec: DatasetInfo, data_dir: str | os.PathLike | None, flatten: bool, download: bool,
              progress: bool, timeout: float, mirrors: Sequence[str] | None) -> tuple[Split, Split]:
    """The four files of an IDX set, found locally or downloaded, as train and test arrays."""
    _, files, tried = _locate.locate(spec, data_dir)
    if files is None:
        bases = list(spec.mirrors if mirrors is None else mirrors)
        if not download:
            raise DatasetNotFoundError(_not_found_message(spec, tried, "download=False"))
        if not bases:
            raise DatasetNotFoundError(_not_found_message(spec, tried, "no download mirrors"))
        try:
            files = download_dataset(spec, _locate.cache_dir(spec.name), mirrors=bases,
                                     timeout=timeout, progress=progress)
        except DownloadError as e:
            raise DatasetNotFoundError(_not_found_message(spec, tried, f"download failed: {e}")
                                       ) from e
    train = _images_and_labels(spec, files[0], files[1], flatten)
    test = _images_and_labels(spec, files[2], files[3], flatten)
    return train, test


def _images_and_labels(spec: DatasetInfo, image_path: Path, label_path: Path,
                       flatten: bool) -> Split:
    """One image file and its label file as ``(x, y)``, checked to fit each other and ``spec``.

    ``x`` is float32 ``(n, h*w)`` (``(n, h, w)`` unflattened) in [0, 1], ``y`` int64 ``(n,)``.
    """
    images = read_idx(image_path)
    if images.dtype != np.uint8 or images.shape[1:] != spec.shape:
        raise DataError(f"{image_path}: expected uint8 images of shape (n, "
                        f"{', '.join(map(str, spec.shape))}), found {images.dtype} "
                        f"{images.shape}")
    labels = read_idx(label_path)
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise DataError(f"{label_path}: expected a 1-D uint8 label file, found {labels.dtype} "
                        f"{labels.shape}")
    if len(labels) != len(images):
        raise DataError(f"{label_path}: {len(labels)} labels for {len(images)} images in "
                        f"{image_path.name}")
    top = int(labels.max()) if len(labels) else -1
    if top >= spec.n_classes:
        raise DataError(f"{label_path}: label {top} out of range 0..{spec.n_classes - 1}")
    # One float32 copy, scaled in place: no float64 temporaries (60000x784 float64 = 376 MB).
    x = images.astype(np.float32)
    del images
    x /= np.float32(255)
    if flatten:
        x = x.reshape(len(x), -1)
    return x, labels.astype(np.int64)


@dataclass(frozen=True)
class DatasetStatus:
    """Where a dataset would come from, as reported by :func:`available`.

    Attributes:
        name: dataset name.
        found: True when it can be loaded without a download.
        origin: ``data_dir``, ``NEURONET_DATA``, ``cache``, ``system``, ``download`` (would be
            fetched), ``generated``, ``scikit-learn`` or ``missing``.
        path: folder holding the files, or where a download would go.
        note: a human-readable detail (mirror, install hint).
    """

    name: str
    found: bool
    origin: str
    path: Path | None = None
    note: str = ""

    def __str__(self) -> str:
        where = f"  {self.path}" if self.path is not None else ""
        note = f"  ({self.note})" if self.note else ""
        state = "found" if self.found else "not found"
        return f"{self.name:<14} {state:<10} {self.origin:<14}{where}{note}"


def available(data_dir: str | os.PathLike | None = None) -> list[DatasetStatus]:
    """Whether and where each known dataset is found, one :class:`DatasetStatus` each, in table order.

    Example::

        for status in available():
            print(status)      # fashion-mnist  found  NEURONET_DATA  /work/shared/...
    """
    report = []
    for name, spec in REGISTRY.items():
        if spec.kind == "synthetic":
            report.append(DatasetStatus(name, True, "generated", note=spec.description))
        elif spec.kind == "sklearn":
            try:
                import sklearn.datasets  # noqa: F401
            except ImportError:
                report.append(DatasetStatus(name, False, "missing",
                                            note="pip install neuronet[digits]"))
            else:
                report.append(DatasetStatus(name, True, "scikit-learn"))
        else:
            where, _, _ = _locate.locate(spec, data_dir)
            if where is not None:
                report.append(DatasetStatus(name, True, where.origin, where.path))
            elif spec.mirrors:
                report.append(DatasetStatus(name, False, "download", _locate.cache_dir(name),
                                            note=f"would download from {spec.mirrors[0]}"))
            else:
                report.append(DatasetStatus(name, False, "missing"))
    return report
