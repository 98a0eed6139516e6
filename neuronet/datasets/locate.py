"""Where a dataset's files are looked for on disk, in this order:

1. the ``data_dir`` argument (``--data-dir`` on the command line): the folder itself, then its
   ``<name>/`` subfolder;
2. ``$NEURONET_DATA/<name>``;
3. the user cache, ``$XDG_CACHE_HOME/neuronet/<name>`` (default ``~/.cache/neuronet/<name>``),
   which is also where downloads go;
4. the system folder :data:`SYSTEM_DATA_DIR` ``/<name>`` (Debian's ``dataset-fashion-mnist``
   installs into ``/usr/share/datasets/fashion-mnist``).

A folder counts only if it holds *all* files of the dataset, so a half-finished copy is passed
over rather than mixed with another. Each file may be present gzipped (``train-images-idx3-ubyte.gz``)
or already decompressed (``train-images-idx3-ubyte``). Nothing here reads a file: :mod:`.catalog`
loads what :func:`locate` finds, and the not-found message lists every folder :func:`candidates`
gave.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .sources import DatasetInfo

#: System-wide dataset folder; tests monkeypatch it.
SYSTEM_DATA_DIR = Path("/usr/share/datasets")


@dataclass(frozen=True)
class Candidate:
    """A folder that may hold a dataset, and why it is searched (e.g. ``"NEURONET_DATA"``)."""

    origin: str
    path: Path


def cache_root() -> Path:
    """The user cache folder for neuronet, honouring ``XDG_CACHE_HOME``."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root / "neuronet"


def cache_dir(name: str) -> Path:
    """The cache folder of one dataset (downloads are moved here)."""
    return cache_root() / name


def candidates(name: str, data_dir: str | os.PathLike | None = None) -> list[Candidate]:
    """Folders searched for dataset ``name``, in order of preference (see the module docstring)."""
    found: list[Candidate] = []
    if data_dir is not None:
        found.append(Candidate("data_dir", Path(data_dir)))
        found.append(Candidate("data_dir", Path(data_dir) / name))
    env = os.environ.get("NEURONET_DATA")
    if env:
        found.append(Candidate("NEURONET_DATA", Path(env) / name))
    found.append(Candidate("cache", cache_dir(name)))
    found.append(Candidate("system", SYSTEM_DATA_DIR / name))
    return found


def resolve_files(folder: Path, spec: DatasetInfo) -> list[Path] | None:
    """Paths of ``spec``'s files in ``folder`` (gzipped or not); None if any is missing."""
    paths = []
    for f in spec.files:
        options = [folder / f.name]
        if f.name.endswith(".gz"):
            options.append(folder / f.name[: -len(".gz")])
        hit = next((p for p in options if p.is_file()), None)
        if hit is None:
            return None
        paths.append(hit)
    return paths


def locate(
    spec: DatasetInfo, data_dir: str | os.PathLike | None = None
) -> tuple[Candidate | None, list[Path] | None, list[Candidate]]:
    """Find the first folder holding all files of ``spec``.

    Returns:
        ``(where, files, tried)``: the winning candidate and its file paths (both None when no
        folder has the files) and every candidate that was searched.
    """
    tried = candidates(spec.name, data_dir)
    for cand in tried:
        files = resolve_files(cand.path, spec)
        if files is not None:
            return cand, files, tried
    return None, None, tried
