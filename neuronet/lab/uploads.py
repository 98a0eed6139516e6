"""The playground's own data: a CSV of points in the plane sent from the page.

The page sends the file's bytes (base64, in a JSON object with its name); they are read by
:func:`neuronet.datasets.read_csv`, the very rules and checks of :func:`~neuronet.datasets.load_csv`,
then :func:`neuronet.recipe.plane_points` asks for two coordinate columns and at least two classes.
The lab keeps a few uploads (``LIMITS["uploads"]``, the oldest unused one goes first), each under a
key made from its name and bytes, which a playground setting (``{"dataset": "csv", "upload": key}``),
and so a link, names.

>>> table = b"x,y,class\\n0,0,a\\n1,1,b\\n" * 5
>>> upload = parse_upload({"name": "p.csv", "data": base64.b64encode(table).decode()})
>>> upload.class_names
('a', 'b')
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from ..datasets import read_csv
from ..errors import ConfigError, DataError
from ..recipe import plane_points
from ..viz import CLASS_COLOURS
from .checks import json_object, shown

#: ``bytes``: the largest file (256 KiB holds 2,000 points many times over); ``points``: rows kept
#: (the playground's own cap); ``classes``: one colour each; ``uploads``: files kept at once.
LIMITS = {"bytes": 256 * 1024, "points": 2000, "min_points": 10, "classes": len(CLASS_COLOURS),
          "uploads": 8}
#: A plain file name: letters, digits, spaces and a few marks (no folders, no control characters),
#: since it is shown on the page, quoted in messages and written into the downloaded script.
_NAME = re.compile(r"[\w .,()+-]{1,80}")


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its key, name, points (n, 2) float32, labels (n,) int64 and class names."""

    key: str
    name: str
    x: np.ndarray
    y: np.ndarray
    class_names: tuple[str, ...]

    def summary(self) -> dict:
        """What the page is told of it: key, name, number of points, class names."""
        return {"upload": self.key, "name": self.name, "points": len(self.y),
                "classes": list(self.class_names)}


def _decoded(data) -> bytes:
    if not isinstance(data, str):
        raise ConfigError(f"data must be the file's bytes in base64, got {shown(data)}")
    if len(data) > (LIMITS["bytes"] + 2) // 3 * 4 + 4:   # checked before decoding anything
        raise DataError(f"the file is larger than {LIMITS['bytes'] // 1024} KiB, the most the lab takes")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise DataError("data is not valid base64") from None
    if len(raw) > LIMITS["bytes"]:
        raise DataError(f"the file is larger than {LIMITS['bytes'] // 1024} KiB, the most the lab takes")
    return raw


def parse_upload(body) -> Upload:
    """``{"name": "points.csv", "data": base64}`` -> an :class:`Upload`, or one ConfigError/DataError
    line: not a plain file name, not base64, too large, not a CSV ``load_csv`` reads, not 2-D points of
    2 to ``LIMITS["classes"]`` classes, fewer than ``LIMITS["min_points"]`` or more than
    ``LIMITS["points"]`` rows."""
    body = json_object(body, {"name", "data"})
    name = body.get("name", "upload.csv")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ConfigError(f"name must be a plain file name (letters, digits, spaces, . , ( ) + -; at most "
                          f"80), got {shown(name)}")
    raw = _decoded(body.get("data"))
    x, y, names = plane_points(read_csv(raw, name), name)
    if not LIMITS["min_points"] <= len(y) <= LIMITS["points"]:
        raise DataError(f"{name}: {len(y)} points; the playground takes {LIMITS['min_points']} to "
                        f"{LIMITS['points']}")
    if len(names) > LIMITS["classes"]:
        raise DataError(f"{name}: {len(names)} classes ({shown(list(names))}); the playground shows at most "
                        f"{LIMITS['classes']} (a number to predict is not read from a CSV)")
    key = hashlib.sha256(name.encode() + b"\0" + raw).hexdigest()[:16]   # the same file, the same key
    return Upload(key, name, x, y, names)


class Uploads:
    """The uploads kept, by key, at most ``LIMITS["uploads"]``: the oldest unused one goes first."""

    def __init__(self, limit: int = LIMITS["uploads"]):
        self._items: OrderedDict[str, Upload] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def add(self, upload: Upload) -> Upload:
        with self._lock:
            self._items[upload.key] = upload
            self._items.move_to_end(upload.key)
            while len(self._items) > self._limit:
                self._items.popitem(last=False)
        return upload

    def get(self, key: str) -> Upload:
        with self._lock:
            if key not in self._items:
                raise ConfigError(f"no uploaded CSV {shown(key)} on this server (uploads are kept while "
                                  f"the lab runs, {self._limit} at most); upload the file again")
            self._items.move_to_end(key)
            return self._items[key]

    def __len__(self) -> int:
        return len(self._items)
