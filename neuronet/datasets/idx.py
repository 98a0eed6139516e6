"""IDX files, the format of MNIST and its relatives: read and write them, raw or gzip-compressed.

An IDX file is a short header followed by one array, its elements in C order, big-endian:

==========  =======  ===========================================================
offset      bytes    content
==========  =======  ===========================================================
0           2        ``00 00``
2           1        type code ``TT`` of the elements (table below)
3           1        number of dimensions ``NN`` (1 for labels, 3 for images)
4           4·NN     the size of each dimension, big-endian uint32
4 + 4·NN    rest     ``prod(sizes)`` elements of ``itemsize`` bytes each
==========  =======  ===========================================================

The first four bytes together are the *magic number* ``00 00 TT NN``; the error messages call
them that.

====  ==============  ========
code  element         itemsize
====  ==============  ========
0x08  unsigned byte   1
0x09  signed byte     1
0x0B  short (int16)   2
0x0C  int (int32)     4
0x0D  float32         4
0x0E  float64         8
====  ==============  ========

So MNIST's training images start ``00 00 08 03`` then 60000, 28, 28: a 16-byte header and
60000·28·28 = 47 040 000 bytes of uint8 pixels, read back as an array of shape ``(60000, 28, 28)``;
its labels start ``00 00 08 01`` then 60000: an 8-byte header and one byte per label, shape
``(60000,)``.

The reader trusts nothing. It checks the two zero bytes, the type code and the number of
dimensions, and, from the size on disk, that the payload is exactly ``prod(sizes) * itemsize``
bytes long *before* it allocates the array, so a 100-byte file that claims 10**9 images is refused
at once. A ``.gz`` file is decompressed as it is read and no more than the claimed payload plus one
byte is taken from it, so a gzip bomb or a cut-off stream is refused without ever holding more
than the claimed size. Every problem is one :class:`~neuronet.errors.DataError` naming the file.

Example::

    write_idx("labels.idx1-ubyte.gz", np.array([3, 1, 4], dtype=np.uint8))
    read_idx("labels.idx1-ubyte.gz")        # array([3, 1, 4], dtype=uint8)
"""

from __future__ import annotations

import contextlib
import gzip
import math
import os
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np

from .. import checks
from ..errors import DataError, ShapeError

#: Type code -> big-endian element type as stored in the file.
TYPE_CODES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

#: Largest payload (bytes) the reader accepts unless told otherwise; larger claims are refused
#: before anything is read. 2 GiB is ~40x the biggest MNIST-style file.
MAX_PAYLOAD_BYTES = 2 * 1024**3

# Deflate cannot compress better than about 1032:1, so a .gz file that claims a payload far
# beyond that ratio of its own size is lying, and can be refused without decompressing it.
_MAX_DEFLATE_RATIO = 1100
_MAX_NDIM = 16
_CHUNK = 1 << 20


def read_idx(path: str | os.PathLike, *, max_bytes: int | None = None) -> np.ndarray:
    """Read an IDX file (``.gz`` by suffix) into a native-endian array of the stored shape.

    The header's sizes become the shape: an ``idx3`` image file gives ``(n, height, width)``, an
    ``idx1`` label file ``(n,)``.

    Args:
        path: the file; a name ending in ``.gz`` is decompressed on the fly.
        max_bytes: refuse payloads larger than this many bytes, a non-negative integer (default
            :data:`MAX_PAYLOAD_BYTES`); anything else is a ConfigError.

    Returns:
        Array with shape ``dims`` and the dtype of the file's type code (uint8 for images).

    Raises:
        DataError: bad magic number, unknown type code, impossible dimensions, a payload whose
            length differs from what the header claims, or a corrupt gzip stream.
    """
    path = Path(path)
    limit = (MAX_PAYLOAD_BYTES if max_bytes is None
             else checks.non_negative_int(max_bytes, "read_idx: max_bytes"))
    with _open_idx(path) as (stream, file_size):
        if path.suffix == ".gz":
            return _read_stream(stream, path, limit, compressed_size=file_size)
        return _read_stream(stream, path, limit, file_size=file_size)


def read_idx_header(path: str | os.PathLike) -> tuple[np.dtype, tuple[int, ...]]:
    """``(dtype, dims)`` from an IDX file's header, without reading the payload.

    ``dtype`` is the big-endian element type as stored (e.g. ``>u1``) and ``dims`` the sizes, e.g.
    ``(60000, 28, 28)``; a bad header raises DataError as in :func:`read_idx`.
    """
    path = Path(path)
    with _open_idx(path) as (stream, _):
        return _read_header(stream, path)


@contextlib.contextmanager
def _open_idx(path: Path) -> Iterator[tuple[BinaryIO, int]]:
    """Yield ``(stream, size of the file on disk)``, gunzipping ``.gz`` files.

    Every OS or gzip failure inside the ``with`` block, including those raised while the caller
    reads the stream, becomes one DataError naming ``path``.
    """
    try:
        file_size = path.stat().st_size
        with open(path, "rb") as raw:
            if path.suffix == ".gz":
                with gzip.GzipFile(fileobj=raw, mode="rb") as stream:
                    yield stream, file_size
            else:
                yield raw, file_size
    except FileNotFoundError as e:
        raise DataError(f"{path}: no such file") from e
    except IsADirectoryError as e:
        raise DataError(f"{path}: is a directory, expected an IDX file") from e
    except (gzip.BadGzipFile, EOFError, zlib.error) as e:
        # The ways gzip reports a broken or cut-off stream.
        raise DataError(f"{path}: corrupt or truncated gzip data ({e})") from e
    except OSError as e:
        raise DataError(f"{path}: cannot read ({e.strerror or e})") from e


def write_idx(path: str | os.PathLike, array: np.ndarray) -> Path:
    """Write ``array`` as an IDX file, gzip-compressed when the name ends in ``.gz``.

    The file appears atomically: it is written to a temporary file in the same folder and moved
    into place, so a reader never sees half a file. Gzip output is reproducible (mtime 0).

    Args:
        path: destination file.
        array: at least 1-D, dtype uint8, int8, int16, int32, float32 or float64.

    Returns:
        The path written.

    Raises:
        ShapeError: a dtype without a type code, or a shape the reader would refuse.
        DataError: the file cannot be written (no permission, disk full); the old file, if
            any, is left as it was.
    """
    path = Path(path)
    array = np.asarray(array)
    code = _code_for(array.dtype)
    # The reader's limit, so that whatever is written can be read back.
    if not 1 <= array.ndim <= _MAX_NDIM:
        raise ShapeError(
            f"write_idx: array must have 1..{_MAX_NDIM} dimensions, got {array.ndim}"
        )
    if any(d >= 2**32 for d in array.shape):
        raise ShapeError(f"write_idx: every dimension must be < 2**32, got {array.shape}")
    header = bytes([0, 0, code, array.ndim]) + b"".join(
        int(d).to_bytes(4, "big") for d in array.shape
    )
    # A byte view, not .tobytes(): native uint8 images are written without any full-size copy.
    payload = np.ascontiguousarray(array, dtype=TYPE_CODES[code]).reshape(-1).view(np.uint8)

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise DataError(f"{path}: cannot write ({e.strerror or e})") from e
    try:
        with os.fdopen(fd, "wb") as out:
            if path.suffix == ".gz":
                with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz:
                    gz.write(header)
                    gz.write(payload)
            else:
                out.write(header)
                out.write(payload)
        os.replace(tmp_name, path)
    except BaseException as e:
        Path(tmp_name).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise DataError(f"{path}: cannot write ({e.strerror or e})") from e
        raise
    return path


def _code_for(dtype: np.dtype) -> int:
    """The IDX type code of ``dtype`` (by kind and itemsize, so byte order does not matter)."""
    for code, stored in TYPE_CODES.items():
        if np.dtype(dtype).kind == stored.kind and np.dtype(dtype).itemsize == stored.itemsize:
            return code
    raise ShapeError(
        f"write_idx: dtype {np.dtype(dtype)} has no IDX type code "
        "(use uint8, int8, int16, int32, float32 or float64)"
    )


def _read_exact(stream: BinaryIO, n: int, path: Path, what: str) -> bytes:
    """Exactly ``n`` bytes of ``stream``, or a DataError saying the file ends inside ``what``."""
    data = stream.read(n)
    if len(data) != n:
        raise DataError(f"{path}: file ends inside the {what} ({len(data)} of {n} bytes)")
    return data


def _read_header(stream: BinaryIO, path: Path) -> tuple[np.dtype, tuple[int, ...]]:
    """The stored dtype and the sizes from the header at the start of ``stream``, checked."""
    magic = _read_exact(stream, 4, path, "magic number")
    if magic[0] != 0 or magic[1] != 0:
        raise DataError(
            f"{path}: not an IDX file (magic number {magic.hex()} should start with 0000)"
        )
    code, ndim = magic[2], magic[3]
    if code not in TYPE_CODES:
        known = ", ".join(f"0x{c:02X}" for c in TYPE_CODES)
        raise DataError(f"{path}: unknown IDX type code 0x{code:02X} (expected one of {known})")
    if not 1 <= ndim <= _MAX_NDIM:
        raise DataError(f"{path}: IDX header claims {ndim} dimensions (expected 1..{_MAX_NDIM})")
    raw_dims = _read_exact(stream, 4 * ndim, path, "dimension sizes")
    dims = tuple(int.from_bytes(raw_dims[4 * i : 4 * i + 4], "big") for i in range(ndim))
    return TYPE_CODES[code], dims


def _read_stream(
    stream: BinaryIO,
    path: Path,
    limit: int,
    *,
    file_size: int | None = None,
    compressed_size: int | None = None,
) -> np.ndarray:
    """Header and payload of ``stream`` as an array of shape ``dims``, checked against the sizes.

    ``file_size`` (raw files) lets the payload length be checked before anything is read;
    ``compressed_size`` (gzip) bounds what a stream of that size could honestly expand to.
    """
    dtype, dims = _read_header(stream, path)
    header_len = 4 + 4 * len(dims)
    # Python ints: the product cannot overflow, however absurd the claim.
    expected = math.prod(dims) * dtype.itemsize
    shape_text = "x".join(map(str, dims))
    if expected > limit:
        raise DataError(
            f"{path}: header claims {shape_text} {dtype.name} = {expected} bytes, "
            f"over the {limit}-byte limit"
        )
    if file_size is not None and file_size - header_len != expected:
        raise DataError(
            f"{path}: header claims {shape_text} {dtype.name} = {expected} payload bytes, "
            f"file has {file_size - header_len}"
        )
    if compressed_size is not None and expected > _MAX_DEFLATE_RATIO * compressed_size + 4096:
        raise DataError(
            f"{path}: header claims {expected} payload bytes, impossible for a "
            f"{compressed_size}-byte gzip file"
        )

    # np.empty only reserves address space; pages are committed as data arrives, so a truncated
    # stream costs no more memory than the bytes it actually held.
    buf = np.empty(expected, dtype=np.uint8)
    view = memoryview(buf)
    got = 0
    while got < expected:
        n = stream.readinto(view[got : got + _CHUNK])
        if not n:
            raise DataError(
                f"{path}: payload truncated: header claims {shape_text} {dtype.name} "
                f"= {expected} bytes, file has {got}"
            )
        got += n
    if stream.read(1):
        raise DataError(
            f"{path}: trailing data after the {expected}-byte payload that the header claims "
            f"({shape_text} {dtype.name})"
        )
    data = buf.view(dtype)
    if not dtype.isnative:
        data = data.byteswap(inplace=True).view(dtype.newbyteorder("="))
    return data.reshape(dims)
