"""Datasets: MNIST-style image sets, scikit-learn's digits, generated 2-D sets and your own data.

>>> from neuronet import datasets
>>> (x, y), (x_test, y_test) = datasets.load("moons", n_samples=200)
>>> x.shape, y.dtype
((160, 2), dtype('int64'))

See :func:`load` for where files are looked for and how downloads are verified.
"""

from neuronet.datasets.catalog import DatasetStatus, available, load
from neuronet.datasets.idx import read_idx, write_idx
from neuronet.datasets.registry import REGISTRY, DatasetInfo, FileSpec, info
from neuronet.datasets.split import train_val_split
from neuronet.datasets.user import LabeledData, load_csv, load_image, load_image_folder

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
    "read_idx",
    "train_val_split",
    "write_idx",
]
