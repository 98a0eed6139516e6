"""Datasets: named sets ready to train on, the IDX file format, and your own data.

Everything here ends in the same two arrays a network takes: samples ``x`` (float32, one row per
example) and class labels ``y`` (int64 in ``0 .. n_classes-1``). The modules, one job each:

* :mod:`.sources` — the table of named datasets (:data:`REGISTRY`): files, checksums, mirrors,
  class names;
* :mod:`.catalog` — :func:`load` and :func:`available`, which turn a name into arrays;
* :mod:`.locate` — the folders searched for a dataset's files, in order;
* :mod:`.download` — verified downloads into the user cache;
* :mod:`.idx` — :func:`read_idx` / :func:`write_idx`, the file format of MNIST and its relatives;
* :mod:`.synthetic` — small seeded 2-D problems generated on the fly;
* :mod:`.split` — :func:`train_val_split`, seeded and optionally stratified;
* :mod:`.user` — :func:`load_csv` (:func:`read_csv` for one in memory), :func:`load_image_folder`,
  :func:`load_image` for your own files.

>>> from neuronet import datasets
>>> (x, y), (x_test, y_test) = datasets.load("moons", n_samples=200)
>>> x.shape, y.dtype
((160, 2), dtype('int64'))

See :func:`load` for where files are looked for and how downloads are verified.
"""

from .catalog import DatasetStatus, available, load
from .idx import read_idx, write_idx
from .sources import REGISTRY, DatasetInfo, FileSpec, info
from .split import train_val_split
from .user import LabeledData, load_csv, load_image, load_image_folder, read_csv

__all__ = [
    "REGISTRY",
    "DatasetInfo",
    "DatasetStatus",
    "FileSpec",
    "LabeledData",
    "available",
    "info",
    "load",
    "load_csv",
    "load_image",
    "load_image_folder",
    "read_csv",
    "read_idx",
    "train_val_split",
    "write_idx",
]
