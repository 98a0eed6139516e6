"""Helpers the command-line tests share (tests/test_cli*.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from neuronet import datasets
from neuronet.errors import DownloadError


def drawn_one(folder: Path) -> Path:
    """A PNG of a "1" as a user draws it (a black stroke on white, 120x160), saved in ``folder``."""
    Image = pytest.importorskip("PIL.Image")
    ImageDraw = pytest.importorskip("PIL.ImageDraw")
    img = Image.new("L", (120, 160), 255)
    ImageDraw.Draw(img).line([(60, 20), (60, 140)], fill=0, width=14)
    path = folder / "one.png"
    img.save(path)
    return path


def go_offline(monkeypatch, folder: Path) -> None:
    """No dataset anywhere neuronet looks (all of it under the empty ``folder``), and every download
    failing as with no network: the machine a first-time user may have."""
    monkeypatch.setenv("NEURONET_DATA", str(folder / "empty"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder / "cache"))
    monkeypatch.setattr(datasets.locate, "SYSTEM_DATA_DIR", folder / "system")

    def offline(*args, **kwargs):
        raise DownloadError("cannot connect (test: offline)")

    monkeypatch.setattr(datasets.catalog, "download_dataset", offline)
