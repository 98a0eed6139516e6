"""Test helpers that take model files apart and put them back together, to damage them on purpose."""

import io
import json
import zipfile

import numpy as np

from neuronet import modelfile


def entries(path) -> dict[str, bytes]:
    """The file's zip entries by name."""
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def rebuild(path, content: dict[str, bytes]) -> None:
    """Write ``content`` as a fresh, CRC-valid zip: damage that only our own checks can catch."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for name, data in content.items():
            zf.writestr(name, data)


def npy_bytes(arr) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.asarray(arr), allow_pickle=False)
    return buf.getvalue()


def edit_doc(path, change) -> None:
    """Rewrite the file's JSON description with ``change(doc)`` applied, as a valid zip again."""
    content = entries(path)
    doc = json.loads(np.load(io.BytesIO(content[modelfile.DOC_ENTRY])).tobytes())
    change(doc)
    content[modelfile.DOC_ENTRY] = npy_bytes(np.frombuffer(json.dumps(doc).encode(), np.uint8))
    rebuild(path, content)
