"""Your own data as arrays a network takes: a CSV table, a folder of images, or one image.

The two loaders of whole sets return a :class:`LabeledData`, which unpacks like a tuple::

    x, y, class_names = load_csv("iris.csv", label_column="species")

* ``x`` float32: ``(n, n_features)`` from :func:`load_csv`; ``(n, h*w)`` (``(n, h*w*3)`` in RGB)
  from :func:`load_image_folder`, or ``(n, h, w)`` / ``(n, h, w, 3)`` unflattened, pixels scaled
  to [0, 1] as :func:`~neuronet.datasets.load` scales its image sets;
* ``y`` int64 ``(n,)``, class labels ``0 .. n_classes-1``;
* ``class_names``: label ``i`` means ``class_names[i]`` (the label column's values, or the names
  of the class folders).

:func:`load_image` prepares one image the way :func:`load_image_folder` prepares each of its own,
so a network trained on a folder can be asked about a new picture. A problem in a file is one
:class:`~neuronet.errors.DataError` naming the file (and, in a CSV, the line and column). Images
need Pillow (``pip install neuronet[images]``); CSV needs only the standard library.
"""

from __future__ import annotations

import csv
import io
import math
import operator
import os
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import checks
from ..errors import ConfigError, DataError

#: File name suffixes that :func:`load_image_folder` treats as images.
IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".pgm", ".ppm", ".pbm"}
)
#: Suffixes of notes and metadata that :func:`load_image_folder` skips in a class folder.
SKIPPED_SUFFIXES = frozenset(
    {".txt", ".md", ".rst", ".json", ".csv", ".xml", ".yaml", ".yml", ".ini", ".log", ".db"}
)
#: File and folder names (lower case) left by operating systems that are never data; hidden
#: names (``.DS_Store``, ``._photo.png``) are skipped as well.
SKIPPED_NAMES = frozenset({"thumbs.db", "desktop.ini", "__macosx", "readme", "license"})


@dataclass
class LabeledData:
    """Samples ``x`` (float32, ``(n, ...)``), labels ``y`` (int64, ``(n,)``) and class names.

    Unpacks as ``x, y, class_names``; ``len()`` is the number of samples.
    """

    x: np.ndarray
    y: np.ndarray
    class_names: tuple[str, ...]

    def __iter__(self) -> Iterator:
        return iter((self.x, self.y, self.class_names))

    def __len__(self) -> int:
        return len(self.y)


def _number(cell: str, decimal_comma: bool = False) -> float | None:
    """The cell as a float (NaN and infinity included), or None if it does not read as one.

    ``decimal_comma``: one comma and no point reads as a decimal point ("1,5" is 1.5), as
    spreadsheets in most of Europe write numbers in semicolon-separated files."""
    if decimal_comma and cell.count(",") == 1 and "." not in cell:
        cell = cell.replace(",", ".")
    try:
        return float(cell)
    except ValueError:
        return None


def _label_names(raw: list[str]) -> tuple[tuple[str, ...], np.ndarray]:
    """Map label strings to ints: numeric labels sorted by value, others alphabetically."""
    values = [_number(s) for s in raw]
    unique = set(raw)
    if all(v is not None and math.isfinite(v) for v in values):
        by_value = {}
        for s, v in zip(raw, values, strict=True):
            by_value.setdefault(v, s)
        names = tuple(by_value[v] for v in sorted(by_value))
        index = {v: i for i, v in enumerate(sorted(by_value))}
        return names, np.array([index[v] for v in values], dtype=np.int64)
    names = tuple(sorted(unique))
    index = {s: i for i, s in enumerate(names)}
    return names, np.array([index[s] for s in raw], dtype=np.int64)


def _csv_bytes(path: Path) -> bytes:
    """The file's bytes, or one DataError naming it."""
    try:
        return path.read_bytes()
    except FileNotFoundError as e:
        raise DataError(f"{path}: no such file") from e
    except OSError as e:
        raise DataError(f"{path}: cannot read as CSV ({e})") from e


def _csv_text(raw: bytes, path: str) -> str:
    """``raw`` as text: UTF-8 with or without the byte-order mark a spreadsheet's "CSV UTF-8"
    writes first (which would otherwise stick to the first header name), or one DataError."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(f"{path}: the file is UTF-16 text (a spreadsheet's 'Unicode text'); "
                        f"save it as 'CSV UTF-8'")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DataError(f"{path}: not UTF-8 text (byte 0x{raw[e.start]:02x} at offset {e.start}, "
                        f"perhaps Latin-1 or Windows-1252); save it as 'CSV UTF-8'") from e


def _delimiter(path: str, lines: list[str], delimiter: str | None) -> tuple[str, bool]:
    """(the delimiter, whether the first line is Excel's ``sep=;`` line, which is not data)."""
    first = next((line for line in lines if line.strip()), "")
    declared = re.fullmatch(r"\s*sep=(.)\s*", first, flags=re.IGNORECASE)
    if declared:
        if delimiter is not None and delimiter != declared[1]:
            raise ConfigError(f"{path}: the file declares sep={declared[1]} but delimiter="
                              f"{delimiter!r} was given; leave delimiter out")
        return declared[1], True
    if delimiter is not None:
        return delimiter, False
    fields = {d: len(next(csv.reader([first], delimiter=d))) for d in ",;"}
    return (";" if fields[";"] >= max(2, fields[","]) else ","), False


def _label_index(path: str, first: list[str], label_column: int | str | None,
                 header: bool | str, decimal_comma: bool) -> tuple[int, bool]:
    """(index of the label column, whether the first row is a header): see :func:`load_csv`."""
    width = len(first)
    names = [c.strip() for c in first]
    if isinstance(label_column, str):
        if header is False:
            raise ConfigError(f"{path}: label_column={label_column!r} is a name but header=False")
        return _named_column(path, names, label_column), True
    if label_column is not None:
        if not -width <= label_column < width:
            raise ConfigError(
                f"{path}: label_column {label_column} out of range for {width} columns"
            )
        label_idx = label_column % width
    else:
        label_idx = width - 1
    if header == "auto":
        header = all(_number(c, decimal_comma) is None
                     for i, c in enumerate(first) if i != label_idx)
    if label_column is None and header:
        named = [i for i, c in enumerate(names) if c.casefold() == "label"]
        if len(named) > 1:
            raise ConfigError(f"{path}: several columns are named label "
                              f"({', '.join(names[i] for i in named)}); pass label_column=")
        label_idx = named[0] if named else label_idx
    return label_idx, header


def _named_column(path: str, names: list[str], wanted: str) -> int:
    """The index of the column called ``wanted``: its exact name (surrounding spaces aside) or,
    failing that, the one name equal to it when case is ignored; else a ConfigError."""
    for fold in (str.strip, lambda c: c.strip().casefold()):
        hits = [i for i, c in enumerate(names) if fold(c) == fold(wanted)]
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise ConfigError(f"{path}: label_column={wanted!r} matches {len(hits)} columns "
                              f"({', '.join(names[i] for i in hits)}); pass its index instead")
    raise ConfigError(f"{path}: no column named {wanted!r} (columns: {names})")


def load_csv(
    path: str | os.PathLike,
    label_column: int | str | None = None,
    header: bool | str = "auto",
    delimiter: str | None = None,
) -> LabeledData:
    """Read a CSV table of numeric features and one label column.

    Args:
        path: the CSV file, UTF-8 with or without a byte-order mark (as spreadsheets save
            "CSV UTF-8"); any line ends (``\\n``, ``\\r\\n``). Blank lines are skipped.
        label_column: column name (needs a header), index (negative counts from the end) or
            ``None``: the column whose header is ``label`` (in any case, spaces around it
            ignored), else the last column. A name is matched exactly (spaces around it
            ignored), else case-insensitively if that picks out one column; a name that matches
            none, or several, is a ConfigError: a column other than the one named is never taken.
        header: ``True``/``False``, or ``"auto"``: the first row is a header when none of its
            feature cells is a number.
        delimiter: field separator. ``None`` (default) reads ``,`` unless the first line splits
            into at least as many fields (two or more) on ``;`` as on ``,``: then ``;``, the
            separator spreadsheets in much of Europe write. A first line ``sep=;`` (Excel's way
            of declaring it) sets the delimiter and is not data. With any delimiter but ``,``,
            a feature cell with one comma and no point has a decimal comma: ``1,5`` is 1.5.

    Returns:
        :class:`LabeledData` with ``x`` float32 ``(n, n_features)``. Labels that are all numbers
        are ordered by value (labels 3, 5, 7 become 0, 1, 2 with class names "3", "5", "7");
        other labels alphabetically.

    Raises:
        DataError: empty file, text that is not UTF-8, rows of different lengths, a feature
            cell that is not a finite number (the message gives the line and column), or an
            empty label.
        ConfigError: a bad ``label_column``, ``header`` or ``delimiter``.
    """
    path = Path(path)
    settings = _csv_settings(label_column, header, delimiter, "load_csv")   # before the file is read
    return _parse_csv(_csv_bytes(path), str(path), *settings)


def _csv_settings(label_column, header, delimiter, where: str) -> tuple:
    """(label_column, header, delimiter) checked: see :func:`load_csv`."""
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise ConfigError(f"{where}: delimiter must be one character, got {delimiter!r}")
    header = checks.flag_or(header, f"{where}: header", "auto")
    if label_column is not None and not isinstance(label_column, str):
        label_column = checks.integer(label_column, f"{where}: label_column")
    return label_column, header, delimiter


def read_csv(
    data: bytes,
    source: str = "CSV",
    label_column: int | str | None = None,
    header: bool | str = "auto",
    delimiter: str | None = None,
) -> LabeledData:
    """:func:`load_csv` for a CSV that is already in memory (an upload, say): the same rules and
    the same checks, with ``source`` naming it in every message where ``load_csv`` names the file.

    >>> read_csv(b"x,y,label\\n0,1,a\\n1,0,b\\n", "points.csv").class_names
    ('a', 'b')
    """
    if not isinstance(data, (bytes, bytearray)):
        raise ConfigError(f"read_csv: data must be the file's bytes, got {type(data).__name__}")
    source = checks.text(source, "read_csv: source")
    settings = _csv_settings(label_column, header, delimiter, "read_csv")
    return _parse_csv(bytes(data), source, *settings)


def _parse_csv(data: bytes, path: str, label_column: int | str | None, header: bool | str,
               delimiter: str | None) -> LabeledData:
    """The table in ``data`` (named ``path`` in messages), settings already checked."""
    text = _csv_text(data, path)
    delimiter, declared = _delimiter(path, text.splitlines(), delimiter)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        # Keep the physical line number of each row for error messages.
        rows = [(reader.line_num, row) for row in reader if any(c.strip() for c in row)]
    except csv.Error as e:
        raise DataError(f"{path}: cannot read as CSV ({e})") from e
    if declared:
        rows = rows[1:]
    if not rows:
        raise DataError(f"{path}: the file is empty")

    width = len(rows[0][1])
    if width < 2:
        raise DataError(f"{path}: need at least 2 columns (features and a label), found {width}")
    decimal_comma = delimiter != ","
    label_idx, header = _label_index(path, rows[0][1], label_column, header, decimal_comma)
    column_names = ([c.strip() for c in rows[0][1]] if header
                    else [str(i) for i in range(width)])
    data_rows = rows[1:] if header else rows
    if not data_rows:
        raise DataError(f"{path}: header but no data rows")

    x = np.empty((len(data_rows), width - 1), dtype=np.float32)
    labels = []
    feature_cols = [i for i in range(width) if i != label_idx]
    for r, (line, row) in enumerate(data_rows):
        if len(row) != width:
            raise DataError(f"{path}: line {line} has {len(row)} fields, expected {width}")
        for j, col in enumerate(feature_cols):
            v = _number(row[col], decimal_comma)
            if v is None or not math.isfinite(v):
                what = "not a number" if v is None else "not finite"
                raise DataError(f"{path}: line {line}, column {column_names[col]!r}: "
                                f"{row[col]!r} is {what}")
            x[r, j] = v
        label = row[label_idx].strip()
        if not label:
            raise DataError(f"{path}: line {line}: empty label in column "
                            f"{column_names[label_idx]!r}")
        labels.append(label)
    class_names, y = _label_names(labels)
    return LabeledData(x, y, class_names)


def load_image_folder(
    path: str | os.PathLike,
    size: tuple[int, int] = (28, 28),
    grayscale: bool = True,
    flatten: bool = True,
) -> LabeledData:
    """Read ``path/<class>/<image>`` files; class names are the sub-folder names, sorted.

    Every image is converted to grayscale (or RGB), resized to ``size`` = ``(height, width)``
    and scaled to [0, 1]. Needs Pillow (``pip install neuronet[images]``).

    What the folder may hold, so that no image is silently left out:

    * at least two class folders (a classifier needs two classes); hidden folders and
      ``__MACOSX`` (left by unzipping on a Mac) are not classes;
    * in each class folder, images (:data:`IMAGE_SUFFIXES`) directly, not in sub-folders: a
      folder inside a class folder is refused, naming it (``train/cat/...`` under the folder
      given usually means the folder one level down, ``train``, was meant);
    * known junk, which is skipped: hidden files (``.DS_Store``), ``Thumbs.db``, ``desktop.ini``
      and notes such as ``README.txt`` (:data:`SKIPPED_SUFFIXES`). Any other file (a ``.heic``
      photo, say) is refused, naming it, rather than skipped;
    * next to the class folders, files other than images are ignored; an image there is
      refused, as it belongs to no class.

    Returns:
        :class:`LabeledData` with ``x`` float32 of shape ``(n, h*w)`` (``(n, h*w*3)`` for RGB),
        or ``(n, h, w)`` / ``(n, h, w, 3)`` with ``flatten=False``, like :func:`load`.

    Raises:
        DataError: fewer than two class folders, a class folder with no images, a folder or a
            file that is not an image inside one, an image outside them, or an unreadable image.
        ConfigError: a bad ``size``, ``grayscale`` or ``flatten``, or Pillow is not installed.
    """
    _pillow("load_image_folder")  # before scanning the folder: a missing extra is the first thing to fix
    height, width = _check_size(size, "load_image_folder")
    grayscale = checks.flag(grayscale, "load_image_folder: grayscale")
    flatten = checks.flag(flatten, "load_image_folder: flatten")
    classes = _class_files(Path(path))
    images, labels = [], []
    for k, files in enumerate(classes.values()):
        for f in files:
            images.append(_read_image(f, height, width, grayscale, "load_image_folder"))
            labels.append(k)

    # Stacked straight into float32: no intermediate uint8 copy of the whole set.
    x = np.stack(images, dtype=np.float32)
    del images
    x /= 255.0
    if flatten:
        x = x.reshape(len(x), -1)
    return LabeledData(x, np.array(labels, dtype=np.int64), tuple(classes))


def _is_junk(p: Path) -> bool:
    """A file or folder that is no one's data: hidden, or left by an OS or an unzip."""
    return p.name.startswith(".") or p.name.lower() in SKIPPED_NAMES


def _class_files(root: Path) -> dict[str, list[Path]]:
    """{class name: its image files}, sorted, from ``root/<class>/<image>``; every rule of
    :func:`load_image_folder` on what the folder may hold is checked here, before any image
    is read."""
    if not root.is_dir():
        raise DataError(f"{root}: not a folder")
    entries = sorted(p for p in root.iterdir() if not _is_junk(p))
    stray = next((p for p in entries if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES), None)
    if stray is not None:
        raise DataError(f"{stray}: an image outside the class folders; put each class's images in "
                        f"a sub-folder of its own ({root}/<class>/<image>)")
    class_dirs = [p for p in entries if p.is_dir()]
    if not class_dirs:
        raise DataError(f"{root}: no class sub-folders (expected {root}/<class>/<image>)")
    classes = {}
    for folder in class_dirs:
        files = []
        for p in sorted(folder.iterdir()):
            if _is_junk(p) or (p.is_file() and p.suffix.lower() in SKIPPED_SUFFIXES):
                continue
            if p.is_dir():
                raise DataError(f"{p}: a folder inside the class folder {folder.name!r}; images must "
                                f"sit directly in {root}/<class>/ (if {folder.name} holds the "
                                f"class folders, load {folder} instead)")
            if p.suffix.lower() not in IMAGE_SUFFIXES:
                raise DataError(f"{p}: not an image load_image_folder reads (it reads "
                                f"{', '.join(sorted(IMAGE_SUFFIXES))}); convert it or move it out")
            files.append(p)
        if not files:
            raise DataError(f"{folder}: class folder has no images")
        classes[folder.name] = files
    if len(classes) < 2:
        raise DataError(f"{root}: one class folder ({class_dirs[0].name}); a classifier needs at "
                        f"least two classes, one sub-folder of images each")
    return classes


def load_image(path: str | os.PathLike, size: tuple[int, int] = (28, 28),
               grayscale: bool = True) -> np.ndarray:
    """One image prepared exactly as :func:`load_image_folder` prepares each of its images.

    Returns float32 in [0, 1] of shape ``(h*w,)`` (``(h*w*3,)`` for RGB), where
    ``size = (h, w)``: one example, ready for ``network.predict``.
    """
    height, width = _check_size(size, "load_image")
    grayscale = checks.flag(grayscale, "load_image: grayscale")
    pixels = _read_image(Path(path), height, width, grayscale, "load_image")
    return (pixels.astype(np.float32) / 255.0).reshape(-1)


def _check_size(size: tuple[int, int], caller: str) -> tuple[int, int]:
    """``size`` as ``(height, width)`` positive ints, or a ConfigError naming ``caller``."""
    try:
        height, width = (operator.index(s) for s in size)
    except (TypeError, ValueError):
        raise ConfigError(f"{caller}: size must be (height, width) integers, got {size!r}"
                          ) from None
    if height < 1 or width < 1:
        raise ConfigError(f"{caller}: size must be positive, got {size!r}")
    return height, width


def _pillow(caller: str) -> Any:
    """``PIL.Image``, imported lazily, or a ConfigError saying which extra to install."""
    try:
        from PIL import Image
    except ImportError:
        raise ConfigError(f"{caller} needs Pillow: pip install neuronet[images]") from None
    return Image


def _read_image(f: Path, height: int, width: int, grayscale: bool, caller: str) -> np.ndarray:
    """One image file as uint8 pixels of shape (height, width) (or (height, width, 3))."""
    Image = _pillow(caller)
    try:
        with Image.open(f) as im:
            im = im.convert("L" if grayscale else "RGB")
            im = im.resize((width, height), Image.Resampling.BILINEAR)
            return np.asarray(im, dtype=np.uint8)
    except FileNotFoundError:
        raise DataError(f"{f}: no such image file") from None
    # UnidentifiedImageError (not an image) is an OSError; a damaged file can also make one of
    # Pillow's format plugins raise SyntaxError, EOFError, struct.error, IndexError or TypeError.
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError, EOFError,
            struct.error, IndexError, TypeError) as e:
        raise DataError(f"{f}: cannot read image ({e})") from e
