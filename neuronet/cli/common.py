"""What several commands share: the data a model was trained on, a model file and its metadata, the
picture shape of a model's inputs."""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError


def load_data(name: str, data_dir, seed: int):
    """((x_train, y_train), (x_test, y_test), class_names, preprocessing) for a dataset or file."""
    from .. import datasets

    path = Path(name)
    if path.suffix.lower() == ".csv" or path.is_dir():
        # The user's own data has no test set: hold out a fifth; evaluate redoes it from the seed.
        if path.is_dir():
            x, y, names = datasets.load_image_folder(path)
            prep = {"source": str(path), "image_shape": [28, 28], "framing": "resize"}
        else:
            x, y, names = datasets.load_csv(path)
            prep = {"source": str(path)}
        train, test = datasets.train_val_split(x, y, val_fraction=0.2, seed=seed)
        return train, test, names, prep
    (x_tr, y_tr), (x_te, y_te) = datasets.load(name, data_dir=data_dir)
    meta = datasets.info(name)
    prep = {"dataset": meta.name}
    if len(meta.shape) == 2:
        prep["image_shape"] = list(meta.shape)
        # How `predict` frames a photo: digits sit in a 20x20 box centred by mass (MNIST's rule);
        # Fashion-MNIST items fill the frame.
        prep["framing"] = "fill" if meta.name == "fashion-mnist" else "digit"
    return (x_tr, y_tr), (x_te, y_te), meta.class_names, prep


def load_model(path):
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
    name = args.dataset or net.preprocessing.get("dataset") or net.preprocessing.get("source")
    if not name:
        raise ConfigError(f"model {args.model} does not record its dataset; give --dataset")
    training = metadata(args.model).get("training")
    seed = training.get("seed") if isinstance(training, dict) else None
    if type(seed) is not int or seed < 0:   # not written by `neuronet train`: its default
        seed = 0
    _, (x_test, y_test), _, _ = load_data(str(name), args.data_dir, seed)
    return name, x_test.reshape(len(x_test), -1), y_test


def image_shape(net, model, purpose: str, hint: str = "") -> tuple[int, int]:
    """(height, width) of the model's input pictures, or a ConfigError saying ``purpose`` needs them."""
    from .. import imaging

    try:
        return imaging.image_shape(net.n_in, net.preprocessing.get("image_shape"))
    except ConfigError:   # also a hand-edited image_shape like ["a"]
        raise ConfigError(f"{purpose}, but {model} takes {net.n_in} inputs that are not an "
                          f"image{hint}") from None
