"""Model and checkpoint files: one zip (``.npz``) that is safe to load, whoever wrote it.

A file holds ``__neuronet__.npy``, a uint8 array with a UTF-8 JSON document, followed by one ``.npy``
entry per array (``weights/0.W.npy``, and in checkpoints ``optimizer/m/0.W.npy``). The JSON says::

    {"format": "neuronet-model", "format_version": 1, "kind": "model" | "checkpoint",
     "neuronet_version": "0.1.0", "network": Network.get_config(), "metadata": {...},
     "arrays": {"weights/0.W": {"shape": [784, 128], "dtype": "<f4", "sha256": "..."}, ...},
     "optimizer": {...}, "train_state": {...}}            # the last two in checkpoints only

``np.load(path)`` (with the default ``allow_pickle=False``) can read it too. Loading never unpickles or
evaluates anything and checks everything before it allocates: entries are stored uncompressed, so
every array's size is bounded by the file's own size; each ``.npy`` header must give exactly the shape
the architecture implies and the float dtype the JSON records; each array's SHA-256 must match.
Any problem is a :class:`~neuronet.errors.ModelFileError` with one line naming the file.

Writes are atomic (temporary file in the same directory, fsync, ``os.replace``): a crash or kill at
any moment leaves either the previous file or the new one, never a mix. A symlink is followed (the
file it points to is replaced and the link stays); a path that is a directory, a FIFO or a device is
refused, never replaced.

    net.save("digits.npz", epochs=10, note="first try")
    net2 = neuronet.load("digits.npz")
    info("digits.npz")["metadata"]          # {'epochs': 10, 'note': 'first try'}
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import re
import secrets
import stat
import struct
import time
import zipfile
from typing import TYPE_CHECKING

import numpy as np

from . import checks
from .errors import ConfigError, ModelFileError, NeuronetError
from .history import TrainState
from .layers import LAYERS

if TYPE_CHECKING:   # annotations only: importing these here would be circular
    from .network import Network
    from .optimizers import Optimizer

FORMAT = "neuronet-model"
FORMAT_VERSION = 1
DOC_ENTRY = "__neuronet__.npy"
MAX_JSON_BYTES = 64 << 20      # the description, history included, is far smaller in practice
MAX_NPY_HEADER = 4096          # numpy writes 128-byte headers for arrays like ours
# The most values one example may have at any layer of a loaded network: 2²⁴ (a 2,365 × 2,365 RGB
# image; 64 MB per example in float32), far beyond any network this library trains.
MAX_VALUES_PER_EXAMPLE = 1 << 24
_FLOAT_DTYPES = {"float32": "<f4", "float64": "<f8"}
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)   # fixed, so that the same model always gives the same bytes
_SLOT_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


# --- writing -----------------------------------------------------------------------------------------
def save(network: Network, path: str | os.PathLike, **metadata) -> None:
    """Write ``network`` (architecture, weights, class names, preprocessing) and ``metadata`` to ``path``.

    ``metadata`` values must be JSON data (numbers, strings, booleans, None, lists, dicts with string
    keys); anything else raises ConfigError before the file is touched.
    """
    doc = _document("model", network)
    doc["metadata"] = _jsonable(metadata, "metadata")
    arrays = {f"weights/{name}": a for name, a in network.arrays().items()}
    _write(path, doc, arrays)


def save_checkpoint(path: str | os.PathLike, network: Network, optimizer: Optimizer,
                    state: TrainState, metadata: dict | None = None) -> None:
    """Write everything needed to resume training exactly: weights, optimiser state, ``TrainState``.

    ``metadata`` (JSON data, as for :func:`save`) is kept beside them, e.g. the settings of the run.
    """
    doc = _document("checkpoint", network)
    doc["metadata"] = _jsonable(dict(metadata or {}), "metadata")
    doc["optimizer"] = {"config": _jsonable(optimizer.get_config(), "optimizer config"),
                        "iterations": int(optimizer.iterations)}
    doc["train_state"] = _jsonable(state.to_dict(), "training state")
    arrays = {f"weights/{name}": a for name, a in network.arrays().items()}
    arrays.update({f"optimizer/{key}": a for key, a in optimizer.state_arrays().items()})
    arrays.update({f"callbacks/{i}/{name}": a for i, kept in enumerate(state.callback_arrays)
                   for name, a in kept.items()})
    _write(path, doc, arrays)


def _document(kind: str, network) -> dict:
    from . import __version__

    return {"format": FORMAT, "format_version": FORMAT_VERSION, "kind": kind,
            "neuronet_version": __version__,
            "network": _jsonable(network.get_config(), "network config"), "metadata": {}}


def _jsonable(value, where: str):
    """``value`` as plain JSON data (NumPy scalars become Python numbers), or a ConfigError."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        # .item() of a long double is a long double again, which json cannot write: refused below.
        value = value.item()
        if isinstance(value, (bool, int, float)):
            return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, where) for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise ConfigError(f"{where}: keys must be strings, got {k!r}")
            out[k] = _jsonable(v, f"{where}[{k!r}]")
        return out
    raise ConfigError(f"{where}: {type(value).__name__} value {_short(value)} cannot be stored in a "
                      f"model file; use numbers, strings, booleans, None, lists and dicts")


def _short(value) -> str:
    text = repr(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:57] + "..."


def _write(path, doc: dict, arrays: dict[str, np.ndarray]) -> None:
    path = checks.path(path)
    prepared = {}
    for name, arr in arrays.items():
        arr = np.ascontiguousarray(arr)
        if arr.dtype.kind != "f" or arr.dtype.itemsize not in (4, 8):
            raise ConfigError(f"array {name} has dtype {arr.dtype}; model files hold float32/float64")
        prepared[name] = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
    doc["arrays"] = {name: {"shape": list(a.shape), "dtype": a.dtype.str,
                            "sha256": hashlib.sha256(a.data).hexdigest()}
                     for name, a in prepared.items()}
    text = json.dumps(doc, ensure_ascii=False).encode("utf-8")

    path = _target(path)
    directory = os.path.dirname(path)
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
    try:
        # O_EXCL: never clobber someone else's file; 0o666 lets the umask decide permissions.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise ModelFileError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as zf:
                _write_npy(zf, DOC_ENTRY, np.frombuffer(text, dtype=np.uint8))
                for name, arr in prepared.items():
                    _write_npy(zf, name + ".npy", arr)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as exc:   # also Ctrl-C: never leave the temporary file behind
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise ModelFileError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise
    _fsync_directory(directory)
    _remove_stale_temporaries(directory, os.path.basename(path))


def _target(path: str) -> str:
    """The file a save replaces: ``path`` itself, or, for a symlink, the file it points to (followed,
    so the link stays and points at the new file). Anything that is not a regular file (a directory, a
    FIFO, a device) is refused before anything is written: replacing it would destroy it."""
    target = os.path.realpath(path)
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise ModelFileError(f"cannot write {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        kind = ("a directory" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else
                "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else
                "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
        raise ModelFileError(f"cannot save to {path}: it is {kind}; give the path of a file")
    return target


# A writer killed outright (SIGKILL, power loss) cannot remove its temporary file. The next save of
# the same file does, once the leftover is old enough that no other writer can still be using it.
STALE_TEMPORARY_SECONDS = 600


def _remove_stale_temporaries(directory: str, base: str) -> None:
    prefix, now = f".{base}.", time.time()
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            if entry.name.startswith(prefix) and entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    if now - entry.stat().st_mtime > STALE_TEMPORARY_SECONDS:
                        os.unlink(entry.path)


def _write_npy(zf: zipfile.ZipFile, name: str, arr: np.ndarray) -> None:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, allow_pickle=False)
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    zf.writestr(info, buf.getbuffer())


def _fsync_directory(directory: str) -> None:
    """Make the rename itself durable (POSIX); harmless where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- reading -----------------------------------------------------------------------------------------
def load(path: str | os.PathLike) -> Network:
    """The :class:`~neuronet.network.Network` saved in ``path`` (a model file or a checkpoint)."""
    with _Reader(path) as r:
        return r.guard(lambda: r.network(r.read_arrays()))


def load_checkpoint(path: str | os.PathLike) -> tuple[Network, Optimizer, TrainState]:
    """``(network, optimizer, TrainState)`` from a file written by :func:`save_checkpoint`."""
    with _Reader(path) as r:
        return r.guard(r.checkpoint)


def info(path: str | os.PathLike) -> dict:
    """The file's JSON description (reads no arrays), with ``n_params`` added.

    Keys: ``format``, ``format_version``, ``kind``, ``neuronet_version``, ``network``, ``metadata``,
    ``arrays`` and, for checkpoints, ``optimizer`` and ``train_state``.
    """
    with _Reader(path) as r:
        return r.guard(r.describe)


class _Reader:
    """One open model file, checked step by step; every failure becomes a one-line ModelFileError."""

    def __init__(self, path):
        self.path = checks.path(path)
        try:
            self._file = open(self.path, "rb")  # noqa: SIM115 - closed in __exit__
        except FileNotFoundError:
            raise ModelFileError(f"no such file: {self.path}") from None
        except IsADirectoryError:
            raise ModelFileError(f"{self.path} is a directory, not a model file") from None
        except OSError as exc:
            raise ModelFileError(f"cannot read {self.path}: {exc.strerror or exc}") from None
        self.zf = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        with contextlib.suppress(Exception):
            if self.zf is not None:
                self.zf.close()
        self._file.close()

    def fail(self, problem: str) -> ModelFileError:
        return ModelFileError(f"model file {self.path}: {problem}")

    def guard(self, action):
        """Run ``action``, turning anything a damaged file can make the standard library raise into
        a ModelFileError (the exception's type stays in the message, so real bugs remain visible)."""
        try:
            return action()
        except ModelFileError:
            raise
        except NeuronetError as exc:
            raise self.fail(_one_line(str(exc))) from None
        except zipfile.BadZipFile as exc:
            raise self.fail(f"not a valid zip file ({_one_line(str(exc))})") from None
        except Exception as exc:  # noqa: BLE001 - untrusted input: no raw error may escape
            raise self.fail(f"corrupt ({type(exc).__name__}: {_one_line(str(exc))})") from None

    # --- the JSON description ----------------------------------------------------------------------
    def describe(self) -> dict:
        doc = dict(self.document())
        doc["n_params"] = sum(math.prod(self.expected[k]) for k in self.expected
                              if k.startswith("weights/"))
        return doc

    def document(self) -> dict:
        if self.zf is not None:
            return self.doc
        self.size = os.fstat(self._file.fileno()).st_size
        if self.size == 0:
            raise self.fail("the file is empty")
        try:
            self.zf = zipfile.ZipFile(self._file)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            # Damage to the zip directory makes zipfile seek to impossible offsets (OSError) too.
            raise self.fail(f"not a zip archive, or a damaged one ({_one_line(str(exc))})") from None
        names = [i.filename for i in self.zf.infolist()]
        if len(set(names)) != len(names):
            raise self.fail("corrupt: the archive lists an entry twice")
        self.entries = {i.filename: i for i in self.zf.infolist()}
        if DOC_ENTRY not in self.entries:
            raise self.fail(f"not a neuronet model file (no {DOC_ENTRY} entry)")
        raw = self.read_npy(DOC_ENTRY, (None,), "|u1", MAX_JSON_BYTES)
        try:
            doc = json.loads(raw.tobytes().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise self.fail(f"its description is not valid JSON ({_one_line(str(exc))})") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise self.fail(f"not a neuronet model file (format is not {FORMAT!r})")
        version = doc.get("format_version")
        if type(version) is not int or version < 1:
            raise self.fail(f"format_version must be a positive integer, got {_short(version)}")
        if version > FORMAT_VERSION:
            from . import __version__

            raise self.fail(f"written in format version {version} (by neuronet "
                            f"{_short(doc.get('neuronet_version'))}), but this neuronet {__version__} "
                            f"reads format version {FORMAT_VERSION}; upgrade neuronet to load it")
        if doc.get("kind") not in ("model", "checkpoint"):
            raise self.fail(f"kind must be 'model' or 'checkpoint', got {_short(doc.get('kind'))}")
        # Callers read these without checking (`info(path)["metadata"].get(...)`).
        if not isinstance(doc.setdefault("metadata", {}), dict):
            raise self.fail(f"metadata must be an object, got {_short(doc['metadata'])}")
        self.doc = doc
        self.expected = self.expected_arrays(doc)
        return doc

    def expected_arrays(self, doc: dict) -> dict[str, tuple]:
        """Every array the file must hold, with the shape its architecture implies."""
        net = doc.get("network")
        if not isinstance(net, dict) or not isinstance(net.get("layers"), list):
            raise self.fail("network.layers is missing or not a list")
        for key, kind, name in (("preprocessing", dict, "an object"), ("class_names", list, "a list")):
            if net.get(key) is not None and not isinstance(net[key], kind):
                raise self.fail(f"network.{key} must be {name} or null, got {_short(net[key])}")
        if net.get("dtype", "float32") not in _FLOAT_DTYPES:
            raise self.fail(f"network.dtype must be float32 or float64, got {_short(net.get('dtype'))}")
        self.dtype = _FLOAT_DTYPES[net.get("dtype", "float32")]
        expected: dict[str, tuple] = {}
        for i, layer in enumerate(net["layers"]):
            if not isinstance(layer, dict):
                raise self.fail(f"network.layers[{i}] is not an object")
            expected.update({f"weights/{i}.{k}": shape for k, shape in self.param_shapes(i, layer).items()})
        if doc["kind"] == "checkpoint":
            listed = doc.get("arrays") if isinstance(doc.get("arrays"), dict) else {}
            state = doc.get("train_state")
            n_callbacks = len(state.get("callbacks") or []) if isinstance(state, dict) else 0
            for name in listed:
                parts = name.split("/")
                if parts[0] == "optimizer":
                    if len(parts) != 3 or not _SLOT_NAME.match(parts[1]) or \
                            f"weights/{parts[2]}" not in expected:
                        raise self.fail(f"unexpected optimizer array {_short(name)}")
                elif parts[0] == "callbacks":   # weights a callback keeps (EarlyStopping's best)
                    if len(parts) != 3 or not parts[1].isdigit() or int(parts[1]) >= n_callbacks or \
                            f"weights/{parts[2]}" not in expected:
                        raise self.fail(f"unexpected callback array {_short(name)}")
                else:
                    continue
                expected[name] = expected[f"weights/{parts[2]}"]
        return expected

    def param_shapes(self, i: int, layer: dict) -> dict[str, tuple]:
        """The shapes of the parameters of ``layer`` (the config of layer ``i``), as the layer type itself
        works them out from its settings (:meth:`~neuronet.layers.Layer.param_shapes`): nothing is
        allocated before each array's size has been checked against the file. Unknown types give none;
        they are refused when the network is built."""
        kind = layer.get("type")
        if not isinstance(kind, str) or kind not in LAYERS:
            return {}
        try:
            return LAYERS.entry(kind).array_shapes(layer)
        except ConfigError as exc:
            raise self.fail(f"network.layers[{i}]: {exc}") from None

    # --- the arrays ----------------------------------------------------------------------------------
    def read_arrays(self) -> dict[str, np.ndarray]:
        """Every array, checked against the description and the architecture before it is read."""
        doc = self.document()
        listed = doc.get("arrays")
        if not isinstance(listed, dict):
            raise self.fail("arrays is missing or not an object")
        extra = sorted(listed.keys() - self.expected.keys())
        missing = sorted(self.expected.keys() - listed.keys())
        if extra:
            raise self.fail(f"unexpected array {_short(extra[0])} for this architecture")
        if missing:
            raise self.fail(f"array {missing[0]} is missing from the description")
        wanted = {n + ".npy" for n in listed} | {DOC_ENTRY}
        extra, missing = sorted(self.entries.keys() - wanted), sorted(wanted - self.entries.keys())
        if extra:
            raise self.fail(f"unexpected entry {_short(extra[0])}")
        if missing:
            raise self.fail(f"missing entry {missing[0]}")
        arrays = {}
        for name, shape in self.expected.items():
            spec = listed[name]
            if not isinstance(spec, dict):
                raise self.fail(f"arrays[{name!r}] is not an object")
            if spec.get("shape") != list(shape):
                raise self.fail(f"{name} is listed with shape {_short(spec.get('shape'))}, but the "
                                f"architecture needs {list(shape)}")
            if spec.get("dtype") != self.dtype:
                raise self.fail(f"{name} is listed with dtype {_short(spec.get('dtype'))}, but the "
                                f"network's dtype is {self.dtype}")
            digest = spec.get("sha256")
            if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
                raise self.fail(f"{name} has no valid sha256")
            arr = self.read_npy(name + ".npy", shape, self.dtype)
            if hashlib.sha256(arr.data).hexdigest() != digest:
                raise self.fail(f"corrupt: checksum of {name} does not match")
            arrays[name] = arr
        return arrays

    def read_npy(self, entry: str, shape: tuple, dtype: str, max_bytes: int | None = None) -> np.ndarray:
        """Read one ``.npy`` entry whose header must say exactly ``shape`` (None: any length, up to
        ``max_bytes``) and ``dtype``. Sizes are checked before anything is allocated."""
        info = self.entries[entry]
        label = entry[:-4] if entry.endswith(".npy") else entry
        if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:
            raise self.fail(f"entry {label} is compressed or encrypted; neuronet stores arrays plainly")
        if info.file_size != info.compress_size or info.header_offset + info.compress_size > self.size:
            raise self.fail(f"corrupt: entry {label} claims {info.file_size} bytes, more than the file has")
        try:
            with self.zf.open(info) as f:
                try:
                    header_len, got_shape, fortran, got_dtype = _npy_header(f)
                except (ValueError, TypeError, SyntaxError, struct.error) as exc:
                    raise self.fail(f"{label} has a bad .npy header ({_one_line(str(exc))})") from None
                if got_dtype.str != dtype or got_dtype.hasobject:
                    raise self.fail(f"{label} has dtype {got_dtype.str}, expected {dtype}")
                if fortran:
                    raise self.fail(f"{label} is stored in Fortran order, expected C order")
                if shape == (None,):
                    if len(got_shape) != 1 or got_shape[0] > max_bytes:
                        raise self.fail(f"{label} has shape {got_shape}; expected one dimension "
                                        f"of at most {max_bytes} bytes")
                elif got_shape != shape:
                    raise self.fail(f"{label} has shape {got_shape} in its header, but the architecture "
                                    f"needs {shape}")
                nbytes = math.prod(got_shape) * got_dtype.itemsize
                if info.file_size != header_len + nbytes:
                    raise self.fail(f"corrupt: entry {label} has {info.file_size - header_len} data "
                                    f"bytes, expected {nbytes}")
                data = f.read(nbytes)
                if len(data) != nbytes:
                    raise self.fail(f"{label} is truncated")
                f.read(1)   # reaching the end makes zipfile compare the CRC-32
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            if "CRC" in str(exc):
                raise self.fail(f"corrupt: checksum of {label} does not match (zip CRC-32)") from None
            raise self.fail(f"corrupt entry {label} ({_one_line(str(exc))})") from None
        return np.frombuffer(data, dtype=got_dtype).reshape(got_shape)

    # --- objects -------------------------------------------------------------------------------------
    def network(self, arrays: dict[str, np.ndarray]):
        from .network import Network

        net = Network.from_config(self.doc["network"])
        self.check_widths(net)
        net.set_weights({k[len("weights/"):]: v for k, v in arrays.items() if k.startswith("weights/")})
        return net

    def check_widths(self, net) -> None:
        """Refuse a network whose layers work on more than MAX_VALUES_PER_EXAMPLE values per example.

        Weights are bounded by the file's size, but a layer without weights is not: a MaxPool2D over a
        50,000 × 50,000 image fits in 2 KB and would make every prediction ask for gigabytes."""
        width = net.n_in
        for i, layer in enumerate([None, *net.layers]):
            if i:
                width = layer.output_dim(width)
            if width > MAX_VALUES_PER_EXAMPLE:
                where = "its input" if i == 0 else f"layer {i - 1} ({type(layer).__name__})"
                raise self.fail(f"{where} has {width:,} values per example, more than the "
                                f"{MAX_VALUES_PER_EXAMPLE:,} a model file may ask for")

    def checkpoint(self):
        from . import optimizers
        doc = self.document()
        if doc["kind"] != "checkpoint":
            raise self.fail("this is a model file, not a training checkpoint")
        arrays = self.read_arrays()
        net = self.network(arrays)
        opt_doc = doc.get("optimizer")
        if not isinstance(opt_doc, dict) or not isinstance(opt_doc.get("config"), dict) \
                or type(opt_doc.get("iterations")) is not int or opt_doc["iterations"] < 0:
            raise self.fail("optimizer must hold a config object and a non-negative iteration count")
        opt = optimizers.get(opt_doc["config"])
        state_arrays = {k[len("optimizer/"):]: v for k, v in arrays.items() if k.startswith("optimizer/")}
        try:
            opt.load_state(opt_doc["iterations"], state_arrays)
        except ConfigError as exc:
            raise self.fail(str(exc)) from None
        if not isinstance(doc.get("train_state"), dict):
            raise self.fail("train_state is missing")
        state = TrainState.from_dict(doc["train_state"])
        state.callback_arrays = [{} for _ in state.callbacks]
        for key, arr in arrays.items():
            if key.startswith("callbacks/"):
                _, i, name = key.split("/", 2)
                state.callback_arrays[int(i)][name] = arr
        for i, st in enumerate(state.dropout_rng):
            try:   # a bad generator state would otherwise surface only mid-training
                np.random.default_rng().bit_generator.state = st
            except (TypeError, ValueError, KeyError) as exc:
                raise self.fail(f"train_state.dropout_rng[{i}] is not a generator state ({exc})") from None
        return net, opt, state


def _npy_header(f) -> tuple[int, tuple, bool, np.dtype]:
    """(header length in bytes, shape, fortran_order, dtype) of the ``.npy`` stream ``f``.

    The header's length field is checked before the header is read, and numpy's parser (a literal
    parser, never ``eval``) only ever sees those few bytes.
    """
    fmt = np.lib.format
    major, minor = fmt.read_magic(f)
    if (major, minor) not in ((1, 0), (2, 0)):
        raise ValueError(f"unsupported .npy version {major}.{minor}")
    size_field = f.read(2 if major == 1 else 4)
    if len(size_field) != (2 if major == 1 else 4):
        raise ValueError("truncated .npy header")
    (length,) = struct.unpack("<H" if major == 1 else "<I", size_field)
    if length > MAX_NPY_HEADER:
        raise ValueError(f"header of {length} bytes is too long")
    header = f.read(length)
    if len(header) != length:
        raise ValueError("truncated .npy header")
    stream = io.BytesIO(size_field + header)
    read = fmt.read_array_header_1_0 if major == 1 else fmt.read_array_header_2_0
    shape, fortran, dtype = read(stream, max_header_size=MAX_NPY_HEADER)
    return 6 + 2 + len(size_field) + length, tuple(shape), bool(fortran), dtype


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:197] + "..."


__all__ = ["FORMAT", "FORMAT_VERSION", "info", "load", "load_checkpoint", "save", "save_checkpoint"]
