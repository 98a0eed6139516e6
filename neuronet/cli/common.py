"""What several commands share: the data a model was trained on (and where it came from), a model
file and its metadata, the picture shape of a model's inputs."""

from __future__ import annotations

import os
from pathlib import Path

from .. import checks
from ..errors import ConfigError


def load_data(name: str, data_dir, seed: int):
    """((x_train, y_train), (x_test, y_test), class_names, preprocessing) for a dataset or file."""
    from .. import datasets

    path = Path(name)
    if _is_user_data(name):
        # The user's own data has no test set: hold out a fifth; evaluate redoes it from the seed.
        if path.is_dir():
            x, y, names = datasets.load_image_folder(path)
            prep = {"source": str(path), "image_shape": [28, 28], "framing": "resize"}
        else:
            x, y, names = datasets.load_csv(path)
            prep = {"source": str(path)}
        checks.class_names(names, name=f"{path}: class")   # what evaluate will print, checked now
        train, test = datasets.train_val_split(x, y, val_fraction=0.2, seed=seed)
        return train, test, names, prep
    (x_tr, y_tr), (x_te, y_te) = datasets.load(name, data_dir=data_dir)
    meta = datasets.info(name)
    prep = {"dataset": meta.name}
    if len(meta.shape) == 2:
        prep["image_shape"] = list(meta.shape)
        # How `predict` frames a photo: digits sit in a 20x20 box centred by mass (MNIST's rule);
        # Fashion-MNIST items fill the frame.
        from ..imaging import dataset_framing

        prep["framing"] = dataset_framing(meta.name)
    return (x_tr, y_tr), (x_te, y_te), meta.class_names, prep


def _is_user_data(name: str) -> bool:
    """The user's own CSV file or image folder, rather than a named dataset."""
    path = Path(name)
    return path.suffix.lower() == ".csv" or path.is_dir()


def data_path(name: str, data_dir) -> str | None:
    """Where the data of ``load_data(name, data_dir, ...)`` came from, as an absolute path: the CSV
    file or image folder, or the folder that held a named dataset's files (found as ``datasets.load``
    finds it: ``data_dir``, ``$NEURONET_DATA``, the cache, the system folder). None for data that is
    generated or bundled (moons, digits).

    ``neuronet train`` records it with the model (``training.data_path``), so that ``evaluate`` and
    ``plot`` find the same files without ``--data-dir``.
    """
    from ..datasets import info
    from ..datasets.locate import locate

    if _is_user_data(name):
        return os.path.abspath(name)
    spec = info(name)
    if spec.kind != "idx":
        return None
    where, _, _ = locate(spec, data_dir)
    return os.path.abspath(where.path) if where is not None else None


def load_model(path):
    """The network in model file ``path``; a damaged file, or odd class names (which ``Network`` checks
    as it is built), is one ModelFileError line."""
    from ..modelfile import load

    return load(path)


def metadata(path) -> dict:
    """The metadata `neuronet train` stored with a model (settings, history, test scores)."""
    from ..modelfile import info

    return info(path)["metadata"]


def dataset_for(net, args):
    """(name, x_test, y_test): the --dataset given, else the dataset or file the model was trained on.

    CSV files and image folders are split with the seed the model was trained with, so the test
    part is the same one `neuronet train` held out.
    """
    own = net.preprocessing.get("dataset") or net.preprocessing.get("source")
    name = args.dataset or own
    if not name:
        raise ConfigError(f"model {args.model} does not record its dataset; give --dataset")
    training = metadata(args.model).get("training")
    training = training if isinstance(training, dict) else {}
    seed = training.get("seed")
    if type(seed) is not int or seed < 0:   # not written by `neuronet train`: its default
        seed = 0
    source, data_dir = str(name), args.data_dir
    recorded = training.get("data_path")
    if recorded is not None and str(name) == str(own):   # where train found the model's own data
        if not isinstance(recorded, str) or not recorded:
            raise ConfigError(f"model {args.model}: training.data_path must be a path, got "
                              f"{checks.shown(recorded)}; give --data-dir or --dataset")
        if "dataset" not in net.preprocessing:
            # The user's CSV file or image folder, perhaps named relative to where train ran: the
            # absolute path recorded then, unless it has gone and the name finds a copy from here.
            if Path(recorded).exists() or not Path(source).exists():
                source = recorded
        elif data_dir is None:   # an explicit --data-dir wins
            data_dir = recorded
    _, (x_test, y_test), _, _ = load_data(source, data_dir, seed)
    return name, x_test.reshape(len(x_test), -1), y_test


def image_shape(net, model, purpose: str, hint: str = "") -> tuple[int, int]:
    """(height, width) of the model's input pictures (:func:`~neuronet.imaging.model_image_shape`), or a
    ConfigError saying ``purpose`` needs them."""
    from .. import imaging

    try:
        return imaging.model_image_shape(net)
    except ConfigError as exc:
        raise ConfigError(f"{purpose}, but {model} is not an image model: it {exc}{hint}") from None
