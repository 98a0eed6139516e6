"""The table of named datasets: what neuronet knows about each one before it touches a file.

One :class:`DatasetInfo` per name says what kind of set it is (four IDX files, scikit-learn's
bundled digits, or generated on the fly), what one sample looks like, what its labels mean and,
for IDX sets, which files make it up, with their SHA-256 and size and the mirrors that serve them.
:mod:`.catalog` reads this table to load a set; :mod:`.locate` and :mod:`.download` read it to
find or fetch the files.

:data:`REGISTRY` is a plain dict on purpose, so that tests (and users with a private mirror) can
add or replace an entry, e.g. ``monkeypatch.setitem(REGISTRY, "tiny", DatasetInfo(...))``.

>>> info("fashion-mnist").shape, info("fashion-mnist").n_classes
((28, 28), 10)
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ConfigError


@dataclass(frozen=True)
class FileSpec:
    """One file of a dataset: its name in the mirror folder, hex SHA-256 and size in bytes.

    ``sha256`` and ``size`` are ``None`` where no trusted value is known; such a file is checked
    for IDX structure instead when it is downloaded.
    """

    name: str
    sha256: str | None = None
    size: int | None = None


@dataclass(frozen=True)
class DatasetInfo:
    """One named dataset, as returned by :func:`neuronet.datasets.info`.

    Attributes:
        name: the name passed to :func:`~neuronet.datasets.load`.
        kind: ``"idx"`` (four IDX files), ``"sklearn"`` (bundled with scikit-learn) or
            ``"synthetic"`` (generated on the fly).
        class_names: label ``i`` means ``class_names[i]``. For synthetic sets with a variable
            number of classes this is the default.
        shape: shape of one sample before flattening, e.g. ``(28, 28)``.
        n_train, n_test: number of samples in each split (defaults for synthetic sets).
        source: home page of the dataset.
        mirrors: base URLs the files can be downloaded from, tried in order.
        files: train images, train labels, test images, test labels, in that order (IDX sets
            only).
        description: one line for :func:`~neuronet.datasets.available` and the command line.
    """

    name: str
    kind: str
    class_names: tuple[str, ...]
    shape: tuple[int, ...]
    n_train: int
    n_test: int
    source: str = ""
    mirrors: tuple[str, ...] = ()
    files: tuple[FileSpec, ...] = ()
    description: str = ""

    @property
    def n_classes(self) -> int:
        """Number of classes (``len(class_names)``)."""
        return len(self.class_names)


# The sha256/size values below come from the SHA256SUMS shipped with the shared
# Fashion-MNIST copy and, for MNIST and KMNIST, were cross-checked across several independent
# projects that verify these exact files.
_MNIST_FILES = (
    FileSpec(
        "train-images-idx3-ubyte.gz",
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        9912422,
    ),
    FileSpec(
        "train-labels-idx1-ubyte.gz",
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        28881,
    ),
    FileSpec(
        "t10k-images-idx3-ubyte.gz",
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        1648877,
    ),
    FileSpec(
        "t10k-labels-idx1-ubyte.gz",
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        4542,
    ),
)

_FASHION_FILES = (
    FileSpec(
        "train-images-idx3-ubyte.gz",
        "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
        26421856,
    ),
    FileSpec(
        "train-labels-idx1-ubyte.gz",
        "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
        29491,
    ),
    FileSpec(
        "t10k-images-idx3-ubyte.gz",
        "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
        4422079,
    ),
    FileSpec(
        "t10k-labels-idx1-ubyte.gz",
        "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
        5125,
    ),
)

_KMNIST_FILES = (
    FileSpec(
        "train-images-idx3-ubyte.gz",
        "51467d22d8cc72929e2a028a0428f2086b092bb31cfb79c69cc0a90ce135fde4",
        18165135,
    ),
    FileSpec(
        "train-labels-idx1-ubyte.gz",
        "e38f9ebcd0f3ebcdec7fc8eabdcdaef93bb0df8ea12bee65224341c8183d8e17",
        29497,
    ),
    FileSpec(
        "t10k-images-idx3-ubyte.gz",
        "edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5",
        3041136,
    ),
    FileSpec(
        "t10k-labels-idx1-ubyte.gz",
        "20bb9a0ef54c7db3efc55a92eef5582c109615df22683c380526788f98e42a1c",
        5120,
    ),
)

_DIGITS = tuple(str(i) for i in range(10))

#: Every dataset :func:`~neuronet.datasets.load` knows, by name, in the order
#: :func:`~neuronet.datasets.available` reports them.
REGISTRY: dict[str, DatasetInfo] = {
    "mnist": DatasetInfo(
        name="mnist",
        kind="idx",
        class_names=_DIGITS,
        shape=(28, 28),
        n_train=60000,
        n_test=10000,
        source="http://yann.lecun.com/exdb/mnist/",
        mirrors=(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
        ),
        files=_MNIST_FILES,
        description="Handwritten digits 0-9, 28x28 grayscale.",
    ),
    "fashion-mnist": DatasetInfo(
        name="fashion-mnist",
        kind="idx",
        class_names=(
            "T-shirt/top",
            "Trouser",
            "Pullover",
            "Dress",
            "Coat",
            "Sandal",
            "Shirt",
            "Sneaker",
            "Bag",
            "Ankle boot",
        ),
        shape=(28, 28),
        n_train=60000,
        n_test=10000,
        source="https://github.com/zalandoresearch/fashion-mnist",
        mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
        files=_FASHION_FILES,
        description="Zalando article images in 10 classes, 28x28 grayscale.",
    ),
    "kmnist": DatasetInfo(
        name="kmnist",
        kind="idx",
        class_names=("o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"),
        shape=(28, 28),
        n_train=60000,
        n_test=10000,
        source="http://codh.rois.ac.jp/kmnist/",
        mirrors=("http://codh.rois.ac.jp/kmnist/dataset/kmnist/",),
        files=_KMNIST_FILES,
        description="Kuzushiji-MNIST: 10 cursive Japanese (hiragana) characters, 28x28.",
    ),
    "digits": DatasetInfo(
        name="digits",
        kind="sklearn",
        class_names=_DIGITS,
        shape=(8, 8),
        n_train=1437,
        n_test=360,
        source="https://scikit-learn.org/stable/datasets/toy_dataset.html#digits-dataset",
        description="8x8 handwritten digits bundled with scikit-learn (needs neuronet[digits]).",
    ),
    "xor": DatasetInfo("xor", "synthetic", ("0", "1"), (2,), 800, 200,
                       description="Four noisy clusters; label = sign(x0) != sign(x1)."),
    "circles": DatasetInfo("circles", "synthetic", ("0", "1"), (2,), 800, 200,
                           description="Concentric noisy rings, one per class."),
    "moons": DatasetInfo("moons", "synthetic", ("0", "1"), (2,), 800, 200,
                         description="Two interleaving half circles."),
    "spiral": DatasetInfo("spiral", "synthetic", ("0", "1", "2"), (2,), 800, 200,
                          description="Interleaved spiral arms, one per class."),
    "blobs": DatasetInfo("blobs", "synthetic", ("0", "1", "2"), (2,), 800, 200,
                         description="Gaussian clusters, one per class."),
}


def info(name: str) -> DatasetInfo:
    """The :class:`DatasetInfo` of dataset ``name``, or a ConfigError listing the known names.

    >>> info("fashion-mnist").class_names[0]
    'T-shirt/top'
    """
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise ConfigError(f"unknown dataset {name!r} (known: {known})") from None
