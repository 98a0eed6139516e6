"""Downloads: a dataset's files fetched from its mirrors into the user cache, each one verified.

A file is written to a temporary file *inside the destination folder*, checked, and only then
moved into place with :func:`os.replace`, so an interrupted or corrupt download never leaves a file
behind that a later run could mistake for a good one. The check is the size and SHA-256 that
:mod:`.sources` lists for the file where it knows them, otherwise the IDX structure (see
:mod:`.idx`). Mirrors are tried in turn; if all fail, one :class:`~neuronet.errors.DownloadError`
says why each one did.

Only the standard library is needed; ``tqdm`` draws a progress bar when it is installed.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import DataError, DownloadError
from .idx import read_idx
from .sources import DatasetInfo, FileSpec

#: Seconds to wait for a connection or for the next block of data.
DEFAULT_TIMEOUT = 30.0
# 64 KiB per read: small enough for a smooth progress bar, large enough to cost nothing.
_BLOCK = 1 << 16
_USER_AGENT = "neuronet-datasets/0.1 (+python urllib)"


def download_file(
    urls: Sequence[str],
    dest: str | os.PathLike,
    *,
    sha256: str | None = None,
    size: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    progress: bool = True,
    verify: Callable[[Path], None] | None = None,
) -> Path:
    """Fetch one file from the first of ``urls`` that delivers a good copy, into ``dest``.

    Args:
        urls: full URLs of the same file, tried in order.
        dest: final path; its folder is created if needed.
        sha256, size: expected digest (hex) and length; ``None`` skips that check.
        timeout: seconds for connecting and for each read.
        progress: show a progress bar (tqdm if installed, else one line per file on stderr).
        verify: extra check run on the complete temporary file; raise DataError to reject it.

    Returns:
        ``dest`` as a Path.

    Raises:
        DownloadError: every URL failed; the message says why for each.
    """
    dest = Path(dest)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DownloadError(f"could not download {dest.name}: cannot create folder "
                            f"{dest.parent} ({e.strerror or e})") from e
    failures = []
    for url in urls:
        try:
            _fetch_one(url, dest, sha256, size, timeout, progress, verify)
            return dest
        except (DataError, OSError, http.client.HTTPException, ValueError) as e:
            failures.append(f"{url}: {_reason(e)}")
    tried = "; ".join(failures) if failures else "no mirror URLs given"
    raise DownloadError(f"could not download {dest.name}: {tried}")


def download_dataset(
    spec: DatasetInfo,
    dest_dir: str | os.PathLike,
    *,
    mirrors: Sequence[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    progress: bool = True,
) -> list[Path]:
    """Download every file of ``spec`` into ``dest_dir``, reusing files already verified there.

    Files with a known SHA-256 are checked against it; files without one are checked to be
    well-formed IDX files (magic number, dimensions, payload length).

    Returns:
        The paths of ``spec.files``, in their order (train images, train labels, test images,
        test labels).

    Raises:
        DownloadError: a file could not be fetched from any mirror.
    """
    dest_dir = Path(dest_dir)
    bases = list(spec.mirrors if mirrors is None else mirrors)
    paths = []
    try:
        for f in spec.files:
            dest = dest_dir / f.name
            if not (dest.is_file() and _already_good(dest, f)):
                urls = [base.rstrip("/") + "/" + f.name for base in bases]
                download_file(
                    urls,
                    dest,
                    sha256=f.sha256,
                    size=f.size,
                    timeout=timeout,
                    progress=progress,
                    verify=None if f.sha256 else _check_idx,
                )
            paths.append(dest)
    except BaseException:
        # Leave no trace of a download that never delivered anything: drop an empty cache folder.
        with contextlib.suppress(OSError):
            dest_dir.rmdir()
        raise
    return paths


def sha256_of(path: str | os.PathLike) -> str:
    """Hex SHA-256 digest of a file, read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _check_idx(path: Path) -> None:
    """Raise DataError unless ``path`` is a well-formed IDX file (it is read in full)."""
    read_idx(path)


def _already_good(path: Path, f: FileSpec) -> bool:
    """Whether a file already in the cache passes the check a fresh download of ``f`` would."""
    try:
        if f.sha256 is not None:
            return sha256_of(path) == f.sha256.lower()
        _check_idx(path)
        return True
    except (DataError, OSError):
        return False


def _reason(e: BaseException) -> str:
    """Why one mirror failed, in a few words for the one-line DownloadError."""
    if isinstance(e, urllib.error.HTTPError):
        return f"HTTP {e.code}"
    if isinstance(e, urllib.error.URLError):
        return f"cannot connect ({e.reason})"
    if isinstance(e, http.client.IncompleteRead):
        return f"connection closed after {len(e.partial)} more bytes ({e.expected} missing)"
    if isinstance(e, TimeoutError):
        return "timed out"
    return str(e) or type(e).__name__


def _fetch_one(url: str, dest: Path, sha256: str | None, size: int | None, timeout: float,
               progress: bool, verify: Callable[[Path], None] | None) -> None:
    """Fetch ``url`` into a temporary file beside ``dest``, check it, then move it onto ``dest``.

    Raises on the first sign of a bad copy (announced or received length, digest, ``verify``);
    the temporary file is removed whatever happens.
    """
    # The temporary file keeps dest's suffix so that verify (read_idx) sees ".gz".
    suffix = ".part.gz" if dest.suffix == ".gz" else ".part"
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=suffix)
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(request, timeout=timeout) as resp:
            announced = resp.headers.get("Content-Length")
            announced = int(announced) if announced and announced.isdigit() else None
            if size is not None and announced is not None and announced != size:
                raise DownloadError(f"server announces {announced} bytes, expected {size}")
            bar = _progress_bar(dest.name, announced or size, url) if progress else None
            got = 0
            try:
                while block := resp.read(_BLOCK):
                    got += len(block)
                    if size is not None and got > size:
                        raise DownloadError(f"more than the expected {size} bytes")
                    digest.update(block)
                    out.write(block)
                    if bar is not None:
                        bar.update(len(block))
            finally:
                if bar is not None:
                    bar.close()
        if announced is not None and got != announced:
            raise DownloadError(f"connection closed after {got} of {announced} bytes")
        if size is not None and got != size:
            raise DownloadError(f"got {got} bytes, expected {size}")
        if sha256 is not None and digest.hexdigest() != sha256.lower():
            raise DownloadError(f"sha256 mismatch: got {digest.hexdigest()}, expected {sha256}")
        if verify is not None:
            verify(tmp)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


class _LineProgress:
    """Fallback when tqdm is not installed: one line when the file is done."""

    def __init__(self, name: str, url: str) -> None:
        self.name, self.done = name, 0
        print(f"downloading {name} from {url} ...", file=sys.stderr, flush=True)

    def update(self, n: int) -> None:
        self.done += n

    def close(self) -> None:
        print(f"  {self.name}: {self.done} bytes", file=sys.stderr, flush=True)


def _progress_bar(name: str, total: int | None, url: str) -> Any:
    """A tqdm bar, or :class:`_LineProgress`; both offer ``update(n)`` and ``close()``."""
    try:
        from tqdm import tqdm
    except ImportError:
        return _LineProgress(name, url)
    return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=name,
                file=sys.stderr, leave=False)
